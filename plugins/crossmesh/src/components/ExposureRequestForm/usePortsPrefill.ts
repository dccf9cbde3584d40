import { useEffect } from 'react';
import { errorMessage } from '../errorMessage';
import { formatPorts } from './exposureForm';
import { useServicePorts } from './useServicePorts';

/**
 * Fills the Ports field from the service while the person has not typed in it, and says
 * where the ports came from (or why none could be found).
 */
export function usePortsPrefill(
  entityRef: string,
  untouched: boolean,
  fill: (ports: string) => void,
): string | undefined {
  const { value, error, loading } = useServicePorts(entityRef);
  const prefill = value ? formatPorts(value.ports) : undefined;

  useEffect(() => {
    if (prefill !== undefined && untouched) {
      fill(prefill);
    }
    // Fill once, when the ports arrive; later edits are the person's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prefill]);

  if (loading) {
    return 'Looking up the service’s ports…';
  }
  if (error) {
    return `Could not prefill the ports: ${errorMessage(error)}`;
  }
  if (value?.source === 'service' && value.service) {
    const { namespace, name, cluster } = value.service;
    return `Prefilled from Service ${namespace}/${name} in ${cluster}`;
  }
  if (value?.source === 'annotation') {
    return 'Prefilled from the crossmesh.io/ports annotation';
  }
  return undefined;
}
