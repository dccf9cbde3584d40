import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `openssl x509 -extfile` writes into a certificate. */
export const ROOT_EXTENSIONS = [
  'basicConstraints = critical, CA:true',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
];
export const INTERMEDIATE_EXTENSIONS = [
  'basicConstraints = critical, CA:true, pathlen:0',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectAltName = DNS:istiod.istio-system.svc',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
];
export const LEAF_EXTENSIONS = [
  'basicConstraints = critical, CA:false',
  'keyUsage = critical, digitalSignature, keyEncipherment',
];

/** A key pair and certificate made by the openssl CLI, PEM. */
export interface OpensslCa {
  certPem: string;
  keyPem: string;
}

/** Validity as `openssl ca` takes it: YYYYMMDDHHMMSSZ, or days from now. */
export type Validity = { days: number } | { start: Date; end: Date };

function generalizedTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * Certificates made the way an operator makes them, with the real `openssl` CLI (`openssl ca`,
 * so validity dates in the past can be set). Everything lives in a temp dir until `cleanup()`.
 */
export function opensslWorkbench() {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-hostile-pki-'));
  let counter = 0;

  function openssl(args: string[], input?: string): string {
    const result = spawnSync('openssl', args, {
      cwd: dir,
      input,
      encoding: 'utf8',
    });
    if (result.error || result.status !== 0) {
      throw new Error(
        `openssl ${args.join(' ')} failed: ${
          result.error?.message ?? result.stderr
        }`,
      );
    }
    return result.stdout;
  }

  function file(name: string, content: string): string {
    writeFileSync(join(dir, name), content);
    return name;
  }

  /** A fresh `openssl ca` database, so any serial and subject may be signed again. */
  function caConfig(): string {
    const ca = `ca-${++counter}`;
    mkdirSync(join(dir, ca));
    writeFileSync(join(dir, ca, 'index.txt'), '');
    writeFileSync(join(dir, ca, 'serial'), '1000\n');
    return file(
      `${ca}.cnf`,
      [
        '[ca]',
        'default_ca = this',
        '[this]',
        `database = ${join(dir, ca, 'index.txt')}`,
        `new_certs_dir = ${join(dir, ca)}`,
        `serial = ${join(dir, ca, 'serial')}`,
        'default_md = sha256',
        'policy = any',
        'unique_subject = no',
        'email_in_dn = no',
        '[any]',
        'organizationName = optional',
        'commonName = optional',
        'localityName = optional',
        '',
      ].join('\n'),
    );
  }

  function newKey(): string {
    return openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
  }

  function csrFor(keyPem: string, subject: string): string {
    const key = file(`key-${++counter}.pem`, keyPem);
    return openssl(['req', '-new', '-key', key, '-subj', subject]);
  }

  /**
   * Signs a CSR with `issuer` (or itself, when `issuer` is omitted: a self-signed CA) through
   * `openssl ca`, with the given extensions and validity.
   */
  function sign(options: {
    csrPem: string;
    issuer?: OpensslCa;
    selfSignKeyPem?: string;
    extensions: string[];
    validity?: Validity;
  }): string {
    const n = ++counter;
    const csr = file(`req-${n}.csr`, options.csrPem);
    const ext = file(
      `ext-${n}.cnf`,
      `[v3]\n${options.extensions.join('\n')}\n`,
    );
    const validity = options.validity ?? { days: 365 };
    const dates =
      'days' in validity
        ? ['-days', String(validity.days)]
        : [
            '-startdate',
            generalizedTime(validity.start),
            '-enddate',
            generalizedTime(validity.end),
          ];
    const signer = options.issuer
      ? [
          '-cert',
          file(`issuer-${n}.pem`, options.issuer.certPem),
          '-keyfile',
          file(`issuer-key-${n}.pem`, options.issuer.keyPem),
        ]
      : [
          '-selfsign',
          '-keyfile',
          file(`self-key-${n}.pem`, options.selfSignKeyPem!),
        ];
    openssl([
      'ca',
      '-batch',
      '-notext',
      '-config',
      caConfig(),
      '-in',
      csr,
      '-out',
      `cert-${n}.pem`,
      '-extfile',
      ext,
      '-extensions',
      'v3',
      ...signer,
      ...dates,
    ]);
    return readFileSync(join(dir, `cert-${n}.pem`), 'utf8');
  }

  /** A self-signed certificate with its key: a root CA unless `extensions` say otherwise. */
  function selfSigned(
    subject = '/O=Istio/CN=Root CA',
    extensions = ROOT_EXTENSIONS,
    validity?: Validity,
  ): OpensslCa {
    const keyPem = newKey();
    const certPem = sign({
      csrPem: csrFor(keyPem, subject),
      selfSignKeyPem: keyPem,
      extensions,
      validity,
    });
    return { certPem, keyPem };
  }

  return {
    dir,
    newKey,
    csrFor,
    sign,
    selfSigned,
    /** A certificate issued by `issuer` for a fresh key. */
    issued(
      issuer: OpensslCa,
      subject: string,
      extensions: string[],
      validity?: Validity,
    ): OpensslCa {
      const keyPem = newKey();
      const certPem = sign({
        csrPem: csrFor(keyPem, subject),
        issuer,
        extensions,
        validity,
      });
      return { certPem, keyPem };
    },
    /** `openssl x509 -text` of a certificate, to check what the workbench made. */
    text(certPem: string): string {
      return openssl(['x509', '-noout', '-text'], certPem);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
