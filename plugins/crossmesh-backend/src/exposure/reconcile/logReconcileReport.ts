import { LoggerService } from '@backstage/backend-plugin-api';
import type { ReconcileReport } from './ExposureReconciler';

/**
 * Logs what a reconcile pass changed and what it could not do.
 *
 * @internal
 */
export function logReconcileReport(
  report: ReconcileReport,
  logger: LoggerService,
): void {
  if (report.skipped) {
    logger.debug(`crossmesh reconcile skipped: ${report.skipped}`);
  }
  for (const t of report.transitions) {
    logger.info(`crossmesh exposure ${t}`);
  }
  for (const d of report.dns) {
    logger.info(
      `crossmesh .global DNS in ${d.cluster}: ${d.error ?? 'updated'}`,
    );
  }
  for (const m of report.meshConfig?.filter(x => x.changed) ?? []) {
    logger.info(`crossmesh updated the serviceSettings of ${m.cluster}`);
  }
  for (const c of report.clusters.filter(r => r.error)) {
    logger.warn(`crossmesh could not converge ${c.cluster}: ${c.error}`);
  }
}
