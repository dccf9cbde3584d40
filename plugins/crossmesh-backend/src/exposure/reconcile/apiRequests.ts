import { ClusterConnection } from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { TimeoutError, withTimeout } from '../../clusters/kubernetesModule';
import { retryWhileThrottled } from '../../clusters/retryWhileThrottled';
import type { KubeObject } from '../render/types';

/**
 * A failure that stops the run: the cluster cannot be read or reached.
 *
 * @internal
 */
export class StopError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/** Requests to one API server in flight at once while converging it. */
const CONCURRENCY = 8;

/**
 * Runs `work` on every item with at most {@link CONCURRENCY} at once, and adds the
 * problems it returned to `problems` in the order of the items. When one throws, no
 * further item is started; once those under way have finished, their problems are added
 * and the first error is thrown.
 *
 * @internal
 */
export async function inParallel<T>(
  items: readonly T[],
  problems: string[],
  work: (item: T) => Promise<string | undefined>,
): Promise<void> {
  const found: Array<string | undefined> = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        found[index] = await work(items[index]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker),
  );
  problems.push(...found.filter((p): p is string => p !== undefined));
  if (failure) {
    throw failure.error;
  }
}

/**
 * Where one converge counts its requests, and how long one may take.
 *
 * @internal
 */
export interface Tally {
  result: Record<'reads' | 'writes', number>;
  timeoutMs: number;
  url: string;
}

/**
 * Sends one request and counts it, and again when the API server answers 429, as it does
 * for a while after it starts, until the storage of custom resources is ready. Each
 * attempt may take `timeoutMs`: a converge of thousands of objects takes longer than
 * that in all, and is bounded by the API server answering, not by its size.
 *
 * @internal
 */
export async function send<T>(
  tally: Tally,
  counter: 'reads' | 'writes',
  request: () => Promise<T>,
): Promise<T> {
  return retryWhileThrottled(() => {
    tally.result[counter]++;
    return withTimeout(
      request(),
      tally.timeoutMs,
      `the API server at ${tally.url} did not answer within ${tally.timeoutMs} ms, so crossmesh stopped part-way; the next run reads the cluster again and completes the work`,
    );
  });
}

/**
 * Without an HTTP status the cluster is gone; one sentence says so, not one per object.
 *
 * @internal
 */
export function stopIfUnreachable(
  error: unknown,
  connection: ClusterConnection,
) {
  if (error instanceof TimeoutError) {
    throw error;
  }
  if (typeof (error as { code?: unknown })?.code !== 'number') {
    throw new StopError(
      `crossmesh stopped part-way: ${describeKubernetesError(
        error,
        connection.url,
      )}`,
      error,
    );
  }
}

/**
 * Why an apply was refused, in words; a missing namespace says what to do.
 *
 * @internal
 */
export function describeWriteError(
  error: unknown,
  object: KubeObject,
  connection: ClusterConnection,
): string {
  if (isNotFound(error) && statusDetailsKind(error) === 'namespaces') {
    return `namespace '${object.metadata.namespace}' does not exist, so the object was not created; create the namespace or take it out of the exposure's consumer namespaces`;
  }
  return `the apply was refused: ${describeKubernetesError(
    error,
    connection.url,
  )}`;
}

function statusDetailsKind(error: unknown): string | undefined {
  const body = (error as { body?: unknown }).body;
  try {
    const status = typeof body === 'string' ? JSON.parse(body) : body;
    return status?.details?.kind;
  } catch {
    return undefined;
  }
}

/**
 * The sentence for a failure that stopped a converge part-way.
 *
 * @internal
 */
export function describeStop(
  error: unknown,
  connection: ClusterConnection,
): string {
  if (error instanceof TimeoutError || error instanceof StopError) {
    return error.message;
  }
  return `crossmesh stopped part-way: ${describeKubernetesError(
    error,
    connection.url,
  )}`;
}
