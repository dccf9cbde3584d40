import {
  PreflightCheck,
  PreflightCheckStatus,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CREDENTIALS } from './connectionChecks';

/** The id of the one check that stands for all access checks in a redacted report. */
export const ACCESS_SUMMARY = 'access';

const WORST_FIRST: PreflightCheckStatus[] = ['fail', 'warn', 'skipped', 'pass'];

const WHO_SEES =
  'the platform team (crossmesh.cluster.manage) sees the details';

/**
 * A preflight report for readers who may not see crossmesh's identity in the cluster and its
 * access list: the credentials check without the user and groups, and the access checks
 * folded into one with their worst status. Same shape, same order.
 *
 * @internal
 */
export function redactPreflight(report: PreflightReport): PreflightReport {
  const isAccess = (check: PreflightCheck) => check.id.startsWith('access:');
  const access = report.checks.filter(isAccess);
  const checks: PreflightCheck[] = [];
  for (const check of report.checks) {
    if (check.id === CREDENTIALS) {
      checks.push(redactedCredentials(check));
    } else if (!isAccess(check)) {
      checks.push(check);
    } else if (check === access[0]) {
      checks.push(accessSummary(access));
    }
  }
  return { ...report, checks };
}

function redactedCredentials(check: PreflightCheck): PreflightCheck {
  if (check.status !== 'pass') {
    return {
      ...check,
      detail: `crossmesh's credentials were not accepted; ${WHO_SEES}`,
      ...(check.remedy ? { remedy: 'Ask the platform team' } : {}),
    };
  }
  return { ...check, detail: "The API server accepts crossmesh's credentials" };
}

function accessSummary(access: PreflightCheck[]): PreflightCheck {
  const status =
    WORST_FIRST.find(s => access.some(a => a.status === s)) ?? 'pass';
  const passed = access.filter(a => a.status === 'pass').length;
  return {
    id: ACCESS_SUMMARY,
    title: 'crossmesh may do what it needs in the cluster',
    status,
    detail: `${passed} of ${access.length} access checks passed; ${WHO_SEES}`,
    ...(status === 'fail' || status === 'warn'
      ? { remedy: 'Ask the platform team to grant what deploy/rbac.yaml lists' }
      : {}),
  };
}
