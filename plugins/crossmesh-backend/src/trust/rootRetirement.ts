import { X509Certificate } from 'node:crypto';
import type { ClusterTrustInspection } from './cluster/inspectClusterTrust';
import type { PublishedRoots } from './cluster/readPublishedRoots';

function fingerprintsIn(pem: string): string[] {
  return (
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []
  ).flatMap(block => {
    try {
      return [new X509Certificate(block).fingerprint256];
    } catch {
      return [];
    }
  });
}

/**
 * Why the old root may not be dropped yet, one sentence per cluster that holds it back: its
 * `cacerts` intermediate does not chain to the new root, or its istiod still publishes roots
 * without the new one (its workloads would then trust no certificate signed after the drop).
 * A cluster where istiod has published nothing (`istio-ca-root-cert` absent) runs no istiod
 * that signs with `cacerts`, and holds nothing back. Empty when the drop is safe.
 *
 * @internal
 */
export function rootRetirementBlockers(options: {
  newRootFingerprint: string;
  oldRootFingerprint: string;
  inspections: ClusterTrustInspection[];
  published: PublishedRoots[];
}): string[] {
  const { newRootFingerprint, oldRootFingerprint } = options;
  const blockers: string[] = [];
  for (const inspection of options.inspections) {
    const chainsTo =
      inspection.report && 'rootFingerprintSha256' in inspection.report
        ? inspection.report.rootFingerprintSha256
        : undefined;
    if (inspection.error) {
      blockers.push(
        `${inspection.cluster}: its cacerts cannot be checked (${inspection.error})`,
      );
    } else if (chainsTo !== newRootFingerprint) {
      blockers.push(
        `${inspection.cluster}: the intermediate in its cacerts ${
          chainsTo === oldRootFingerprint
            ? 'still chains to the old root'
            : 'does not chain to the new root'
        }; distribute again (POST /trust/distribute) before dropping the old root`,
      );
    }
  }
  for (const published of options.published) {
    if (published.error) {
      blockers.push(
        `${published.cluster}: what istiod publishes cannot be checked (${published.error}); crossmesh needs get on that ConfigMap (deploy/rbac.yaml)`,
      );
      continue;
    }
    if (!published.rootCertPem) {
      continue;
    }
    const roots = fingerprintsIn(published.rootCertPem);
    if (!roots.includes(newRootFingerprint)) {
      blockers.push(
        `${published.cluster}: istiod still publishes ${
          roots.includes(oldRootFingerprint)
            ? 'only the old root'
            : 'roots without the new one'
        } in istio-ca-root-cert, so its workloads would trust no certificate signed after the drop; restart istiod there (kubectl -n istio-system rollout restart deployment/istiod) and wait until it publishes both roots`,
      );
    }
  }
  return blockers;
}
