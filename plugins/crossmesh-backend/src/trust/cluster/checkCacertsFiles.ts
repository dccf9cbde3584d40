import { CacertsFiles, inspectCacerts } from '../../pki';

const normalizeFingerprint = (fingerprint: string) =>
  fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();

/**
 * Refuses files that would break Istio after the restart that follows their
 * distribution: missing or empty keys, an inconsistent chain, an expired CA, or (when
 * `rootFingerprints` is given) a chain to a root crossmesh does not expect.
 *
 * @returns a sentence for people, or undefined when the files may be distributed.
 *
 * @internal
 */
export function checkCacertsFiles(
  files: CacertsFiles,
  options: { rootFingerprints?: string[]; now?: Date },
): string | undefined {
  const report = inspectCacerts(files as unknown as Record<string, string>, {
    expectedRootPems: [files['root-cert.pem'] ?? ''],
    now: options.now,
    renewalWindowDays: 0,
  });
  if (
    report.status === 'missing-keys' ||
    report.status === 'invalid' ||
    report.status === 'expired'
  ) {
    return `the cacerts files to distribute are not usable (${report.status}): ${report.detail}`;
  }
  const expected = options.rootFingerprints?.map(normalizeFingerprint);
  if (
    expected &&
    !expected.includes(normalizeFingerprint(report.rootFingerprintSha256 ?? ''))
  ) {
    return `the cacerts files to distribute chain to root ${
      report.rootFingerprintSha256
    }, which is not one of the mesh's roots (${options.rootFingerprints!.join(
      ', ',
    )}); issue the cluster's intermediate from the mesh's root`;
  }
  return undefined;
}
