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
  blockers.push(
    ...publicationBlockers(options.published, {
      newRootFingerprint,
      oldRootFingerprint,
      consequence:
        'so its workloads would trust no certificate signed after the drop',
    }),
  );
  return blockers;
}

/**
 * Clusters whose istiod does not publish the new root in `istio-ca-root-cert` yet, one
 * sentence each ending in what to do; `consequence` says what would break if the rotation
 * went on. A cluster where istiod has published nothing runs no istiod that signs with
 * `cacerts`, and holds nothing back.
 *
 * @internal
 */
export function publicationBlockers(
  published: PublishedRoots[],
  options: {
    newRootFingerprint: string;
    oldRootFingerprint: string;
    consequence: string;
  },
): string[] {
  const blockers: string[] = [];
  for (const entry of published) {
    if (entry.error) {
      blockers.push(
        `${entry.cluster}: what istiod publishes cannot be checked (${entry.error}); crossmesh needs get on that ConfigMap (deploy/rbac.yaml)`,
      );
      continue;
    }
    if (!entry.rootCertPem) {
      continue;
    }
    const roots = fingerprintsIn(entry.rootCertPem);
    if (!roots.includes(options.newRootFingerprint)) {
      blockers.push(
        `${entry.cluster}: istiod still publishes ${
          roots.includes(options.oldRootFingerprint)
            ? 'only the old root'
            : 'roots without the new one'
        } in istio-ca-root-cert, ${
          options.consequence
        }; restart istiod there (kubectl -n istio-system rollout restart deployment/istiod) and wait until it publishes both roots`,
      );
    }
  }
  return blockers;
}
