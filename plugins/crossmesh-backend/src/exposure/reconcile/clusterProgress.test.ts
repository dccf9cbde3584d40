import type {
  ExposureClusterStatus,
  ExposureRequest,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { emptyConvergence, PendingDelivery } from './ClusterExposureApplier';
import { clusterProgress } from './clusterProgress';
import { ALL_REQUESTS } from './GitClusterDelivery';

const request = {
  id: 'r-1',
  state: 'active',
  consumerClusters: ['cluster-1'],
  sourceCluster: 'cluster-2',
} as ExposureRequest;

const previously = (
  state: ExposureClusterStatus['state'],
): ExposureClusterStatus => ({
  cluster: 'cluster-1',
  role: 'consumer',
  state,
  lastError: null,
  updatedAt: '2026-12-04T00:00:00.000Z',
});

function passWith(key: string, pending: PendingDelivery) {
  return {
    ...emptyConvergence('cluster-1'),
    pending: new Map([[key, pending]]),
  };
}

const notLiveYet: PendingDelivery = {
  step: 'syncing',
  detail: 'Git holds the change; not yet applied: ServiceEntry a/b',
  ifApplied: { drifted: 'differs from Git: ServiceEntry a/b' },
};

describe('clusterProgress, for a cluster delivered through Git', () => {
  it('calls a request still syncing that was never live syncing', () => {
    expect(
      clusterProgress(
        request,
        passWith('r-1', notLiveYet),
        undefined,
        previously('syncing'),
      ),
    ).toMatchObject({ state: 'syncing', error: null });
  });

  it('calls the same difference drift once the request was applied, with what differs', () => {
    for (const before of ['applied', 'drifted'] as const) {
      expect(
        clusterProgress(
          request,
          passWith('r-1', notLiveYet),
          undefined,
          previously(before),
        ),
      ).toMatchObject({
        state: 'drifted',
        error: 'differs from Git: ServiceEntry a/b',
      });
    }
  });

  it("fails a request Flux could not apply, with Flux's words", () => {
    expect(
      clusterProgress(
        request,
        passWith('r-1', { step: 'flux-failed', detail: 'Flux said no' }),
        undefined,
        previously('syncing'),
      ),
    ).toMatchObject({ state: 'failed', error: 'Flux said no' });
  });

  it('leaves an applied request alone when a shared object is on its way for another request, not when it drifted', () => {
    expect(
      clusterProgress(
        request,
        passWith(ALL_REQUESTS, notLiveYet),
        undefined,
        previously('applied'),
      ).state,
    ).toBe('applied');
    expect(
      clusterProgress(
        request,
        passWith(ALL_REQUESTS, { step: 'drifted', detail: 'Gateway differs' }),
        undefined,
        previously('applied'),
      ),
    ).toMatchObject({ state: 'drifted', error: 'Gateway differs' });
  });
});
