import { cacertsStatus } from './cacertsStatus';
import {
  inspection,
  intermediate,
  meshTrust,
  missing,
  root,
} from './__testUtils__/trustFixtures';

describe('cacertsStatus', () => {
  const withRoot = meshTrust({ roots: [root('r1')] });
  const withIntermediate = meshTrust({
    roots: [root('r1')],
    intermediates: [intermediate('east', 'r1')],
  });

  it('reads a missing cacerts as the next step before the root and before the intermediate, not as drift', () => {
    expect(cacertsStatus('east', meshTrust(), missing('east'))).toMatchObject({
      level: 'waiting',
      words: 'Waiting for the root',
    });
    expect(cacertsStatus('east', withRoot, missing('east'))).toMatchObject({
      level: 'waiting',
      words: 'Waiting for its intermediate',
    });
  });

  it('reads a missing cacerts as an error once the cluster has its intermediate', () => {
    expect(cacertsStatus('east', withIntermediate, missing('east'))).toEqual({
      level: 'error',
      words: 'Missing',
      detail: "cluster 'east' has no Secret cacerts in istio-system",
    });
  });

  it('warns, without red, about a cacerts whose root crossmesh does not know yet', () => {
    expect(
      cacertsStatus(
        'east',
        meshTrust(),
        inspection('east', {
          report: { status: 'foreign-root', detail: 'chains to O=Other' },
          drift: true,
        }),
      ),
    ).toEqual({
      level: 'warning',
      words: 'Holds a root crossmesh does not know',
      detail: 'chains to O=Other',
    });
  });

  it('says what is wrong once the mesh has its root', () => {
    expect(
      cacertsStatus('east', withIntermediate, inspection('east')),
    ).toMatchObject({ level: 'ok', words: 'In place' });
    expect(
      cacertsStatus(
        'east',
        withIntermediate,
        inspection('east', {
          replacedBySomeoneElse: true,
          replacementDetails: ['cacerts lacks the label', 'digest differs'],
          drift: true,
        }),
      ),
    ).toEqual({
      level: 'error',
      words: 'Replaced outside crossmesh',
      detail: 'cacerts lacks the label; digest differs',
    });
    expect(
      cacertsStatus(
        'east',
        withIntermediate,
        inspection('east', {
          report: { status: 'expiring', detail: 'expires in 10 days' },
          drift: true,
        }),
      ),
    ).toMatchObject({ level: 'warning', words: 'Intermediate expiring soon' });
    expect(
      cacertsStatus(
        'east',
        withIntermediate,
        inspection('east', { report: undefined, error: 'ECONNREFUSED' }),
      ),
    ).toEqual({
      level: 'error',
      words: 'Could not be read',
      detail: 'ECONNREFUSED',
    });
    expect(cacertsStatus('east', withIntermediate, undefined)).toEqual({
      level: 'unknown',
      words: 'Not inspected yet',
    });
  });
});
