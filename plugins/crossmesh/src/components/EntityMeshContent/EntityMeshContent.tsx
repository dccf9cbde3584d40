import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ExposureRequest,
  globalHostFor,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import { errorMessage } from '../errorMessage';
import { ExposureRequestDialog } from '../ExposureRequestForm';
import { useReadableStyles, CARD_TITLE, Words } from '../shared';
import { ExposuresTable } from './ExposuresTable';
import { MESH_ANNOTATIONS } from './meshAnnotations';
import { RevokeDialog } from './RevokeDialog';
import { useEntityExposures } from './useEntityExposures';
import { useExposureRights } from './useExposureRights';
import { useRequestActions } from './useRequestActions';

function hostOf(name?: string, namespace?: string): string | undefined {
  try {
    return name && namespace ? globalHostFor(name, namespace) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Mesh tab of a Component: where it is exposed, its pending requests, and a form to
 * request more. Actions are offered only to people the permission policy allows who own
 * the entity.
 *
 * @public
 */
export function EntityMeshContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const name = entity.metadata.name;
  const annotations = entity.metadata.annotations ?? {};
  const sourceCluster = annotations[MESH_ANNOTATIONS.cluster];
  const host = hostOf(
    annotations[MESH_ANNOTATIONS.serviceName],
    annotations[MESH_ANNOTATIONS.namespace],
  );

  const exposures = useEntityExposures(entityRef);
  const rights = useExposureRights(entity);
  const actions = useRequestActions(exposures.replace);
  const [formOpen, setFormOpen] = useState(false);
  const [sent, setSent] = useState<ExposureRequest>();
  const readable = useReadableStyles();

  const requestButton = rights.canRequest ? (
    <Button
      variant="contained"
      color="primary"
      onClick={() => setFormOpen(true)}
    >
      Request exposure
    </Button>
  ) : null;

  let body;
  if (exposures.loading && !exposures.requests) {
    body = <Progress />;
  } else if (exposures.error) {
    body = (
      <>
        <ResponseErrorPanel
          title={`Could not load the exposures of ${name}: ${errorMessage(
            exposures.error,
          )}`}
          error={exposures.error}
        />
        <Button variant="outlined" color="primary" onClick={exposures.retry}>
          Try again
        </Button>
      </>
    );
  } else if (!exposures.requests?.length) {
    body = (
      <EmptyState
        missing="data"
        title="Not exposed anywhere yet"
        description={
          <Words>{`${name} is reachable only inside ${sourceCluster}. ${
            rights.canRequest
              ? `Request an exposure to let workloads in other clusters of the mesh call it${
                  host ? ` as ${host}` : ''
                }.`
              : `Its owners can request an exposure to other clusters of the mesh.`
          }`}</Words>
        }
        action={requestButton ?? undefined}
      />
    );
  } else {
    body = (
      <InfoCard
        titleTypographyProps={CARD_TITLE}
        title={`Where ${name} is exposed`}
        subheader={
          <Words>{`Runs in ${sourceCluster}${
            host ? `; reachable from other clusters as ${host}` : ''
          }`}</Words>
        }
        action={
          <Box display="flex" alignItems="center">
            {requestButton}
            <Tooltip title="Reload exposures">
              <IconButton
                aria-label="Reload exposures"
                onClick={exposures.retry}
              >
                <RefreshIcon />
              </IconButton>
            </Tooltip>
          </Box>
        }
        noPadding
      >
        <ExposuresTable
          requests={exposures.requests}
          canAct={rights.canRequest}
          busyId={actions.busyId}
          onCancel={actions.cancel}
          onRevoke={actions.askToRevoke}
        />
      </InfoCard>
    );
  }

  return (
    <Box
      component="section"
      aria-label={`Exposures of ${name}`}
      className={readable.noWrapButtons}
    >
      {sent && (
        <Box mb={2}>
          <Alert severity="success" onClose={() => setSent(undefined)}>
            Request sent: exposing {sent.host} to{' '}
            {sent.consumerClusters.join(', ')} waits for approval.
          </Alert>
        </Box>
      )}
      {actions.cancelError && (
        <Box mb={2}>
          <Alert severity="error">{actions.cancelError}</Alert>
        </Box>
      )}
      {body}
      {!rights.loading && !rights.canRequest && exposures.requests?.length ? (
        <Typography variant="body2" color="textSecondary">
          Only the owners of {name} may request, cancel or revoke exposures.
        </Typography>
      ) : null}
      <ExposureRequestDialog
        open={formOpen}
        entity={entity}
        onClose={() => setFormOpen(false)}
        onRequested={request => {
          exposures.put(request);
          setSent(request);
          setFormOpen(false);
        }}
      />
      <RevokeDialog
        request={actions.revoking}
        busy={Boolean(actions.busyId)}
        error={actions.revokeError}
        onConfirm={actions.revoke}
        onClose={actions.closeRevoke}
      />
    </Box>
  );
}
