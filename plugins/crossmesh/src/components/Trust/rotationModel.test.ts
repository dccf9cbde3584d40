import { rotationClusterRows, rotationSteps } from './rotationModel';
import {
  inspection,
  intermediate,
  meshTrust,
  root,
} from './__testUtils__/trustFixtures';

const states = (trust: ReturnType<typeof meshTrust>) =>
  rotationSteps(trust).map(s => `${s.id}: ${s.state}`);

describe('rotationSteps', () => {
  it('puts each phase of the multi-root rotation at its step', () => {
    const rotation = (
      phase: 'idle' | 'trusting-both' | 'intermediates-moved',
    ) =>
      meshTrust({
        rotation: {
          phase,
          oldRootId: 'r1',
          newRootId: 'r2',
          updatedAt: '',
          updatedBy: '',
        },
      });
    expect(states(rotation('idle'))).toEqual([
      'add-new-root: current',
      'move-intermediates: upcoming',
      'retire-old-root: upcoming',
    ]);
    expect(states(rotation('trusting-both'))).toEqual([
      'add-new-root: done',
      'move-intermediates: current',
      'retire-old-root: upcoming',
    ]);
    expect(states(rotation('intermediates-moved'))).toEqual([
      'add-new-root: done',
      'move-intermediates: done',
      'retire-old-root: current',
    ]);
  });

  it('marks only retiring the old root as taking trust away, and tells offline roots to upload', () => {
    const steps = rotationSteps(meshTrust({ mode: 'offline-root' }));
    expect(steps.map(s => s.destructive)).toEqual([false, false, true]);
    expect(steps[1].effect).toMatch(/sign it offline with the new root/);
  });
});

describe('rotationClusterRows', () => {
  it("tells which root signed each cluster's intermediate mid-rotation", () => {
    const trust = meshTrust({
      roots: [root('r1'), root('r2', { state: 'incoming' })],
      intermediates: [intermediate('east', 'r2'), intermediate('west', 'r1')],
      rotation: {
        phase: 'intermediates-moved',
        oldRootId: 'r1',
        newRootId: 'r2',
        updatedAt: '',
        updatedBy: '',
      },
    });
    const rows = rotationClusterRows(['east', 'west', 'north'], trust, [
      inspection('east'),
    ]);
    expect(
      rows.map(r => [r.cluster, r.intermediateFrom, r.cacerts.words]),
    ).toEqual([
      ['east', 'new root', 'In place'],
      ['west', 'old root', 'Not inspected yet'],
      ['north', 'no intermediate', 'Not inspected yet'],
    ]);
  });
});
