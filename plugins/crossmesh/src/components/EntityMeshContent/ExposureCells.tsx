import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Typography from '@material-ui/core/Typography';
import { ClusterProgressLabel, ExposureStateLabel } from '../shared';
import { formatDay, formatTime, personName } from './formatting';

const DECIDED_BY_APPROVAL: ExposureRequest['state'][] = [
  'approved',
  'applying',
  'active',
  'revoking',
  'revoked',
];

/** Each consumer cluster, with how far the request got there and its last error. */
export function ConsumerClustersCell({
  request,
}: {
  request: ExposureRequest;
}) {
  return (
    <ul style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
      {request.consumerClusters.map(cluster => {
        const status = request.clusters.find(
          s => s.cluster === cluster && s.role === 'consumer',
        );
        return (
          <li key={cluster}>
            <strong>{cluster}</strong>
            {status && (
              <Typography variant="body2" component="div">
                <ClusterProgressLabel status={status} />
              </Typography>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The request's state, who asked and when; the exporting cluster's error when it failed. */
export function StateCell({ request }: { request: ExposureRequest }) {
  const exporter = request.clusters.find(s => s.role === 'exporter');
  return (
    <>
      <ExposureStateLabel state={request.state} />
      <Typography variant="body2" color="textSecondary" component="div">
        Requested by {personName(request.requestedBy)} on{' '}
        {formatTime(request.requestedAt)}
      </Typography>
      {exporter?.lastError && (
        <Typography variant="body2" component="div">
          {request.sourceCluster} (exporting):{' '}
          <ClusterProgressLabel status={exporter} />
        </Typography>
      )}
    </>
  );
}

export function DecisionCell({ request }: { request: ExposureRequest }) {
  if (!request.decidedBy || !request.decidedAt) {
    return <>Not decided</>;
  }
  const verb = DECIDED_BY_APPROVAL.includes(request.state)
    ? 'Approved'
    : 'Rejected';
  return (
    <>
      {verb} by {personName(request.decidedBy)} on{' '}
      {formatTime(request.decidedAt)}
      {request.decisionComment && (
        <Typography variant="body2" color="textSecondary" component="div">
          “{request.decisionComment}”
        </Typography>
      )}
    </>
  );
}

export function PortsCell({ request }: { request: ExposureRequest }) {
  return (
    <>
      {request.service.ports
        .map(port => `${port.name}:${port.number}`)
        .join(', ')}
    </>
  );
}

export function NamespacesCell({ request }: { request: ExposureRequest }) {
  return (
    <>
      {request.consumerNamespaces.length
        ? request.consumerNamespaces.join(', ')
        : 'All namespaces'}
    </>
  );
}

export function EndDateCell({ request }: { request: ExposureRequest }) {
  return <>{request.endDate ? formatDay(request.endDate) : 'No end date'}</>;
}

export function VipCell({ request }: { request: ExposureRequest }) {
  return <>{request.vip ?? 'Allocated at approval'}</>;
}
