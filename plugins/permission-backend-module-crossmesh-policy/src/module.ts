import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readCrossmeshGroups } from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshPermissionPolicy } from './CrossmeshPermissionPolicy';

/**
 * Installs {@link CrossmeshPermissionPolicy} as the app's permission policy, with the groups
 * of `crossmesh.platform.groups` and `crossmesh.approvers.groups`.
 *
 * @public
 */
export const permissionModuleCrossmeshPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'crossmesh-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new CrossmeshPermissionPolicy(readCrossmeshGroups(config), userInfo),
        );
      },
    });
  },
});
