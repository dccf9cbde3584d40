import { InfoCard } from '@backstage/core-components';
import {
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import DialogContentText from '@material-ui/core/DialogContentText';
import Step from '@material-ui/core/Step';
import StepContent from '@material-ui/core/StepContent';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { personName } from '../EntityMeshContent/formatting';
import { timeAgo } from '../MeshOverviewPage/time';
import { ActionDialog, Words, CARD_TITLE } from '../shared';
import { NewRootDialog } from './NewRootDialog';
import { PendingConfirmations } from './PendingConfirmations';
import { RotationClusterTable } from './RotationClusterTable';
import { RotationWaitNote } from './RotationWaitNote';
import {
  rotationClusterRows,
  rotationPhaseWords,
  RotationStep,
  RotationStepState,
  rotationSteps,
} from './rotationModel';
import { TrustActions } from './useTrustActions';

const stateWords: Record<RotationStepState, string> = {
  done: 'Done',
  current: 'Next step',
  upcoming: 'Later',
};

function StepDialog(props: {
  step: RotationStep;
  trust: TrustState;
  actions: TrustActions;
  onClose: () => void;
}) {
  const { step, trust, actions, onClose } = props;
  if (step.id === 'add-new-root') {
    return (
      <NewRootDialog
        title="Start a root rotation?"
        intro={<Words>{step.effect}</Words>}
        confirmLabel={step.actionLabel}
        mode={trust.mode}
        initialSource="generate"
        submit={async request => {
          await actions.startRotation(request);
          onClose();
        }}
        onClose={onClose}
      />
    );
  }
  return (
    <ActionDialog
      title={`${step.title}?`}
      confirmLabel={step.actionLabel}
      destructive={step.destructive}
      action={async () => {
        await actions.advanceRotation();
        onClose();
      }}
      onClose={onClose}
    >
      <DialogContentText>
        <Words>{step.effect}</Words>
      </DialogContentText>
    </ActionDialog>
  );
}

function LastRotation({ trust }: { trust: TrustState }) {
  const retired = trust.roots.filter(r => r.state === 'retired').length;
  if (trust.rotation.phase !== 'idle' || retired === 0) return null;
  return (
    <Box mb={2}>
      <Alert severity="success">
        <Words>
          {`The last rotation finished ${timeAgo(
            trust.rotation.updatedAt,
          )} (${personName(
            trust.rotation.updatedBy,
          )}): every cluster trusts only the active root; ${
            retired === 1
              ? 'one retired root is'
              : `${retired} retired roots are`
          } no longer trusted.`}
        </Words>
      </Alert>
    </Box>
  );
}

/**
 * Istio's multi-root rotation as a wizard: where it stands, what the next step does, a
 * confirmation before each step, the backend's reason when it refuses one, and each
 * cluster's state while a rotation is under way.
 */
export function RotationCard(props: {
  trust: TrustState;
  clusters: string[];
  inspections?: TrustInspection[];
  canManage: boolean;
  actions: TrustActions;
}) {
  const { trust, clusters, inspections, canManage, actions } = props;
  const [confirming, setConfirming] = useState<RotationStep>();
  const steps = rotationSteps(trust);
  const active = steps.findIndex(s => s.state === 'current');
  const underWay = trust.rotation.phase !== 'idle';
  return (
    <Box component="section" aria-label="Root rotation">
      <InfoCard
        titleTypographyProps={CARD_TITLE}
        title="Root rotation"
        subheader="Replace the mesh's root without breaking traffic, one confirmed step at a time"
      >
        <LastRotation trust={trust} />
        <PendingConfirmations
          confirmations={trust.confirmations}
          canManage={canManage}
          actions={actions}
        />
        <Typography variant="body1" paragraph>
          <strong>Now:</strong>{' '}
          <Words>{rotationPhaseWords(trust.rotation.phase)}</Words>
        </Typography>
        <Stepper
          orientation="vertical"
          activeStep={active}
          aria-label="Rotation steps"
        >
          {steps.map(step => (
            <Step key={step.id} completed={step.state === 'done'}>
              <StepLabel
                optional={
                  <Typography variant="caption" color="textSecondary">
                    {stateWords[step.state]}
                  </Typography>
                }
              >
                {step.title}
              </StepLabel>
              <StepContent>
                <Typography variant="body2" paragraph>
                  <Words>{step.effect}</Words>
                </Typography>
                {underWay && step.state === 'current' && (
                  <Box mb={2}>
                    <RotationWaitNote trust={trust} />
                  </Box>
                )}
                {canManage ? (
                  <Button
                    variant="contained"
                    color={step.destructive ? 'secondary' : 'primary'}
                    onClick={() => setConfirming(step)}
                  >
                    {step.actionLabel}
                  </Button>
                ) : (
                  <Typography variant="body2" color="textSecondary">
                    Running it needs the crossmesh.trust.manage permission.
                  </Typography>
                )}
              </StepContent>
            </Step>
          ))}
        </Stepper>
        {underWay && (
          <RotationClusterTable
            rows={rotationClusterRows(clusters, trust, inspections)}
          />
        )}
      </InfoCard>
      {confirming && (
        <StepDialog
          step={confirming}
          trust={trust}
          actions={actions}
          onClose={() => setConfirming(undefined)}
        />
      )}
    </Box>
  );
}
