import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  TrustInspection,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Typography from '@material-ui/core/Typography';
import { expiryLabel } from './time';
import { Loadable } from './useClusterDetails';

type CacertsStatus = NonNullable<TrustInspection['report']>['status'];

const cacertsWords: Record<CacertsStatus, string> = {
  ok: 'cacerts in place',
  missing: 'cacerts missing',
  'missing-keys': 'cacerts lacks keys',
  'foreign-root': 'cacerts holds another root',
  expiring: 'Intermediate expiring soon',
  expired: 'Intermediate expired',
  invalid: 'cacerts invalid',
};

function Intermediate(props: { cluster: string; trust: Loadable<TrustState> }) {
  const { cluster, trust } = props;
  if (trust.loading) return <>Loading…</>;
  if (trust.error) return <>Intermediate CA not available</>;
  const current = trust.value?.intermediates.find(
    i => i.clusterName === cluster && i.state === 'current',
  );
  return current ? (
    <>Intermediate expires {expiryLabel(current.notAfter)}</>
  ) : (
    <>No intermediate CA issued</>
  );
}

function Cacerts(props: {
  cluster: string;
  drift: Loadable<TrustInspection[]>;
}) {
  const { cluster, drift } = props;
  if (drift.loading) return <>Loading…</>;
  if (drift.error) return <>cacerts not available</>;
  const inspection = drift.value?.find(i => i.cluster === cluster);
  if (!inspection) return <>cacerts not inspected</>;
  if (inspection.error) {
    return (
      <>
        <StatusError />
        Could not read cacerts: {inspection.error}
      </>
    );
  }
  if (inspection.replacedBySomeoneElse) {
    return (
      <>
        <StatusError />
        Drift: cacerts replaced outside crossmesh
        {inspection.replacementDetails?.length
          ? ` (${inspection.replacementDetails.join('; ')})`
          : ''}
      </>
    );
  }
  const status = inspection.report?.status ?? 'missing';
  const words = `${inspection.drift ? 'Drift: ' : ''}${cacertsWords[status]}`;
  const detail = inspection.report?.detail
    ? `: ${inspection.report.detail}`
    : '';
  if (status === 'ok' && !inspection.drift) {
    return (
      <>
        <StatusOK />
        {words}
      </>
    );
  }
  return (
    <>
      {status === 'ok' || status === 'expiring' ? (
        <StatusWarning />
      ) : (
        <StatusError />
      )}
      {words}
      {detail}
    </>
  );
}

/** The cluster's intermediate CA expiry and what its `cacerts` holds. */
export function TrustCell(props: {
  cluster: string;
  trust: Loadable<TrustState>;
  drift: Loadable<TrustInspection[]>;
}) {
  const { cluster, trust, drift } = props;
  return (
    <>
      <Typography variant="body2">
        <Intermediate cluster={cluster} trust={trust} />
      </Typography>
      <Typography variant="body2" color="textSecondary">
        <Cacerts cluster={cluster} drift={drift} />
      </Typography>
    </>
  );
}
