import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { ConsumerClustersField } from './ConsumerClustersField';
import { DraftPreviewSection } from './DraftPreviewSection';
import {
  emptyExposureForm,
  ExposureFormField,
  ExposureFormValues,
  toNewExposureRequest,
  validateExposureForm,
} from './exposureForm';
import { RequestFields } from './RequestFields';
import { usePortsPrefill } from './usePortsPrefill';

/**
 * Props of {@link ExposureRequestDialog}.
 *
 * @public
 */
export interface ExposureRequestDialogProps {
  open: boolean;
  /** The Component to expose; its `crossmesh.io/cluster` annotation names its cluster. */
  entity: Entity;
  onClose: () => void;
  /** Called with the pending request the backend created. */
  onRequested: (request: ExposureRequest) => void;
}

/**
 * A dialog that asks for an exposure of a Component: checked as the person types, with the
 * manifests approval would apply.
 *
 * @public
 */
export function ExposureRequestDialog(props: ExposureRequestDialogProps) {
  const { open, onClose } = props;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby="crossmesh-request-exposure-title"
      fullWidth
      maxWidth="md"
    >
      <DialogTitle id="crossmesh-request-exposure-title">
        Request exposure
      </DialogTitle>
      {open && <RequestForm {...props} />}
    </Dialog>
  );
}

function RequestForm(props: ExposureRequestDialogProps) {
  const { entity, onClose, onRequested } = props;
  const crossmeshApi = useApi(crossmeshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const sourceCluster =
    entity.metadata.annotations?.['crossmesh.io/cluster'] ?? '';

  const [values, setValues] = useState<ExposureFormValues>(emptyExposureForm);
  const [touched, setTouched] = useState<Set<ExposureFormField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<Error>();

  const change = <F extends ExposureFormField>(
    field: F,
    value: ExposureFormValues[F],
  ) => {
    setValues(current => ({ ...current, [field]: value }));
    setTouched(current => new Set(current).add(field));
  };
  const portsPrefill = usePortsPrefill(
    entityRef,
    !touched.has('ports'),
    ports => setValues(current => ({ ...current, ports })),
  );

  const errors = useMemo(
    () => validateExposureForm(values, { now: new Date() }),
    [values],
  );
  const isValid = Object.keys(errors).length === 0;
  const shown = (field: ExposureFormField) =>
    submitted || touched.has(field) ? errors[field] : undefined;
  const draft = useMemo(
    () => (isValid ? toNewExposureRequest(entityRef, values) : undefined),
    [isValid, entityRef, values],
  );

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!draft) {
      return;
    }
    setSending(true);
    setSendError(undefined);
    try {
      onRequested(await crossmeshApi.requestExposure(draft));
    } catch (error) {
      setSendError(error as Error);
      setSending(false);
    }
  };

  return (
    <form noValidate onSubmit={submit} aria-label="Exposure request">
      <DialogContent>
        <ConsumerClustersField
          sourceCluster={sourceCluster}
          value={values.consumerClusters}
          onChange={clusters => change('consumerClusters', clusters)}
          error={shown('consumerClusters')}
        />
        <RequestFields
          values={values}
          errors={{
            ports: shown('ports'),
            consumerNamespaces: shown('consumerNamespaces'),
            reason: shown('reason'),
            endDate: shown('endDate'),
          }}
          portsHint={portsPrefill}
          onChange={change}
          onBlur={field => setTouched(current => new Set(current).add(field))}
        />
        <DraftPreviewSection draft={draft} />
        {submitted && !isValid && (
          <Alert severity="warning">
            Fix the fields marked in red, then submit again.
          </Alert>
        )}
        {sendError && (
          <Alert severity="error">
            The request was not sent: {errorMessage(sendError)}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button
          type="submit"
          color="primary"
          variant="contained"
          disabled={sending}
        >
          Submit request
        </Button>
      </DialogActions>
    </form>
  );
}
