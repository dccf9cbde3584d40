import type { CoreV1Api } from '@kubernetes/client-node';
import type { ClusterConnection } from '../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../clusters/kubernetesErrors';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../clusters/ownership';
import { nextTokenAnchor, READER, ReaderToken } from './remoteSecret';

/** A token of the remote cluster's reader could not be had or revoked; the message says why. */
export class ReaderTokenError extends Error {}

/**
 * Asks `remote`'s API server for a token of the reader, for `holder`'s remote secret,
 * bound to a fresh anchor Secret: the other anchor of the pair than `currentAnchor`, made
 * anew (which revokes any token still bound to it).
 */
export async function issueReaderToken(
  core: CoreV1Api,
  remote: ClusterConnection,
  holder: string,
  currentAnchor: string | undefined,
  lifetimeSeconds: number,
): Promise<ReaderToken> {
  const anchor = nextTokenAnchor(holder, currentAnchor);
  const fail = (step: string, error: unknown): never => {
    throw new ReaderTokenError(
      `${step} in ${remote.name} failed: ${describeKubernetesError(
        error,
        remote.url,
      )}${
        isNotFound(error)
          ? `; apply deploy/istio-reader.yaml in ${remote.name}`
          : ''
      }`,
    );
  };

  await deleteAnchor(core, anchor).catch(error =>
    fail(`revoking the tokens of ${READER.namespace}/${anchor}`, error),
  );
  const made = await core
    .createNamespacedSecret({
      namespace: READER.namespace,
      body: {
        metadata: {
          name: anchor,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
          annotations: {
            'crossmesh.io/purpose': `the reader's tokens in ${holder}'s remote secret are bound to this Secret; deleting it revokes them`,
          },
        },
        type: 'Opaque',
      },
    })
    .catch(error =>
      fail(`making the token anchor ${READER.namespace}/${anchor}`, error),
    );

  const answer = await core
    .createNamespacedServiceAccountToken({
      name: READER.serviceAccount,
      namespace: READER.namespace,
      body: {
        spec: {
          audiences: [],
          expirationSeconds: lifetimeSeconds,
          boundObjectRef: {
            apiVersion: 'v1',
            kind: 'Secret',
            name: anchor,
            uid: made.metadata?.uid,
          },
        },
      },
    })
    .catch(error =>
      fail(
        `requesting a token of ${READER.namespace}/${READER.serviceAccount}`,
        error,
      ),
    );
  const token = answer.status?.token;
  const expiresAt = answer.status?.expirationTimestamp;
  if (!token || !expiresAt) {
    throw new ReaderTokenError(
      `the API server of ${remote.name} answered a TokenRequest without a token or expiry`,
    );
  }
  return { token, expiresAt: new Date(expiresAt), anchor };
}

/**
 * Revokes every token bound to `anchor` in `remote`, by deleting the anchor: the API server
 * refuses such tokens from then on. Gone already is revoked too.
 */
export async function revokeReaderTokens(
  core: CoreV1Api,
  remote: ClusterConnection,
  anchor: string,
): Promise<void> {
  await deleteAnchor(core, anchor).catch(error => {
    throw new ReaderTokenError(
      `revoking the tokens of ${READER.namespace}/${anchor} in ${
        remote.name
      } failed: ${describeKubernetesError(error, remote.url)}`,
    );
  });
}

async function deleteAnchor(core: CoreV1Api, anchor: string): Promise<void> {
  try {
    await core.deleteNamespacedSecret({
      name: anchor,
      namespace: READER.namespace,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
