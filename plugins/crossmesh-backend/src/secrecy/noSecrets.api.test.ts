import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { format } from 'node:util';
import { clusterAdmin, ClusterAdmin } from '../__testUtils__/clusterAdmin';
import {
  Answer,
  component,
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../__testUtils__/testBackend';
import { deriveKek, openPrivateKey } from '../pki';
import { capturingRootLoggerFactory } from './__testUtils__/capturingRootLogger';
import {
  opensslRoot,
  opensslSignIntermediate,
} from './__testUtils__/opensslRoot';
import {
  describeFindings,
  Haystack,
  SecretScanner,
} from './__testUtils__/secretScanner';

jest.setTimeout(300_000);

const KEY_ENCRYPTION_SECRET = 'secrecy-test-kek-3f9d1c2b7a6e5d4c';
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const PROBE = 'secrecy probe: a debug line of the crossmesh plugin';

/** Logs one debug line through the crossmesh plugin's logger, to show debug is captured. */
const debugProbe = createBackendModule({
  pluginId: 'crossmesh',
  moduleId: 'secrecy-probe',
  register(reg) {
    reg.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.debug(PROBE);
      },
    });
  },
});

const ENTITIES = [
  // No ports annotation: GET /service-ports reads its Service in cluster-2.
  component('svc-unannotated', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-unannotated',
    'backstage.io/kubernetes-namespace': 'bar',
    'crossmesh.io/cluster': 'cluster-2',
  }),
  component('svc-2', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-2',
    'backstage.io/kubernetes-namespace': 'bar',
    'crossmesh.io/cluster': 'cluster-2',
    'crossmesh.io/ports': 'http:8000',
  }),
];

const expectStatus = (answer: Answer, status: number) =>
  expect({ status: answer.status, text: answer.text }).toEqual({
    status,
    text: expect.any(String),
  });

