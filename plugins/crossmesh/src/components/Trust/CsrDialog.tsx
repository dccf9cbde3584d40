import { CodeSnippet, Link } from '@backstage/core-components';
import { IntermediateCsr } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useId, useState } from 'react';
import { ActionDialog, Words } from '../shared';

function CsrReady(props: { csr: IntermediateCsr; onClose: () => void }) {
  const { csr, onClose } = props;
  const titleId = useId();
  const fileName = `${csr.clusterName}-intermediate.csr.pem`;
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} maxWidth="md">
      <DialogTitle id={titleId}>CSR for {csr.clusterName}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          <Words>
            Sign it with the mesh's root key as an intermediate CA
            (basicConstraints CA:true, pathlen:0; keyUsage keyCertSign), then
            upload the certificate with "Upload signed certificate".
          </Words>
        </DialogContentText>
        <CodeSnippet text={csr.csrPem} language="text" showCopyCodeButton />
        <Link
          to={`data:application/pkcs10;charset=utf-8,${encodeURIComponent(
            csr.csrPem,
          )}`}
          download={fileName}
        >
          Download {fileName}
        </Link>
      </DialogContent>
      <DialogActions>
        <Button color="primary" onClick={onClose}>
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Offline root: asks before making the cluster's intermediate key and CSR (a new one
 * replaces a CSR still waiting), then offers the CSR to copy or download.
 */
export function CsrDialog(props: {
  cluster: string;
  createCsr: (cluster: string) => Promise<IntermediateCsr>;
  onClose: () => void;
}) {
  const { cluster, createCsr, onClose } = props;
  const [csr, setCsr] = useState<IntermediateCsr>();
  if (csr) return <CsrReady csr={csr} onClose={onClose} />;
  return (
    <ActionDialog
      title={`Create a CSR for ${cluster}?`}
      confirmLabel="Create CSR"
      action={async () => setCsr(await createCsr(cluster))}
      onClose={onClose}
    >
      <DialogContentText>
        <Words>
          crossmesh makes {cluster}'s intermediate key, keeps it encrypted, and
          gives you the certificate signing request to sign with the offline
          root key. A CSR still waiting for {cluster} is replaced.
        </Words>
      </DialogContentText>
    </ActionDialog>
  );
}
