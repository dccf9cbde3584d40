import {
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { expiryLabel, timeAgo } from '../MeshOverviewPage/time';
import { Identifier, useReadableStyles, Words } from '../shared';
import { cacertsStatus } from './cacertsStatus';
import { TrustLevelLabel } from './TrustLevelLabel';

/** A step on one cluster's trust: issue (or renew) its intermediate, or the offline CSR flow. */
export type ClusterTrustStep = 'issue' | 'create-csr' | 'upload';

function Intermediate(props: { cluster: string; trust: TrustState }) {
  const { cluster, trust } = props;
  const current = trust.intermediates.find(
    i => i.clusterName === cluster && i.state === 'current',
  );
  const pending = trust.pendingCsrs.find(c => c.clusterName === cluster);
  const signer = trust.roots.find(r => r.id === current?.rootId);
  return (
    <>
      <Words>
        {current ? `Expires ${expiryLabel(current.notAfter)}` : 'None issued'}
      </Words>
      {current && signer && (
        <Typography variant="body2" color="textSecondary" component="div">
          <Words>
            {`Signed by the ${
              signer.state === 'incoming' ? 'incoming' : 'active'
            } root, ${current.keyType}`}
          </Words>
        </Typography>
      )}
      {pending && (
        <Typography variant="body2" color="textSecondary" component="div">
          CSR waiting for its signature since {timeAgo(pending.createdAt)}
        </Typography>
      )}
    </>
  );
}

function Actions(props: {
  cluster: string;
  trust: TrustState;
  onStep: (step: ClusterTrustStep, cluster: string) => void;
}) {
  const { cluster, trust, onStep } = props;
  const classes = useReadableStyles();
  const hasIntermediate = trust.intermediates.some(
    i => i.clusterName === cluster && i.state === 'current',
  );
  if (trust.mode === 'managed') {
    const label = hasIntermediate ? 'Renew intermediate' : 'Issue intermediate';
    return (
      <Button
        size="small"
        variant={hasIntermediate ? 'outlined' : 'contained'}
        color="primary"
        aria-label={`${label} for ${cluster}`}
        onClick={() => onStep('issue', cluster)}
      >
        {label}
      </Button>
    );
  }
  const pending = trust.pendingCsrs.some(c => c.clusterName === cluster);
  return (
    <div className={classes.actions}>
      <Button
        size="small"
        variant="outlined"
        aria-label={`Create CSR for ${cluster}`}
        onClick={() => onStep('create-csr', cluster)}
      >
        Create CSR
      </Button>
      {pending && (
        <Button
          size="small"
          variant="contained"
          color="primary"
          aria-label={`Upload signed certificate for ${cluster}`}
          onClick={() => onStep('upload', cluster)}
        >
          Upload signed certificate
        </Button>
      )}
    </div>
  );
}

/**
 * Each cluster's intermediate CA and what its `cacerts` holds (as read from the cluster),
 * with the steps that fix what is missing for people who may manage trust.
 */
export function ClusterTrustTable(props: {
  clusters: string[];
  trust: TrustState;
  inspections?: TrustInspection[];
  inspectionError?: string;
  canManage: boolean;
  onStep: (step: ClusterTrustStep, cluster: string) => void;
}) {
  const { clusters, trust, inspections, inspectionError, canManage, onStep } =
    props;
  const classes = useReadableStyles();
  return (
    <Table
      aria-label="Trust per cluster"
      size="small"
      className={classes.table}
    >
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Intermediate CA</TableCell>
          <TableCell>What cacerts holds</TableCell>
          {canManage && (
            <TableCell>
              <Typography variant="srOnly">Actions</Typography>
            </TableCell>
          )}
        </TableRow>
      </TableHead>
      <TableBody>
        {clusters.map(cluster => {
          const status = inspectionError
            ? { level: 'unknown' as const, words: 'Not available' }
            : cacertsStatus(
                cluster,
                trust,
                inspections?.find(i => i.cluster === cluster),
              );
          return (
            <TableRow key={cluster}>
              <TableCell component="th" scope="row" role="rowheader">
                <Identifier value={cluster} />
              </TableCell>
              <TableCell>
                <Intermediate cluster={cluster} trust={trust} />
              </TableCell>
              <TableCell>
                <TrustLevelLabel level={status.level} words={status.words} />
                {'detail' in status && status.detail && (
                  <Typography
                    variant="body2"
                    color="textSecondary"
                    component="div"
                  >
                    <Words>{status.detail}</Words>
                  </Typography>
                )}
              </TableCell>
              {canManage && (
                <TableCell align="right">
                  <Actions cluster={cluster} trust={trust} onStep={onStep} />
                </TableCell>
              )}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
