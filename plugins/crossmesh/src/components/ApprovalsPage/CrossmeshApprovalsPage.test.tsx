import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { crossmeshApiRef } from '../../api';
import { CrossmeshApprovalsPage } from '../../plugin';
import { FakeCrossmeshApi } from '../../__testUtils__/FakeCrossmeshApi';
import {
  alice,
  catalogEntities,
  svc2Request,
} from '../../__testUtils__/requests';

jest.setTimeout(30_000);

describe('CrossmeshApprovalsPage', () => {
  it('renders the approvals inbox in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            crossmeshApiRef,
            new FakeCrossmeshApi({ actor: alice, requests: [svc2Request] }),
          ],
          [identityApiRef, mockApis.identity({ userEntityRef: alice })],
          [permissionApiRef, mockApis.permission()],
          [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        ]}
      >
        <Routes>
          <Route
            path="/crossmesh/approvals/*"
            element={<CrossmeshApprovalsPage />}
          />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/crossmesh/approvals'],
        // The Component column links to the catalog's entity page.
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    // The page is loaded lazily, and compiled on first use in tests.
    const table = await screen.findByRole(
      'table',
      { name: 'Pending requests' },
      { timeout: 10_000 },
    );
    expect(
      within(table).getByRole('rowheader', { name: 'svc-2.bar.global' }),
    ).toBeInTheDocument();
  });
});
