import { InputError } from '@backstage/errors';
import {
  formatDate,
  isSignedBy,
  parseCertificates,
  signStructure,
} from './certificate';
import {
  checkIsCa,
  checkKeyMatches,
  checkMaySignCertificates,
  checkValidity,
} from './checks';
import {
  intermediateExtensions,
  intermediateSubject,
  validateClusterName,
  validateNow,
} from './conventions';
import {
  extension,
  implicitSet,
  name,
  oid,
  OID,
  parseDer,
  seq,
  set,
  smallInteger,
} from './der';
import {
  generateKeyPair,
  KeyType,
  parsePrivateKeyPem,
  spkiDer,
  toPkcs8Pem,
} from './keys';
import { IntermediateCa } from './intermediateCa';
import { encodePem, withFinalNewline } from './pem';

/**
 * Options of {@link createIntermediateCsr}.
 *
 * @public
 */
export interface CreateIntermediateCsrOptions {
  clusterName: string;
  /** Defaults to `rsa-4096`. */
  keyType?: KeyType;
}

/**
 * A certificate signing request and the key it was made with.
 *
 * @public
 */
export interface IntermediateCsr {
  csrPem: string;
  /** PKCS#8 PEM; keep it until the signed certificate comes back. */
  keyPem: string;
}

/**
 * Generates a key and a PKCS#10 request for a cluster's intermediate CA, for
 * roots kept offline. The subject is `O=Istio, CN=Intermediate CA, L=<cluster>`
 * and the request asks for CA:TRUE pathlen:0, keyCertSign, cRLSign and
 * SAN `DNS:istiod.istio-system.svc` (extensionRequest), so
 * `openssl x509 -req -copy_extensions copy` or `openssl ca` can honour them.
 *
 * @public
 */
export async function createIntermediateCsr(
  options: CreateIntermediateCsrOptions,
): Promise<IntermediateCsr> {
  const clusterName = validateClusterName(options.clusterName);
  const { privateKey } = await generateKeyPair(options.keyType ?? 'rsa-4096');
  const requestInfo = seq([
    smallInteger(0),
    name(intermediateSubject(clusterName)),
    parseDer(spkiDer(privateKey)),
    implicitSet(0, [
      seq([
        oid(OID.extensionRequest),
        set([seq(intermediateExtensions().map(extension))]),
      ]),
    ]),
  ]);
  return {
    csrPem: encodePem(
      'CERTIFICATE REQUEST',
      signStructure(requestInfo, privateKey),
    ),
    keyPem: toPkcs8Pem(privateKey),
  };
}

/**
 * Input of {@link acceptSignedIntermediate}.
 *
 * @public
 */
export interface AcceptSignedIntermediateInput {
  /** The signed intermediate; certificates after the first are ignored. */
  certPem: string;
  /** The key from {@link createIntermediateCsr}. */
  keyPem: string;
  /** The mesh's root certificate(s), PEM; several during root rotation. */
  rootCertPem: string;
  /** Defaults to the current time. */
  now?: Date;
}

/**
 * Accepts an intermediate signed by an offline root: it must be signed by
 * (one of) the mesh's root certificate(s), match the key, be a CA with
 * pathlen:0 that may sign certificates, and be currently valid.
 *
 * @throws InputError naming the failed check and how to fix it.
 * @public
 */
export function acceptSignedIntermediate(
  input: AcceptSignedIntermediateInput,
): IntermediateCa {
  const what = 'Uploaded intermediate certificate';
  const now = validateNow(input.now ?? new Date());
  const [cert] = parseCertificates(input.certPem, what);
  const key = parsePrivateKeyPem(input.keyPem, 'Intermediate CA key');
  const roots = parseCertificates(input.rootCertPem, 'Mesh root certificate');

  if (!roots.some(root => isSignedBy(cert, root))) {
    throw new InputError(
      `${what} does not chain to the mesh root: it was issued by "${cert.x509.issuer
        .split('\n')
        .join(', ')}" and no root with fingerprint ${roots
        .map(r => r.fingerprintSha256)
        .join(' or ')} signed it. Have the CSR signed by the mesh's root CA.`,
    );
  }
  checkKeyMatches(
    cert,
    key,
    what,
    'Intermediate CA key (the one the CSR was made with)',
  );
  checkIsCa(cert, what);
  if (cert.basicConstraints?.pathLen !== 0) {
    throw new InputError(
      `${what} must have basicConstraints pathlen:0 (istiod issues only workload certificates), ` +
        `but it has ${
          cert.basicConstraints?.pathLen === undefined
            ? 'no pathlen'
            : `pathlen:${cert.basicConstraints.pathLen}`
        }. Sign it again with "basicConstraints = critical, CA:true, pathlen:0" ` +
        `(cfssl: "ca_constraint": {"is_ca": true, "max_path_len": 0, "max_path_len_zero": true}).`,
    );
  }
  checkMaySignCertificates(cert, what);
  checkValidity(cert, now, what);

  return {
    certPem: withFinalNewline(cert.pem),
    keyPem: toPkcs8Pem(key),
    serial: cert.serial,
    fingerprintSha256: cert.fingerprintSha256,
    notBefore: formatDate(cert.notBefore),
    notAfter: formatDate(cert.notAfter),
  };
}
