import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RemoteSecretReport } from './RemoteSecretSync';

/** What a pass changed at info, what it could not do at warn; a quiet pass says nothing. */
export function logRemoteSecretReports(
  reports: RemoteSecretReport[],
  logger: LoggerService,
): void {
  for (const r of reports) {
    const pair = `the remote secret for ${r.remoteCluster} in ${r.cluster}`;
    if (r.outcome === 'written') {
      logger.info(
        `crossmesh wrote ${pair} (${r.detail}); its token expires at ${r.expiresAt}`,
      );
    } else if (r.outcome === 'revoked') {
      logger.info(`crossmesh revoked the token that ${pair} held before`);
    } else if (r.outcome === 'removed') {
      logger.info(
        `crossmesh removed ${pair}, and revoked the tokens ${r.remoteCluster} held for ${r.cluster}`,
      );
    } else if (r.outcome === 'failed' || r.outcome === 'foreign') {
      logger.warn(`crossmesh could not keep ${pair}: ${r.detail}`);
    }
  }
}
