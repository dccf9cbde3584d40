import { useApi } from '@backstage/core-plugin-api';
import { ExposureRequestList } from '@crossmesh/backstage-plugin-crossmesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';
import { DECIDED_STATES } from './requestWords';

/** One page of decided requests, filtered and paged by the backend: the history only grows. */
export function useDecidedRequests(query: {
  cluster?: string;
  page: number;
  pageSize: number;
}): {
  list?: ExposureRequestList;
  loading: boolean;
  error?: Error;
  reload: () => void;
} {
  const { cluster, page, pageSize } = query;
  const crossmeshApi = useApi(crossmeshApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      crossmeshApi.listExposures({
        state: DECIDED_STATES,
        cluster,
        limit: pageSize,
        offset: page * pageSize,
      }),
    [crossmeshApi, cluster, page, pageSize],
  );
  return { list: value, loading, error, reload: retry };
}
