import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';

const REVOCABLE: ExposureRequest['state'][] = [
  'approved',
  'applying',
  'active',
];

export interface ExposureActionsProps {
  request: ExposureRequest;
  /** False when the permission policy or catalog ownership says no: nothing is offered. */
  canAct: boolean;
  /** The request an action is under way for. */
  busyId?: string;
  onCancel: (request: ExposureRequest) => void;
  onRevoke: (request: ExposureRequest) => void;
}

/** Cancel while pending, revoke once approved; nothing for people who may not. */
export function ExposureActions(props: ExposureActionsProps) {
  const { request, canAct, busyId, onCancel, onRevoke } = props;
  if (!canAct) {
    return null;
  }
  if (request.state === 'pending') {
    return (
      <Button
        variant="outlined"
        size="small"
        disabled={busyId === request.id}
        onClick={() => onCancel(request)}
      >
        Cancel request
      </Button>
    );
  }
  if (REVOCABLE.includes(request.state)) {
    return (
      <Button
        variant="outlined"
        size="small"
        color="secondary"
        disabled={busyId === request.id}
        onClick={() => onRevoke(request)}
      >
        Revoke
      </Button>
    );
  }
  return null;
}
