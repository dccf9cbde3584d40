import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { CrossmeshClient, crossmeshApiRef } from '../api';

export const crossmeshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: crossmeshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new CrossmeshClient({ discoveryApi, fetchApi }),
    }),
});
