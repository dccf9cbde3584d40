import { renderExposure } from '../render';
import type { KubeObject } from '../render';
import type { ObservedKubeObject } from '../render';
import { foreignSpecFieldsPatch, objectKey, planClusterChanges } from './plan';

const rendered = renderExposure('dns-proxy', {
  requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  host: 'svc-2.bar.global',
  vip: '240.0.0.2',
  ports: [{ name: 'http', number: 8000 }],
  remoteGateway: { address: '192.0.2.11', port: 15443 },
});
const [serviceEntry, destinationRule] = rendered.consumer;
/** The one object shared by every exposure (no request-id label). */
const sharedGateway = rendered.exporter[1];
const desired = rendered.consumer;

/** The object as the API server returns it after crossmesh applied it. */
function stored(
  object: KubeObject,
  change: (o: ObservedKubeObject) => void = () => {},
): ObservedKubeObject {
  const copy: ObservedKubeObject = JSON.parse(JSON.stringify(object));
  copy.metadata = {
    ...copy.metadata,
    uid: '7a1c1c3e-8c3f-4a53-9d0e-2b8f1c6e0a11',
    resourceVersion: '4711',
    generation: 3,
    creationTimestamp: '2024-05-01T10:00:00Z',
    managedFields: [
      {
        manager: 'crossmesh',
        operation: 'Apply',
        fieldsV1: {
          'f:metadata': {
            'f:labels': Object.fromEntries(
              Object.keys(object.metadata.labels).map(k => [`f:${k}`, {}]),
            ),
            'f:annotations': Object.fromEntries(
              Object.keys(object.metadata.annotations).map(k => [`f:${k}`, {}]),
            ),
          },
          'f:spec': {},
        },
      },
    ],
  };
  copy.status = {};
  change(copy);
  return copy;
}

