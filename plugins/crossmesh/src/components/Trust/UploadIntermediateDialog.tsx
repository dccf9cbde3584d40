import DialogContentText from '@material-ui/core/DialogContentText';
import { useState } from 'react';
import { ActionDialog, Words } from '../shared';
import { PemFile, PemFileField } from './PemFileField';

/** Offline root: the certificate an operator signed for the cluster's CSR, uploaded. */
export function UploadIntermediateDialog(props: {
  cluster: string;
  upload: (cluster: string, certPem: string) => Promise<void>;
  onClose: () => void;
}) {
  const { cluster, upload, onClose } = props;
  const [file, setFile] = useState<PemFile>();
  return (
    <ActionDialog
      title={`Upload ${cluster}'s signed certificate`}
      confirmLabel="Upload and distribute"
      canConfirm={Boolean(file)}
      action={() => upload(cluster, file?.text ?? '')}
      onClose={onClose}
    >
      <DialogContentText>
        <Words>
          crossmesh checks that the certificate chains to the mesh's root,
          matches the key of {cluster}'s CSR and may sign workload certificates,
          then writes {cluster}'s cacerts and restarts istiod and the gateway
          there.
        </Words>
      </DialogContentText>
      <PemFileField
        label="Signed intermediate certificate"
        hint="PEM, signed by the offline root for this cluster's CSR"
        value={file}
        onChange={setFile}
      />
    </ActionDialog>
  );
}
