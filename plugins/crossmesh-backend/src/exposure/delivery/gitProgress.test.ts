import type { KubeObject, ObservedKubeObject } from '../render/types';
import { describeDrift, describeNotLive } from './gitProgress';

const entry = (name: string) =>
  ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'ServiceEntry',
    metadata: { name, namespace: 'istio-system', labels: {}, annotations: {} },
    spec: {},
  } as unknown as KubeObject & ObservedKubeObject);

describe('describeNotLive', () => {
  it('names what Flux has yet to apply and to prune', () => {
    expect(describeNotLive([entry('a')], [entry('b')])).toBe(
      'not yet applied: ServiceEntry istio-system/a; not yet pruned: ServiceEntry istio-system/b',
    );
  });
});

describe('describeDrift', () => {
  it('tells an object gone from the cluster from one that differs, and names what Git does not hold', () => {
    expect(
      describeDrift(
        [entry('gone'), entry('edited')],
        [entry('extra')],
        [entry('edited'), entry('extra')],
      ),
    ).toBe(
      'gone from the cluster: ServiceEntry istio-system/gone; differs from Git: ServiceEntry istio-system/edited; not in Git: ServiceEntry istio-system/extra',
    );
  });
});