describe('planClusterChanges', () => {
  it('applies everything to an empty cluster', () => {
    expect(planClusterChanges(desired, [])).toEqual({
      apply: desired,
      delete: [],
      unchanged: 0,
    });
  });

  it('leaves objects alone that differ only in what the API server adds', () => {
    expect(
      planClusterChanges(
        desired,
        desired.map(o => stored(o)),
      ),
    ).toEqual({
      apply: [],
      delete: [],
      unchanged: 2,
    });
  });

  it('ignores key order in the spec', () => {
    const reordered = stored(serviceEntry, o => {
      o.spec = Object.fromEntries(Object.entries(o.spec!).reverse());
    });
    expect(planClusterChanges([serviceEntry], [reordered]).unchanged).toBe(1);
  });

  it.each<[string, (o: ObservedKubeObject) => void]>([
    [
      'a spec value changed',
      o => {
        o.spec!.resolution = 'STATIC';
      },
    ],
    [
      'a spec field added',
      o => {
        o.spec!.exportTo = ['*'];
      },
    ],
    [
      'a spec field removed',
      o => {
        delete o.spec!.addresses;
      },
    ],
    [
      'a list reordered',
      o => {
        o.spec!.ports = [...(o.spec!.ports as unknown[])].reverse().concat({
          number: 1,
          name: 'tcp',
          protocol: 'TCP',
        });
      },
    ],
    [
      'crossmesh’s label changed',
      o => {
        o.metadata.labels!['crossmesh.io/request-id'] = 'another';
      },
    ],
    [
      'crossmesh’s annotation removed',
      o => {
        delete o.metadata.annotations!['crossmesh.io/host'];
      },
    ],
    [
      'no spec at all',
      o => {
        delete o.spec;
      },
    ],
  ])('applies an object with %s', (_, change) => {
    expect(
      planClusterChanges([serviceEntry], [stored(serviceEntry, change)]),
    ).toEqual({ apply: [serviceEntry], delete: [], unchanged: 0 });
  });

  it('ignores labels and annotations others added', () => {
    const decorated = stored(serviceEntry, o => {
      o.metadata.labels!.team = 'payments';
      o.metadata.annotations![
        'kubectl.kubernetes.io/last-applied-configuration'
      ] = '{}';
    });
    expect(planClusterChanges([serviceEntry], [decorated]).unchanged).toBe(1);
  });

  it('applies when a label crossmesh set earlier is no longer wanted, so the apply removes it', () => {
    const withOldLabel = stored(serviceEntry, o => {
      o.metadata.labels!['crossmesh.io/old'] = 'x';
      const fields = o.metadata.managedFields![0].fieldsV1 as any;
      fields['f:metadata']['f:labels']['f:crossmesh.io/old'] = {};
    });
    expect(planClusterChanges([serviceEntry], [withOldLabel]).apply).toEqual([
      serviceEntry,
    ]);
  });

  it('does not plan to remove a crossmesh-looking label someone else owns, which an apply could not remove', () => {
    const sharedWithForeignLabel = stored(sharedGateway, o => {
      o.metadata.labels!['crossmesh.io/request-id'] = 'added-by-hand';
    });
    expect(
      planClusterChanges([sharedGateway], [sharedWithForeignLabel]).unchanged,
    ).toBe(1);
  });

  it('without managedFields takes crossmesh’s own keys as owned', () => {
    const bare = stored(destinationRule, o => {
      delete o.metadata.managedFields;
      o.metadata.labels!['crossmesh.io/request-id'] = 'stale';
    });
    expect(planClusterChanges([destinationRule], [bare]).apply).toEqual([
      destinationRule,
    ]);
  });

  it('deletes managed objects nothing wants any more, and only those', () => {
    const orphan = stored(serviceEntry, o => {
      o.metadata.name = 'crossmesh-old-bar-0123456789';
    });
    const inOtherNamespace = stored(serviceEntry, o => {
      o.metadata.namespace = 'foo';
    });
    const plan = planClusterChanges(desired, [
      ...desired.map(o => stored(o)),
      orphan,
      inOtherNamespace,
    ]);
    expect(plan.apply).toEqual([]);
    expect(plan.unchanged).toBe(2);
    expect(plan.delete).toEqual([orphan, inOtherNamespace]);
  });

  it('tells kinds apart when names are equal', () => {
    const gatewayOfSameName = stored(destinationRule, o => {
      o.kind = 'Gateway';
    });
    const plan = planClusterChanges(
      [destinationRule],
      [stored(destinationRule), gatewayOfSameName],
    );
    expect(plan.delete).toEqual([gatewayOfSameName]);
    expect(plan.unchanged).toBe(1);
  });

  it('matches an object read at another version of the API', () => {
    const atV1 = stored(serviceEntry, o => {
      o.apiVersion = 'networking.istio.io/v1';
    });
    expect(planClusterChanges([serviceEntry], [atV1])).toEqual({
      apply: [],
      delete: [],
      unchanged: 1,
    });
  });

  it('counts a desired object listed twice once', () => {
    expect(
      planClusterChanges([destinationRule, destinationRule], []).apply,
    ).toEqual([destinationRule]);
  });

  it('deletes everything when nothing is wanted', () => {
    const actual = desired.map(o => stored(o));
    expect(planClusterChanges([], actual)).toEqual({
      apply: [],
      delete: actual,
      unchanged: 0,
    });
  });
});

describe('objectKey', () => {
  it('names group, kind, namespace and name', () => {
    expect(objectKey(serviceEntry)).toBe(
      'networking.istio.io/ServiceEntry istio-system/crossmesh-svc-2-bar-0ce7b621ad',
    );
  });
});

describe('foreignSpecFieldsPatch', () => {
  it('is undefined when the spec holds only what crossmesh set', () => {
    expect(
      foreignSpecFieldsPatch(serviceEntry.spec, serviceEntry.spec),
    ).toBeUndefined();
    expect(
      foreignSpecFieldsPatch(serviceEntry.spec, undefined),
    ).toBeUndefined();
  });

  it('removes added keys, also in nested maps, but leaves lists to the apply', () => {
    expect(
      foreignSpecFieldsPatch(destinationRule.spec, {
        ...destinationRule.spec,
        exportTo: ['*'],
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL', sni: 'x' },
          loadBalancer: { simple: 'RANDOM' },
        },
      }),
    ).toEqual({
      exportTo: null,
      trafficPolicy: { tls: { sni: null }, loadBalancer: null },
    });
    expect(
      foreignSpecFieldsPatch(serviceEntry.spec, {
        ...serviceEntry.spec,
        ports: [{ number: 1, name: 'tcp', protocol: 'TCP', extra: 1 }],
      }),
    ).toBeUndefined();
  });
});
