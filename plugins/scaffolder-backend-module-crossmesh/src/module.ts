import { createBackendModule } from '@backstage/backend-plugin-api';

/**
 * Registers crossmesh's scaffolder actions.
 *
 * @public
 */
export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'crossmesh',
  register(reg) {
    reg.registerInit({
      deps: {},
      async init() {},
    });
  },
});
