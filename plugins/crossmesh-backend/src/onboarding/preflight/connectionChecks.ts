import { unsupportedAuthProblem } from '../../clusters/clusterConnections';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition } from './runChecks';

/** @internal */
export const API_REACHABLE = 'api-reachable';
/** @internal */
export const CREDENTIALS = 'credentials';

function httpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Whether the API server answers at all, and whether it accepts crossmesh's token.
 *
 * @internal
 */
export function connectionChecks(session: PreflightSession): CheckDefinition[] {
  const { connection, apis } = session;
  const where = `cluster '${connection.name}' in kubernetes.clusterLocatorMethods`;
  return [
    {
      id: API_REACHABLE,
      title: 'API server reachable',
      run: async () => {
        const authProblem = unsupportedAuthProblem(connection);
        if (authProblem) {
          return {
            status: 'fail',
            detail: authProblem,
            remedy: `Set authProvider: serviceAccount and a serviceAccountToken for ${where}`,
          };
        }
        try {
          const version = await session.call(() => apis.version.getCode());
          session.tokenAccepted = true;
          return {
            status: 'pass',
            detail: `The API server at ${connection.url} answered: Kubernetes ${version.gitVersion}`,
          };
        } catch (error) {
          const status = httpStatus(error);
          if (status !== undefined) {
            return {
              status: 'pass',
              detail: `The API server at ${connection.url} answered (HTTP ${status})`,
            };
          }
          return {
            status: 'fail',
            detail: session.describeError(error),
            remedy: `Check the url of ${where}, that its API server runs, and that this backend can reach it`,
          };
        }
      },
    },
    {
      id: CREDENTIALS,
      title: "crossmesh's credentials accepted",
      dependsOn: [API_REACHABLE],
      run: async () => {
        try {
          const review = await session.call(() =>
            apis.authentication.createSelfSubjectReview({
              body: {
                apiVersion: 'authentication.k8s.io/v1',
                kind: 'SelfSubjectReview',
              },
            }),
          );
          const user = review.status?.userInfo;
          session.username = user?.username;
          return {
            status: 'pass',
            detail: `crossmesh signs in as user '${
              user?.username ?? 'unknown'
            }' (groups: ${(user?.groups ?? []).join(', ') || 'none'})`,
          };
        } catch (error) {
          const status = httpStatus(error);
          if (status === 401) {
            return {
              status: 'fail',
              detail: `The API server at ${connection.url} refused crossmesh's token (401)`,
              remedy: `Put a valid serviceAccountToken for ${where}`,
            };
          }
          if (status === 404 && session.tokenAccepted) {
            // SelfSubjectReview is served from Kubernetes 1.28 on.
            return {
              status: 'pass',
              detail:
                "The API server answered a request made with crossmesh's token; it is too old to say which user that is",
            };
          }
          throw error;
        }
      },
    },
  ];
}
