import {
  AuditEvent,
  ExposureRequest,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { factChangesOf, meshFactChangesFor } from './meshFactChanges';

function membershipEvent(
  id: number,
  clusterName: string,
  occurredAt: string,
  details: object,
  action = 'cluster.membership-updated',
): AuditEvent {
  return {
    id,
    occurredAt,
    actor: 'user:default/carol',
    action,
    clusterName,
    serial: null,
    fingerprintSha256: null,
    details: details as AuditEvent['details'],
  };
}

const request = {
  id: 'r1',
  sourceCluster: 'cluster-2',
  consumerClusters: ['cluster-1'],
  state: 'active',
  decidedAt: '2026-12-02T10:00:00.000Z',
} as ExposureRequest;

describe('factChangesOf', () => {
  it('reads gateway address and network changes from a membership event, a port with its address', () => {
    const event = membershipEvent(7, 'cluster-2', '2026-12-02T11:00:00.000Z', {
      network: 'network-9',
      gatewayAddress: 'gw.example',
      gatewayPort: 31443,
      keyType: null,
      previous: {
        network: 'network-2',
        gatewayAddress: null,
        gatewayPort: null,
        keyType: null,
      },
    });
    expect(factChangesOf(event)).toEqual([
      {
        cluster: 'cluster-2',
        fact: 'gatewayAddress',
        from: null,
        to: 'gw.example:31443',
        changedBy: 'user:default/carol',
        changedAt: '2026-12-02T11:00:00.000Z',
        auditEventId: 7,
      },
      expect.objectContaining({
        fact: 'network',
        from: 'network-2',
        to: 'network-9',
      }),
    ]);
  });

  it('finds nothing in a key type change or another kind of event, and a first registration changes from nothing', () => {
    const same = { network: 'n', gatewayAddress: 'a', gatewayPort: null };
    expect(
      factChangesOf(
        membershipEvent(1, 'c', '2026-12-02T11:00:00.000Z', {
          ...same,
          keyType: 'rsa-2048',
          previous: { ...same, keyType: null },
        }),
      ),
    ).toEqual([]);
    expect(
      factChangesOf(
        membershipEvent(2, 'c', '2026-12-02T11:00:00.000Z', same, 'dns.wired'),
      ),
    ).toEqual([]);
    expect(
      factChangesOf(
        membershipEvent(
          3,
          'c',
          '2026-12-02T11:00:00.000Z',
          same,
          'cluster.registered',
        ),
      ).map(c => [c.fact, c.from, c.to]),
    ).toEqual([
      ['gatewayAddress', null, 'a'],
      ['network', null, 'n'],
    ]);
  });
});

describe('meshFactChangesFor', () => {
  const change = (
    auditEventId: number,
    cluster: string,
    fact: 'gatewayAddress' | 'network',
    changedAt = '2026-12-02T12:00:00.000Z',
  ) => ({
    cluster,
    fact,
    from: 'x',
    to: 'y',
    changedBy: 'user:default/carol',
    changedAt,
    auditEventId,
  });

  it("keeps the changes after the decision that concern the exposure: the source's gateway, any of its clusters' networks", () => {
    const changes = [
      change(5, 'cluster-1', 'network'),
      change(1, 'cluster-2', 'gatewayAddress', '2026-12-02T09:00:00.000Z'),
      change(3, 'cluster-2', 'gatewayAddress'),
      change(4, 'cluster-1', 'gatewayAddress'),
      change(6, 'cluster-3', 'network'),
    ];
    expect(
      meshFactChangesFor(request, changes).map(c => c.auditEventId),
    ).toEqual([3, 5]);
  });

  it('shows nothing on a request not approved', () => {
    const changes = [change(3, 'cluster-2', 'gatewayAddress')];
    for (const state of ['pending', 'rejected', 'cancelled'] as const) {
      expect(meshFactChangesFor({ ...request, state }, changes)).toEqual([]);
    }
    expect(
      meshFactChangesFor({ ...request, decidedAt: null }, changes),
    ).toEqual([]);
  });
});
