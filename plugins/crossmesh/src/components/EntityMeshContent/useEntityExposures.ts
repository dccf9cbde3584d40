import { useApi } from '@backstage/core-plugin-api';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { useCallback, useEffect, useState } from 'react';
import { crossmeshApiRef } from '../../api';

// A component has few requests; the backend's largest page holds them all.
const PAGE_SIZE = 500;

/**
 * The entity's exposure requests, newest first, with a way to put in a request the backend
 * just answered with (after submit, cancel or revoke) without reloading the list.
 */
export function useEntityExposures(entityRef: string) {
  const crossmeshApi = useApi(crossmeshApiRef);
  const [requests, setRequests] = useState<ExposureRequest[]>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setLoading(true);
    crossmeshApi.listExposures({ entityRef, limit: PAGE_SIZE }).then(
      list => {
        if (!current) return;
        setRequests(list.items);
        setError(undefined);
        setLoading(false);
      },
      failure => {
        if (!current) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [crossmeshApi, entityRef, attempt]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  const put = useCallback((request: ExposureRequest) => {
    setRequests(list => [
      request,
      ...(list ?? []).filter(existing => existing.id !== request.id),
    ]);
  }, []);
  const replace = useCallback((request: ExposureRequest) => {
    setRequests(list =>
      (list ?? []).map(existing =>
        existing.id === request.id ? request : existing,
      ),
    );
  }, []);

  return { requests, error, loading, retry, put, replace };
}
