/**
 * Turns an error from @kubernetes/client-node or the network into a sentence that says
 * what went wrong and what to check.
 *
 * @internal
 */
export function describeKubernetesError(error: unknown, url: string): string {
  const err = error as {
    code?: number | string;
    body?: unknown;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const status = typeof err?.code === 'number' ? err.code : undefined;
  if (status === 401) {
    return `the API server at ${url} refused crossmesh's credentials (401); check the cluster's serviceAccountToken in kubernetes.clusterLocatorMethods`;
  }
  if (status === 403) {
    return `crossmesh's credentials are not allowed to do this (403): ${
      statusMessage(err.body) ?? 'forbidden'
    }; grant it to the identity of this cluster's serviceAccountToken in kubernetes.clusterLocatorMethods (deploy/rbac.yaml grants everything crossmesh needs)`;
  }
  if (status !== undefined) {
    return `the API server at ${url} answered ${status}: ${
      statusMessage(err.body) ?? err.message ?? 'no message'
    }`;
  }
  const networkCode =
    err?.cause?.code ?? (typeof err?.code === 'string' ? err.code : undefined);
  if (networkCode) {
    return `cannot reach the API server at ${url} (${networkCode}); check the cluster's url and that it is running`;
  }
  return `cannot read the API server at ${url}: ${
    err?.message ?? String(error)
  }`;
}

/**
 * Whether the error is the API server saying the object does not exist.
 *
 * @internal
 */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 404;
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body)?.message;
    } catch {
      return body.slice(0, 200);
    }
  }
  return (body as { message?: string } | undefined)?.message;
}
