import { Entity } from '@backstage/catalog-model';
import { isCrossmeshAvailable } from './isCrossmeshAvailable';

const entity = (kind: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'svc-2', annotations },
});

describe('isCrossmeshAvailable', () => {
  const annotated = {
    'backstage.io/kubernetes-id': 'svc-2',
    'crossmesh.io/cluster': 'cluster-2',
  };

  it('is true for a Component with both annotations', () => {
    expect(isCrossmeshAvailable(entity('Component', annotated))).toBe(true);
    expect(isCrossmeshAvailable(entity('component', annotated))).toBe(true);
  });

  it('is false for other kinds and for Components missing either annotation', () => {
    expect(isCrossmeshAvailable(entity('API', annotated))).toBe(false);
    expect(
      isCrossmeshAvailable(
        entity('Component', { 'backstage.io/kubernetes-id': 'svc-2' }),
      ),
    ).toBe(false);
    expect(
      isCrossmeshAvailable(
        entity('Component', { 'crossmesh.io/cluster': 'cluster-2' }),
      ),
    ).toBe(false);
    expect(
      isCrossmeshAvailable(
        entity('Component', { ...annotated, 'crossmesh.io/cluster': ' ' }),
      ),
    ).toBe(false);
  });
});
