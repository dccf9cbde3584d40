import { TrustState } from '@crossmesh/backstage-plugin-crossmesh-common';
import Alert from '@material-ui/lab/Alert';
import { durationWords, instantLabel, timeAgo } from '../MeshOverviewPage/time';
import { Words } from '../shared';

/**
 * When the rotation's next step may run: crossmesh refuses it until every workload has
 * renewed its certificate since the current step took effect (one workload-certificate
 * lifetime), and says here from when.
 */
export function RotationWaitNote({
  trust,
  now = Date.now(),
}: {
  trust: TrustState;
  now?: number;
}) {
  const wait = trust.rotationWait;
  if (!wait) return null;
  const lifetime = durationWords(trust.workloadCertificateTtlSeconds * 1000);
  const clusters = wait.heldBackBy.join(', ');
  const ready = Date.parse(wait.mayAdvanceAt) <= now;
  return (
    <Alert
      severity={ready ? 'success' : 'info'}
      aria-label="When this step can run"
    >
      <Words>
        {ready
          ? `Every workload has renewed its certificate since the last step took effect (${clusters}, ${timeAgo(
              wait.tookEffectAt,
              now,
            )}): this step can run.`
          : `Workloads take new roots and certificates when they renew theirs, within ${lifetime} (crossmesh.trust.workloadCertificateTtl). The last step took effect in ${clusters} ${timeAgo(
              wait.tookEffectAt,
              now,
            )}, so crossmesh runs this step from ${instantLabel(
              wait.mayAdvanceAt,
              now,
            )}.`}
      </Words>
    </Alert>
  );
}
