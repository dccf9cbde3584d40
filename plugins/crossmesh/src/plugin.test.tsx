import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { crossmeshApiRef } from './api';
import { CrossmeshMeshOverviewPage, crossmeshPlugin } from './plugin';
import { westCluster } from './__testUtils__/clusters';

// A whole page in a test app, on a shared 2-core machine (as renderOverview allows).
jest.setTimeout(30_000);

describe('crossmeshPlugin', () => {
  it('provides the crossmesh api', () => {
    expect(crossmeshPlugin.getId()).toBe('crossmesh');
    expect(
      [...crossmeshPlugin.getApis()].map(factory => factory.api.id),
    ).toEqual(['plugin.crossmesh.service']);
  });

  it('renders the mesh overview page in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            crossmeshApiRef,
            { listClusters: async () => ({ items: [westCluster] }) },
          ],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <Routes>
          <Route path="/crossmesh" element={<CrossmeshMeshOverviewPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/crossmesh'] },
    );

    expect(
      await screen.findByRole('rowheader', { name: 'west' }),
    ).toBeInTheDocument();
  });
});
