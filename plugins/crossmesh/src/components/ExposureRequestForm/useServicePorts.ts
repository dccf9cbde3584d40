import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { crossmeshApiRef } from '../../api';

/** The ports to prefill the form with: the entity's annotation, else its Service. */
export function useServicePorts(entityRef: string) {
  const crossmeshApi = useApi(crossmeshApiRef);
  return useAsync(
    () => crossmeshApi.getServicePorts(entityRef),
    [crossmeshApi, entityRef],
  );
}
