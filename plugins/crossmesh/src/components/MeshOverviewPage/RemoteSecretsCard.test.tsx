import { screen, within } from '@testing-library/react';
import { renderOverview } from '../../__testUtils__/renderOverview';
import {
  backendError,
  eastMember,
  fakeApi,
} from '../../__testUtils__/overviewFixtures';

const inHours = (hours: number) =>
  new Date(Date.now() + hours * 3600_000).toISOString();

describe('the remote secrets card of the mesh overview', () => {
  it('shows each pair, its state, when its token expires and when it was renewed', async () => {
    renderOverview(
      fakeApi({
        listClusters: async () => ({ items: [eastMember] }),
        getRemoteSecrets: async () => ({
          enabled: true,
          items: [
            {
              cluster: 'east',
              remoteCluster: 'west',
              state: 'fresh',
              expiresAt: inHours(20),
              renewedAt: inHours(-4),
              detail: null,
            },
            {
              cluster: 'west',
              remoteCluster: 'east',
              state: 'foreign',
              expiresAt: null,
              renewedAt: null,
              detail:
                'istio-system/istio-remote-secret-east in west was not written by crossmesh, which leaves it alone; delete it',
            },
          ],
        }),
      }),
    );

    const table = await screen.findByRole('table', { name: 'Remote secrets' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      expect.stringMatching(
        /^eastwestFresh\d{4}-\d\d-\d\d \(in 20 hours\)4 hours ago$/,
      ),
      expect.stringMatching(
        /^westeastMade by hand, left aloneistio-system\/istio-remote-secret-east in west was not written by crossmesh.*NoneNever$/,
      ),
    ]);
  });

  it('is left out when crossmesh does not keep remote secrets, and says so when they cannot be read', async () => {
    const { unmount } = await renderOverview(fakeApi());
    await screen.findByRole('table', { name: 'Mesh clusters' });
    expect(
      screen.queryByRole('heading', { name: 'Remote secrets' }),
    ).not.toBeInTheDocument();
    unmount();

    renderOverview(
      fakeApi({
        getRemoteSecrets: async () => {
          throw await backendError(
            503,
            'ServiceUnavailableError',
            'cluster-1 is down',
          );
        },
      }),
    );
    expect(
      await screen.findByText(
        /The remote secrets could not be read: .*cluster-1 is down/,
      ),
    ).toBeVisible();
  });
});
