import { ConflictError } from '@backstage/errors';
import { ExposureRequestState } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Where an exposure request is in its life.
 *
 * @internal
 */
export type ExposureState = ExposureRequestState;

/**
 * What can happen to a request: people decide, the reconciler reports progress.
 *
 * @internal
 */
export type ExposureEvent =
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'start-applying'
  | 'applied'
  | 'revoke'
  | 'end-date-reached'
  | 'removed';

const TRANSITIONS: Record<
  ExposureEvent,
  Partial<Record<ExposureState, ExposureState>>
> = {
  approve: { pending: 'approved' },
  reject: { pending: 'rejected' },
  cancel: { pending: 'cancelled' },
  'start-applying': { approved: 'applying' },
  applied: { applying: 'active' },
  // Revoking before everything was applied must still clean up what was applied.
  revoke: { approved: 'revoking', applying: 'revoking', active: 'revoking' },
  'end-date-reached': {
    approved: 'revoking',
    applying: 'revoking',
    active: 'revoking',
  },
  removed: { revoking: 'revoked' },
};

const EVENT_WORDS: Record<ExposureEvent, string> = {
  approve: 'approve',
  reject: 'reject',
  cancel: 'cancel',
  'start-applying': 'start applying',
  applied: 'mark as active',
  revoke: 'revoke',
  'end-date-reached': 'end',
  removed: 'mark as revoked',
};

/**
 * States no event leads out of.
 *
 * @internal
 */
export const FINAL_STATES: readonly ExposureState[] = [
  'rejected',
  'cancelled',
  'revoked',
];

/**
 * The state after `event`, or a 409 that says what the request's state allows.
 *
 * @internal
 */
export function nextExposureState(
  requestId: string,
  state: ExposureState,
  event: ExposureEvent,
): ExposureState {
  const next = TRANSITIONS[event][state];
  if (next) {
    return next;
  }
  const allowedFrom = Object.keys(TRANSITIONS[event]).join(' or ');
  const possible = allowedEvents(state).map(e => EVENT_WORDS[e]);
  throw new ConflictError(
    `Cannot ${
      EVENT_WORDS[event]
    } request ${requestId}: it is ${state}, and only a request that is ${allowedFrom} can be. ${
      possible.length
        ? `From ${state} it can be: ${possible.join(', ')}.`
        : `${state} is final.`
    }`,
  );
}

/**
 * The events a request in `state` accepts.
 *
 * @internal
 */
export function allowedEvents(state: ExposureState): ExposureEvent[] {
  return (Object.keys(TRANSITIONS) as ExposureEvent[]).filter(
    event => TRANSITIONS[event][state] !== undefined,
  );
}
