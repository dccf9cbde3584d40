import { expiryTimeline, positionOf, yearTicks } from './expiryTimelineModel';
import {
  NOW,
  at,
  intermediate,
  meshTrust,
  root,
} from './__testUtils__/trustFixtures';

describe('expiryTimeline', () => {
  it('draws nothing before the mesh has a certificate', () => {
    expect(expiryTimeline(meshTrust(), NOW)).toBeUndefined();
  });

  it('lays the roots, each current intermediate and the next renewal on one axis', () => {
    const trust = meshTrust({
      roots: [root('r1'), root('r0', { state: 'retired' })],
      intermediates: [
        intermediate('west', 'r1', { notAfter: at(400) }),
        intermediate('east', 'r1', { notAfter: at(100) }),
        intermediate('east', 'r1', { state: 'superseded', notAfter: at(5) }),
      ],
    });
    const timeline = expiryTimeline(trust, NOW)!;
    expect(timeline.entries.map(e => `${e.kind} ${e.label} ${e.to}`)).toEqual([
      `root Root CA ${at(3650)}`,
      `intermediate east intermediate ${at(100)}`,
      `intermediate west intermediate ${at(400)}`,
      // east expires first; it is renewed 30 days (the window) before.
      `renewal Next renewal (east) ${at(70)}`,
    ]);
    expect(timeline.start).toBe(Date.parse(at(-10)));
    expect(positionOf(timeline, at(3650))).toBeGreaterThan(95);
    expect(positionOf(timeline, at(3650))).toBeLessThan(100);
    expect(positionOf(timeline, at(-10))).toBe(0);
  });

  it('puts a renewal already due at today, and ticks whole years', () => {
    const trust = meshTrust({
      roots: [root('r1')],
      intermediates: [intermediate('east', 'r1', { notAfter: at(10) })],
    });
    const timeline = expiryTimeline(trust, NOW)!;
    expect(timeline.entries.at(-1)?.to).toBe(new Date(NOW).toISOString());
    expect(yearTicks(timeline)[0]).toBe('2027-01-01T00:00:00.000Z');
  });
});
