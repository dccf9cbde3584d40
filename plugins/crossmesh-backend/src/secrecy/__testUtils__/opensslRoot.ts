import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A root CA made by the openssl CLI, as Istio's tools/certs Makefile makes one. */
export interface OpensslRoot {
  certPem: string;
  keyPem: string;
}

/** `openssl req -x509` with a new RSA key: O=Istio, CN=Root CA, CA:true, keyCertSign. */
export function opensslRoot(
  options: { bits?: number; commonName?: string } = {},
): OpensslRoot {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-secrecy-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        `rsa:${options.bits ?? 2048}`,
        '-nodes',
        '-keyout',
        'root-key.pem',
        '-out',
        'root-cert.pem',
        '-days',
        '3650',
        '-subj',
        `/O=Istio/CN=${options.commonName ?? 'Root CA'}`,
        '-addext',
        'basicConstraints=critical,CA:true',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return {
      certPem: fs.readFileSync(path.join(dir, 'root-cert.pem'), 'utf8'),
      keyPem: fs.readFileSync(path.join(dir, 'root-key.pem'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Signs a CSR crossmesh made (offline-root mode) with `openssl x509 -req`, as an operator
 * does: an intermediate CA, `pathlen:0`, SAN `istiod.istio-system.svc`.
 */
export function opensslSignIntermediate(
  root: OpensslRoot,
  csrPem: string,
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-secrecy-'));
  try {
    fs.writeFileSync(path.join(dir, 'root-cert.pem'), root.certPem);
    fs.writeFileSync(path.join(dir, 'root-key.pem'), root.keyPem, {
      mode: 0o600,
    });
    fs.writeFileSync(path.join(dir, 'cluster.csr'), csrPem);
    fs.writeFileSync(
      path.join(dir, 'intermediate.ext'),
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectAltName=DNS:istiod.istio-system.svc\n',
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'cluster.csr',
        '-CA',
        'root-cert.pem',
        '-CAkey',
        'root-key.pem',
        '-CAcreateserial',
        '-days',
        '365',
        '-extfile',
        'intermediate.ext',
        '-out',
        'cluster.pem',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return fs.readFileSync(path.join(dir, 'cluster.pem'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
