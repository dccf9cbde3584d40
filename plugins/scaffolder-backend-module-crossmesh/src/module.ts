import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { crossmeshServiceRef } from '@crossmesh/backstage-plugin-crossmesh-node';
import { createOnboardClusterAction } from './actions/onboardCluster';
import { createRequestExposureAction } from './actions/requestExposure';

/**
 * Registers crossmesh's scaffolder actions: `crossmesh:cluster:onboard` and
 * `crossmesh:exposure:request`. They call the crossmesh backend through
 * `crossmeshServiceRef`, as the task's user.
 *
 * @public
 */
export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'crossmesh',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        crossmesh: crossmeshServiceRef,
      },
      async init({ scaffolder, crossmesh }) {
        scaffolder.addActions(
          createOnboardClusterAction({ crossmesh }),
          createRequestExposureAction({ crossmesh }),
        );
      },
    });
  },
});
