import { renderTestApp } from '@backstage/frontend-test-utils';
import { configure, screen } from '@testing-library/react';
import { crossmeshApiRef } from '../api';
import { eastCluster } from '../__testUtils__/clusters';
import crossmeshPlugin from './plugin';

// The overview page loads lazily and renders three sections: on a busy 2-core machine the
// first render takes seconds.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 15_000 });

describe('crossmesh frontend plugin', () => {
  it('serves the mesh overview at /crossmesh', async () => {
    renderTestApp({
      features: [crossmeshPlugin],
      initialRouteEntries: ['/crossmesh'],
      apis: [
        [
          crossmeshApiRef,
          { listClusters: async () => ({ items: [eastCluster] }) },
        ],
      ],
    });

    expect(
      await screen.findByRole('heading', { name: 'Mesh overview' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('rowheader', { name: 'east' }),
    ).toBeInTheDocument();
  });

  it('adds Mesh to the navigation', async () => {
    renderTestApp({
      features: [crossmeshPlugin],
      apis: [[crossmeshApiRef, { listClusters: async () => ({ items: [] }) }]],
    });

    expect(await screen.findByRole('link', { name: /Mesh/ })).toHaveAttribute(
      'href',
      '/crossmesh',
    );
  });
});
