import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CrossmeshService } from './CrossmeshService';
import { DefaultCrossmeshService } from './DefaultCrossmeshService';

/**
 * The crossmesh backend for other backend plugins; by default it calls the backend over
 * HTTP with a plugin-to-plugin token.
 *
 * @public
 */
export const crossmeshServiceRef = createServiceRef<CrossmeshService>({
  id: 'crossmesh.client',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) =>
        new DefaultCrossmeshService(discovery, auth),
    }),
});
