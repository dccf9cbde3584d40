import {
  ImportRootRequest,
  NewRootRequest,
  rootImportFieldOf,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import DialogContentText from '@material-ui/core/DialogContentText';
import { ReactNode, useState } from 'react';
import { errorCode, errorMessage } from '../errorMessage';
import { ConfirmDialog, Words } from '../shared';
import {
  emptyRootForm,
  RootFieldErrors,
  rootFormErrors,
  RootSource,
  toRootRequest,
} from './rootForm';
import { RootSourceFields } from './RootSourceFields';

/** A root to send: generated with these settings, or imported from these files. */
export type RootRequest =
  | { source: 'generate'; body: NewRootRequest }
  | { source: 'import'; body: ImportRootRequest };

/**
 * Asks for a root (generated or imported) and sends it. A check the backend refuses shows
 * at the field it is about (certificate or key); any other refusal above the buttons.
 */
export function NewRootDialog(props: {
  title: string;
  intro: ReactNode;
  confirmLabel: string;
  mode: TrustState['mode'];
  initialSource: RootSource;
  submit: (request: RootRequest) => Promise<void>;
  onClose: () => void;
}) {
  const { title, intro, confirmLabel, mode, initialSource, submit, onClose } =
    props;
  const [values, setValues] = useState(() =>
    emptyRootForm(mode === 'managed' ? initialSource : 'import'),
  );
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const [backendErrors, setBackendErrors] = useState<RootFieldErrors>({});

  const formErrors = rootFormErrors(values, mode);
  const shown: RootFieldErrors = {
    ...(tried ? formErrors : {}),
    ...backendErrors,
  };

  const send = async () => {
    setTried(true);
    if (Object.keys(formErrors).length) return;
    setBusy(true);
    setRefusal(undefined);
    setBackendErrors({});
    try {
      const body = toRootRequest(values, mode);
      await submit(
        values.source === 'generate'
          ? { source: 'generate', body: body as NewRootRequest }
          : { source: 'import', body: body as ImportRootRequest },
      );
    } catch (error) {
      const field = rootImportFieldOf(errorCode(error as Error));
      if (field) {
        setBackendErrors({ [field]: errorMessage(error as Error) });
      } else {
        setRefusal(errorMessage(error as Error));
      }
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      open
      title={title}
      confirmLabel={confirmLabel}
      busy={busy}
      error={refusal}
      onConfirm={send}
      onClose={onClose}
    >
      <DialogContentText component="div">
        <Words>{intro}</Words>
      </DialogContentText>
      <RootSourceFields
        mode={mode}
        values={values}
        errors={shown}
        onChange={next => {
          setValues(next);
          setBackendErrors({});
        }}
      />
    </ConfirmDialog>
  );
}
