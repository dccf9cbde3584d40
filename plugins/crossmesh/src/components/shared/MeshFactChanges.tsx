import {
  describeMeshFactChange,
  ExposureRequest,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Alert from '@material-ui/lab/Alert';
import { personName } from '../EntityMeshContent/formatting';
import { Words } from './Words';

/**
 * The platform team's changes of the facts an approved exposure derives from (a cluster's
 * gateway address or network) since the decision, each as the audit log records it.
 */
export function MeshFactChanges({ request }: { request: ExposureRequest }) {
  const changes = request.meshFactChanges ?? [];
  if (!changes.length) return null;
  return (
    <Alert
      severity="warning"
      role="note"
      aria-label="Mesh changes since approval"
    >
      <Words>Changed since approval:</Words>
      <ul style={{ margin: 0, paddingLeft: 16 }}>
        {changes.map(change => (
          <li key={`${change.auditEventId}-${change.fact}`}>
            <Words>
              {`${describeMeshFactChange(
                change,
                personName,
              )} (${change.changedAt
                .slice(0, 16)
                .replace('T', ' ')} UTC, audit event ${change.auditEventId})`}
            </Words>
          </li>
        ))}
      </ul>
    </Alert>
  );
}
