import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { crossmeshApiRef } from '../api';
import { FakeCrossmeshApi } from '../__testUtils__/FakeCrossmeshApi';
import {
  activeRequest,
  alice,
  catalogEntities,
  svc2Request,
} from '../__testUtils__/requests';
import crossmeshPlugin from './plugin';

jest.setTimeout(30_000);

function apis() {
  return [
    [
      crossmeshApiRef,
      new FakeCrossmeshApi({
        actor: alice,
        requests: [svc2Request, activeRequest],
      }),
    ],
    mockApis.identity({ userEntityRef: alice }),
    mockApis.permission(),
    catalogApiMock({ entities: catalogEntities }),
  ] as const;
}

describe('crossmesh approvals page extension', () => {
  it('serves the approvals inbox at /crossmesh/approvals', async () => {
    renderTestApp({
      features: [crossmeshPlugin],
      initialRouteEntries: ['/crossmesh/approvals'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: apis(),
    });

    expect(
      await screen.findByRole(
        'heading',
        { name: 'Approvals', level: 1 },
        // The page is loaded lazily, and compiled on first use in tests.
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    const table = await screen.findByRole('table', {
      name: 'Pending requests',
    });
    expect(
      within(table).getByRole('rowheader', { name: 'svc-2.bar.global' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Decided' })).toHaveAttribute(
      'href',
      '/crossmesh/approvals/decided',
    );
  });

  it('serves the Decided tab below it', async () => {
    renderTestApp({
      features: [crossmeshPlugin],
      initialRouteEntries: ['/crossmesh/approvals/decided'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: apis(),
    });

    const table = await screen.findByRole(
      'table',
      { name: 'Decided requests' },
      { timeout: 10_000 },
    );
    expect(
      within(table).getByRole('rowheader', { name: 'ledger.pay.global' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Decided' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('adds Approvals to the navigation', async () => {
    renderTestApp({ features: [crossmeshPlugin], apis: apis() });

    expect(
      await screen.findByRole('link', { name: /Approvals/ }),
    ).toHaveAttribute('href', '/crossmesh/approvals');
  });
});
