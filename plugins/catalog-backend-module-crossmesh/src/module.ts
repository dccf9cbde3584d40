import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { crossmeshServiceRef } from '@crossmesh/backstage-plugin-crossmesh-node';
import { CrossmeshEntityProvider } from './CrossmeshEntityProvider';
import { readMeshCatalogOptions } from './readMeshCatalogOptions';

/**
 * Publishes the mesh and its clusters to the catalog: a `System` for the mesh, a
 * `Resource` per cluster, and relations to the Components exposed across it.
 *
 * @public
 */
export default createBackendModule({
  pluginId: 'catalog',
  moduleId: 'crossmesh',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        crossmesh: crossmeshServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        catalog,
        crossmesh,
        auth,
        config,
        lifecycle,
        logger,
        scheduler,
      }) {
        const options = readMeshCatalogOptions(config);
        const provider = new CrossmeshEntityProvider({
          crossmesh,
          auth,
          logger,
          entities: options.entities,
        });
        catalog.addEntityProvider(provider);

        // Until the backend has started, the crossmesh backend may not answer yet; a first
        // run that failed then would leave the catalog without the mesh for a whole period.
        const started = new Promise<void>(resolve =>
          lifecycle.addStartupHook(() => resolve()),
        );
        await scheduler.scheduleTask({
          id: `${provider.getProviderName()}:refresh`,
          ...options.schedule,
          fn: async () => {
            await started;
            await provider.refresh();
          },
        });
      },
    });
  },
});
