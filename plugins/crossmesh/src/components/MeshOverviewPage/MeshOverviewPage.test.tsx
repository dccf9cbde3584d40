import { ResponseError } from '@backstage/errors';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CrossmeshApi, crossmeshApiRef } from '../../api';
import {
  downCluster,
  eastCluster,
  westCluster,
} from '../../__testUtils__/clusters';
import { renderOverview } from '../../__testUtils__/renderOverview';
import {
  backendError,
  eastMember,
  fakeApi,
  never,
} from '../../__testUtils__/overviewFixtures';
import { MeshOverviewPage } from './MeshOverviewPage';

/** A Git delivery crossmesh merges itself, with no pull request open. */
const autoMerged = {
  repository: 'https://gitea.example.net/platform/mesh',
  branch: 'mesh',
  path: 'down',
  merge: 'auto' as const,
  folderUrl: 'https://gitea.example.net/platform/mesh/src/branch/mesh/down',
  openPullRequests: [],
  drifted: ['svc-2.bar.global'],
};

function renderPage(api: Partial<CrossmeshApi>) {
  return renderOverview(fakeApi(api));
}

describe('MeshOverviewPage', () => {
  it('shows one row per cluster with what a platform engineer scans for', async () => {
    renderPage({
      listClusters: async () => ({
        items: [eastMember, westCluster, downCluster],
      }),
    });

    expect(
      screen.getByRole('heading', { name: 'Mesh overview' }),
    ).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Mesh clusters' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Cluster',
      'Status',
      'Istio',
      'Trust',
      'Last reconcile',
      'Actions',
    ]);
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);

    const east = rows.find(row => within(row).queryByText('east'))!;
    expect(within(east).getByRole('rowheader')).toHaveTextContent('east');
    expect(
      within(east).getByRole('cell', {
        name: 'Reachable In the mesh, network network-1',
      }),
    ).toBeVisible();
    expect(
      within(east).getByRole('cell', {
        name: '1.6.8 Legacy .global (istiocoredns)',
      }),
    ).toBeVisible();

    const west = rows.find(row => within(row).queryByText('west'))!;
    expect(
      within(west).getByRole('cell', {
        name: 'Reachable Not added to the mesh yet',
      }),
    ).toBeVisible();
    expect(
      within(west).getByRole('cell', { name: '1.9.5 DNS proxy' }),
    ).toBeVisible();

    const down = rows.find(row => within(row).queryByText('down'))!;
    expect(
      within(down).getByRole('cell', {
        name: 'Unreachable Not added to the mesh yet',
      }),
    ).toBeVisible();
    await userEvent.click(
      within(down).getByRole('button', { name: 'Details of down' }),
    );
    const details = screen.getByRole('region', { name: 'Details of down' });
    expect(details).toHaveTextContent(downCluster.error!);
    expect(details).toHaveTextContent('No address found or configured');
  });

  it("shows under each cluster's name how its objects are delivered, with the Git folder and the pull requests waiting for their merge", async () => {
    const pullRequestUrl = (n: number) =>
      `https://gitea.example.net/platform/mesh/pulls/${n}`;
    renderPage({
      listClusters: async () => ({
        items: [
          { ...eastCluster, delivery: { mode: 'direct' } },
          {
            ...westCluster,
            delivery: {
              mode: 'git',
              repository: 'https://gitea.example.net/platform/mesh',
              branch: 'main',
              path: 'clusters/west',
              merge: 'reviewers',
              folderUrl:
                'https://gitea.example.net/platform/mesh/src/branch/main/clusters/west',
              openPullRequests: [
                { number: 7, url: pullRequestUrl(7) },
                { number: 9, url: pullRequestUrl(9) },
              ],
              drifted: [],
            },
          },
          { ...downCluster, delivery: { mode: 'git', ...autoMerged } },
        ],
      }),
    });

    const table = await screen.findByRole('table', { name: 'Mesh clusters' });
    const nameOf = (cluster: string) =>
      within(table)
        .getAllByRole('rowheader')
        .find(header => within(header).queryByText(cluster))!;

    expect(nameOf('east')).toHaveTextContent('eastDirect delivery');

    const west = nameOf('west');
    // Backstage's Link tells screen readers that it opens a new window.
    expect(west).toHaveTextContent(
      /^westGit: main, Opens in a new window, reviewers mergeWaiting for merge: #7/,
    );
    expect(
      within(west).getByRole('link', { name: /^Git: main/ }),
    ).toHaveAttribute(
      'href',
      'https://gitea.example.net/platform/mesh/src/branch/main/clusters/west',
    );
    expect(
      within(west).getByRole('link', { name: /^Pull request #9/ }),
    ).toHaveAttribute('href', pullRequestUrl(9));

    const down = nameOf('down');
    expect(down).toHaveTextContent(
      /^downGit: mesh.*, crossmesh mergesDrifted from Git: svc-2\.bar\.global$/,
    );
    expect(within(down).queryByText(/Waiting for merge/)).toBeNull();
    expect(within(west).queryByText(/Drifted/)).toBeNull();
  });

  it('offers Add cluster, which opens the onboarding dialog, and the template that onboards a cluster', async () => {
    renderPage({ listClusters: async () => ({ items: [eastCluster] }) });
    const clusters = await screen.findByRole('region', { name: 'Clusters' });
    // Backstage's LinkButton: a link, in the looks and role of a button.
    expect(
      await within(clusters).findByRole('button', { name: 'Use the template' }),
    ).toHaveAttribute('href', '/create/templates/default/add-cluster-to-mesh');
    await userEvent.click(
      within(clusters).getByRole('button', { name: 'Add cluster' }),
    );
    expect(
      screen.getByRole('dialog', { name: 'Add a cluster to the mesh' }),
    ).toBeVisible();
  });

  it('shows progress while loading', async () => {
    renderPage({ listClusters: () => new Promise(() => {}) });

    expect(
      await within(screen.getByRole('region', { name: 'Clusters' })).findByRole(
        'progressbar',
      ),
    ).toBeInTheDocument();
  });

  it('says what to do when there are no clusters, with the button that adds one', async () => {
    renderPage({ listClusters: async () => ({ items: [] }) });

    expect(
      await screen.findByText('No clusters in the mesh yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes\.clusterLocatorMethods/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add cluster' })).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Use the template' }),
    ).toHaveAttribute('href', '/create/templates/default/add-cluster-to-mesh');
  });

  it('adds clusters with the dialog alone when the app has no scaffolder', async () => {
    renderInTestApp(<MeshOverviewPage />, {
      apis: [
        [
          crossmeshApiRef,
          fakeApi({ listClusters: async () => ({ items: [] }) }),
        ],
        mockApis.permission(),
      ],
    });
    expect(
      await screen.findByRole('button', { name: 'Add cluster' }),
    ).toBeVisible();
    expect(
      screen.queryByRole('button', { name: 'Use the template' }),
    ).not.toBeInTheDocument();
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
