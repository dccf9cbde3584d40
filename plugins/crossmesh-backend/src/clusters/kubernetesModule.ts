type ClientModule = typeof import('@kubernetes/client-node');

let clientModule: Promise<ClientModule> | undefined;

/**
 * Loads `@kubernetes/client-node` once: it is ESM-only and the backend is CommonJS, so
 * it is imported lazily, the way Backstage's Kubernetes backend does it.
 *
 * @internal
 */
export function loadKubernetesModule(): Promise<ClientModule> {
  clientModule ??= import('@kubernetes/client-node');
  return clientModule;
}

/**
 * Raised by {@link withTimeout}; its message is meant for people.
 *
 * @internal
 */
export class TimeoutError extends Error {}

/**
 * Rejects with a TimeoutError when the work takes longer than timeoutMs.
 *
 * @internal
 */
export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  message: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the error is the API server refusing a write because the object changed meanwhile.
 *
 * @internal
 */
export function isConflict(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 409;
}
