import { NewExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshService } from '@crossmesh/backstage-plugin-crossmesh-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { backendFailure, callBackend } from './backendFailure';
import { clusterNameOf } from './clusterName';
import { examples } from './requestExposure.examples';

/**
 * `crossmesh:exposure:request`: asks for a component to be reachable from other clusters
 * of the mesh, as the task's user; the platform team approves it in crossmesh.
 *
 * @public
 */
export function createRequestExposureAction(options: {
  crossmesh: CrossmeshService;
}) {
  const { crossmesh } = options;
  return createTemplateAction({
    id: 'crossmesh:exposure:request',
    description:
      "Requests an exposure of a component to other clusters of the mesh, on behalf of the task's user (who must own the component). The request waits for the platform team's approval. In a dry run it validates the request and stores nothing.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The catalog Component to expose, e.g. component:default/svc-2',
            ),
        consumerClusters: z =>
          z
            .array(z.string().min(1))
            .min(1)
            .describe(
              'Clusters that may call it: names, or their catalog Resources (resource:default/<name>)',
            ),
        ports: z =>
          z
            .array(
              z.object({
                name: z.string().min(1).describe('Istio port name, e.g. http'),
                number: z.number().int().min(1).max(65535),
              }),
            )
            .optional()
            .describe(
              "Ports to expose; the component's crossmesh.io/ports by default",
            ),
        consumerNamespaces: z =>
          z
            .array(z.string().min(1))
            .optional()
            .describe(
              'Only these namespaces of the consumer clusters see it; all when left out',
            ),
        reason: z => z.string().min(1).describe('Why the consumers need it'),
        endDate: z =>
          z
            .string()
            .optional()
            .describe(
              'When the exposure ends (ISO 8601 date); never when left out',
            ),
      },
      output: {
        requestId: z =>
          z.string().describe('Id of the request; empty in a dry run'),
        host: z => z.string().describe('The .global host consumers call'),
        state: z =>
          z.string().describe("The request's state: pending, or dry-run"),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const request: NewExposureRequest = {
        entityRef: input.entityRef.trim(),
        consumerClusters: input.consumerClusters.map((c, i) =>
          clusterNameOf(c, `consumerClusters[${i}]`),
        ),
        consumerNamespaces: input.consumerNamespaces ?? [],
        reason: input.reason,
        endDate: input.endDate?.trim() || null,
        ...(input.ports?.length ? { service: { ports: input.ports } } : {}),
      };
      const auth = { credentials: await ctx.getInitiatorCredentials() };
      const what = `an exposure of ${
        request.entityRef
      } to ${request.consumerClusters.join(', ')}`;

      if (ctx.isDryRun) {
        await dryRun(ctx.logger, what, () =>
          crossmesh.previewExposureRequest(request, auth),
        ).then(host => {
          ctx.output('requestId', '');
          ctx.output('host', host);
          ctx.output('state', 'dry-run');
        });
        return;
      }

      const created = await ctx.checkpoint({
        key: 'request-exposure',
        fn: async () => {
          const made = await callBackend(`Requesting ${what}`, () =>
            crossmesh.requestExposure(request, auth),
          );
          return { id: made.id, host: made.host, state: made.state };
        },
      });
      ctx.logger.info(
        `Requested ${what}: request ${created.id} for ${created.host} is ${created.state}; the platform team approves it in crossmesh`,
      );
      ctx.output('requestId', created.id);
      ctx.output('host', created.host);
      ctx.output('state', created.state);
    },
  });
}

/**
 * Validates the request like a real one without storing it. A component that is not in
 * the catalog yet (a template that creates it registers it later) is reported, not fatal.
 */
async function dryRun(
  logger: { info(m: string): void; warn(m: string): void },
  what: string,
  preview: () => Promise<{
    host: string;
    clusters: { cluster: string; role: string }[];
  }>,
): Promise<string> {
  try {
    const previewed = await preview();
    logger.info(
      `Dry run: ${what} is valid and was not stored; once approved, ${
        previewed.host
      } would get objects in ${previewed.clusters
        .map(c => `${c.cluster} (${c.role})`)
        .join(', ')}`,
    );
    return previewed.host;
  } catch (error) {
    const failure = backendFailure(`Validating ${what}`, error);
    if (
      failure.name === 'InputError' &&
      /was not found in the catalog/.test(failure.message)
    ) {
      logger.warn(
        `Dry run: the component is not in the catalog yet, so ${what} could not be checked against it; a real run needs it registered first`,
      );
      return '';
    }
    throw failure;
  }
}
