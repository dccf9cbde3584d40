import { InfoCard, Progress } from '@backstage/core-components';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DialogContentText from '@material-ui/core/DialogContentText';
import Divider from '@material-ui/core/Divider';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { errorMessage } from '../errorMessage';
import { ClusterDetailsLoader } from '../MeshOverviewPage/useClusterDetails';
import { ActionDialog, CARD_TITLE, ScrollArea, Words } from '../shared';
import { ClusterTrustStep, ClusterTrustTable } from './ClusterTrustTable';
import { CsrDialog } from './CsrDialog';
import { DistributionResults } from './DistributionResults';
import { ExpiryTimeline } from './ExpiryTimeline';
import { KeyEncryptionAlert } from './KeyEncryptionAlert';
import { NewRootDialog } from './NewRootDialog';
import { RootSource } from './rootForm';
import { RootSetup } from './RootSetup';
import { RootsList } from './RootsList';
import { RotationCard } from './RotationCard';
import { UploadIntermediateDialog } from './UploadIntermediateDialog';
import { useTrustActions } from './useTrustActions';
import { useTrustRights } from './useTrustRights';

type OpenDialog =
  | { kind: 'root'; source: RootSource }
  | { kind: ClusterTrustStep; cluster: string }
  | { kind: 'distribute' };

/**
 * The mesh's trust: its root CA (or how to create one), each cluster's intermediate and
 * what its `cacerts` holds, when the certificates expire, and root rotation. People with
 * crossmesh.trust.manage get the steps; everyone else sees the state.
 */
export function TrustSection(props: {
  clusters?: MeshCluster[];
  details: ClusterDetailsLoader;
  /** Called after each step, when the audit log has new events. */
  onChanged?: () => void;
}) {
  const { clusters, details, onChanged } = props;
  const { canManage } = useTrustRights();
  const actions = useTrustActions(() => {
    details.retry();
    onChanged?.();
  });
  const [dialog, setDialog] = useState<OpenDialog>();
  const close = () => setDialog(undefined);
  const closeAfter =
    <A extends unknown[]>(step: (...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      await step(...args);
      close();
    };

  const trust = details.trust.value;
  const roots = trust?.roots.filter(r => r.state !== 'retired') ?? [];
  const clusterNames = (clusters ?? []).map(c => c.name);

  let body;
  if (details.trust.loading && !trust) {
    body = <Progress />;
  } else if (!trust) {
    body = (
      <Alert severity="warning">
        <Words>
          {`The mesh's trust could not be loaded${
            details.trust.error ? `: ${errorMessage(details.trust.error)}` : ''
          }`}
        </Words>
      </Alert>
    );
  } else {
    body = (
      <>
        <KeyEncryptionAlert state={trust.keyEncryption} />
        {actions.outcome && (
          <DistributionResults
            outcome={actions.outcome}
            onDismiss={actions.dismissOutcome}
          />
        )}
        {roots.length === 0 ? (
          <RootSetup
            mode={trust.mode}
            canManage={canManage}
            onCreate={source => setDialog({ kind: 'root', source })}
          />
        ) : (
          <Box mb={2}>
            <RootsList roots={roots} />
          </Box>
        )}
        {clusterNames.length > 0 && (
          <Box mx={-2}>
            <ScrollArea label="Trust per cluster table">
              <ClusterTrustTable
                clusters={clusterNames}
                trust={trust}
                inspections={details.drift.value}
                inspectionError={
                  details.drift.error
                    ? errorMessage(details.drift.error)
                    : undefined
                }
                canManage={canManage && roots.length > 0}
                onStep={(kind, cluster) => setDialog({ kind, cluster })}
              />
            </ScrollArea>
          </Box>
        )}
        {roots.length > 0 && (
          <>
            <Box my={2}>
              <Divider />
            </Box>
            <ExpiryTimeline trust={trust} />
          </>
        )}
      </>
    );
  }

  return (
    <>
      <Box component="section" aria-label="Mesh trust">
        <InfoCard
          titleTypographyProps={CARD_TITLE}
          title="Mesh trust"
          subheader="The root CA, each cluster's intermediate CA and what its cacerts Secret holds"
          action={
            canManage && roots.length > 0 ? (
              <Box mt={1}>
                <Button
                  variant="outlined"
                  color="primary"
                  onClick={() => setDialog({ kind: 'distribute' })}
                >
                  Distribute
                </Button>
              </Box>
            ) : undefined
          }
        >
          {body}
        </InfoCard>
      </Box>
      {trust && roots.length > 0 && (
        <Box mt={3}>
          <RotationCard
            trust={trust}
            clusters={clusterNames}
            inspections={details.drift.value}
            canManage={canManage}
            actions={actions}
          />
        </Box>
      )}
      {trust && dialog?.kind === 'root' && (
        <NewRootDialog
          title="Create the mesh's root CA"
          intro="The root signs each cluster's intermediate CA. crossmesh keeps a root key it holds encrypted at rest and never shows it again."
          confirmLabel={
            dialog.source === 'generate' ? 'Generate root' : 'Import root'
          }
          mode={trust.mode}
          initialSource={dialog.source}
          submit={closeAfter(actions.createRoot)}
          onClose={close}
        />
      )}
      {dialog?.kind === 'issue' && (
        <ActionDialog
          title={`Issue a new intermediate for ${dialog.cluster}?`}
          confirmLabel="Issue intermediate"
          action={() => closeAfter(actions.issueIntermediate)(dialog.cluster)}
          onClose={close}
        >
          <DialogContentText>
            <Words>
              crossmesh signs a new intermediate CA for {dialog.cluster} with
              the mesh's root, writes it to {dialog.cluster}'s cacerts and
              restarts istiod and the gateway there. Workloads get certificates
              from the new intermediate as they renew theirs.
            </Words>
          </DialogContentText>
        </ActionDialog>
      )}
      {dialog?.kind === 'create-csr' && (
        <CsrDialog
          cluster={dialog.cluster}
          createCsr={actions.createCsr}
          onClose={close}
        />
      )}
      {dialog?.kind === 'upload' && (
        <UploadIntermediateDialog
          cluster={dialog.cluster}
          upload={closeAfter(actions.uploadIntermediate)}
          onClose={close}
        />
      )}
      {dialog?.kind === 'distribute' && (
        <ActionDialog
          title="Distribute cacerts to every cluster?"
          confirmLabel="Distribute"
          action={closeAfter(actions.distribute)}
          onClose={close}
        >
          <DialogContentText>
            <Words>
              crossmesh writes each cluster's cacerts from its records: the
              cluster's intermediate and the roots the mesh trusts. Clusters
              whose cacerts already match are left alone; where it changes,
              istiod and the gateway restart.
            </Words>
          </DialogContentText>
        </ActionDialog>
      )}
    </>
  );
}
