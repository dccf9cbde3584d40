import { ClusterTrustInspection } from '../../trust/cluster';
import { accessDependency } from './accessChecks';
import { ISTIO_SYSTEM } from './istioChecks';
import { CheckDefinition } from './runChecks';

/**
 * What the cacerts check needs from the mesh's trust.
 *
 * @internal
 */
export interface PreflightTrust {
  /** Whether the mesh has a root clusters should trust. */
  hasTrustedRoot(): Promise<boolean>;
  inspectCluster(clusterName: string): Promise<ClusterTrustInspection>;
}

/**
 * Whether the cluster's `cacerts` is there, complete, and chains to the mesh's root.
 *
 * @internal
 */
export function cacertsCheck(
  clusterName: string,
  trust: PreflightTrust,
): CheckDefinition {
  const issue = `Onboard the cluster (template "Add a cluster to the mesh"), or issue and distribute its intermediate: POST /api/crossmesh/trust/clusters/${clusterName}/intermediate`;
  return {
    id: 'cacerts',
    title: 'cacerts present and chaining to the mesh root',
    dependsOn: [
      ISTIO_SYSTEM,
      accessDependency('get', 'secrets', 'istio-system'),
    ],
    run: async () => {
      if (!(await trust.hasTrustedRoot())) {
        return {
          status: 'fail',
          detail:
            "The mesh has no root CA yet, so no cluster's cacerts can chain to it",
          remedy:
            'Generate the mesh root (POST /api/crossmesh/trust/root) or import one (POST /api/crossmesh/trust/root/import)',
        };
      }
      const inspection = await trust.inspectCluster(clusterName);
      if (inspection.error || !inspection.report) {
        return {
          status: 'fail',
          detail: inspection.error ?? 'cacerts could not be read',
        };
      }
      const { report } = inspection;
      if (report.status === 'ok') {
        if (inspection.replacedBySomeoneElse) {
          return {
            status: 'warn',
            detail: `cacerts chains to the mesh root, but ${(
              inspection.replacementDetails ?? []
            ).join('; ')}`,
            remedy: `Distribute it again (POST /api/crossmesh/trust/distribute with clusterName ${clusterName}), which onboarding also does`,
            fixedByOnboarding: true,
          };
        }
        return {
          status: 'pass',
          detail: `ca-cert.pem${
            report.intermediate ? ` (serial ${report.intermediate.serial})` : ''
          } chains to the mesh root${
            report.expiresAt ? `; valid until ${report.expiresAt}` : ''
          }`,
        };
      }
      return {
        status: report.status === 'expiring' ? 'warn' : 'fail',
        detail: report.detail,
        remedy: issue,
        fixedByOnboarding: true,
      };
    },
  };
}
