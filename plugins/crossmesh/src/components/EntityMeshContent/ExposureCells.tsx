import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Typography from '@material-ui/core/Typography';
import {
  ClusterProgressLabel,
  ExposureStateLabel,
  Identifier,
  IdentifierList,
  MeshFactChanges,
  Words,
} from '../shared';
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
            <strong>
              <Identifier value={cluster} />
            </strong>
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
        <Words>
          Requested by {personName(request.requestedBy)} on{' '}
          {formatTime(request.requestedAt)}
        </Words>
      </Typography>
      {exporter?.lastError && (
        <Typography variant="body2" component="div">
          <Identifier value={request.sourceCluster} /> (exporting):{' '}
          <ClusterProgressLabel status={exporter} />
        </Typography>
      )}
    </>
  );
}

/** Who decided and when, with their comment; then until when the exposure runs. */
export function DecisionCell({ request }: { request: ExposureRequest }) {
  const endDate = request.endDate
    ? `Until ${formatDay(request.endDate)}`
    : 'No end date';
  if (!request.decidedBy || !request.decidedAt) {
    return (
      <>
        Not decided
        <Typography variant="body2" color="textSecondary" component="div">
          <Words>{endDate}</Words>
        </Typography>
      </>
    );
  }
  const verb = DECIDED_BY_APPROVAL.includes(request.state)
    ? 'Approved'
    : 'Rejected';
  return (
    <>
      <Words>
        {verb} by {personName(request.decidedBy)} on{' '}
        {formatTime(request.decidedAt)}
      </Words>
      {request.decisionComment && (
        <Typography variant="body2" color="textSecondary" component="div">
          “{request.decisionComment}”
        </Typography>
      )}
      <Typography variant="body2" color="textSecondary" component="div">
        <Words>{endDate}</Words>
      </Typography>
      <MeshFactChanges request={request} />
    </>
  );
}

/** The `.global` host to copy, and the VIP callers resolve it to. */
export function HostCell({ request }: { request: ExposureRequest }) {
  return (
    <>
      <Identifier value={request.host} copyLabel="host" code />
      <Typography variant="body2" color="textSecondary" component="div">
        VIP {request.vip ?? 'allocated at approval'}
      </Typography>
    </>
  );
}

/** Each port as `name:number`, kept whole; the consumer namespaces below. */
export function PortsCell({ request }: { request: ExposureRequest }) {
  return (
    <>
      <IdentifierList
        values={request.service.ports.map(p => `${p.name}:${p.number}`)}
      />
      <Typography variant="body2" color="textSecondary" component="div">
        {request.consumerNamespaces.length
          ? `Namespaces ${request.consumerNamespaces.join(', ')}`
          : 'All namespaces'}
      </Typography>
    </>
  );
}
