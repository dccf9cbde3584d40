import {
  allowedEvents,
  ExposureEvent,
  ExposureState,
  FINAL_STATES,
  nextExposureState,
} from './requestStateMachine';

const ALL_STATES: ExposureState[] = [
  'pending',
  'approved',
  'applying',
  'active',
  'rejected',
  'cancelled',
  'revoking',
  'revoked',
];
const ALL_EVENTS: ExposureEvent[] = [
  'approve',
  'reject',
  'cancel',
  'start-applying',
  'applied',
  'revoke',
  'end-date-reached',
  'removed',
];

describe('nextExposureState', () => {
  it('walks the life of a request', () => {
    let state: ExposureState = 'pending';
    for (const [event, expected] of [
      ['approve', 'approved'],
      ['start-applying', 'applying'],
      ['applied', 'active'],
      ['revoke', 'revoking'],
      ['removed', 'revoked'],
    ] as const) {
      state = nextExposureState('r1', state, event);
      expect(state).toBe(expected);
    }
  });

  it.each([
    ['pending', 'reject', 'rejected'],
    ['pending', 'cancel', 'cancelled'],
    ['active', 'end-date-reached', 'revoking'],
    ['applying', 'revoke', 'revoking'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(nextExposureState('r1', from, event)).toBe(to);
  });

  it('refuses every other transition with a 409 that says what is allowed', () => {
    const legal = new Set([
      'pending:approve',
      'pending:reject',
      'pending:cancel',
      'approved:start-applying',
      'applying:applied',
      'approved:revoke',
      'applying:revoke',
      'active:revoke',
      'approved:end-date-reached',
      'applying:end-date-reached',
      'active:end-date-reached',
      'revoking:removed',
    ]);
    const pairs = ALL_STATES.flatMap(state =>
      ALL_EVENTS.map(event => [state, event] as const),
    );
    const legalPairs = pairs.filter(([s, e]) => legal.has(`${s}:${e}`));
    const illegalPairs = pairs.filter(([s, e]) => !legal.has(`${s}:${e}`));
    expect(legalPairs).toHaveLength(legal.size);
    for (const [state, event] of legalPairs) {
      expect(() => nextExposureState('r1', state, event)).not.toThrow();
    }
    for (const [state, event] of illegalPairs) {
      expect(() => nextExposureState('r1', state, event)).toThrow(
        expect.objectContaining({ name: 'ConflictError' }),
      );
    }
    expect(() => nextExposureState('r7', 'active', 'approve')).toThrow(
      'Cannot approve request r7: it is active, and only a request that is pending can be. From active it can be: revoke, end.',
    );
    expect(() => nextExposureState('r7', 'revoked', 'cancel')).toThrow(
      'revoked is final.',
    );
  });

  it('has no way out of final states', () => {
    for (const state of FINAL_STATES) {
      expect(allowedEvents(state)).toEqual([]);
    }
  });
});
