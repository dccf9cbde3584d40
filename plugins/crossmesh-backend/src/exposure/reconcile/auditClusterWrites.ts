import type { AuditLog } from '../../audit';
import type { MeshConfigResult } from '../meshConfig/MeshConfigWiring';
import type { ClusterConvergence } from './ClusterExposureApplier';
import type { DnsPassResult } from './wireGlobalDns';

/**
 * Every pass that wrote to a cluster leaves one audit event per cluster and kind of write:
 * its objects, its `.global` DNS, its mesh config.
 *
 * @internal
 */
export async function auditClusterWrites(
  audit: AuditLog,
  pass: {
    results: ClusterConvergence[];
    dns: DnsPassResult;
    meshConfig: MeshConfigResult[];
  },
): Promise<void> {
  const actor = 'crossmesh:reconciler';
  for (const r of pass.results.filter(x => x.writes > 0)) {
    await audit.append({
      actor,
      action: 'cluster.converged',
      clusterName: r.cluster,
      details: {
        applied: r.applied,
        deleted: r.deleted,
        writes: r.writes,
        ...(r.error ? { error: r.error } : {}),
      },
    });
  }
  for (const d of pass.dns.filter(x => x.changed)) {
    await audit.append({
      actor,
      action: 'cluster.dns-changed',
      clusterName: d.cluster,
    });
  }
  for (const m of pass.meshConfig.filter(x => x.changed)) {
    await audit.append({
      actor,
      action: 'cluster.mesh-config-changed',
      clusterName: m.cluster,
    });
  }
}
