import { nextRestartedAt } from './restartDeployments';

describe('nextRestartedAt', () => {
  const now = new Date('2026-12-04T21:30:05.678Z');

  it('writes the time in whole seconds, as kubectl does, when the Deployment was restarted earlier or never', () => {
    expect(nextRestartedAt(now)).toBe('2026-12-04T21:30:05Z');
    expect(nextRestartedAt(now, '2026-12-04T21:30:04Z')).toBe(
      '2026-12-04T21:30:05Z',
    );
    expect(nextRestartedAt(now, 'yesterday-ish')).toBe('2026-12-04T21:30:05Z');
  });

  it('writes the next second when the Deployment was already restarted within this second or later, so the patch still restarts it', () => {
    expect(nextRestartedAt(now, '2026-12-04T21:30:05Z')).toBe(
      '2026-12-04T21:30:06Z',
    );
    expect(nextRestartedAt(now, '2026-12-04T21:31:00.250Z')).toBe(
      '2026-12-04T21:31:01Z',
    );
  });
});
