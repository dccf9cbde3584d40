import type { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { serviceSettingsFor } from './wireServiceSettings';

function request(
  state: ExposureRequest['state'],
  service: string,
  consumerClusters: string[],
): ExposureRequest {
  return {
    state,
    consumerClusters,
    service: { name: service, namespace: 'bar', ports: [] },
  } as unknown as ExposureRequest;
}

describe('serviceSettingsFor', () => {
  it('keeps every service cluster-local, except those of the live exposures the cluster consumes', () => {
    const requests = [
      request('active', 'svc-a', ['cluster-1']),
      request('applying', 'svc-b', ['cluster-1', 'cluster-3']),
      request('approved', 'svc-c', ['cluster-3']),
      request('pending', 'svc-d', ['cluster-1']),
      request('revoking', 'svc-e', ['cluster-1']),
      request('revoked', 'svc-f', ['cluster-1']),
    ];
    expect(serviceSettingsFor('cluster-1', requests)).toEqual({
      clusterLocal: ['*.svc.cluster.local'],
      global: ['svc-a.bar.svc.cluster.local', 'svc-b.bar.svc.cluster.local'],
    });
    expect(serviceSettingsFor('cluster-3', requests).global).toEqual([
      'svc-b.bar.svc.cluster.local',
      'svc-c.bar.svc.cluster.local',
    ]);
    // The exporting cluster and a bystander name no host.
    expect(serviceSettingsFor('cluster-2', requests)).toEqual({
      clusterLocal: ['*.svc.cluster.local'],
      global: [],
    });
  });
});
