import { useApi } from '@backstage/core-plugin-api';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { useState } from 'react';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';

/**
 * Cancelling and revoking requests: the request under way, the one waiting for the revoke
 * confirmation, and what went wrong, in the backend's words.
 */
export function useRequestActions(
  onChanged: (request: ExposureRequest) => void,
) {
  const crossmeshApi = useApi(crossmeshApiRef);
  const [busyId, setBusyId] = useState<string>();
  const [cancelError, setCancelError] = useState<string>();
  const [revoking, setRevoking] = useState<ExposureRequest>();
  const [revokeError, setRevokeError] = useState<string>();

  const run = async (
    request: ExposureRequest,
    action: (id: string) => Promise<ExposureRequest>,
    onError: (message: string) => void,
  ): Promise<boolean> => {
    setBusyId(request.id);
    try {
      onChanged(await action(request.id));
      return true;
    } catch (error) {
      onError(errorMessage(error as Error));
      return false;
    } finally {
      setBusyId(undefined);
    }
  };

  return {
    busyId,
    cancelError,
    revoking,
    revokeError,
    cancel: async (request: ExposureRequest) => {
      setCancelError(undefined);
      await run(
        request,
        id => crossmeshApi.cancelExposure(id),
        message =>
          setCancelError(`Request ${request.id} was not cancelled: ${message}`),
      );
    },
    askToRevoke: (request: ExposureRequest) => {
      setRevokeError(undefined);
      setRevoking(request);
    },
    closeRevoke: () => setRevoking(undefined),
    revoke: async (request: ExposureRequest) => {
      if (
        await run(
          request,
          id => crossmeshApi.revokeExposure(id),
          message => setRevokeError(`Not revoked: ${message}`),
        )
      ) {
        setRevoking(undefined);
      }
    },
  };
}
