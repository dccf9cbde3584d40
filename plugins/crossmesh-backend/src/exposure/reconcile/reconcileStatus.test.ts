import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import { clusterReconcileStatuses, dnsOutcomeOf } from './reconcileStatus';

const legacy: MeshCluster = {
  name: 'cluster-1',
  reachable: true,
  istio: { version: '1.6.8', image: 'docker.io/istio/pilot:1.6.8' },
  strategy: 'legacy-global',
  strategySource: 'detected',
  gateway: { address: '192.0.2.10', port: 15443, source: 'loadBalancer' },
  observedAt: '2026-11-25T10:00:00.000Z',
};

describe('dnsOutcomeOf', () => {
  it('names what the pass did to .global DNS', () => {
    const proxy = { ...legacy, strategy: 'dns-proxy' as const };
    const down = { ...legacy, reachable: false, strategy: null };
    expect(dnsOutcomeOf(proxy, true, undefined)).toEqual({
      dns: 'not-needed',
      dnsError: null,
    });
    expect(dnsOutcomeOf(down, true, undefined)).toEqual({
      dns: null,
      dnsError: null,
    });
    expect(dnsOutcomeOf(legacy, true, { changed: true })).toEqual({
      dns: 'wired',
      dnsError: null,
    });
    expect(dnsOutcomeOf(legacy, true, { changed: false })).toEqual({
      dns: 'unchanged',
      dnsError: null,
    });
    expect(dnsOutcomeOf(legacy, false, { changed: true })).toEqual({
      dns: 'not-needed',
      dnsError: null,
    });
    expect(
      dnsOutcomeOf(legacy, true, { changed: false, error: 'no Corefile' }),
    ).toEqual({ dns: 'failed', dnsError: 'no Corefile' });
  });

  it('says what a DNS edit through Git waits for', () => {
    const detail =
      'waiting for pull request #3 (url), which edits f, to be merged';
    expect(
      dnsOutcomeOf(legacy, true, {
        changed: false,
        pending: { state: 'waiting-for-merge', detail },
      }),
    ).toEqual({ dns: 'waiting-for-merge', dnsError: null, dnsDetail: detail });
    expect(
      dnsOutcomeOf(legacy, false, {
        changed: false,
        pending: { state: 'syncing', detail },
      }),
    ).toEqual({ dns: 'syncing', dnsError: null, dnsDetail: detail });
  });
});

describe('clusterReconcileStatuses', () => {
  it('gives each cluster its counts, error and DNS outcome', () => {
    const finishedAt = new Date('2026-11-25T10:00:00.000Z');
    const counts = { unchanged: 0, reads: 3, writes: 1 };
    expect(
      clusterReconcileStatuses(
        [
          { cluster: 'cluster-1', applied: 2, deleted: 1, ...counts },
          {
            cluster: 'cluster-2',
            applied: 0,
            deleted: 0,
            ...counts,
            error: 'cannot reach the API server (ECONNREFUSED)',
          },
        ],
        new Map([['cluster-1', { dns: 'wired' as const, dnsError: null }]]),
        finishedAt,
      ),
    ).toEqual([
      {
        cluster: 'cluster-1',
        finishedAt: '2026-11-25T10:00:00.000Z',
        ok: true,
        error: null,
        applied: 2,
        removed: 1,
        dns: 'wired',
        dnsError: null,
      },
      {
        cluster: 'cluster-2',
        finishedAt: '2026-11-25T10:00:00.000Z',
        ok: false,
        error: 'cannot reach the API server (ECONNREFUSED)',
        applied: 0,
        removed: 0,
        dns: null,
        dnsError: null,
      },
    ]);
  });
});
