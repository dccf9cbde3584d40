import { StatusKind, StatusLabel } from '../shared';
import { TrustLevel } from './cacertsStatus';

const statuses: Record<TrustLevel, StatusKind> = {
  ok: 'ok',
  waiting: 'pending',
  warning: 'warning',
  error: 'error',
  unknown: 'aborted',
};

/** A trust level as a status icon and its words. */
export function TrustLevelLabel(props: { level: TrustLevel; words: string }) {
  return (
    <StatusLabel status={statuses[props.level]}>{props.words}</StatusLabel>
  );
}
