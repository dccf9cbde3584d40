import { TrustState } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { expiryLabel } from './time';
import { Loadable } from './useClusterDetails';

/** The mesh's root CAs and when they expire; failures are reported beside the table. */
export function TrustSummary({ trust }: { trust: Loadable<TrustState> }) {
  if (trust.error) return null;
  const roots = trust.value?.roots.filter(r => r.state !== 'retired') ?? [];
  return (
    <Box component="section" aria-label="Mesh root CA" px={2} py={1}>
      {trust.loading && (
        <Typography variant="body2">Loading the root CA…</Typography>
      )}
      {trust.value && roots.length === 0 && (
        <Typography variant="body2">
          No root CA yet: generate or import one before issuing intermediates.
        </Typography>
      )}
      {roots.map(root => (
        <Typography variant="body2" key={root.id}>
          Root CA {root.subject} ({root.state}
          {root.holdsKey ? '' : ', key held offline'}) expires{' '}
          {expiryLabel(root.notAfter)}
        </Typography>
      ))}
    </Box>
  );
}
