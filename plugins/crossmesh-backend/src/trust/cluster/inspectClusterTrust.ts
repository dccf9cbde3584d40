import { isError } from '@backstage/errors';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { CacertsReport, inspectCacerts } from '../../pki';
import {
  certificateFingerprint,
  CONTENT_DIGEST_ANNOTATION,
  contentDigest,
  INTERMEDIATE_FINGERPRINT_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from './cacertsSecret';
import { withTimeout } from '../../clusters/kubernetesModule';
import { readClusterCacerts } from './readClusterCacerts';

/**
 * Options of {@link inspectClusterTrust}.
 *
 * @internal
 */
export interface InspectClusterTrustOptions {
  /** Roots crossmesh manages for this mesh (PEM). */
  expectedRootPems: string[];
  /** Report `expiring` this many days before expiry; defaults to 30. */
  renewalWindowDays?: number;
  /** Defaults to the current time. */
  now?: Date;
  /** Defaults to 30 seconds. */
  timeoutMs?: number;
}

/**
 * Report of a cluster that has no `cacerts` Secret.
 *
 * @internal
 */
export interface MissingCacertsReport {
  status: 'missing';
  detail: string;
}

/**
 * The state of trust in one cluster.
 *
 * @internal
 */
export interface ClusterTrustInspection {
  cluster: string;
  /** Absent only when `error` is set. */
  report?: CacertsReport | MissingCacertsReport;
  /**
   * The Secret is not the one crossmesh wrote: it lacks crossmesh's label, or its
   * content no longer matches the fingerprint and digest crossmesh recorded.
   */
  replacedBySomeoneElse: boolean;
  /** Sentences for people, one per finding, when `replacedBySomeoneElse`. */
  replacementDetails?: string[];
  /** Anything crossmesh should repair: replaced, missing, or any status but `ok`. */
  drift: boolean;
  /** The cluster could not be read. */
  error?: string;
}

/**
 * Reads a cluster's `cacerts` and reports drift: a Secret someone else replaced, one
 * that chains to another root (`foreign-root`), or one that expires within the renewal
 * window. Never throws; an unreachable cluster is reported in `error`.
 *
 * @internal
 */
export async function inspectClusterTrust(
  clients: KubernetesClients,
  connection: ClusterConnection,
  options: InspectClusterTrustOptions,
): Promise<ClusterTrustInspection> {
  const failed = (error: string): ClusterTrustInspection => ({
    cluster: connection.name,
    replacedBySomeoneElse: false,
    drift: false,
    error,
  });
  const authProblem = unsupportedAuthProblem(connection);
  if (authProblem) {
    return failed(authProblem);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  let read;
  try {
    read = await withTimeout(
      readClusterCacerts(clients, connection),
      timeoutMs,
      `the API server at ${connection.url} did not answer within ${timeoutMs} ms`,
    );
  } catch (error) {
    return failed(isError(error) ? error.message : String(error));
  }

  if (!read.files) {
    return {
      cluster: connection.name,
      report: {
        status: 'missing',
        detail: `cluster '${connection.name}' has no Secret cacerts in istio-system, so istiod signs workload certificates with its own self-signed root and the cluster is outside the mesh's trust; let crossmesh distribute the cluster's intermediate`,
      },
      replacedBySomeoneElse: false,
      drift: true,
    };
  }

  const report = inspectCacerts(read.files, {
    expectedRootPems: options.expectedRootPems,
    renewalWindowDays: options.renewalWindowDays,
    now: options.now,
  });

  const findings: string[] = [];
  if (!read.managedByCrossmesh) {
    findings.push(
      `cacerts lacks the label ${MANAGED_BY_LABEL}: ${MANAGED_BY_VALUE}, so it was not written by crossmesh`,
    );
  } else {
    const fingerprint = certificateFingerprint(read.files['ca-cert.pem'] ?? '');
    if (read.fingerprintAnnotation !== fingerprint) {
      findings.push(
        `ca-cert.pem (${
          fingerprint ?? 'unreadable'
        }) is not the intermediate crossmesh wrote (${INTERMEDIATE_FINGERPRINT_ANNOTATION}: ${
          read.fingerprintAnnotation ?? 'absent'
        })`,
      );
    } else if (read.contentDigestAnnotation !== contentDigest(read.files)) {
      findings.push(
        `the keys of cacerts differ from what crossmesh wrote (${CONTENT_DIGEST_ANNOTATION} does not match)`,
      );
    }
  }
  const replacedBySomeoneElse = findings.length > 0;
  return {
    cluster: connection.name,
    report,
    replacedBySomeoneElse,
    ...(replacedBySomeoneElse ? { replacementDetails: findings } : {}),
    drift: replacedBySomeoneElse || report.status !== 'ok',
  };
}
