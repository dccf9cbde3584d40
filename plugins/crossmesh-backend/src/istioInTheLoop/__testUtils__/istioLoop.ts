import { Entity } from '@backstage/catalog-model';
import {
  AnalysisMessage,
  analyzeCluster,
  startTestBed,
  TestBed,
  TestBedOptions,
  TestCluster,
  registryClusters,
  xdsSnapshot,
} from '@crossmesh/test-bed';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REMOTE_SECRETS_TASK } from '../../remoteSecrets';
import { clusterAdmin } from '../../__testUtils__/clusterAdmin';
import { eventually } from '../../__testUtils__/eventually';
import { ISTIO_READER_FILE, loadRbacFile } from '../../__testUtils__/rbacFile';
import { endpointAddresses } from './envoyConfig';
import {
  component,
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';

/**
 * For a failed wait on istiod: where its log is, and its last lines about what the wait
 * usually hangs on (the bed's restarts, `cacerts`, the namespace controller's leadership).
 */
export function istiodLogDetail(cluster: TestCluster) {
  return () => {
    const logFile = cluster.istiod!.logFile;
    let lines: string[] = [];
    try {
      lines = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(line =>
          /crossmesh test bed|cacerts|root cert|namespace controller|namespace-controller/i.test(
            line,
          ),
        )
        .slice(-20);
    } catch {
      // gone with the bed
    }
    return [`istiod log: ${logFile}`, ...lines].join('\n');
  };
}

/** A catalog Component of team-b running in `cluster` as Service `namespace/name`. */
export function serviceComponent(
  name: string,
  namespace: string,
  cluster: string,
  ports: string,
): Entity {
  return component(name, 'group:default/team-b', {
    'backstage.io/kubernetes-id': name,
    'backstage.io/kubernetes-namespace': namespace,
    'crossmesh.io/cluster': cluster,
    'crossmesh.io/ports': ports,
  });
}

/**
 * A bed whose clusters run real istiods, and the real crossmesh backend over them, driven
 * through its HTTP API as bob (owner of every component) and carol (approver).
 */
export async function startIstioLoop(options: {
  bed: TestBedOptions;
  entities?: Entity[];
  crossmesh?: { trust?: object; [key: string]: unknown };
  /** Runs on the bed before crossmesh starts, e.g. to read what the installer left. */
  beforeCrossmesh?: (bed: TestBed) => Promise<void>;
}) {
  const bed = await startTestBed(options.bed);
  let mesh: CrossmeshTestBackend;
  try {
    await options.beforeCrossmesh?.(bed);
    mesh = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      // What istiod does follows what crossmesh writes, including its repairs.
      crossmesh: { watchClusters: true, ...options.crossmesh },
      entities: options.entities ?? [],
    });
  } catch (error) {
    await bed.stop();
    throw error;
  }
  return {
    bed,
    as: (user: 'bob' | 'carol' | 'dave') => mesh.as(`user:default/${user}`),
    /** A root operation carol asked for, confirmed by dave, the second platform member (ADR 0026). */
    confirmedByDave: (confirmation: {
      id: string;
      fingerprintSha256: string;
    }) =>
      mesh
        .as('user:default/dave')
        .post(`/trust/confirmations/${confirmation.id}/confirm`, {
          fingerprintSha256: confirmation.fingerprintSha256,
        }),
    /** One reconcile pass, as the scheduler would run it. */
    reconcilePass: () => mesh.reconcile(),
    /** Runs a scheduled task once, now. */
    runTask: (taskId: string) => mesh.runTask(taskId),
    async stop() {
      await mesh.stop();
      await bed.stop();
    },
  };
}

type LoopCalls = Pick<
  Awaited<ReturnType<typeof startIstioLoop>>,
  'as' | 'reconcilePass'
>;

/**
 * bob requests an exposure of `service` to namespace foo of the consumer clusters, carol
 * approves, and one reconcile pass applies it; returns the active request.
 */
export async function exposeAndApply(
  loop: LoopCalls,
  request: { service: string; consumerClusters: string[]; reason: string },
) {
  const created = await loop.as('bob').post('/exposures', {
    entityRef: `component:default/${request.service}`,
    consumerClusters: request.consumerClusters,
    consumerNamespaces: ['foo'],
    reason: request.reason,
  });
  expect(created.status).toBe(201);
  const approved = await loop
    .as('carol')
    .post(`/exposures/${created.body.id}/approve`);
  expect(approved.status).toBe(200);
  await loop.reconcilePass();
  const applied = await loop.as('bob').get(`/exposures/${created.body.id}`);
  expect(applied.body.state).toBe('active');
  return applied.body as { id: string; vip: string };
}

