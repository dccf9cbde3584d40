import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { crossmeshExposureDecidePermission } from '@crossmesh/backstage-plugin-crossmesh-common';
import { usePermission } from '@backstage/plugin-permission-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * Whether the signed-in user may approve and reject, and who they are. The backend
 * checks again (approver groups, own requests); this only decides what to offer.
 */
export interface DecisionRights {
  loading: boolean;
  canDecide: boolean;
  /** The signed-in user's entity ref, to tell their own requests apart. */
  userEntityRef?: string;
}

export function useDecisionRights(): DecisionRights {
  const identityApi = useApi(identityApiRef);
  const permission = usePermission({
    permission: crossmeshExposureDecidePermission,
  });
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  return {
    loading: permission.loading || identity.loading,
    canDecide: permission.allowed,
    userEntityRef: identity.value?.userEntityRef,
  };
}
