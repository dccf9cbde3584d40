import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * A catalog backend that serves only `GET /entities/by-name/:kind/:namespace/:name` from
 * a fixed list, enough for crossmesh's ownership and annotation lookups over HTTP. This
 * module does not depend on the real catalog backend.
 */
export function catalogStandIn(entities: Entity[]) {
  return createBackendPlugin({
    pluginId: 'catalog',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use((req: any, res: any, next: any) => {
            const match =
              /^\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url);
            if (req.method !== 'GET' || !match) {
              next();
              return;
            }
            const [kind, namespace, name] = match
              .slice(1)
              .map(part => decodeURIComponent(part).toLocaleLowerCase('en-US'));
            const entity = entities.find(
              e =>
                e.kind.toLocaleLowerCase('en-US') === kind &&
                (e.metadata.namespace ?? 'default') === namespace &&
                e.metadata.name === name,
            );
            res.statusCode = entity ? 200 : 404;
            res.setHeader('Content-Type', 'application/json');
            res.end(
              JSON.stringify(
                entity ?? {
                  error: { name: 'NotFoundError', message: 'no such entity' },
                  response: { statusCode: 404 },
                },
              ),
            );
          });
        },
      });
    },
  });
}
