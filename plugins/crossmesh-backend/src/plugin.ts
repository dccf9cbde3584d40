import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  crossmeshPermissions,
  MeshStrategy,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { readClusterConnections } from './clusters/clusterConnections';
import { ClusterObserver } from './clusters/ClusterObserver';
import { KubernetesClients } from './clusters/KubernetesClients';
import {
  DatabaseClusterObservationStore,
  migrateCrossmeshDatabase,
} from './database/DatabaseClusterObservationStore';
import { ClusterService } from './service/ClusterService';
import { createRouter } from './service/createRouter';

/**
 * The crossmesh backend plugin.
 *
 * @public
 */
export const crossmeshPlugin = createBackendPlugin({
  pluginId: 'crossmesh',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
      }) {
        permissionsRegistry.addPermissions(crossmeshPermissions);

        const { clusters, unsupportedLocators } =
          readClusterConnections(config);
        if (unsupportedLocators.length) {
          logger.warn(
            `crossmesh reads clusters from 'config' cluster locators only; ignoring: ${unsupportedLocators.join(
              ', ',
            )}`,
          );
        }
        logger.info(
          `crossmesh mesh clusters: ${
            clusters.map(c => c.name).join(', ') || 'none configured'
          }`,
        );

        const store = new DatabaseClusterObservationStore(
          await migrateCrossmeshDatabase(database),
        );
        const observer = new ClusterObserver(new KubernetesClients(), {
          configuredStrategy: config.getOptionalString('crossmesh.strategy') as
            | MeshStrategy
            | undefined,
          timeoutMs:
            config.getOptionalNumber('crossmesh.clusterTimeoutSeconds') !==
            undefined
              ? config.getNumber('crossmesh.clusterTimeoutSeconds') * 1000
              : 10_000,
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            clusters: new ClusterService(clusters, observer, store),
          }),
        );
      },
    });
  },
});
