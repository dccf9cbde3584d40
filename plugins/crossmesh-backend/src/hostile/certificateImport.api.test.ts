import { ROOT_IMPORT_ERROR_CODES } from '@crossmesh/backstage-plugin-crossmesh-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { readSecretAsAdmin } from '../__testUtils__/trustTestKit';
import {
  HostileBackend,
  hostileDatabases,
  startHostileBackend,
} from './__testUtils__/hostileBackend';
import {
  INTERMEDIATE_EXTENSIONS,
  LEAF_EXTENSIONS,
  OpensslCa,
  opensslWorkbench,
  ROOT_EXTENSIONS,
} from './__testUtils__/opensslCa';

jest.setTimeout(180_000);

const databases = hostileDatabases();
const YEAR = 365 * 86_400_000;
const past = { start: new Date('2020-01-01'), end: new Date('2021-01-01') };
const future = {
  start: new Date(Date.now() + YEAR),
  end: new Date(Date.now() + 2 * YEAR),
};

/** Flips characters in the middle of a PEM's base64 body, keeping it valid base64. */
function corrupt(pem: string): string {
  const lines = pem.split('\n');
  const middle = Math.floor(lines.length / 2);
  lines[middle] = lines[middle].replace(/[A-Za-z]/g, c =>
    c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase(),
  );
  return lines.join('\n');
}

function truncate(pem: string): string {
  const lines = pem.trim().split('\n');
  return [...lines.slice(0, 3), lines[lines.length - 1]].join('\n');
}

async function secretExists(bed: TestBed, index: number): Promise<boolean> {
  try {
    await readSecretAsAdmin(bed.clusters[index]);
    return true;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return false;
    throw e;
  }
}

