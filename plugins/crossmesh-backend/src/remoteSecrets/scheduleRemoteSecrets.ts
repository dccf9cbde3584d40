import type {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { AuditLog } from '../audit';
import type { ClusterConnection } from '../clusters/clusterConnections';
import type { KubernetesClients } from '../clusters/KubernetesClients';
import { logRemoteSecretReports } from './logRemoteSecretReports';
import type { RemoteSecretState } from '@crossmesh/backstage-plugin-crossmesh-common';
import { RemoteSecretSync } from './RemoteSecretSync';

/**
 * The scheduler task that keeps the remote secrets fresh (`crossmesh.remoteSecrets`).
 *
 * @internal
 */
export const REMOTE_SECRETS_TASK = 'crossmesh-remote-secrets';

/**
 * With `crossmesh.remoteSecrets.enabled`, schedules the passes that keep every member's
 * remote secrets fresh, and runs one at once when a membership changes; without it, does
 * nothing.
 *
 * @internal
 */
export async function scheduleRemoteSecrets(options: {
  settings: {
    enabled: boolean;
    tokenLifetimeSeconds: number;
    checkIntervalSeconds: number;
  };
  clients: KubernetesClients;
  connections: ClusterConnection[];
  members: () => Promise<string[]>;
  audit: AuditLog;
  scheduler: SchedulerService;
  logger: LoggerService;
  lifecycle: LifecycleService;
}): Promise<{
  membershipChanged: (actor: string) => void;
  /** Absent when remote secrets are off. */
  inspect?: () => Promise<RemoteSecretState[]>;
}> {
  const { settings, logger } = options;
  if (!settings.enabled) {
    return { membershipChanged: () => {} };
  }
  const sync = new RemoteSecretSync({
    clients: options.clients,
    connections: options.connections,
    members: options.members,
    audit: options.audit,
    tokenLifetimeSeconds: settings.tokenLifetimeSeconds,
  });
  const pass = async (actor: string) =>
    logRemoteSecretReports(await sync.sync(actor), logger);
  await options.scheduler.scheduleTask({
    id: REMOTE_SECRETS_TASK,
    frequency: { seconds: settings.checkIntervalSeconds },
    timeout: { minutes: 5 },
    fn: () => pass('crossmesh:scheduler'),
  });
  // A pass under way ends before the database closes under it.
  options.lifecycle.addShutdownHook(() => sync.settled());
  return {
    inspect: () => sync.inspect(),
    // A new member needs its remote secrets now, not at the next check.
    membershipChanged: actor => {
      pass(actor).catch(error =>
        logger.warn(
          `crossmesh could not keep the remote secrets after a membership change: ${error}`,
        ),
      );
    },
  };
}