/** bob revokes the request, and one reconcile pass takes its objects away. */
export async function revokeExposure(loop: LoopCalls, id: string) {
  const revoking = await loop.as('bob').post(`/exposures/${id}/revoke`);
  expect(revoking.status).toBe(200);
  await loop.reconcilePass();
  expect((await loop.as('bob').get(`/exposures/${id}`)).body.state).toBe(
    'revoked',
  );
}

/** The PEM blocks of a bundle, each as an X509Certificate. */
export function certificatesIn(pem: string): X509Certificate[] {
  return (
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []
  ).map(block => new X509Certificate(block));
}

/** SHA-256 fingerprints of every certificate in a bundle, in order. */
export function fingerprints(pem: string): string[] {
  return certificatesIn(pem).map(c => c.fingerprint256);
}

/**
 * `openssl verify` of a workload certificate against `trustedPem` alone, with the CA
 * certificates istiod sent along as untrusted intermediates: what a peer's Envoy checks.
 * Returns openssl's last line ("leaf.pem: OK" when it verifies).
 */
export function opensslVerifyChain(certChain: string[], trustedPem: string) {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-istio-chain-'));
  try {
    writeFileSync(join(dir, 'leaf.pem'), certChain[0]);
    writeFileSync(join(dir, 'untrusted.pem'), certChain.slice(1).join('\n'));
    writeFileSync(join(dir, 'trusted.pem'), trustedPem);
    const result = spawnSync(
      'openssl',
      [
        'verify',
        '-CAfile',
        'trusted.pem',
        ...(certChain.length > 1 ? ['-untrusted', 'untrusted.pem'] : []),
        'leaf.pem',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    return output.split('\n').pop() ?? output;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeMessage(m: AnalysisMessage) {
  return `${m.level} ${m.code} ${m.origin}: ${m.message}`;
}

/**
 * `istioctl analyze` findings of Warning or Error level that were not there before crossmesh
 * acted (the baseline), or that name an object crossmesh owns.
 */
export async function analyzerFindingsSince(
  cluster: TestCluster,
  baseline: AnalysisMessage[],
): Promise<string[]> {
  const known = new Set(baseline.map(describeMessage));
  return (await analyzeCluster(cluster))
    .filter(m => m.level === 'Error' || m.level === 'Warning')
    .filter(m => !known.has(describeMessage(m)) || /crossmesh/.test(m.origin))
    .map(m => `${cluster.name}: ${describeMessage(m)}`);
}

/**
 * The endpoints a sidecar of `cluster` (sleep in foo) receives for Envoy cluster
 * `outbound`, once they are `expected`; no such cluster at all counts as none.
 */
export function sidecarReceives(
  cluster: TestCluster,
  outbound: string,
  expected: string[],
  why: string,
  labels?: Record<string, string>,
) {
  return eventually(
    `a sidecar of ${cluster.name} receives ${JSON.stringify(
      expected,
    )} for ${outbound} (${why})`,
    async () => {
      const snapshot = await xdsSnapshot(cluster, {
        namespace: 'foo',
        serviceAccount: 'sleep',
        labels,
      });
      const found = snapshot.clusters.find(c => c.name === outbound);
      const received = found ? endpointAddresses(snapshot, found) : [];
      expect(received).toEqual(expected);
      return received;
    },
    { detail: () => `istiod log: ${cluster.istiod!.logFile}` },
  );
}

/** Waits until istiod of `cluster` has `remote` in its registry, synced. */
export function hasSynced(cluster: TestCluster, remote: TestCluster) {
  return eventually(
    `istiod of ${cluster.name} has synced ${remote.name}`,
    async () => {
      const entry = (await registryClusters(cluster)).find(
        c => c.id === remote.name,
      );
      if (entry?.syncStatus !== 'synced') {
        throw new Error(`registry entry: ${JSON.stringify(entry)}`);
      }
    },
    { detail: () => `istiod log: ${cluster.istiod!.logFile}` },
  );
}

/**
 * Every cluster of the loop's bed joins the mesh as crossmesh keeps remote secrets for it:
 * the reader an admin applies (`deploy/istio-reader.yaml`), the membership on
 * `networks[i]`, then one pass of the remote-secrets task.
 */
export async function joinWithRemoteSecrets(
  loop: Pick<
    Awaited<ReturnType<typeof startIstioLoop>>,
    'bed' | 'as' | 'runTask'
  >,
  networks: string[],
) {
  for (const [index, cluster] of loop.bed.clusters.entries()) {
    await (
      await clusterAdmin(cluster)
    ).applyAll(loadRbacFile(ISTIO_READER_FILE).manifests);
    const member = await loop
      .as('carol')
      .put(`/clusters/${cluster.name}/membership`, {
        network: networks[index],
      });
    if (![200, 201].includes(member.status)) {
      throw new Error(`membership of ${cluster.name}: ${member.text}`);
    }
  }
  await loop.runTask(REMOTE_SECRETS_TASK);
}
