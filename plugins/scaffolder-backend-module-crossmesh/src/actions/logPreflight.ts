import { LoggerService } from '@backstage/backend-plugin-api';
import {
  PreflightCheck,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';

const MARK: Record<PreflightCheck['status'], string> = {
  pass: 'pass',
  warn: 'WARN',
  fail: 'FAIL',
  skipped: 'skip',
};

/**
 * One line for a check: status, title, what was found and, when not passed, the remedy.
 *
 * @internal
 */
export function describeCheck(check: PreflightCheck): string {
  return `[${MARK[check.status]}] ${check.title}: ${check.detail}${
    check.remedy && check.status !== 'pass' ? ` Fix: ${check.remedy}` : ''
  }`;
}

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
      logger.error(describeCheck(check));
    } else if (check.status === 'warn') {
      logger.warn(describeCheck(check));
    } else {
      logger.info(describeCheck(check));
    }
  }
}
