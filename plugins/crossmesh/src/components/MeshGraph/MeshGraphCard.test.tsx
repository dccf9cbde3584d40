import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { configure, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CrossmeshApi, crossmeshApiRef } from '../../api';
import {
  backendError,
  clusters,
  exposure,
  fakeApi,
  never,
} from '../../__testUtils__/overviewFixtures';
import { MeshGraphCard } from './MeshGraphCard';

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

function renderCard(overrides: Partial<CrossmeshApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[crossmeshApiRef, fakeApi(overrides)]]}>
      <MeshGraphCard clusters={clusters} />
    </TestApiProvider>,
  );
}

const exposures = [
  exposure('r-1', { service: { name: 'svc-2', namespace: 'bar', ports: [] } }),
  exposure('r-2', {
    service: { name: 'svc-3', namespace: 'bar', ports: [] },
    state: 'pending',
    sourceCluster: 'east',
    consumerClusters: ['west'],
    vip: null,
  }),
  exposure('r-3', {
    service: { name: 'svc-4', namespace: 'bar', ports: [] },
    state: 'applying',
    consumerClusters: ['east', 'down'],
    clusters: [
      {
        cluster: 'down',
        role: 'consumer',
        state: 'failed',
        lastError: 'cannot reach the API server (ECONNREFUSED)',
        updatedAt: '2026-11-25T10:00:00.000Z',
      },
    ],
  }),
  exposure('r-4', {
    service: { name: 'svc-5', namespace: 'bar', ports: [] },
    sourceCluster: 'south',
    consumerClusters: ['east'],
  }),
  exposure('r-5', { service: { name: 'svc-6', namespace: 'bar', ports: [] } }),
];

describe('MeshGraphCard', () => {
  it('draws the clusters and the exposures between them, and says the same in words', async () => {
    const listExposures = jest.fn(async () => ({
      items: exposures,
      totalCount: exposures.length,
    }));
    renderCard({ listExposures });

    const graph = await screen.findByRole('img', { name: 'Mesh graph' });
    expect(listExposures).toHaveBeenCalledWith({
      state: ['pending', 'approved', 'applying', 'active', 'revoking'],
      limit: 500,
    });
    const edges = screen.getByRole('list', {
      name: 'Edges of the mesh graph',
    });
    expect(
      within(edges)
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual([
      'svc-2.bar.global: from west to east, active',
      'svc-3.bar.global: from east to west, pending',
      'svc-4.bar.global: from west to east, applying',
      'svc-4.bar.global: from west to down, failed (down: cannot reach the API server (ECONNREFUSED))',
      'svc-5.bar.global: from south to east, active',
      'svc-6.bar.global: from west to east, active',
    ]);
    // A cluster named only by an exposure is drawn too.
    expect(graph).toHaveAccessibleDescription(
      expect.stringContaining(
        'Clusters: east, west, down (unreachable), south.',
      ),
    );
    // One arrow per pair and state, labelled with its count in words.
    const labels = [...graph.querySelectorAll('g > text')]
      .map(t => t.textContent)
      .filter(text => /^\d+ /.test(text ?? ''));
    expect(labels.sort()).toEqual([
      '1 active',
      '1 applying',
      '1 failed',
      '1 pending',
      '2 active',
    ]);
    expect(graph.querySelectorAll('path[marker-end]')).toHaveLength(5);

    const legend = screen.getByRole('list', { name: 'Legend' });
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map(i => i.textContent?.split(':')[0]),
    ).toEqual(['active', 'applying', 'failed', 'pending']);
  });

  it('draws the clusters alone and says so when nothing is exposed', async () => {
    renderCard({
      listExposures: async () => ({ items: [], totalCount: 0 }),
    });

    expect(
      await screen.findByText(
        /No active or in-flight exposures: service owners/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Mesh graph' }),
    ).toHaveAccessibleDescription(
      'Clusters: east, west, down (unreachable). No active or in-flight exposures.',
    );
  });

  it('shows progress while loading', async () => {
    renderCard({ listExposures: never });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByRole('img', { name: 'Mesh graph' })).toBeNull();
  });

  it("shows the backend's message when the exposures cannot be read, and retries", async () => {
    const forbidden = await backendError(
      403,
      'NotAllowedError',
      'You are not allowed to read crossmesh.exposure.read',
    );
    const listExposures = jest
      .fn()
      .mockRejectedValueOnce(forbidden)
      .mockResolvedValueOnce({
        items: exposures,
        totalCount: exposures.length,
      });
    renderCard({ listExposures });

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the exposures: You are not allowed to read crossmesh.exposure.read',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Reload exposures' }),
    );
    expect(
      await screen.findByRole('img', { name: 'Mesh graph' }),
    ).toBeInTheDocument();
  });
});
