/*
 * The backend the listing benchmark loads: Backstage's real backend (real auth, the real
 * permission backend with crossmesh's policy, PostgreSQL) with crossmesh and the catalog, as
 * an adopter runs it. Started by listing.bench.ts as a child process with `--config <file>`;
 * CROSSMESH_BENCH_ENTITIES=<n> has an entity provider put n Components into the catalog.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';

const entities = Number(process.env.CROSSMESH_BENCH_ENTITIES ?? 0);

const benchEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'listing-bench-entities',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, lifecycle }) {
        catalog.addEntityProvider({
          getProviderName: () => 'listing-bench',
          connect: async connection => {
            lifecycle.addStartupHook(async () => {
              const location = 'url:https://bench.example/catalog-info.yaml';
              await connection.applyMutation({
                type: 'full',
                entities: Array.from({ length: entities }, (_, i) => ({
                  locationKey: 'listing-bench',
                  entity: {
                    apiVersion: 'backstage.io/v1alpha1',
                    kind: 'Component',
                    metadata: {
                      name: `svc-${i}`,
                      annotations: {
                        'backstage.io/managed-by-location': location,
                        'backstage.io/managed-by-origin-location': location,
                      },
                    },
                    spec: {
                      type: 'service',
                      lifecycle: 'production',
                      owner: `group:default/team-${i % 20}`,
                    },
                  },
                })),
              });
            });
          },
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import(
    '@crossmesh/backstage-plugin-permission-backend-module-crossmesh-policy'
  ),
);
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(benchEntities);
backend.add(import('@crossmesh/backstage-plugin-crossmesh-backend'));
backend.start();
