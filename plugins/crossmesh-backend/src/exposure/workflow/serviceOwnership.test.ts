import { Entity } from '@backstage/catalog-model';
import { ownershipProblem, systemNamespaceProblem } from './serviceOwnership';

function component(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {},
  } as Entity;
}

const request = {
  entityRef: 'component:default/svc-2',
  service: { name: 'svc-2', namespace: 'bar' },
  sourceCluster: 'cluster-2',
};

describe('ownershipProblem', () => {
  it('accepts a Service labelled with the component’s name', () => {
    expect(
      ownershipProblem(component('svc-2'), request, {
        'backstage.io/kubernetes-id': 'svc-2',
      }),
    ).toBeUndefined();
  });

  it('refuses a Service labelled for another component, saying which label to add where', () => {
    // The squatter annotates its component with the victim's service name: the
    // annotations are the squatter's own, the label is not.
    const squatter = component('squat', {
      'backstage.io/kubernetes-id': 'svc-2',
    });
    expect(
      ownershipProblem(squatter, request, {
        'backstage.io/kubernetes-id': 'svc-2',
      }),
    ).toBe(
      "Service bar/svc-2 in cluster cluster-2 does not show that it belongs to component:default/squat: it must carry the label backstage.io/kubernetes-id: squat (it has backstage.io/kubernetes-id: 'svc-2'); add the label to the Service in namespace bar of cluster cluster-2 (kubectl label --overwrite service svc-2 -n bar backstage.io/kubernetes-id=squat), or request the exposure from the component the Service belongs to",
    );
    expect(ownershipProblem(component('svc-2'), request, {})).toContain(
      'it must carry the label backstage.io/kubernetes-id: svc-2 (it has no such label)',
    );
  });

  it('accepts a match of a label selector that names the component', () => {
    const selected = component('svc-2', {
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=svc-2,tier in (backend)',
    });
    expect(
      ownershipProblem(selected, request, {
        'app.kubernetes.io/name': 'svc-2',
        tier: 'backend',
      }),
    ).toBeUndefined();
    expect(
      ownershipProblem(selected, request, {
        'app.kubernetes.io/name': 'svc-2',
        tier: 'frontend',
      }),
    ).toContain(
      `, nor match component:default/svc-2's backstage.io/kubernetes-label-selector 'app.kubernetes.io/name=svc-2,tier in (backend)'`,
    );
  });

  it('takes no proof from a selector that does not name the component, as its owners wrote it', () => {
    const squatter = component('squat', {
      'backstage.io/kubernetes-label-selector': 'app=svc-2',
    });
    expect(ownershipProblem(squatter, request, { app: 'svc-2' })).toContain(
      `(it has no such label); component:default/squat's backstage.io/kubernetes-label-selector 'app=svc-2' proves nothing, as it has no requirement <key>=squat; add the label`,
    );
  });

  it('says what is wrong with a selector it cannot read', () => {
    expect(
      ownershipProblem(
        component('svc-2', {
          'backstage.io/kubernetes-label-selector': 'app in (svc-2',
        }),
        request,
        {},
      ),
    ).toMatch(
      /^component:default\/svc-2's annotation backstage.io\/kubernetes-label-selector 'app in \(svc-2' is not a label selector \(cannot read 'app in \(svc-2'\)/,
    );
  });
});

describe('systemNamespaceProblem', () => {
  it('refuses Kubernetes’, Istio’s and crossmesh’s namespaces unless allowed', () => {
    for (const ns of [
      'kube-system',
      'kube-public',
      'kube-node-lease',
      'istio-system',
      'crossmesh-system',
    ]) {
      expect(systemNamespaceProblem(ns, [])).toBe(
        `service.namespace '${ns}' is a system namespace: crossmesh does not expose Services from kube-system, kube-public, kube-node-lease, istio-system, crossmesh-system unless crossmesh.exposure.allowedSystemNamespaces lists it`,
      );
    }
    expect(systemNamespaceProblem('istio-system', ['istio-system'])).toBe(
      undefined,
    );
    expect(systemNamespaceProblem('bar', [])).toBeUndefined();
  });
});