describe('no secret material in logs or API responses', () => {
  let bed: TestBed;
  let databaseId: TestDatabaseId;
  const backends: CrossmeshTestBackend[] = [];
  const admin: Record<string, ClusterAdmin> = {};
  const kek = deriveKek(KEY_ENCRYPTION_SECRET);
  // Everything captured, from every backend the tests start.
  const logLines: string[] = [];
  const consoleLines: string[] = [];
  const answers: Array<{ call: string; answer: Answer }> = [];
  /** Every ca-key.pem the clusters held at some point (with its certificate), read as admin. */
  const clusterKeys = new Map<string, string>();

  const recordClusterKeys = async () => {
    for (const cluster of bed.clusters) {
      try {
        const secret = await admin[cluster.name].core.readNamespacedSecret({
          name: 'cacerts',
          namespace: 'istio-system',
        });
        const file = (name: string) =>
          Buffer.from(secret.data![name], 'base64').toString('utf8');
        clusterKeys.set(file('ca-key.pem'), file('ca-cert.pem'));
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
      }
    }
  };

  /** The real backend on a database of its own, everything it says captured. */
  const startBackend = async (trust: object) => {
    const knex = await databases.init(databaseId);
    const mesh = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      crossmesh: {
        watchClusters: true,
        trust: { keyEncryptionSecret: KEY_ENCRYPTION_SECRET, ...trust },
      },
      entities: ENTITIES,
      knex,
      features: [capturingRootLoggerFactory(logLines), debugProbe],
      onAnswer: (call, answer) => answers.push({ call, answer }),
    });
    backends.push(mesh);
    return { mesh, knex };
  };

  /** The config secret, the key derived from it, the clusters' tokens. */
  const scannerWithConfigSecrets = () => {
    const scanner = new SecretScanner()
      .addString('crossmesh.trust.keyEncryptionSecret', KEY_ENCRYPTION_SECRET)
      .addBytes('the key-encryption key derived from it', kek.key);
    for (const cluster of bed.clusters) {
      scanner.addString(
        `${cluster.name}'s crossmesh token`,
        cluster.crossmeshToken,
      );
      scanner.addString(`${cluster.name}'s admin token`, cluster.adminToken);
    }
    return scanner;
  };

  /** Every key sealed in the database, unsealed with the configured secret. */
  const addSealedKeys = async (
    scanner: SecretScanner,
    knex: Awaited<ReturnType<typeof databases.init>>,
  ) => {
    const rows = [
      ...(await knex('ca_roots').select('id', 'cert_pem', 'sealed_key')).map(
        r => ({ ...r, what: 'root' }),
      ),
      ...(
        await knex('ca_intermediates').select('id', 'cert_pem', 'sealed_key')
      ).map(r => ({ ...r, what: 'intermediate' })),
      ...(
        await knex('ca_pending_csrs').select('cluster_name', 'sealed_key')
      ).map(r => ({
        id: r.cluster_name,
        sealed_key: r.sealed_key,
        what: 'CSR',
      })),
    ].filter(r => r.sealed_key);
    for (const row of rows) {
      scanner.addPrivateKey(
        `the ${row.what} key ${row.id} (unsealed from the database)`,
        openPrivateKey(row.sealed_key, kek),
        row.cert_pem ? [row.cert_pem] : [],
      );
    }
    return rows;
  };

  const addClusterKeys = (scanner: SecretScanner) => {
    let index = 0;
    for (const [keyPem, certPem] of clusterKeys) {
      scanner.addPrivateKey(
        `ca-key.pem #${++index} read from a cluster`,
        keyPem,
        [certPem],
      );
    }
  };

  /** Searches every response, log entry and console line captured so far. */
  const expectNoneFound = (scanner: SecretScanner) => {
    expect(logLines.some(line => line.includes(PROBE))).toBe(true);
    const haystacks: Haystack[] = [
      ...answers.flatMap(({ call, answer }, i) => [
        { where: `response ${i + 1} (${call}) body`, text: answer.text },
        {
          where: `response ${i + 1} (${call}) headers`,
          text: JSON.stringify(answer.headers),
        },
      ]),
      ...logLines.map((text, i) => ({ where: `log entry ${i + 1}`, text })),
      ...consoleLines.map((text, i) => ({
        where: `console line ${i + 1}`,
        text,
      })),
    ];
    const findings = scanner.scan(haystacks);
    process.stdout.write(
      `secrecy on ${databaseId}: ${answers.length} responses, ${
        logLines.length
      } log entries, ${consoleLines.length} console lines (${Math.round(
        haystacks.reduce((n, h) => n + h.text.length, 0) / 1024,
      )} KiB) searched for ${scanner.secrets.length} secrets in ${
        scanner.size
      } pieces: ${findings.length} found\n`,
    );
    if (findings.length) {
      throw new Error(`Secret material leaked:\n${describeFindings(findings)}`);
    }
  };

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(`console.${method}: ${format(...args)}`);
      });
    }
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
    for (const cluster of bed.clusters) {
      admin[cluster.name] = await clusterAdmin(cluster);
    }
    [databaseId] = databases.eachSupportedId().flat().reverse();
  });

  afterAll(async () => {
    await Promise.all(backends.map(b => b.stop()));
    await bed?.stop();
    jest.restoreAllMocks();
  });

  it('holds for a full run: trust, onboarding, preflight, exposures, audit and errors', async () => {
    const { mesh, knex } = await startBackend({
      intermediateKeyType: 'ecdsa-p256',
      // No workloads run here: the rotation need not wait for their certificates (ADR 0022).
      workloadCertificateTtl: '0s',
    });
    const carol = mesh.as('user:default/carol');
    const bob = mesh.as('user:default/bob');
    const imported = opensslRoot({ commonName: 'Imported Root CA' });
    const stranger = opensslRoot({ commonName: 'Stranger' });

    // Before anything: the clusters and their readiness.
    expectStatus(await carol.get('/clusters'), 200);
    expectStatus(await carol.get('/clusters/cluster-1/preflight'), 200);

    // A generated root, then each cluster onboarded with its intermediate.
    expectStatus(await carol.post('/trust/root', { keyType: 'rsa-2048' }), 201);
    for (const [cluster, keyType] of [
      ['cluster-1', 'rsa-2048'],
      ['cluster-2', 'ecdsa-p256'],
    ]) {
      expectStatus(
        await carol.put(`/clusters/${cluster}/membership`, {
          network: `network-${cluster}`,
          keyType,
        }),
        201,
      );
      expectStatus(
        await carol.post(`/trust/clusters/${cluster}/intermediate`),
        201,
      );
      expectStatus(await carol.post(`/clusters/${cluster}/dns`), 200);
      expectStatus(await carol.get(`/clusters/${cluster}/preflight`), 200);
    }
    await recordClusterKeys();
    expectStatus(await carol.get('/trust'), 200);
    expectStatus(await carol.get('/trust/drift'), 200);
    expectStatus(await carol.post('/trust/distribute', {}), 200);

    // Keys sent where they are refused: a second root, a key of another certificate, a
    // key next to an unknown field.
    expectStatus(
      await carol.post('/trust/root/import', {
        certPem: imported.certPem,
        keyPem: imported.keyPem,
      }),
      409,
    );
    expectStatus(
      await carol.post('/trust/rotation', {
        certPem: imported.certPem,
        keyPem: stranger.keyPem,
      }),
      400,
    );
    expectStatus(
      await carol.post('/trust/root/import', {
        certPem: imported.certPem,
        keyPem: imported.keyPem,
        comment: 'not a field',
      }),
      400,
    );

    // Rotation to the root made by openssl, through its three phases; carol asks, dave
    // confirms where two people are needed.
    const dave = mesh.as('user:default/dave');
    const confirmedByDave = async (asked: { body: any }) =>
      dave.post(`/trust/confirmations/${asked.body.confirmation.id}/confirm`, {
        fingerprintSha256: asked.body.confirmation.fingerprintSha256,
      });
    const askedToRotate = await carol.post('/trust/rotation', {
      certPem: imported.certPem,
      keyPem: imported.keyPem,
    });
    expectStatus(askedToRotate, 202);
    expectStatus(await confirmedByDave(askedToRotate), 200);
    await recordClusterKeys();
    expectStatus(await carol.post('/trust/rotation/advance'), 200);
    await recordClusterKeys();
    const askedToDrop = await carol.post('/trust/rotation/advance');
    expectStatus(askedToDrop, 202);
    expectStatus(await confirmedByDave(askedToDrop), 200);
    await recordClusterKeys();

    // Someone applies cacerts by hand with another key, as kubectl apply does: the key is
    // in the Secret and in its last-applied annotation. crossmesh reports and repairs it.
    const c1 = admin['cluster-1'];
    const current = await c1.core.readNamespacedSecret({
      name: 'cacerts',
      namespace: 'istio-system',
    });
    const handMade = {
      ...current.data,
      'ca-key.pem': Buffer.from(stranger.keyPem).toString('base64'),
    };
    await c1.core.replaceNamespacedSecret({
      name: 'cacerts',
      namespace: 'istio-system',
      body: {
        metadata: {
          name: 'cacerts',
          namespace: 'istio-system',
          resourceVersion: current.metadata!.resourceVersion,
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: 'cacerts', namespace: 'istio-system' },
              data: handMade,
            }),
          },
        },
        type: 'Opaque',
        data: handMade,
      },
    });
    expectStatus(await carol.get('/trust/drift'), 200);
    expectStatus(await carol.get('/clusters/cluster-1/preflight'), 200);
    expectStatus(
      await carol.post('/trust/distribute', { clusterName: 'cluster-1' }),
      200,
    );

    // An exposure from request to revocation.
    const created = await bob.post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: 'secrecy run',
    });
    expectStatus(created, 201);
    const id = created.body.id;
    expectStatus(await carol.get(`/exposures/${id}/preview`), 200);
    expectStatus(await carol.post(`/exposures/${id}/approve`), 200);
    await mesh.reconcile();
    expectStatus(await carol.get('/reconcile/status'), 200);
    expect((await carol.get(`/exposures/${id}`)).body.state).toBe('active');
    expectStatus(await carol.get('/exposures'), 200);
    expectStatus(await carol.get('/vips'), 200);
    expectStatus(await carol.get('/adoption/candidates'), 200);
    expectStatus(
      await bob.get('/service-ports?entityRef=component%3Adefault%2Fsvc-2'),
      200,
    );
    expectStatus(await bob.post(`/exposures/${id}/revoke`), 200);
    await mesh.reconcile();
    expect((await carol.get(`/exposures/${id}`)).body.state).toBe('revoked');

    // Errors: bad input, unknown things, and a cluster that is down.
    expectStatus(
      await bob.post('/exposures', {
        entityRef: 'component:default/svc-2',
        consumerClusters: ['cluster-9'],
        reason: 'x',
      }),
      400,
    );
    expectStatus(
      await carol.put('/clusters/cluster-1/membership', { network: 'No!' }),
      400,
    );
    expectStatus(await carol.get('/clusters/nowhere/preflight'), 404);
    expectStatus(await carol.post('/trust/clusters/nowhere/intermediate'), 404);
    // Killed, not stopped: down all the same, without waiting out the API server's graceful stop.
    await bed.killCluster('cluster-2');
    expectStatus(
      await bob.get(
        '/service-ports?entityRef=component%3Adefault%2Fsvc-unannotated',
      ),
      503,
    );
    expectStatus(await carol.post('/clusters/cluster-2/dns'), 503);
    expectStatus(await carol.post('/trust/distribute', {}), 200);
    expectStatus(await carol.get('/trust/drift'), 200);
    await mesh.reconcile();
    await bed.startCluster('cluster-2');
    expectStatus(await carol.get('/audit-events?limit=500'), 200);
    expectStatus(await carol.get('/clusters'), 200);

    // Every private key involved: the imported root's, each generated root's and
    // intermediate's (unsealed with the configured secret), each one the clusters held.
    const scanner = scannerWithConfigSecrets()
      .addPrivateKey('the imported root key', imported.keyPem, [
        imported.certPem,
      ])
      .addPrivateKey('the refused stranger key', stranger.keyPem, [
        stranger.certPem,
      ]);
    const sealed = await addSealedKeys(scanner, knex);
    // The generated root and the imported one; two intermediates onboarded, two moved.
    expect(sealed.filter(r => r.what === 'root')).toHaveLength(2);
    expect(
      sealed.filter(r => r.what === 'intermediate').length,
    ).toBeGreaterThanOrEqual(4);
    expect(clusterKeys.size).toBeGreaterThanOrEqual(4);
    addClusterKeys(scanner);

    // The scanner does see a key where one is: the cacerts Secret as the admin reads it.
    const control = await admin['cluster-1'].core.readNamespacedSecret({
      name: 'cacerts',
      namespace: 'istio-system',
    });
    expect(
      scanner.scan([{ where: 'control', text: JSON.stringify(control) }]),
    ).not.toEqual([]);

    expectNoneFound(scanner);
  });

  it('holds in offline-root mode: the root key refused, the CSR key made by crossmesh', async () => {
    const { mesh, knex } = await startBackend({
      mode: 'offline-root',
      intermediateKeyType: 'rsa-2048',
    });
    const carol = mesh.as('user:default/carol');
    const offline = opensslRoot({ commonName: 'Offline Root CA' });

    expectStatus(
      await carol.post('/trust/root/import', {
        certPem: offline.certPem,
        keyPem: offline.keyPem,
      }),
      400,
    );
    expectStatus(
      await carol.post('/trust/root/import', { certPem: offline.certPem }),
      201,
    );
    const csr = await carol.post('/trust/clusters/cluster-2/csr');
    expectStatus(csr, 201);
    const scanner = scannerWithConfigSecrets().addPrivateKey(
      'the offline root key',
      offline.keyPem,
      [offline.certPem],
    );
    expect(
      (await addSealedKeys(scanner, knex)).filter(r => r.what === 'CSR'),
    ).toHaveLength(1);
    expectStatus(
      await carol.put('/trust/clusters/cluster-2/intermediate', {
        certPem: opensslSignIntermediate(offline, csr.body.csrPem),
      }),
      200,
    );
    expectStatus(await carol.get('/trust'), 200);
    expectStatus(await carol.get('/trust/drift'), 200);
    expectStatus(await carol.get('/clusters/cluster-2/preflight'), 200);
    await recordClusterKeys();
    addClusterKeys(scanner);

    expectNoneFound(scanner);
  });
});
