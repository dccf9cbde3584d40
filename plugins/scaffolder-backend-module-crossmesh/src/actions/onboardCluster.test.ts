import { mockServices } from '@backstage/backend-test-utils';
import {
  REFUSED_CONFIGMAP_WRITE,
  refuseCrossmeshConfigMapWrites,
  leaseTestBed,
  TestBed,
} from '@crossmesh/test-bed';
import {
  adminRequest,
  auditLogOffset,
  checkpointState,
  crossmeshWrites,
  runAction,
  startActionsBackend,
} from '../__testUtils__/actionsBackend';

jest.setTimeout(240_000);

const ISTIOCOREDNS = '/api/v1/namespaces/istio-system/services/istiocoredns';

describe('crossmesh:cluster:onboard against a real backend and API servers', () => {
  let bed: TestBed;
  let started: Awaited<ReturnType<typeof startActionsBackend>>;
  const onboard = () => started.actions.get('crossmesh:cluster:onboard')!;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'],
    });
    started = await startActionsBackend(bed);
    const root = await started.call('POST', '/trust/root', {
      keyType: 'ecdsa-p256',
    });
    if (root.status !== 201) {
      throw new Error(`generating the root failed: ${JSON.stringify(root)}`);
    }
  });
  afterAll(async () => {
    await started?.backend.stop();
    await bed?.stop();
  });

  const cluster = (name: string) => bed.clusters.find(c => c.name === name)!;
  async function auditActions(clusterName: string): Promise<string[]> {
    const events = await started.call(
      'GET',
      `/audit-events?clusterName=${clusterName}&limit=100`,
    );
    return events.body.items.map((e: { action: string }) => e.action).sort();
  }

  it('declares its inputs, and refuses a cluster ref of another kind before calling the backend, and a port without an address with a 400 from the backend', async () => {
    const action = onboard();
    expect(action.supportsDryRun).toBe(true);
    expect(action.examples?.length).toBeGreaterThan(0);
    const schema = action.schema!.input as any;
    expect(schema.required).toEqual(['cluster', 'network']);
    expect(schema.properties.keyType.enum).toEqual([
      'rsa-4096',
      'rsa-2048',
      'ecdsa-p256',
    ]);
    expect(schema.properties.gatewayPort).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 65535,
    });

    const offset = auditLogOffset(cluster('cluster-4'));
    const wrongKind = await runAction(action, {
      cluster: 'component:default/cluster-4',
      network: 'network-4',
    });
    expect(wrongKind.error?.name).toBe('InputError');
    expect(wrongKind.error?.message).toBe(
      "cluster 'component:default/cluster-4' is a component; give a cluster name or its catalog Resource (resource:default/<cluster>)",
    );
    const portOnly = await runAction(action, {
      cluster: 'cluster-4',
      network: 'network-4',
      gatewayPort: 31443,
    });
    expect(portOnly.error?.name).toBe('InputError');
    expect(portOnly.error?.message).toBe(
      'Onboarding was not started: gatewayPort needs a gatewayAddress to go with it',
    );
    expect(portOnly.lines).toEqual([]);
    expect(crossmeshWrites(cluster('cluster-4'), offset)).toEqual([]);
  });

  it('in a dry run, runs the preflight and says what it would do, writing nothing', async () => {
    const offset = auditLogOffset(cluster('cluster-2'));
    const corefile = await adminRequest(
      cluster('cluster-2'),
      'GET',
      '/api/v1/namespaces/kube-system/configmaps/coredns',
    );
    const result = await runAction(
      onboard(),
      { cluster: 'resource:default/cluster-2', network: 'network-2' },
      { isDryRun: true },
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs).toEqual({
      cluster: 'cluster-2',
      preflightOk: false,
    });
    expect(result.lines).toEqual(
      expect.arrayContaining([
        'info: Step 1: preflight of cluster cluster-2',
        expect.stringMatching(
          /^error: \[FAIL\] cacerts present and chaining to the mesh root: cluster 'cluster-2' has no Secret cacerts/,
        ),
        'info: Dry run: nothing was changed. A real run would:',
        'info: - issue an intermediate CA (the configured key type) from the mesh root and write cacerts, restarting istiod and istio-ingressgateway',
        'info: - add the .global forwarding to istiocoredns in the cluster DNS',
        'info: - register cluster-2 on network network-2, then run the preflight again',
      ]),
    );
    expect(crossmeshWrites(cluster('cluster-2'), offset)).toEqual([]);
    expect(
      (
        await adminRequest(
          cluster('cluster-2'),
          'GET',
          '/api/v1/namespaces/istio-system/secrets/cacerts',
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await adminRequest(
          cluster('cluster-2'),
          'GET',
          '/api/v1/namespaces/kube-system/configmaps/coredns',
        )
      ).body.data,
    ).toEqual(corefile.body.data);
    expect(
      (await started.call('GET', '/clusters/cluster-2/membership')).status,
    ).toBe(404);
    expect(await auditActions('cluster-2')).toEqual([]);
  });

  it('onboards a cluster; the same task retried with its checkpoints repeats no side effect, and a new task keeps the intermediate', async () => {
    const checkpoints = checkpointState();
    const input = { cluster: 'cluster-1', network: 'network-1' };
    const start = auditLogOffset(cluster('cluster-1'));
    const first = await runAction(onboard(), input, { checkpoints });
    expect(first.error).toBeUndefined();
    expect(crossmeshWrites(cluster('cluster-1'), start)).toEqual(
      expect.arrayContaining([
        'patch deployments istio-system/istiod',
        'patch deployments istio-system/istio-ingressgateway',
        'update configmaps kube-system/coredns',
      ]),
    );
    expect(first.outputs).toEqual({
      cluster: 'cluster-1',
      intermediateSerial: expect.stringMatching(/^[0-9a-f]+$/i),
      intermediateFingerprint: expect.stringMatching(
        /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
      ),
      preflightOk: true,
    });
    expect(first.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^info: Issued intermediate serial /),
        'info: Wrote cacerts and restarted istiod, istio-ingressgateway',
        'info: ConfigMap kube-system/coredns now forwards .global names to istiocoredns (added)',
        expect.stringMatching(
          /^info: Registered cluster-1 on network network-1 \(onboarded .* by user:default\/mock\)$/,
        ),
        'info: Cluster cluster-1 is in the mesh',
      ]),
    );
    expect([...checkpoints.values.keys()]).toEqual(['onboarding-job']);
    const audited = await auditActions('cluster-1');
    expect(audited).toEqual([
      'cacerts.distributed',
      'cluster.dns-wired',
      'cluster.registered',
      'intermediate.signed',
    ]);

    const offset = auditLogOffset(cluster('cluster-1'));
    const retried = await runAction(onboard(), input, { checkpoints });
    expect(retried.error).toBeUndefined();
    expect(retried.outputs).toEqual(first.outputs);
    expect(crossmeshWrites(cluster('cluster-1'), offset)).toEqual([]);
    expect(await auditActions('cluster-1')).toEqual(audited);

    const again = await runAction(onboard(), input);
    expect(again.error).toBeUndefined();
    expect(again.outputs.intermediateSerial).toBe(
      first.outputs.intermediateSerial,
    );
    expect(again.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^info: Kept the current intermediate \(serial /),
        'info: cacerts holds the intermediate',
        'info: ConfigMap kube-system/coredns already forwards .global names to istiocoredns; nothing was written',
      ]),
    );
    expect(crossmeshWrites(cluster('cluster-1'), offset)).toEqual([]);
    expect(await auditActions('cluster-1')).toEqual(audited);
  });

  it('resumes after a failure part-way without issuing the intermediate again', async () => {
    const target = cluster('cluster-2');
    // crossmesh may write ConfigMaps by RBAC, so the preflight passes, but the API server
    // refuses the DNS wiring.
    const lift = await refuseCrossmeshConfigMapWrites(target);
    const checkpoints = checkpointState();
    const input = { cluster: 'cluster-2', network: 'network-2' };
    let failed;
    try {
      failed = await runAction(onboard(), input, { checkpoints });
    } finally {
      await lift();
    }
    expect(failed.error?.message).toMatch(/^Wiring DNS failed: /);
    expect(failed.error?.message).toContain(REFUSED_CONFIGMAP_WRITE);
    expect((failed.error as { code?: string }).code).toBe(
      'crossmesh.onboarding.step-failed',
    );
    expect(failed.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^info: Issued intermediate serial /),
        expect.stringMatching(
          /^warn: Done before the failure, and kept: Issuing the intermediate CA .*; Writing cacerts .* then start onboarding of cluster-2 again with the same input/,
        ),
      ]),
    );
    expect([...checkpoints.values.keys()]).toEqual(['onboarding-job']);
    expect(await auditActions('cluster-2')).toEqual([
      'cacerts.distributed',
      'intermediate.signed',
    ]);

    const resumed = await runAction(onboard(), input, { checkpoints });
    expect(resumed.error).toBeUndefined();
    expect(resumed.outputs.preflightOk).toBe(true);
    expect(resumed.outputs.intermediateSerial).toBe(
      failed.outputs.intermediateSerial,
    );
    expect(resumed.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^info: Onboarding job .* of an earlier attempt failed; starting it again$/,
        ),
        expect.stringMatching(/^info: Kept the current intermediate \(serial /),
      ]),
    );
    expect(
      (await auditActions('cluster-2')).filter(
        a => a === 'intermediate.signed',
      ),
    ).toHaveLength(1);
  });

  it('fails with the failed checks and their remedies when the cluster is not ready, changing nothing', async () => {
    const target = cluster('cluster-3');
    expect((await adminRequest(target, 'DELETE', ISTIOCOREDNS)).status).toBe(
      200,
    );
    const offset = auditLogOffset(target);
    const result = await runAction(onboard(), {
      cluster: 'cluster-3',
      network: 'network-3',
    });
    expect(result.error?.name).toBe('ConflictError');
    expect(result.error?.message).toMatch(
      /^Cluster cluster-3 is not ready for the mesh; nothing was changed\. Fix these and run the template again:\n\[FAIL\] istiocoredns Service present: Service istio-system\/istiocoredns does not exist; .* Fix: Install Istio's istiocoredns addon/,
    );
    // cacerts is missing too, but onboarding would write it, so it is not listed.
    expect(result.error?.message).not.toContain('cacerts');
    expect(crossmeshWrites(target, offset)).toEqual([]);
    expect(await auditActions('cluster-3')).toEqual([]);
  });
});

describe('crossmesh:cluster:onboard for a user the backend refuses', () => {
  let bed: TestBed;
  let started: Awaited<ReturnType<typeof startActionsBackend>>;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    started = await startActionsBackend(bed, {
      features: [
        mockServices.permissions.mock({
          authorize: async (requests, { credentials }) =>
            requests.map(r => ({
              result: ((credentials.principal as any).userEntityRef ===
                'user:default/guest' &&
              (r as any).permission.name === 'crossmesh.trust.manage'
                ? 'DENY'
                : 'ALLOW') as any,
            })),
        }).factory,
      ],
    });
    await started.call('POST', '/trust/root', { keyType: 'ecdsa-p256' });
  });
  afterAll(async () => {
    await started?.backend.stop();
    await bed?.stop();
  });

  it('fails the task with what the backend said, as the same user gets from the UI', async () => {
    const result = await runAction(
      started.actions.get('crossmesh:cluster:onboard')!,
      { cluster: 'cluster-1', network: 'network-1' },
      { user: 'user:default/guest' },
    );
    expect(result.error?.name).toBe('NotAllowedError');
    expect(result.error?.message).toBe(
      'Starting onboarding failed: You are not allowed to update crossmesh.trust.manage (HTTP 403)',
    );
  });
});
