import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CrossmeshApi, crossmeshApiRef } from '../../api';
import {
  backendError,
  fakeApi,
  never,
  preflightReport,
  reconcileStatus,
} from './__testUtils__/overviewFixtures';
import { MeshOverviewPage } from './MeshOverviewPage';

// A whole page per test, on a shared 2-core machine.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

function renderPage(overrides: Partial<CrossmeshApi> = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[crossmeshApiRef, fakeApi(overrides)]]}>
      <MeshOverviewPage />
    </TestApiProvider>,
  );
}

async function rowOf(cluster: string) {
  const table = await screen.findByRole('table', { name: 'Mesh clusters' });
  return within(table).getByRole('row', { name: new RegExp(`^${cluster}\\b`) });
}

/** The cell of a row under the column with this header. */
function cell(row: HTMLElement, column: string) {
  const table = row.closest('table')!;
  const headers = [...table.querySelectorAll('thead th')].map(
    h => h.textContent,
  );
  const index = headers.indexOf(column);
  expect(index).toBeGreaterThanOrEqual(0);
  return row.querySelectorAll<HTMLElement>('th, td')[index];
}

describe('MeshOverviewPage cluster details', () => {
  it('shows DNS wiring, trust and the last reconcile pass per cluster', async () => {
    renderPage();

    const east = await rowOf('east');
    expect(await within(east).findByText(/Converged/)).toBeVisible();
    expect(cell(east, 'DNS wiring')).toHaveTextContent(
      'Wired.global forwarded to istiocoredns, written in the last pass',
    );
    expect(cell(east, 'Trust')).toHaveTextContent(
      /^Intermediate expires \d{4}-\d\d-\d\d \(in 365 days\)cacerts in place$/,
    );
    expect(cell(east, 'Last reconcile')).toHaveTextContent(
      'Converged2 applied, 1 removed, 5 minutes ago',
    );

    const west = await rowOf('west');
    expect(cell(west, 'DNS wiring')).toHaveTextContent(
      'Not needed (sidecar DNS proxy)DNS capture enabled',
    );
    expect(cell(west, 'Trust')).toHaveTextContent(
      /\(in 10 days\)Intermediate expiring soon: the intermediate expires in 10 days$/,
    );

    const down = await rowOf('down');
    expect(cell(down, 'DNS wiring')).toHaveTextContent(
      'Not checkedThe last pass could not read the cluster',
    );
    expect(cell(down, 'Trust')).toHaveTextContent(
      'No intermediate CA issuedCould not read cacerts: cannot reach the API server (ECONNREFUSED)',
    );
    expect(cell(down, 'Last reconcile')).toHaveTextContent(
      'Failed: cannot reach the API server (ECONNREFUSED)0 applied, 0 removed',
    );

    expect(
      screen.getByRole('region', { name: 'Mesh root CA' }),
    ).toHaveTextContent(
      /^Root CA O=Istio, CN=Root CA \(active\) expires \d{4}-\d\d-\d\d \(in 3650 days\)$/,
    );
  });

  it('shows a failed DNS wiring with its error, DNS capture that is off, and clusters no pass reached', async () => {
    const [, eastStatus] = reconcileStatus();
    renderPage({
      listClusters: async () => ({
        items: [
          {
            name: 'east',
            reachable: true,
            istio: { version: '1.6.8', image: 'istio/pilot:1.6.8' },
            strategy: 'legacy-global',
            strategySource: 'detected',
            gateway: null,
            observedAt: '2026-11-25T10:00:00.000Z',
          },
          {
            name: 'west',
            reachable: true,
            istio: { version: '1.22.3', image: 'istio/pilot:1.22.3' },
            strategy: 'dns-proxy',
            strategySource: 'detected',
            dnsCapture: 'disabled',
            dnsCaptureDetail:
              'set ISTIO_META_DNS_CAPTURE to "true" in the mesh config',
            gateway: null,
            observedAt: '2026-11-25T10:00:00.000Z',
          },
          {
            name: 'north',
            reachable: true,
            istio: { version: '1.6.8', image: 'istio/pilot:1.6.8' },
            strategy: 'legacy-global',
            strategySource: 'detected',
            gateway: null,
            observedAt: '2026-11-25T10:00:00.000Z',
          },
        ],
      }),
      getReconcileStatus: async () => ({
        items: [
          {
            ...eastStatus,
            ok: false,
            error: 'no Corefile server block for .',
            dns: 'failed',
            dnsError: 'no Corefile server block for .',
          },
        ],
      }),
    });

    const east = await rowOf('east');
    expect(await within(east).findAllByText(/^Failed:/)).toHaveLength(2);
    expect(cell(east, 'DNS wiring')).toHaveTextContent(
      'Failed: no Corefile server block for .',
    );
    expect(cell(await rowOf('west'), 'DNS wiring')).toHaveTextContent(
      'Not needed (sidecar DNS proxy)DNS capture disabled: set ISTIO_META_DNS_CAPTURE to "true" in the mesh config',
    );
    const north = await rowOf('north');
    expect(cell(north, 'DNS wiring')).toHaveTextContent('Not reconciled yet');
    expect(cell(north, 'Last reconcile')).toHaveTextContent(
      'Not reconciled yet',
    );
  });

  it('keeps the table when trust is forbidden, and says what is missing and why', async () => {
    const forbidden = await backendError(
      403,
      'NotAllowedError',
      'You are not allowed to read crossmesh.trust.read',
    );
    renderPage({
      getTrust: async () => {
        throw forbidden;
      },
      getTrustDrift: async () => {
        throw forbidden;
      },
    });

    const east = await rowOf('east');
    expect(await within(east).findByText(/Converged/)).toBeVisible();
    const clusters = screen.getByRole('region', { name: 'Clusters' });
    const alerts = within(clusters).getAllByRole('alert');
    expect(alerts.map(a => a.textContent)).toEqual([
      'The root and intermediate CAs could not be loaded: You are not allowed to read crossmesh.trust.read',
      "The clusters' cacerts could not be loaded: You are not allowed to read crossmesh.trust.read",
    ]);
    expect(cell(east, 'Trust')).toHaveTextContent(
      'Intermediate CA not availablecacerts not available',
    );
    expect(cell(east, 'East-west gateway')).toHaveTextContent(
      '10.0.0.10:15443',
    );
    expect(
      screen.getByRole('region', { name: 'Exposures between clusters' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Audit log' })).getByText(
        /No audit events yet/,
      ),
    ).toBeInTheDocument();
  });

  it('shows each detail loading on its own', async () => {
    renderPage({ getReconcileStatus: never });

    const east = await rowOf('east');
    expect(cell(east, 'Last reconcile')).toHaveTextContent('Loading…');
    expect(cell(east, 'DNS wiring')).toHaveTextContent('Loading…');
    expect(cell(await rowOf('west'), 'DNS wiring')).toHaveTextContent(
      'Not needed (sidecar DNS proxy)',
    );
    expect(await within(east).findByText(/cacerts in place/)).toBeVisible();
  });

  it('runs the preflight of a cluster and lists its checks with their remedies', async () => {
    const getPreflight = jest.fn(async () => preflightReport);
    renderPage({ getPreflight });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Run preflight for east' }),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Preflight of east',
    });
    const checks = await within(dialog).findByRole('table', {
      name: 'Preflight checks',
    });
    expect(getPreflight).toHaveBeenCalledWith('east');
    const failing = within(checks).getByRole('row', {
      name: /may create ServiceEntries/,
    });
    expect(
      within(failing)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'Fail',
      'user crossmesh cannot create serviceentries in any namespace',
      'Bind the crossmesh user to a ClusterRole that allows create on serviceentries.networking.istio.io',
    ]);
    expect(
      within(checks).getByRole('row', { name: /The API server answers/ }),
    ).toHaveTextContent('Pass');
    expect(dialog).toHaveTextContent('1 of 2 checks failed');

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it("shows the backend's message when the preflight cannot run", async () => {
    const notFound = await backendError(
      404,
      'NotFoundError',
      "No cluster named 'east' in kubernetes.clusterLocatorMethods",
    );
    const getPreflight = jest
      .fn()
      .mockRejectedValueOnce(notFound)
      .mockResolvedValueOnce(preflightReport);
    renderPage({ getPreflight });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Run preflight for east' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Preflight of east',
    });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "Could not run the preflight of east: No cluster named 'east' in kubernetes.clusterLocatorMethods",
    );

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Run again' }),
    );
    expect(
      await within(dialog).findByRole('table', { name: 'Preflight checks' }),
    ).toBeInTheDocument();
  });
});
