import { LoggerService } from '@backstage/backend-plugin-api';
import {
  describePreflightCheck,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Writes a preflight report to the task log, a line per check.
 *
 * @internal
 */
export function logPreflight(
  logger: LoggerService,
  report: PreflightReport,
): void {
  const counts = (['pass', 'warn', 'fail', 'skipped'] as const)
    .map(
      status =>
        [
          status,
          report.checks.filter(c => c.status === status).length,
        ] as const,
    )
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  logger.info(`Preflight of cluster ${report.cluster}: ${counts}`);
  const accessPassed = report.checks.filter(
    c => c.id.startsWith('access:') && c.status === 'pass',
  );
  if (accessPassed.length) {
    logger.info(
      `[pass] crossmesh's credentials may do ${accessPassed.length} of the ${
        report.checks.filter(c => c.id.startsWith('access:')).length
      } things it does in the cluster (SelfSubjectAccessReviews)`,
    );
  }
  for (const check of report.checks) {
    if (accessPassed.includes(check)) {
      continue;
    }
    if (check.status === 'fail') {
      logger.error(describePreflightCheck(check));
    } else if (check.status === 'warn') {
      logger.warn(describePreflightCheck(check));
    } else {
      logger.info(describePreflightCheck(check));
    }
  }
}
