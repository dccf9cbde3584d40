import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { MeshConfigWiring } from '../../exposure/meshConfig/MeshConfigWiring';
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { RuleRef } from '../../__testUtils__/rbacFile';
import {
  REMOTE_SECRET_ACTIONS,
  REMOTE_SECRETS_TASK,
  remoteSecretName,
} from '../../remoteSecrets';
import type { ClusterAdmin } from '../../__testUtils__/clusterAdmin';
import type {
  Caller,
  CrossmeshTestBackend,
} from '../../__testUtils__/testBackend';

/** `istio-system:patch:secrets`, `cluster:list:serviceentries,destinationrules,gateways`. */
export function ruleKey(ref: RuleRef): string {
  return `${ref.namespace ?? 'cluster'}:${ref.rule.verbs.join(',')}:${(
    ref.rule.resources ?? []
  ).join(',')}`;
}

/**
 * What the test does for one rule of `deploy/rbac.yaml`: set the cluster up so that an
 * operation needs the rule (with all of the file in force), run the operation without the
 * rule, and return to the onboarded state once the rule is back.
 */
export interface RuleScenario {
  /** The cluster whose preflight shows the rule missing. */
  cluster: string;
  arrange?: () => Promise<void>;
  /**
   * Arrange once the rule is out, not before: the watches act on what the arrangement
   * changes at once, and with the rule still in force would set it right before `act`.
   */
  arrangeWithoutRule?: boolean;
  /** Runs the operation with the rule taken out; resolves to what crossmesh said. */
  act: () => Promise<string>;
  /** Patterns the message must match; by default the 403 sentence and `cannot <verb> resource "<r>"`. */
  expected?: RegExp[];
  /** Every resource of the rule must be named, not only one. */
  namesEveryResource?: boolean;
  restore?: () => Promise<void>;
}

/** What the scenarios work with. */
export interface ScenarioContext {
  mesh: CrossmeshTestBackend;
  admin: Record<string, ClusterAdmin>;
  /** How crossmesh reaches each cluster: as the file's ServiceAccount. */
  connections: ClusterConnection[];
  gatewayAddress: Record<string, string>;
  /** kube-system/coredns of cluster-2 as the bed seeded it, before onboarding. */
  seededCoredns: V1ConfigMap;
  /**
   * Stops and starts a cluster's API server: an open watch keeps the rights it started
   * with, so only a watch made again shows a rule taken out.
   */
  restartApiServer: (cluster: string) => Promise<void>;
}

const bob = (mesh: CrossmeshTestBackend): Caller => mesh.as('user:default/bob');
const carol = (mesh: CrossmeshTestBackend): Caller =>
  mesh.as('user:default/carol');

function fail(what: string, answer: { status: number; text: string }): never {
  throw new Error(`${what} answered ${answer.status}: ${answer.text}`);
}

/** Requests svc-3 (cluster-3, dns-proxy) for cluster-1 and approves it; resolves to its id. */
export async function approvedExposure(
  mesh: CrossmeshTestBackend,
): Promise<string> {
  const created = await bob(mesh).post('/exposures', {
    entityRef: 'component:default/svc-3',
    consumerClusters: ['cluster-1'],
    reason: 'least-privilege test',
  });
  if (created.status !== 201) fail('POST /exposures', created);
  const approved = await carol(mesh).post(
    `/exposures/${created.body.id}/approve`,
    { comment: 'ok' },
  );
  if (approved.status !== 200) fail('approve', approved);
  return created.body.id;
}

export async function exposureState(mesh: CrossmeshTestBackend, id: string) {
  return (await carol(mesh).get(`/exposures/${id}`)).body.state as string;
}

/** Runs a reconcile pass; resolves to the errors it reported per cluster, one a line. */
export async function reconcileErrors(
  mesh: CrossmeshTestBackend,
): Promise<string> {
  await mesh.reconcile();
  const status = await carol(mesh).get('/reconcile/status');
  return (status.body.items as Array<{ cluster: string; error: string | null }>)
    .filter(item => item.error)
    .map(item => `${item.cluster}: ${item.error}`)
    .join('\n');
}

