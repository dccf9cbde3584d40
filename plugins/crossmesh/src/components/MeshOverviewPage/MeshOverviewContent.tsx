import Grid from '@material-ui/core/Grid';
import { useMeshClusters } from '../../hooks';
import { AuditLogCard } from '../AuditLog';
import { MeshGraphCard } from '../MeshGraph';
import { ClustersSection } from './ClustersSection';

/**
 * The mesh at a glance, without a page around it: the clusters with their trust, DNS
 * wiring and last reconcile pass; the exposures between them as a graph; the audit log.
 * Each section loads on its own, so one failing leaves the others in place.
 *
 * @public
 */
export function MeshOverviewContent() {
  const clusters = useMeshClusters();
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ClustersSection {...clusters} />
      </Grid>
      <Grid item xs={12}>
        <MeshGraphCard clusters={clusters.clusters} />
      </Grid>
      <Grid item xs={12}>
        <AuditLogCard />
      </Grid>
    </Grid>
  );
}
