import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import { useMeshClusters } from '../../hooks';
import { AuditLogCard } from '../AuditLog';
import { MeshGraphCard } from '../MeshGraph';
import { useReadableStyles } from '../shared';
import { TrustSection } from '../Trust';
import { ClustersSection } from './ClustersSection';
import { RemoteSecretsCard, useRemoteSecrets } from './RemoteSecretsCard';
import { useClusterDetails } from './useClusterDetails';

/**
 * The mesh at a glance, without a page around it: the clusters with their trust, DNS
 * wiring and last reconcile pass; the mesh's root of trust and its rotation; the exposures
 * between clusters as a graph; the audit log. Each section loads on its own, so one
 * failing leaves the others in place.
 *
 * @public
 */
export function MeshOverviewContent() {
  const clusters = useMeshClusters();
  const details = useClusterDetails();
  const remoteSecrets = useRemoteSecrets();
  const classes = useReadableStyles();
  const [auditVersion, setAuditVersion] = useState(0);
  return (
    <Grid container spacing={3} className={classes.noWrapButtons}>
      <Grid item xs={12}>
        <ClustersSection {...clusters} details={details} />
      </Grid>
      {(remoteSecrets.error || remoteSecrets.value?.enabled) && (
        <Grid item xs={12}>
          <RemoteSecretsCard
            list={remoteSecrets.value}
            error={remoteSecrets.error}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <TrustSection
          clusters={clusters.clusters}
          details={details}
          onChanged={() => setAuditVersion(version => version + 1)}
        />
      </Grid>
      <Grid item xs={12}>
        <MeshGraphCard clusters={clusters.clusters} />
      </Grid>
      <Grid item xs={12}>
        <AuditLogCard reloadKey={auditVersion} />
      </Grid>
    </Grid>
  );
}
