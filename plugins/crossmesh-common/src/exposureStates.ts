import type { ExposureRequestState } from './exposures';

/**
 * The states of a request whose objects belong in the clusters: approved and not on its
 * way out. The reconciler applies them, the catalog shows them as exposed, adoption
 * treats them as serving their consumer clusters.
 *
 * @public
 */
export const LIVE_EXPOSURE_STATES: readonly ExposureRequestState[] = [
  'approved',
  'applying',
  'active',
];

/**
 * The states a request can still leave: pending, live, or being revoked. A second request
 * for the same host and consumer cluster may not be opened while one is in these.
 *
 * @public
 */
export const OPEN_EXPOSURE_STATES: readonly ExposureRequestState[] = [
  'pending',
  ...LIVE_EXPOSURE_STATES,
  'revoking',
];

/**
 * The states of a request whose host holds a VIP: live, or revoking until its objects are
 * gone from every cluster.
 *
 * @public
 */
export const VIP_HOLDING_EXPOSURE_STATES: readonly ExposureRequestState[] = [
  ...LIVE_EXPOSURE_STATES,
  'revoking',
];

/**
 * Whether a request in `state` is live (see {@link LIVE_EXPOSURE_STATES}).
 *
 * @public
 */
export function isLiveExposureState(state: ExposureRequestState): boolean {
  return LIVE_EXPOSURE_STATES.includes(state);
}
