import { useApi } from '@backstage/core-plugin-api';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';

/** The largest page the API serves. */
const PAGE_LIMIT = 500;

/**
 * Every pending request. The inbox is small (requests wait for people), so it is read
 * whole and filtered here, which lets the team filter use the catalog's owners.
 */
export function usePendingRequests(): {
  requests?: ExposureRequest[];
  loading: boolean;
  error?: Error;
  reload: () => void;
} {
  const crossmeshApi = useApi(crossmeshApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const requests: ExposureRequest[] = [];
    for (;;) {
      const page = await crossmeshApi.listExposures({
        state: ['pending'],
        limit: PAGE_LIMIT,
        offset: requests.length,
      });
      requests.push(...page.items);
      if (page.items.length === 0 || requests.length >= page.totalCount) {
        return requests;
      }
    }
  }, [crossmeshApi]);
  return { requests: value, loading, error, reload: retry };
}
