import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  checkpointState,
  runAction,
  startActionsBackend,
} from '../__testUtils__/actionsBackend';
import { catalogStandIn } from '../__testUtils__/catalogStandIn';

jest.setTimeout(180_000);

const svc2 = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-2',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'svc-2',
      'backstage.io/kubernetes-namespace': 'bar',
      'crossmesh.io/cluster': 'cluster-2',
      'crossmesh.io/ports': 'http:8000',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'user:default/mock',
  },
  relations: [{ type: 'ownedBy', targetRef: 'user:default/mock' }],
};

describe('crossmesh:exposure:request against a real backend', () => {
  let bed: TestBed;
  let started: Awaited<ReturnType<typeof startActionsBackend>>;
  const action = () => started.actions.get('crossmesh:exposure:request')!;
  const requests = async () =>
    (await started.call('GET', '/exposures?limit=100')).body.items;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
    started = await startActionsBackend(bed, {
      features: [catalogStandIn([svc2])],
    });
  });
  afterAll(async () => {
    await started?.backend.stop();
    await bed?.stop();
  });

  const input = {
    entityRef: 'component:default/svc-2',
    consumerClusters: ['resource:default/cluster-1'],
    consumerNamespaces: ['foo'],
    reason: 'svc-1 calls svc-2 for prices',
  };

  it('declares its inputs and refuses a consumer cluster given as another kind', async () => {
    const schema = action().schema!.input as any;
    expect(schema.required).toEqual([
      'entityRef',
      'consumerClusters',
      'reason',
    ]);
    expect(schema.properties.consumerClusters).toMatchObject({
      type: 'array',
      minItems: 1,
    });
    const refused = await runAction(action(), {
      ...input,
      consumerClusters: ['component:default/cluster-1'],
    });
    expect(refused.error?.name).toBe('InputError');
    expect(refused.error?.message).toContain(
      "consumerClusters[0] 'component:default/cluster-1' is a component",
    );
  });

  it('in a dry run validates the request like a real one and stores nothing', async () => {
    const dry = await runAction(action(), input, { isDryRun: true });
    expect(dry.error).toBeUndefined();
    expect(dry.outputs).toEqual({
      requestId: '',
      host: 'svc-2.bar.global',
      state: 'dry-run',
    });
    expect(dry.lines).toEqual([
      'info: Dry run: an exposure of component:default/svc-2 to cluster-1 is valid and was not stored; once approved, svc-2.bar.global would get objects in cluster-1 (consumer)',
    ]);

    const notYetRegistered = await runAction(
      action(),
      { ...input, entityRef: 'component:default/new-svc' },
      { isDryRun: true },
    );
    expect(notYetRegistered.error).toBeUndefined();
    expect(notYetRegistered.lines).toEqual([
      'warn: Dry run: the component is not in the catalog yet, so an exposure of component:default/new-svc to cluster-1 could not be checked against it; a real run needs it registered first',
    ]);

    const unknownCluster = await runAction(
      action(),
      { ...input, consumerClusters: ['cluster-9'] },
      { isDryRun: true },
    );
    expect(unknownCluster.error?.name).toBe('InputError');
    expect(unknownCluster.error?.message).toMatch(
      /^Validating an exposure of component:default\/svc-2 to cluster-9 failed: .*cluster-9.* \(HTTP 400\)$/,
    );
    expect(await requests()).toEqual([]);
  });

  it('requests once per task, however often the task is retried, and reports a duplicate from a new task', async () => {
    const checkpoints = checkpointState();
    const first = await runAction(action(), input, { checkpoints });
    expect(first.error).toBeUndefined();
    expect(first.outputs).toEqual({
      requestId: expect.any(String),
      host: 'svc-2.bar.global',
      state: 'pending',
    });
    const retried = await runAction(action(), input, { checkpoints });
    expect(retried.outputs).toEqual(first.outputs);
    const stored = await requests();
    expect(stored).toEqual([
      expect.objectContaining({
        id: first.outputs.requestId,
        state: 'pending',
        consumerClusters: ['cluster-1'],
        consumerNamespaces: ['foo'],
        requestedBy: 'user:default/mock',
        service: {
          name: 'svc-2',
          namespace: 'bar',
          ports: [{ name: 'http', number: 8000 }],
        },
      }),
    ]);

    const duplicate = await runAction(action(), input);
    expect(duplicate.error?.name).toBe('ConflictError');
    expect(duplicate.error?.message).toMatch(
      new RegExp(
        `^Requesting an exposure of component:default/svc-2 to cluster-1 failed: Request ${first.outputs.requestId} \\(pending\\) already exposes svc-2\\.bar\\.global to cluster-1; .* \\(HTTP 409\\)$`,
      ),
    );
    expect(await requests()).toHaveLength(1);
  });
});
