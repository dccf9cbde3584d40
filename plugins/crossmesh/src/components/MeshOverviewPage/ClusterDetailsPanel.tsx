import {
  ClusterReconcileStatus,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { Identifier, Words } from '../shared';
import { TrustLevelLabel } from '../Trust/TrustLevelLabel';
import {
  gatewaySourceLabel,
  istioLabel,
  strategyName,
  strategySourceLabel,
} from './clusterLabels';
import { cacertsOf, reconcileOf } from './clusterDetailOf';
import { DnsCell } from './DnsCell';
import { expiryLabel, timeAgo } from './time';
import { ClusterDetails, Loadable } from './useClusterDetails';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: theme.spacing(2, 4),
    margin: 0,
  },
  term: {
    fontSize: theme.typography.body2.fontSize,
    color: theme.palette.text.secondary,
    fontWeight: 500,
  },
  description: {
    ...theme.typography.body2,
    margin: 0,
  },
}));

function Secondary({ children }: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="div">
      <Words>{children}</Words>
    </Typography>
  );
}

function Gateway({ cluster }: { cluster: MeshCluster }) {
  if (!cluster.gateway) return <>No address found or configured</>;
  const { address, port, source } = cluster.gateway;
  return (
    <>
      <Identifier value={`${address}:${port}`} copyLabel="gateway address" />
      <Secondary>{gatewaySourceLabel(source)}</Secondary>
    </>
  );
}

function Intermediate(props: {
  cluster: string;
  trust: ClusterDetails['trust'];
}) {
  const { cluster, trust } = props;
  if (trust.loading) return <>Loading…</>;
  if (trust.error) return <>Not available</>;
  const current = trust.value?.intermediates.find(
    i => i.clusterName === cluster && i.state === 'current',
  );
  if (!current) return <>No intermediate CA issued</>;
  return (
    <>
      <Words>Expires {expiryLabel(current.notAfter)}</Words>
      <Secondary>
        {current.keyType}, serial <Identifier value={current.serial} code />
      </Secondary>
    </>
  );
}

function Cacerts(props: { cluster: string; details: ClusterDetails }) {
  const found = cacertsOf(props.cluster, props.details);
  if ('placeholder' in found) return <>{found.placeholder}</>;
  const status = found.value;
  return (
    <>
      <TrustLevelLabel level={status.level} words={status.words} />
      {status.detail && <Secondary>{status.detail}</Secondary>}
    </>
  );
}

function LastReconcile(props: {
  cluster: string;
  reconcile: Loadable<ClusterReconcileStatus[]>;
}) {
  const found = reconcileOf(props.cluster, props.reconcile);
  if ('placeholder' in found) return <>{found.placeholder}</>;
  const status = found.value;
  return (
    <>
      <Words>{status.ok ? 'Converged' : `Failed: ${status.error}`}</Words>
      <Secondary>
        {status.applied} applied, {status.removed} removed,{' '}
        {timeAgo(status.finishedAt)}
      </Secondary>
    </>
  );
}

/**
 * Everything crossmesh knows about one cluster beyond its row: Istio's image, the strategy
 * and where it came from, the gateway address to copy, DNS wiring, the intermediate CA,
 * what `cacerts` holds, and the last reconcile pass in full.
 */
export function ClusterDetailsPanel(props: {
  cluster: MeshCluster;
  details: ClusterDetails;
}) {
  const { cluster, details } = props;
  const classes = useStyles();
  const items: [string, ReactNode][] = [
    [
      'Istio',
      <>
        {istioLabel(cluster)}
        {cluster.istio?.image && (
          <Secondary>
            <Identifier
              value={cluster.istio.image}
              copyLabel="istiod image"
              code
            />
          </Secondary>
        )}
      </>,
    ],
    [
      'Strategy',
      <>
        {strategyName(cluster.strategy)}
        <Secondary>{strategySourceLabel(cluster.strategySource)}</Secondary>
      </>,
    ],
    ['East-west gateway', <Gateway cluster={cluster} />],
    ['DNS wiring', <DnsCell cluster={cluster} reconcile={details.reconcile} />],
    [
      'Intermediate CA',
      <Intermediate cluster={cluster.name} trust={details.trust} />,
    ],
    ['cacerts', <Cacerts cluster={cluster.name} details={details} />],
    [
      'Last reconcile',
      <LastReconcile cluster={cluster.name} reconcile={details.reconcile} />,
    ],
    ['Problem', <Words>{cluster.error ?? 'None'}</Words>],
  ];
  return (
    <dl className={classes.list}>
      {items.map(([term, description]) => (
        <div key={term}>
          <dt className={classes.term}>{term}</dt>
          <dd className={classes.description}>{description}</dd>
        </div>
      ))}
    </dl>
  );
}
