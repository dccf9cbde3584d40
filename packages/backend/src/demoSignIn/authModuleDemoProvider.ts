import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { demoAuthenticator } from './demoAuthenticator';
import { demoProfileTransform, demoSignInResolver } from './demoSignInResolver';

/**
 * Auth provider `demo`: signs in as the catalog User named in the `x-crossmesh-demo-user`
 * header, so a demo or an end-to-end test can act as several people. The auth backend mounts it
 * only when `auth.providers.demo` is configured; it refuses to run outside development.
 *
 * @public
 */
export const authModuleDemoProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'crossmesh-demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
      },
      async init({ providers, logger, config }) {
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            profileTransform: demoProfileTransform,
            signInResolver: demoSignInResolver,
          }),
        });
        if (config.has('auth.providers.demo')) {
          logger.warn(
            'Demo sign-in is on: anyone who can reach this backend can sign in as any catalog User. Remove auth.providers.demo outside demos.',
          );
        }
      },
    });
  },
});
