// The backend a fault test runs as a separate process (see childBackend.ts): the real
// crossmesh plugin, scheduler, database, permissions and HTTP server. Only who is calling
// (mock tokens, a fixed group table) and the catalog (in memory) are stand-ins.
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { crossmeshPlugin } from '../../plugin';
import { faultComponents, groupsOf } from './faultCatalog';

const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const { userEntityRef } = credentials.principal as {
          userEntityRef: string;
        };
        return {
          userEntityRef,
          ownershipEntityRefs: [userEntityRef, ...groupsOf(userEntityRef)],
        };
      },
    }),
  }),
);
backend.add(
  catalogServiceMock.factory({
    entities: faultComponents(Number(process.env.CROSSMESH_FAULT_COMPONENTS)),
  }),
);
backend.add(crossmeshPlugin);
backend.start();
