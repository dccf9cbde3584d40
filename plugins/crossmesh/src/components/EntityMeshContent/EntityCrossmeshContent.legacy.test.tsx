import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { screen, within } from '@testing-library/react';
import { crossmeshApiRef } from '../../api';
import { EntityCrossmeshContent, isCrossmeshAvailable } from '../../index';
import {
  activeRequest,
  bob,
  svc2,
  teamB,
} from '../../__testUtils__/ownerFixtures';
import { fakeOwnerApi } from '../../__testUtils__/renderMeshTab';

describe('EntityCrossmeshContent in a legacy app', () => {
  it('renders the Mesh tab content of the entity in context', async () => {
    expect(isCrossmeshAvailable(svc2)).toBe(true);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [crossmeshApiRef, fakeOwnerApi([activeRequest])],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: bob,
              ownershipEntityRefs: [bob, teamB],
            }),
          ],
          [
            permissionApiRef,
            mockApis.permission({
              authorize: 'ALLOW' as AuthorizeResult.ALLOW,
            }),
          ],
        ]}
      >
        <EntityProvider entity={svc2}>
          <EntityCrossmeshContent />
        </EntityProvider>
      </TestApiProvider>,
    );

    const table = await screen.findByRole('table', { name: 'Exposures' });
    expect(within(table).getByText('Active')).toBeInTheDocument();
    expect(
      within(table).getByRole('button', { name: 'Revoke' }),
    ).toBeInTheDocument();
  });
});
