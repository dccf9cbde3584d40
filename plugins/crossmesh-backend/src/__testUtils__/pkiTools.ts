import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory removed by `cleanup()`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-pki-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a tool; returns stdout then stderr (or stdout only), throws with both on failure. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; stdoutOnly?: boolean } = {},
): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${
        result.error?.message ?? `exit ${result.status}`
      }):\n${output}`,
    );
  }
  return options.stdoutOnly ? result.stdout : output;
}

export function writeFiles(dir: string, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
  }
}

export function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

/** Writes cacerts to a temp dir and runs both `openssl verify -x509_strict` forms. */
export function opensslVerifyCacerts(files: Record<string, string>): string[] {
  const { dir, cleanup } = tempDir();
  try {
    writeFiles(dir, files);
    return ['cert-chain.pem', 'root-cert.pem'].map(caFile =>
      run(
        'openssl',
        ['verify', '-x509_strict', '-CAfile', caFile, 'ca-cert.pem'],
        { cwd: dir },
      ).trim(),
    );
  } finally {
    cleanup();
  }
}

/**
 * `openssl verify -x509_strict -CAfile root-cert.pem ca-cert.pem`, returning what it printed
 * whether or not it passed (every error, one a line, with its depth).
 */
export function opensslVerifyStrict(rootPem: string, certPem: string): string {
  const { dir, cleanup } = tempDir();
  try {
    writeFiles(dir, { 'root-cert.pem': rootPem, 'ca-cert.pem': certPem });
    const result = spawnSync(
      'openssl',
      ['verify', '-x509_strict', '-CAfile', 'root-cert.pem', 'ca-cert.pem'],
      { cwd: dir, encoding: 'utf8' },
    );
    return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  } finally {
    cleanup();
  }
}

/**
 * A root made with `openssl req -x509` and no Subject Key Identifier (nor Authority Key
 * Identifier), as an openssl.cnf without `subjectKeyIdentifier = hash` makes it.
 */
export function opensslRootWithoutSki(): { certPem: string; keyPem: string } {
  const { dir, cleanup } = tempDir();
  try {
    run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'root-key.pem',
        '-out',
        'root-cert.pem',
        '-subj',
        '/O=Istio/CN=Root CA',
        '-days',
        '365',
        '-addext',
        'subjectKeyIdentifier=none',
        '-addext',
        'authorityKeyIdentifier=none',
        '-addext',
        'basicConstraints=critical,CA:true',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { cwd: dir },
    );
    return {
      certPem: read(dir, 'root-cert.pem'),
      keyPem: read(dir, 'root-key.pem'),
    };
  } finally {
    cleanup();
  }
}

/**
 * The same root re-signed by its own key with a Subject Key Identifier added, as
 * `openssl x509 -in root-cert.pem -signkey root-key.pem -extfile <(echo subjectKeyIdentifier=hash)`
 * makes it: same subject and key, so what it signed still verifies.
 */
export function opensslAddSki(root: {
  certPem: string;
  keyPem: string;
}): string {
  const { dir, cleanup } = tempDir();
  try {
    writeFiles(dir, {
      'root-cert.pem': root.certPem,
      'root-key.pem': root.keyPem,
      'ski.conf': 'subjectKeyIdentifier = hash\n',
    });
    run(
      'openssl',
      [
        'x509',
        '-in',
        'root-cert.pem',
        '-signkey',
        'root-key.pem',
        '-extfile',
        'ski.conf',
        '-days',
        '365',
        '-out',
        'root-with-ski.pem',
      ],
      { cwd: dir },
    );
    return read(dir, 'root-with-ski.pem');
  } finally {
    cleanup();
  }
}

export function opensslText(certPem: string): string {
  return run('openssl', ['x509', '-noout', '-text'], { input: certPem });
}

/** Fails (never skips) when cfssl is absent, saying how to install it. */
export function requireCfssl(): void {
  try {
    execFileSync('cfssl', ['version'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      'cfssl is not installed; install it with "apt-get install golang-cfssl" (Debian/Ubuntu).',
    );
  }
}

/** `cfssl gencert -initca` with a CSR JSON; returns the root as PEM. */
export function cfsslInitCa(key: { algo: 'rsa' | 'ecdsa'; size: number }): {
  certPem: string;
  keyPem: string;
} {
  requireCfssl();
  const { dir, cleanup } = tempDir();
  try {
    writeFiles(dir, {
      'csr.json': JSON.stringify({
        CN: 'Root CA',
        key,
        names: [{ O: 'Istio' }],
      }),
    });
    const out = JSON.parse(
      run('cfssl', ['gencert', '-initca', 'csr.json'], {
        cwd: dir,
        stdoutOnly: true,
      }).replace(/^[^{]*/, ''),
    );
    return { certPem: out.cert, keyPem: out.key };
  } finally {
    cleanup();
  }
}

/**
 * A root made the way Istio's tools/certs Makefile (Makefile.selfsigned.mk)
 * makes it: `openssl genrsa 4096`, `openssl req` and `openssl x509 -req
 * -signkey` with its root-ca.conf.
 */
export function istioMakefileRoot(
  overrides: {
    basicConstraints?: string;
    keyUsage?: string;
    bits?: number;
  } = {},
): { certPem: string; keyPem: string } {
  const { dir, cleanup } = tempDir();
  try {
    writeFiles(dir, {
      'root-ca.conf': [
        '[ req ]',
        'encrypt_key = no',
        'prompt = no',
        'utf8 = yes',
        'default_md = sha256',
        `default_bits = ${overrides.bits ?? 4096}`,
        'req_extensions = req_ext',
        'x509_extensions = req_ext',
        'distinguished_name = req_dn',
        '[ req_ext ]',
        'subjectKeyIdentifier = hash',
        `basicConstraints = ${
          overrides.basicConstraints ?? 'critical, CA:true'
        }`,
        `keyUsage = ${
          overrides.keyUsage ??
          'critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign'
        }`,
        '[ req_dn ]',
        'O = Istio',
        'CN = Root CA',
        '',
      ].join('\n'),
    });
    run(
      'openssl',
      ['genrsa', '-out', 'root-key.pem', String(overrides.bits ?? 4096)],
      {
        cwd: dir,
      },
    );
    run(
      'openssl',
      [
        'req',
        '-sha256',
        '-new',
        '-key',
        'root-key.pem',
        '-config',
        'root-ca.conf',
        '-out',
        'root-cert.csr',
      ],
      { cwd: dir },
    );
    run(
      'openssl',
      [
        'x509',
        '-req',
        '-sha256',
        '-days',
        '3650',
        '-signkey',
        'root-key.pem',
        '-extensions',
        'req_ext',
        '-extfile',
        'root-ca.conf',
        '-in',
        'root-cert.csr',
        '-out',
        'root-cert.pem',
      ],
      { cwd: dir },
    );
    return {
      certPem: read(dir, 'root-cert.pem'),
      keyPem: read(dir, 'root-key.pem'),
    };
  } finally {
    cleanup();
  }
}

/**
 * A cluster folder (`cluster1/`) made the way Istio's tools/certs Makefile
 * (Makefile.selfsigned.mk, `make <cluster>-cacerts`) makes it, as Istio's multicluster guide
 * has people do: `ca-key.pem` is the cluster's intermediate key, `ca-cert.pem` the
 * intermediate, `root-cert.pem` a copy of the root and `cert-chain.pem` both.
 */
export function istioMakefileClusterFolder(
  root: { certPem: string; keyPem: string },
  clusterName: string,
  bits = 4096,
): Record<
  'ca-cert.pem' | 'ca-key.pem' | 'root-cert.pem' | 'cert-chain.pem',
  string
> {
  const { dir, cleanup } = tempDir();
  let keyPem: string;
  let csrPem: string;
  try {
    writeFiles(dir, {
      'intermediate.conf': [
        '[ req ]',
        'encrypt_key = no',
        'prompt = no',
        'utf8 = yes',
        'default_md = sha256',
        `default_bits = ${bits}`,
        'distinguished_name = req_dn',
        '[ req_dn ]',
        'O = Istio',
        'CN = Intermediate CA',
        `L = ${clusterName}`,
        '',
      ].join('\n'),
    });
    run('openssl', ['genrsa', '-out', 'ca-key.pem', String(bits)], {
      cwd: dir,
    });
    run(
      'openssl',
      [
        'req',
        '-sha256',
        '-new',
        '-config',
        'intermediate.conf',
        '-key',
        'ca-key.pem',
        '-out',
        'cluster-ca.csr',
      ],
      { cwd: dir },
    );
    keyPem = read(dir, 'ca-key.pem');
    csrPem = read(dir, 'cluster-ca.csr');
  } finally {
    cleanup();
  }
  // The Makefile's req_ext section of intermediate.conf.
  const caCert = opensslSignCsr({
    csrPem,
    root,
    days: 730,
    extensions: [
      'subjectKeyIdentifier = hash',
      'basicConstraints = critical, CA:true, pathlen:0',
      'keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign',
      'subjectAltName = DNS:istiod.istio-system.svc',
    ],
  });
  return {
    'ca-cert.pem': caCert,
    'ca-key.pem': keyPem,
    'root-cert.pem': root.certPem,
    'cert-chain.pem': caCert + root.certPem,
  };
}

/** Signs a CSR with `openssl x509 -req` using the given extensions section. */
export function opensslSignCsr(options: {
  csrPem: string;
  root: { certPem: string; keyPem: string };
  extensions: string[];
  days?: number;
}): string {
  const { dir, cleanup } = tempDir();
  try {
    writeFiles(dir, {
      'req.csr': options.csrPem,
      'root-cert.pem': options.root.certPem,
      'root-key.pem': options.root.keyPem,
      'ext.conf': ['[ ext ]', ...options.extensions, ''].join('\n'),
    });
    run(
      'openssl',
      [
        'x509',
        '-req',
        '-sha256',
        '-days',
        String(options.days ?? 30),
        '-CA',
        'root-cert.pem',
        '-CAkey',
        'root-key.pem',
        '-set_serial',
        '4242',
        '-extfile',
        'ext.conf',
        '-extensions',
        'ext',
        '-in',
        'req.csr',
        '-out',
        'ca-cert.pem',
      ],
      { cwd: dir },
    );
    return read(dir, 'ca-cert.pem');
  } finally {
    cleanup();
  }
}
