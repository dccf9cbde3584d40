import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
  certPem: string;
}

export interface KeyPairFiles {
  certFile: string;
  keyFile: string;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

async function openssl(args: string[]): Promise<void> {
  try {
    await promisify(execFile)('openssl', args);
  } catch (error) {
    throw new Error(
      `openssl ${args.join(' ')} failed: ${
        (error as { stderr?: string }).stderr?.trim() || String(error)
      }\nThe test bed needs OpenSSL 3 on PATH to make its certificates.`,
    );
  }
}

/** A self-signed CA for one bed; every apiserver's serving cert chains to it. */
export async function createCertificateAuthority(
  dir: string,
): Promise<CertificateAuthority> {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, 'ca.crt');
  const keyFile = path.join(dir, 'ca.key');
  await openssl([
    'req', '-x509', ...ecKey, '-nodes',
    '-keyout', keyFile, '-out', certFile,
    '-days', '3650', '-subj', '/CN=crossmesh-test-bed-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  return { certFile, keyFile, certPem: fs.readFileSync(certFile, 'utf8') };
}

/** A serving certificate for 127.0.0.1 / localhost signed by the bed's CA. */
export async function createServingCertificate(
  ca: CertificateAuthority,
  dir: string,
): Promise<KeyPairFiles> {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, 'apiserver.crt');
  const keyFile = path.join(dir, 'apiserver.key');
  await openssl([
    'req', '-x509', '-CA', ca.certFile, '-CAkey', ca.keyFile, ...ecKey, '-nodes',
    '-keyout', keyFile, '-out', certFile,
    '-days', '3650', '-subj', '/CN=kube-apiserver',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext', 'basicConstraints=CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]); // prettier-ignore
  return { certFile, keyFile };
}

export interface ServiceAccountKeyFiles {
  publicKeyFile: string;
  privateKeyFile: string;
}

/** The key pair an apiserver signs and verifies service-account tokens with (ES256). */
export function createServiceAccountKeys(dir: string): ServiceAccountKeyFiles {
  fs.mkdirSync(dir, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const publicKeyFile = path.join(dir, 'sa.pub');
  const privateKeyFile = path.join(dir, 'sa.key');
  fs.writeFileSync(publicKeyFile, publicKey);
  fs.writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
  return { publicKeyFile, privateKeyFile };
}
