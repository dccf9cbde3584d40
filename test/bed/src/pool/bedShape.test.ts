import {
  requestedShape,
  serves,
  shapeToStart,
  versionChanges,
} from './bedShape';

const shapeOf = (options: Parameters<typeof requestedShape>[0]) => {
  const result = requestedShape(options);
  if ('unshareable' in result) throw new Error(result.unshareable);
  return result.shape;
};

describe('bed shapes', () => {
  it('gives each asked-for cluster its version: per cluster, else the bed-wide one, else the default', () => {
    expect(
      shapeOf({
        clusters: ['cluster-1', 'cluster-2'],
        istioVersion: '1.7.4',
        istioVersions: { 'cluster-2': '1.22.3' },
      }),
    ).toEqual({
      versions: { 'cluster-1': '1.7.4', 'cluster-2': '1.22.3' },
      access: 'cluster-admin',
    });
    expect(shapeOf({ clusters: ['c1'], crossmeshAccess: 'none' })).toEqual({
      versions: { c1: '1.6.8' },
      access: 'none',
    });
  });

  it('says why a bed with istiod, a data plane, its own state dir or read logging is not shared', () => {
    expect(requestedShape({ clusters: ['a'], istiod: true })).toEqual({
      unshareable: 'it runs istiod',
    });
    expect(requestedShape({ clusters: ['a'], dataPlane: true })).toEqual({
      unshareable: 'it runs a data plane',
    });
    expect(requestedShape({ clusters: ['a'], stateDir: '/x' })).toEqual({
      unshareable: 'it has its own stateDir',
    });
    expect(
      requestedShape({ clusters: ['a'], auditCrossmeshReads: true }),
    ).toEqual({ unshareable: "it logs crossmesh's reads" });
  });

  it('serves a request from a bed with every asked-for cluster and the same access, naming the versions to re-seed', () => {
    const three = shapeOf({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
    expect(serves(three, shapeOf({ clusters: ['cluster-2'] }))).toBe(true);
    expect(serves(three, shapeOf({ clusters: ['cluster-4'] }))).toBe(false);
    expect(
      serves(
        three,
        shapeOf({ clusters: ['cluster-1'], crossmeshAccess: 'none' }),
      ),
    ).toBe(false);
    const newer = shapeOf({
      clusters: ['cluster-1', 'cluster-2'],
      istioVersions: { 'cluster-2': '1.22.3' },
    });
    expect(serves(three, newer)).toBe(true);
    expect(versionChanges(three, newer)).toEqual([['cluster-2', '1.22.3']]);
    expect(versionChanges(three, shapeOf({ clusters: ['cluster-3'] }))).toEqual(
      [],
    );
  });

  it('starts the three common clusters, at the asked-for versions, for any request among them, and exactly the request otherwise', () => {
    expect(
      shapeToStart(
        shapeOf({
          clusters: ['cluster-2'],
          istioVersions: { 'cluster-2': '1.22.3' },
        }),
      ),
    ).toEqual({
      versions: {
        'cluster-1': '1.6.8',
        'cluster-2': '1.22.3',
        'cluster-3': '1.6.8',
      },
      access: 'cluster-admin',
    });
    const odd = shapeOf({
      clusters: ['cluster-1', 'cluster-4'],
      istioVersions: { 'cluster-1': '1.22.3' },
    });
    expect(shapeToStart(odd)).toEqual(odd);
    const narrow = shapeOf({
      clusters: ['cluster-1'],
      crossmeshAccess: 'none',
    });
    expect(shapeToStart(narrow)).toEqual(narrow);
  });
});