describe('certificates crossmesh refuses on import, made with the openssl CLI', () => {
  let bed: TestBed;
  let pki: ReturnType<typeof opensslWorkbench>;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    pki = opensslWorkbench();
  });
  afterAll(async () => {
    await bed?.stop();
    pki?.cleanup();
  });

  describe('POST /trust/root/import', () => {
    let api: HostileBackend;
    let root: OpensslCa;
    beforeAll(async () => {
      api = await startHostileBackend({ databases, bed });
      root = pki.selfSigned();
    });
    afterAll(async () => {
      await api?.stop();
    });

    const refusals: Array<[string, () => object, RegExp]> = [
      [
        'garbage PEM: no PEM at all',
        () => ({ certPem: 'hello, I am a certificate', keyPem: root.keyPem }),
        /^Root CA certificate is not a PEM certificate: expected a "-----BEGIN CERTIFICATE-----" block/,
      ],
      [
        'garbage PEM: a corrupted certificate',
        () => ({ certPem: corrupt(root.certPem), keyPem: root.keyPem }),
        /^Root CA certificate could not be parsed as an X.509 certificate \(.+\)\. Check that the PEM is complete and not corrupted\./,
      ],
      [
        'garbage PEM: a truncated certificate',
        () => ({ certPem: truncate(root.certPem), keyPem: root.keyPem }),
        /^Root CA certificate could not be parsed as an X.509 certificate/,
      ],
      [
        'garbage PEM: a CSR where the certificate goes',
        () => ({
          certPem: pki.csrFor(root.keyPem, '/CN=Root CA'),
          keyPem: root.keyPem,
        }),
        /^Root CA certificate is not a PEM certificate/,
      ],
      [
        'garbage PEM: a certificate where the key goes',
        () => ({ certPem: root.certPem, keyPem: root.certPem }),
        /^Root CA key is not a PEM private key/,
      ],
      [
        'not a CA: a self-signed leaf certificate',
        () => pki.selfSigned('/O=Istio/CN=Root CA', LEAF_EXTENSIONS),
        /^Root CA certificate is not a CA certificate: basicConstraints CA:TRUE is missing/,
      ],
      [
        'not a CA: a CA that may not sign certificates',
        () =>
          pki.selfSigned('/O=Istio/CN=Root CA', [
            'basicConstraints = critical, CA:true',
            'keyUsage = critical, digitalSignature',
          ]),
        /^Root CA certificate may not sign certificates: its keyUsage lacks keyCertSign/,
      ],
      [
        'key mismatch: the key of another root',
        () => ({ certPem: root.certPem, keyPem: pki.newKey() }),
        /^Root CA key does not match Root CA certificate: the key's public half differs from the certificate's/,
      ],
      [
        'expired',
        () => pki.selfSigned('/O=Istio/CN=Root CA', ROOT_EXTENSIONS, past),
        /^Root CA certificate has expired: it was valid until 2021-01-01T00:00:00Z\. Generate or import a new certificate\./,
      ],
      [
        'not yet valid',
        () => pki.selfSigned('/O=Istio/CN=Root CA', ROOT_EXTENSIONS, future),
        /^Root CA certificate is not yet valid: its validity starts /,
      ],
      [
        'wrong chain: a CA issued by another root, not a root itself',
        () => pki.issued(root, '/O=Istio/CN=Not A Root', ROOT_EXTENSIONS),
        /^Root CA certificate is not self-signed \(subject "O=Istio, CN=Not A Root", issuer "O=Istio, CN=Root CA"\)\. Istio's root-cert\.pem must hold a self-signed root; import the top of your chain\./,
      ],
      [
        'wrong chain: an intermediate with pathlen:0',
        () =>
          pki.issued(
            root,
            '/O=Istio/CN=Intermediate CA',
            INTERMEDIATE_EXTENSIONS,
          ),
        /^Root CA certificate "O=Istio, CN=Intermediate CA" is an intermediate CA issued by "O=Istio, CN=Root CA", not a root: these are ca-cert\.pem and ca-key\.pem of a cluster folder/,
      ],
      [
        'wrong chain: a whole chain where one root goes',
        () => {
          const intermediate = pki.issued(
            root,
            '/O=Istio/CN=Intermediate CA',
            INTERMEDIATE_EXTENSIONS,
          );
          return {
            certPem: intermediate.certPem + root.certPem,
            keyPem: root.keyPem,
          };
        },
        /^Root CA certificate holds 2 certificates; provide exactly one\./,
      ],
    ];

    it.each(refusals)(
      'refuses %s with a 400 that says what is wrong, and stores nothing',
      async (_, body, message) => {
        const carol = api.as('carol');
        const response = await carol.post('/trust/root/import', body());
        expect(response.status).toBe(400);
        // The key's checks start "Root CA key"; every other check is the certificate's.
        const field = message.source.startsWith('^Root CA key')
          ? 'key'
          : 'certificate';
        expect(response.body.error).toEqual({
          name: 'InputError',
          message: expect.stringMatching(message),
          code: ROOT_IMPORT_ERROR_CODES[field],
        });
        const trust = await carol.get('/trust');
        expect(trust.body.roots).toEqual([]);
        expect((await carol.get('/audit-events')).body.totalCount).toBe(0);
      },
    );

    it('imports the good root the bad ones were made beside', async () => {
      // Its own backend: once a root is in, every import is refused with 409, whichever
      // test runs next.
      const own = await startHostileBackend({ databases, bed });
      try {
        const imported = await own.as('carol').post('/trust/root/import', root);
        expect(imported.status).toBe(201);
        expect(imported.body).toMatchObject({
          source: 'imported',
          subject: 'O=Istio, CN=Root CA',
          holdsKey: true,
        });
      } finally {
        await own.stop();
      }
    });
  });

  describe('PUT /trust/clusters/{clusterName}/intermediate (offline root)', () => {
    let api: HostileBackend;
    let root: OpensslCa;
    let csrPem: string;

    /** A backend holding the offline root's certificate, with a CSR pending for `cluster`. */
    async function awaitingIntermediate(cluster: string) {
      const backend = await startHostileBackend({
        databases,
        bed,
        trust: { mode: 'offline-root' },
      });
      const carol = backend.as('carol');
      const imported = await carol.post('/trust/root/import', {
        certPem: root.certPem,
      });
      const csr = await carol.post(`/trust/clusters/${cluster}/csr`);
      if (imported.status !== 201 || csr.status !== 201) {
        await backend.stop();
        throw new Error(
          `set-up failed: ${JSON.stringify([imported.body, csr.body])}`,
        );
      }
      return { backend, csrPem: csr.body.csrPem as string };
    }

    beforeAll(async () => {
      root = pki.selfSigned();
      ({ backend: api, csrPem } = await awaitingIntermediate('cluster-2'));
    });
    afterAll(async () => {
      await api?.stop();
    });

    const signed = (
      extensions: string[],
      options: { issuer?: OpensslCa; csr?: string; validity?: object } = {},
    ) =>
      pki.sign({
        csrPem: options.csr ?? csrPem,
        issuer: options.issuer ?? root,
        extensions,
        validity: options.validity as any,
      });

    const refusals: Array<[string, () => string, RegExp]> = [
      [
        'garbage PEM: no PEM at all',
        () => 'not a certificate',
        /^Uploaded intermediate certificate is not a PEM certificate/,
      ],
      [
        'garbage PEM: a corrupted certificate',
        () => corrupt(signed(INTERMEDIATE_EXTENSIONS)),
        /^Uploaded intermediate certificate could not be parsed as an X.509 certificate/,
      ],
      [
        'garbage PEM: the CSR sent back unsigned',
        () => csrPem,
        /^Uploaded intermediate certificate is not a PEM certificate/,
      ],
      [
        'wrong chain: signed by another root',
        () =>
          signed(INTERMEDIATE_EXTENSIONS, {
            issuer: pki.selfSigned('/O=Stranger/CN=Other Root'),
          }),
        /^Uploaded intermediate certificate does not chain to the mesh root: it was issued by "O=Stranger, CN=Other Root" and no root with fingerprint .+ signed it\. Have the CSR signed by the mesh's root CA\./,
      ],
      [
        'wrong chain: signed by a look-alike root (same name, other key)',
        () => signed(INTERMEDIATE_EXTENSIONS, { issuer: pki.selfSigned() }),
        /^Uploaded intermediate certificate does not chain to the mesh root: it was issued by "O=Istio, CN=Root CA"/,
      ],
      [
        "key mismatch: a certificate for another key than the CSR's",
        () =>
          signed(INTERMEDIATE_EXTENSIONS, {
            csr: pki.csrFor(pki.newKey(), '/O=Istio/CN=Intermediate CA'),
          }),
        /^Intermediate CA key \(the one the CSR was made with\) does not match Uploaded intermediate certificate/,
      ],
      [
        'not a CA',
        () => signed(LEAF_EXTENSIONS),
        /^Uploaded intermediate certificate is not a CA certificate: basicConstraints CA:TRUE is missing/,
      ],
      [
        'not a CA for Istio: no pathlen:0',
        () => signed(ROOT_EXTENSIONS),
        /^Uploaded intermediate certificate must have basicConstraints pathlen:0 .* but it has no pathlen/,
      ],
      [
        'expired',
        () => signed(INTERMEDIATE_EXTENSIONS, { validity: past }),
        /^Uploaded intermediate certificate has expired: it was valid until 2021-01-01T00:00:00Z/,
      ],
    ];

    it.each(refusals)(
      'refuses %s with a 400 that says what is wrong, and writes nothing',
      async (_, certPem, message) => {
        const carol = api.as('carol');
        const response = await carol.put(
          '/trust/clusters/cluster-2/intermediate',
          { certPem: certPem() },
        );
        expect(response.status).toBe(400);
        expect(response.body.error).toEqual({
          name: 'InputError',
          message: expect.stringMatching(message),
        });
        const trust = (await carol.get('/trust')).body;
        expect(trust.intermediates).toEqual([]);
        expect(trust.pendingCsrs).toEqual([
          expect.objectContaining({ clusterName: 'cluster-2' }),
        ]);
        expect(await secretExists(bed, 1)).toBe(false);
      },
    );

    it('accepts the good intermediate the bad ones were made beside, and writes cacerts', async () => {
      // Its own backend and cluster, so the refusals see nothing it wrote, in any order.
      const own = await awaitingIntermediate('cluster-1');
      try {
        const response = await own.backend
          .as('carol')
          .put('/trust/clusters/cluster-1/intermediate', {
            certPem: signed(INTERMEDIATE_EXTENSIONS, { csr: own.csrPem }),
          });
        expect(response.status).toBe(200);
        expect(response.body.distribution).toMatchObject({
          cluster: 'cluster-1',
          secretWritten: true,
        });
        expect(await secretExists(bed, 0)).toBe(true);
      } finally {
        await own.backend.stop();
      }
    });
  });
});