async function expectState(
  mesh: CrossmeshTestBackend,
  id: string,
  state: string,
) {
  const actual = await exposureState(mesh, id);
  if (actual !== state) {
    throw new Error(
      `exposure ${id} is ${actual}, expected ${state}; reconcile errors: ${await reconcileErrors(
        mesh,
      )}`,
    );
  }
}

/** Converges a request that failed part-way, then revokes it and removes its objects. */
async function finishAndRevoke(mesh: CrossmeshTestBackend, id: string) {
  await mesh.reconcile();
  await expectState(mesh, id, 'active');
  const revoked = await bob(mesh).post(`/exposures/${id}/revoke`);
  if (revoked.status !== 200) fail('revoke', revoked);
  await mesh.reconcile();
  await expectState(mesh, id, 'revoked');
}

async function distributionError(answer: {
  status: number;
  body: any;
  text: string;
}): Promise<string> {
  const distribution = answer.body.distribution ?? answer.body.items?.[0];
  if (!distribution) fail('trust call', answer);
  return distribution.error ?? '(no error)';
}

async function distributeCleanly(mesh: CrossmeshTestBackend, cluster: string) {
  const answer = await carol(mesh).post('/trust/distribute', {
    clusterName: cluster,
  });
  if (answer.status !== 200 || answer.body.items[0].error) {
    fail(`distributing to ${cluster}`, answer);
  }
}

async function wireDns(mesh: CrossmeshTestBackend, cluster: string) {
  const answer = await carol(mesh).post(`/clusters/${cluster}/dns`);
  if (answer.status !== 200) fail(`wiring DNS in ${cluster}`, answer);
}

async function dnsRefusal(mesh: CrossmeshTestBackend, cluster: string) {
  const answer = await carol(mesh).post(`/clusters/${cluster}/dns`);
  return `${answer.status}: ${answer.body.error?.message ?? answer.text}`;
}

type WatchState = {
  cluster: string;
  watch: string;
  synced: boolean;
  error: string | null;
};

async function watchesOf(
  mesh: CrossmeshTestBackend,
  cluster: string,
  watches: string[],
) {
  const answer = await carol(mesh).get('/reconcile/watches');
  if (answer.status !== 200) fail('GET /reconcile/watches', answer);
  return (answer.body.items as WatchState[]).filter(
    w => w.cluster === cluster && watches.includes(w.watch),
  );
}

