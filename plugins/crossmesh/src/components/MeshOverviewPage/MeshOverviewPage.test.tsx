import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CrossmeshApi, crossmeshApiRef } from '../../api';
import {
  downCluster,
  eastCluster,
  westCluster,
} from '../../testUtils/clusters';
import { backendError, fakeApi, never } from './__testUtils__/overviewFixtures';
import { MeshOverviewPage } from './MeshOverviewPage';

function renderPage(api: Partial<CrossmeshApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[crossmeshApiRef, api]]}>
      <MeshOverviewPage />
    </TestApiProvider>,
  );
}

describe('MeshOverviewPage', () => {
  it('shows one row per cluster', async () => {
    renderPage({
      listClusters: async () => ({
        items: [eastCluster, westCluster, downCluster],
      }),
    });

    expect(
      screen.getByRole('heading', { name: 'Mesh overview' }),
    ).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Mesh clusters' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);

    const east = rows.find(row => within(row).queryByText('east'))!;
    expect(within(east).getByRole('rowheader')).toHaveTextContent('east');
    expect(within(east).getByRole('cell', { name: /Reachable/ })).toBeVisible();
    expect(within(east).getByRole('cell', { name: /1\.6\.8/ })).toBeVisible();
    expect(
      within(east).getByRole('cell', { name: /Legacy \.global.*Detected/ }),
    ).toBeVisible();
    expect(
      within(east).getByRole('cell', {
        name: /10\.0\.0\.10:15443.*LoadBalancer/,
      }),
    ).toBeVisible();

    const west = rows.find(row => within(row).queryByText('west'))!;
    expect(
      within(west).getByRole('cell', { name: /DNS proxy.*Configured/ }),
    ).toBeVisible();
    expect(
      within(west).getByRole('cell', { name: /west\.example\.com:31443/ }),
    ).toBeVisible();

    const down = rows.find(row => within(row).queryByText('down'))!;
    expect(
      within(down).getByRole('cell', { name: 'Unreachable' }),
    ).toBeVisible();
    expect(
      within(down).getByRole('cell', { name: downCluster.error }),
    ).toBeVisible();
    expect(
      within(down).getByRole('cell', {
        name: 'No address found or configured',
      }),
    ).toBeVisible();
  });

  it('shows progress while loading', async () => {
    renderPage({ listClusters: () => new Promise(() => {}) });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('says how to configure clusters when there are none', async () => {
    renderPage({ listClusters: async () => ({ items: [] }) });

    expect(
      await screen.findByText('No clusters configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes\.clusterLocatorMethods/),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when loading fails", async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'Error', message: 'kubernetes config is broken' },
          response: { statusCode: 500 },
        }),
        {
          status: 500,
          statusText: 'Internal Server Error',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    const listClusters = jest
      .fn()
      .mockRejectedValueOnce(error)
      .mockResolvedValueOnce({ items: [eastCluster] });
    renderPage({ listClusters });

    expect(
      await screen.findByText(
        /Could not load the mesh's clusters: kubernetes config is broken/,
      ),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(
      await screen.findByRole('table', { name: 'Mesh clusters' }),
    ).toBeInTheDocument();
  });

  it('shows the message of an error without a response', async () => {
    renderPage({
      listClusters: async () => {
        throw new Error('Failed to fetch');
      },
    });

    expect(
      await screen.findByText(
        /Could not load the mesh's clusters: Failed to fetch/,
      ),
    ).toBeInTheDocument();
  });

  it('shows each section loading on its own', async () => {
    renderPage(
      fakeApi({
        listClusters: never,
        listExposures: never,
        listAuditEvents: never,
      }),
    );

    for (const section of [
      'Clusters',
      'Exposures between clusters',
      'Audit log',
    ]) {
      expect(
        await within(screen.getByRole('region', { name: section })).findByRole(
          'progressbar',
        ),
      ).toBeInTheDocument();
    }
  });

  it('keeps the clusters when the exposures and the audit log fail', async () => {
    const forbidden = (permission: string) =>
      backendError(
        403,
        'NotAllowedError',
        `You are not allowed to read ${permission}`,
      );
    const exposuresDenied = await forbidden('crossmesh.exposure.read');
    const auditDenied = await forbidden('crossmesh.audit.read');
    renderPage(
      fakeApi({
        listExposures: async () => {
          throw exposuresDenied;
        },
        listAuditEvents: async () => {
          throw auditDenied;
        },
      }),
    );

    expect(
      await within(
        screen.getByRole('region', { name: 'Exposures between clusters' }),
      ).findByRole('alert'),
    ).toHaveTextContent(
      'Could not load the exposures: You are not allowed to read crossmesh.exposure.read',
    );
    expect(
      await within(
        screen.getByRole('region', { name: 'Audit log' }),
      ).findByRole('alert'),
    ).toHaveTextContent(
      'Could not load the audit log: You are not allowed to read crossmesh.audit.read',
    );
    const table = await screen.findByRole('table', { name: 'Mesh clusters' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
  });
});
