import { clusterNameOf } from './clusterName';

describe('clusterNameOf', () => {
  it('takes a name as it is and a Resource ref by its name', () => {
    expect(clusterNameOf(' cluster-1 ', 'cluster')).toBe('cluster-1');
    expect(clusterNameOf('resource:default/cluster-2', 'cluster')).toBe(
      'cluster-2',
    );
    expect(clusterNameOf('Resource:prod/cluster-3', 'cluster')).toBe(
      'cluster-3',
    );
    expect(clusterNameOf('default/cluster-4', 'cluster')).toBe('cluster-4');
  });

  it('refuses an empty value and refs of other kinds, naming the field', () => {
    expect(() => clusterNameOf('  ', 'cluster')).toThrow(
      'cluster is empty; give a cluster name',
    );
    expect(() =>
      clusterNameOf('component:default/svc-2', 'consumerClusters[0]'),
    ).toThrow(
      "consumerClusters[0] 'component:default/svc-2' is a component; give a cluster name or its catalog Resource (resource:default/<cluster>)",
    );
  });
});