/** Waits until each of `watches` of `cluster` is synced or failed; resolves to them. */
async function watchesSettled(
  mesh: CrossmeshTestBackend,
  cluster: string,
  watches: string[],
  wanted: (w: WatchState) => boolean,
): Promise<WatchState[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const states = await watchesOf(mesh, cluster, watches);
    if (
      (states.length === watches.length && states.every(wanted)) ||
      Date.now() > deadline
    ) {
      return states;
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function clusterError(mesh: CrossmeshTestBackend, cluster: string) {
  const answer = await carol(mesh).get(`/clusters/${cluster}`);
  return answer.body.error ?? '(no error)';
}

/**
 * One scenario per rule of `deploy/rbac.yaml`, keyed by {@link ruleKey}. The test checks
 * that these keys are exactly the file's rules, so a new rule needs a scenario here.
 */
export function ruleScenarios(
  context: ScenarioContext,
): Record<string, RuleScenario> {
  const { mesh, admin } = context;
  const c1 = admin['cluster-1'];
  const c2 = admin['cluster-2'];
  let exposureId = '';
  const newExposure = async () => {
    exposureId = await approvedExposure(mesh);
  };
  const setGatewayStatus = (ingress: object[]) =>
    c2.core.patchNamespacedServiceStatus(
      {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        body: { status: { loadBalancer: { ingress } } },
      },
      c2.mergePatch,
    );
  const replaceCoredns = async (configMap: V1ConfigMap) => {
    const current = await c2.core.readNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
    });
    await c2.core.replaceNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
      body: {
        metadata: {
          name: 'coredns',
          namespace: 'kube-system',
          labels: configMap.metadata?.labels,
          resourceVersion: current.metadata?.resourceVersion,
        },
        data: configMap.data,
      },
    });
  };
  let wiredCoredns: V1ConfigMap | undefined;
  // AKS: coredns is reconciled and imports custom/*.server, so crossmesh wires coredns-custom.
  const makeAksShaped = async () => {
    wiredCoredns = await c2.core.readNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
    });
    await replaceCoredns({
      metadata: {
        labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile' },
      },
      data: {
        Corefile: `${
          context.seededCoredns.data!.Corefile
        }import custom/*.server\n`,
      },
    });
  };
  const issueIntermediate = async () =>
    distributionError(
      await carol(mesh).post('/trust/clusters/cluster-1/intermediate'),
    );

  /** The reconciler's list, create, patch and delete of `resources` in `cluster`. */
  const applierScenarios = (
    resources: string,
    options: { cluster: string; namesEveryResource?: boolean },
  ): Record<string, RuleScenario> => {
    const applyNew = {
      cluster: options.cluster,
      act: async () => {
        await newExposure();
        return reconcileErrors(mesh);
      },
      restore: () => finishAndRevoke(mesh, exposureId),
    };
    const named = options.namesEveryResource
      ? { namesEveryResource: true }
      : {};
    return {
      [`cluster:list:${resources}`]: applyNew,
      [`cluster:create:${resources}`]: { ...applyNew, ...named },
      [`cluster:patch:${resources}`]: { ...applyNew, ...named },
      [`cluster:delete:${resources}`]: {
        cluster: options.cluster,
        arrange: async () => {
          await newExposure();
          await mesh.reconcile();
          await expectState(mesh, exposureId, 'active');
        },
        act: async () => {
          const revoked = await bob(mesh).post(
            `/exposures/${exposureId}/revoke`,
          );
          if (revoked.status !== 200) fail('revoke', revoked);
          return reconcileErrors(mesh);
        },
        ...named,
        restore: async () => {
          await mesh.reconcile();
          await expectState(mesh, exposureId, 'revoked');
        },
      },
    };
  };

  /**
   * The watches of `cluster` made again without the rule: resolves to their errors, one a
   * line; restored, they are in sync again before the next rule is taken out.
   */
  const watchScenario = (cluster: string, watches: string[]): RuleScenario => ({
    cluster,
    act: async () => {
      await context.restartApiServer(cluster);
      const states = await watchesSettled(
        mesh,
        cluster,
        watches,
        w => w.error?.includes('(403)') ?? false,
      );
      return states.map(w => `${w.watch}: ${w.error}`).join('\n');
    },
    namesEveryResource: true,
    restore: async () => {
      const states = await watchesSettled(
        mesh,
        cluster,
        watches,
        w => w.synced,
      );
      const unsynced = states.filter(w => !w.synced);
      if (unsynced.length) {
        throw new Error(
          `watches of ${cluster} not in sync again: ${JSON.stringify(
            unsynced,
          )}`,
        );
      }
    },
  });
  /** The reconciler's GET of a hand-made object under the name of one it creates. */
  const ownershipRead = (cluster: string): RuleScenario => ({
    cluster,
    act: async () => {
      await newExposure();
      return reconcileErrors(mesh);
    },
    restore: () => finishAndRevoke(mesh, exposureId),
  });

  return {
    'cluster:watch:serviceentries,destinationrules,gateways': watchScenario(
      'cluster-1',
      ['serviceentries', 'destinationrules', 'gateways'],
    ),
    'cluster:get:serviceentries,destinationrules,gateways':
      ownershipRead('cluster-1'),
    'cluster:watch:authorizationpolicies': watchScenario('cluster-3', [
      'authorizationpolicies',
    ]),
    'cluster:get:authorizationpolicies': ownershipRead('cluster-3'),
    'istio-system:watch:secrets': watchScenario('cluster-1', ['cacerts']),
    'kube-system:watch:configmaps': watchScenario('cluster-2', [
      'configmap coredns',
      'configmap coredns-custom',
      'configmap kube-dns',
    ]),
    'cluster:get:namespaces': {
      cluster: 'cluster-1',
      // Only preflight reads the namespace: its Istio check is not run without the right.
      act: async () => {
        const report = await carol(mesh).get('/clusters/cluster-1/preflight');
        const check = report.body.checks.find(
          (c: { id: string }) => c.id === 'istio-system',
        );
        return `${check.status}: ${check.detail}`;
      },
      expected: [
        /^skipped: Not checked, because "May get namespaces named istio-system" failed\.$/,
      ],
    },
    'cluster:list:nodes': {
      cluster: 'cluster-2',
      // Without a load-balancer address the gateway is reached on a node's nodePort.
      arrange: async () => {
        await setGatewayStatus([]);
      },
      act: () => clusterError(mesh, 'cluster-2'),
      restore: async () => {
        await setGatewayStatus([{ ip: context.gatewayAddress['cluster-2'] }]);
      },
    },
    'cluster:get:services': {
      cluster: 'cluster-2',
      act: async () => {
        const answer = await bob(mesh).get(
          '/service-ports?entityRef=component%3Adefault%2Fsvc-ports',
        );
        return `${answer.status}: ${answer.body.error?.message}`;
      },
      expected: [
        /^503: Cannot read Service foo\/svc-ports in cluster cluster-2: crossmesh's credentials are not allowed to do this \(403\)/,
        /cannot get resource "services"/,
      ],
    },
    ...applierScenarios('serviceentries,destinationrules,gateways', {
      cluster: 'cluster-1',
      namesEveryResource: true,
    }),
    // svc-3 runs in cluster-3 (dns-proxy), which gets the host's AuthorizationPolicy.
    ...applierScenarios('authorizationpolicies', { cluster: 'cluster-3' }),
    'istio-system:get:deployments': {
      cluster: 'cluster-1',
      act: () => clusterError(mesh, 'cluster-1'),
    },
    'istio-system:patch:deployments': {
      cluster: 'cluster-1',
      act: issueIntermediate,
      // The restart is still pending; the next distribution does it.
      restore: () => distributeCleanly(mesh, 'cluster-1'),
    },
    'istio-system:get:configmaps': {
      cluster: 'cluster-3',
      act: async () =>
        (await carol(mesh).get('/clusters/cluster-3')).body.dnsCaptureDetail,
    },
    // The mesh is not multi-primary (a strategy of the whole mesh), so the mesh-config
    // writer is driven directly, with crossmesh's credentials; cluster-3 has a mesh config.
    'istio-system:update:configmaps': {
      cluster: 'cluster-3',
      act: async () => {
        const result = await new MeshConfigWiring(
          new KubernetesClients(),
        ).setServiceSettings(
          context.connections.find(c => c.name === 'cluster-3')!,
          { clusterLocal: ['*.svc.cluster.local'], global: [] },
        );
        return result.error ?? 'written';
      },
    },
    'istio-system:get:secrets': {
      cluster: 'cluster-1',
      act: async () =>
        distributionError(
          await carol(mesh).post('/trust/distribute', {
            clusterName: 'cluster-1',
          }),
        ),
    },
    'istio-system:create:secrets': {
      cluster: 'cluster-1',
      arrange: async () => {
        await c1.core.deleteNamespacedSecret({
          name: 'cacerts',
          namespace: 'istio-system',
        });
      },
      act: async () =>
        distributionError(
          await carol(mesh).post('/trust/distribute', {
            clusterName: 'cluster-1',
          }),
        ),
      restore: () => distributeCleanly(mesh, 'cluster-1'),
    },
    'istio-system:update:secrets': {
      cluster: 'cluster-1',
      act: issueIntermediate,
      restore: () => distributeCleanly(mesh, 'cluster-1'),
    },
    'istio-system:patch:secrets': {
      cluster: 'cluster-1',
      // The Secret is written and the Deployments restarted; only the mark stays.
      act: issueIntermediate,
      restore: () => distributeCleanly(mesh, 'cluster-1'),
    },
    'istio-system:delete:secrets': {
      cluster: 'cluster-1',
      // An immutable Secret cannot be updated, so crossmesh deletes and recreates it.
      arrange: async () => {
        await c1.core.patchNamespacedSecret(
          {
            name: 'cacerts',
            namespace: 'istio-system',
            body: { immutable: true },
          },
          c1.mergePatch,
        );
      },
      act: issueIntermediate,
      restore: () => distributeCleanly(mesh, 'cluster-1'),
    },
    'kube-system:get:configmaps': {
      cluster: 'cluster-2',
      act: () => dnsRefusal(mesh, 'cluster-2'),
    },
    'kube-system:update:configmaps': {
      cluster: 'cluster-2',
      arrangeWithoutRule: true,
      // The Corefile as seeded, without crossmesh's block: wiring must write.
      arrange: async () => {
        await replaceCoredns(context.seededCoredns);
      },
      act: () => dnsRefusal(mesh, 'cluster-2'),
      restore: () => wireDns(mesh, 'cluster-2'),
    },
    'kube-system:create:configmaps': {
      cluster: 'cluster-2',
      arrangeWithoutRule: true,
      arrange: makeAksShaped,
      act: () => dnsRefusal(mesh, 'cluster-2'),
      restore: async () => {
        await replaceCoredns(wiredCoredns!);
        await c2.deleteIfPresent(() =>
          c2.core.deleteNamespacedConfigMap({
            name: 'coredns-custom',
            namespace: 'kube-system',
          }),
        );
        await wireDns(mesh, 'cluster-2');
      },
    },
    'kube-system:delete:configmaps': {
      cluster: 'cluster-2',
      arrangeWithoutRule: true,
      // Wired through a coredns-custom crossmesh created (AKS-style); once the Corefile is
      // plain again, wiring moves back to it and deletes the emptied coredns-custom.
      arrange: async () => {
        await makeAksShaped();
        await wireDns(mesh, 'cluster-2');
        await replaceCoredns(wiredCoredns!);
      },
      act: () => dnsRefusal(mesh, 'cluster-2'),
      restore: async () => {
        await c2.deleteIfPresent(() =>
          c2.core.deleteNamespacedConfigMap({
            name: 'coredns-custom',
            namespace: 'kube-system',
          }),
        );
        await wireDns(mesh, 'cluster-2');
      },
    },
    'kube-system:get:deployments': {
      cluster: 'cluster-2',
      act: () => dnsRefusal(mesh, 'cluster-2'),
    },
    // cluster-2's remote secret for cluster-1 is gone, so a pass needs a new token of
    // cluster-1's reader: it deletes the token anchor's stale generation, makes the anchor
    // anew and asks for a token bound to it.
    'crossmesh-system:create:serviceaccounts/token': newReaderToken(
      mesh,
      admin,
    ),
    'crossmesh-system:create:secrets': newReaderToken(mesh, admin),
    'crossmesh-system:delete:secrets': newReaderToken(mesh, admin),
  };
}

/** A remote-secrets pass that needs a new token of cluster-1's reader for cluster-2. */
function newReaderToken(
  mesh: CrossmeshTestBackend,
  admin: Record<string, ClusterAdmin>,
): RuleScenario {
  return {
    cluster: 'cluster-1',
    arrange: async () => {
      await admin['cluster-2'].core.deleteNamespacedSecret({
        name: remoteSecretName('cluster-1'),
        namespace: 'istio-system',
      });
    },
    act: () => remoteSecretFailure(mesh),
    restore: () => mesh.runTask(REMOTE_SECRETS_TASK),
  };
}

/** Runs a remote-secrets pass; resolves to the failure it audited. */
async function remoteSecretFailure(mesh: CrossmeshTestBackend) {
  await mesh.runTask(REMOTE_SECRETS_TASK);
  const answer = await carol(mesh).get(
    `/audit-events?action=${REMOTE_SECRET_ACTIONS.failed}&limit=1`,
  );
  return answer.body.items[0]?.details?.error ?? 'no failure was audited';
}
