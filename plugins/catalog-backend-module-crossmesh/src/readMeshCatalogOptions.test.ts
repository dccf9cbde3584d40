import { mockServices } from '@backstage/backend-test-utils';
import { readMeshCatalogOptions } from './readMeshCatalogOptions';

const read = (data: object) =>
  readMeshCatalogOptions(mockServices.rootConfig({ data }));

describe('readMeshCatalogOptions', () => {
  it('defaults to a System named mesh, every 2 minutes, owned by the first approver group', () => {
    expect(
      read({
        app: { baseUrl: 'https://backstage.example.com/' },
        crossmesh: { approvers: { groups: ['group:default/mesh-admins'] } },
      }),
    ).toEqual({
      entities: {
        systemName: 'mesh',
        namespace: 'default',
        owner: 'group:default/mesh-admins',
        locationRef: 'crossmesh-mesh:mesh',
        overviewUrl: 'https://backstage.example.com/crossmesh',
      },
      schedule: { frequency: { minutes: 2 }, timeout: { minutes: 1 } },
    });
    expect(read({}).entities).toMatchObject({
      owner: 'group:default/platform-team',
      overviewUrl: undefined,
    });
  });

  it('reads every setting, completing a short owner ref in the configured namespace', () => {
    const options = read({
      crossmesh: {
        catalog: {
          systemName: 'prod-mesh',
          namespace: 'infra',
          owner: 'sre',
          schedule: { frequency: { minutes: 10 }, timeout: { seconds: 30 } },
        },
      },
    });
    expect(options.entities).toMatchObject({
      systemName: 'prod-mesh',
      namespace: 'infra',
      owner: 'group:infra/sre',
      locationRef: 'crossmesh-mesh:prod-mesh',
    });
    expect(options.schedule).toMatchObject({
      frequency: { minutes: 10 },
      timeout: { seconds: 30 },
    });
  });

  it('names the key and the rule when a value cannot make an entity', () => {
    expect(() =>
      read({ crossmesh: { catalog: { systemName: 'my mesh' } } }),
    ).toThrow(
      "crossmesh.catalog.systemName 'my mesh' is not a valid entity name",
    );
    expect(() =>
      read({ crossmesh: { catalog: { namespace: 'Infra' } } }),
    ).toThrow(
      "crossmesh.catalog.namespace 'Infra' is not a valid entity namespace",
    );
    expect(() => read({ crossmesh: { catalog: { owner: 'group:' } } })).toThrow(
      "crossmesh.catalog.owner 'group:' is not an entity ref",
    );
  });
});
