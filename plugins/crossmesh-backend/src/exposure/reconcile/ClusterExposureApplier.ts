import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import {
  isConflict,
  loadKubernetesModule,
  TimeoutError,
  withTimeout,
} from '../../clusters/kubernetesModule';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../render/names';
import { ISTIO_NETWORKING_API_VERSION } from '../render/renderExposure';
import type { KubeObject } from '../render/types';
import {
  FIELD_MANAGER,
  foreignSpecFieldsPatch,
  objectKey,
  ObservedKubeObject,
  planClusterChanges,
} from './plan';

/**
 * The kinds crossmesh writes, each read with one LIST per converge.
 *
 * @internal
 */
export const MANAGED_KINDS: ReadonlyArray<{ kind: string; plural: string }> = [
  { kind: 'ServiceEntry', plural: 'serviceentries' },
  { kind: 'DestinationRule', plural: 'destinationrules' },
  { kind: 'Gateway', plural: 'gateways' },
];

const [ISTIO_GROUP, ISTIO_VERSION] = ISTIO_NETWORKING_API_VERSION.split('/');
const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/**
 * What {@link ClusterExposureApplier.converge} did in one cluster.
 *
 * @internal
 */
export interface ClusterConvergence {
  cluster: string;
  /** Objects created or repaired. */
  applied: number;
  /** Managed objects removed because nothing wants them any more. */
  deleted: number;
  /** Desired objects that were already there as wanted. */
  unchanged: number;
  /** Requests that read from the API server (LISTs). */
  reads: number;
  /** Requests that wrote to it (PATCH and DELETE), including refused ones. */
  writes: number;
  /**
   * Set when something was left undone, in sentences; the counts say how far it got. The
   * objects not named here were converged.
   */
  error?: string;
}

/** A failure that stops the run: the cluster cannot be read or reached. */
class StopError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/**
 * Makes one cluster hold exactly the Istio objects crossmesh wants there: it reads its own
 * objects (labelled `app.kubernetes.io/managed-by=crossmesh`) with one LIST per kind,
 * applies what is missing or differs with server-side apply, and deletes the managed
 * objects nothing wants any more. Objects without the label are never written or deleted:
 * before creating objects of a kind it lists that kind once more without the label
 * selector, to find hand-made objects of the same names. It writes up to eight objects at
 * once. When nothing is to change it makes three reads and no write. Never throws;
 * failures are in the result's `error`, so one bad cluster or object does not hold back
 * the others.
 *
 * @internal
 */
export class ClusterExposureApplier {
  private readonly customObjects = new WeakMap<KubeConfig, CustomObjectsApi>();

  constructor(
    private readonly clients: KubernetesClients,
    /** `timeoutMs`: how long one request may take; default 30 s. */
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  async converge(
    connection: ClusterConnection,
    desired: KubeObject[],
  ): Promise<ClusterConvergence> {
    const result: ClusterConvergence = {
      cluster: connection.name,
      applied: 0,
      deleted: 0,
      unchanged: 0,
      reads: 0,
      writes: 0,
    };
    const authProblem = unsupportedAuthProblem(connection);
    if (authProblem) {
      return { ...result, error: authProblem };
    }

    const problems: string[] = [];
    const { objects, heldBack } = checkDesired(desired, problems);
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      await this.run(
        connection,
        objects,
        heldBack,
        { result, timeoutMs, url: connection.url },
        problems,
      );
    } catch (error) {
      problems.unshift(describeStop(error, connection));
    }
    const outcome = { ...result };
    if (problems.length > 0) {
      outcome.error = `cluster '${connection.name}': ${problems.join('; ')}`;
    }
    return outcome;
  }

  /** Records progress in `result` as it goes, so a failure part-way reports what was done. */
  private async run(
    connection: ClusterConnection,
    desired: KubeObject[],
    heldBack: Set<string>,
    tally: Tally,
    problems: string[],
  ): Promise<void> {
    const { result } = tally;
    const api = await this.customObjectsApi(connection);
    const k8s = await loadKubernetesModule();

    const actual: ObservedKubeObject[] = [];
    for (const { kind, plural } of MANAGED_KINDS) {
      let list: { items?: ObservedKubeObject[] };
      try {
        list = await send(tally, 'reads', () =>
          api.listClusterCustomObject({
            group: ISTIO_GROUP,
            version: ISTIO_VERSION,
            plural,
            labelSelector: MANAGED_SELECTOR,
          }),
        );
      } catch (error) {
        if (error instanceof TimeoutError) {
          throw error;
        }
        throw new StopError(
          `crossmesh could not list its ${kind} objects, so it changed nothing: ${describeKubernetesError(
            error,
            connection.url,
          )}`,
          error,
        );
      }
      for (const item of list.items ?? []) {
        // Items of a custom resource list carry these, but a missing one must not
        // make two objects of different kinds look alike.
        actual.push({
          ...item,
          apiVersion: item.apiVersion ?? ISTIO_NETWORKING_API_VERSION,
          kind: item.kind ?? kind,
        });
      }
    }

    const plan = planClusterChanges(
      desired,
      actual.filter(object => !heldBack.has(objectKey(object))),
    );
    result.unchanged = plan.unchanged;
    const found = new Set(actual.map(objectKey));

    // The LISTs show only crossmesh's objects; one of the same name made by someone else
    // would be taken over by a forced apply, so the kinds with objects to create are
    // listed once more, whole, and those names are checked against it.
    const missing = plan.apply.filter(object => !found.has(objectKey(object)));
    const owners = await this.readOwners(api, missing, connection, tally);

    await inParallel(plan.apply, problems, async object => {
      const where = locate(object);
      const label = describeObject(object);
      if (!found.has(objectKey(object))) {
        const owner = owners.get(object.kind)!;
        if (owner.problem) {
          return `${label}: ${owner.problem}`;
        }
        if (owner.foreign.has(objectKey(object))) {
          return `${label} already exists and was not made by crossmesh (it lacks the label ${MANAGED_SELECTOR}), so crossmesh left it as it is; delete or rename it, or add the label if crossmesh should manage it`;
        }
      }

      let written: ObservedKubeObject;
      try {
        written = await send(tally, 'writes', () =>
          api.patchNamespacedCustomObject(
            {
              ...where,
              body: object,
              fieldManager: FIELD_MANAGER,
              force: true,
            },
            k8s.setHeaderOptions(
              'Content-Type',
              k8s.PatchStrategy.ServerSideApply,
            ),
          ),
        );
      } catch (error) {
        stopIfUnreachable(error, connection);
        return `${label}: ${describeWriteError(error, object, connection)}`;
      }
      result.applied++;

      const cleanup = foreignSpecFieldsPatch(object.spec, written.spec);
      if (cleanup) {
        // Fields someone else added to the spec stay theirs after an apply; remove them.
        try {
          await send(tally, 'writes', () =>
            api.patchNamespacedCustomObject(
              {
                ...where,
                body: {
                  metadata: {
                    resourceVersion: written.metadata.resourceVersion,
                  },
                  spec: cleanup,
                },
                fieldManager: FIELD_MANAGER,
              },
              k8s.setHeaderOptions(
                'Content-Type',
                k8s.PatchStrategy.MergePatch,
              ),
            ),
          );
        } catch (error) {
          stopIfUnreachable(error, connection);
          return `${label} was applied, but the fields someone else added to its spec (${Object.keys(
            cleanup,
          ).join(', ')}) could not be removed: ${describeKubernetesError(
            error,
            connection.url,
          )}; the next run tries again`;
        }
      }
      return undefined;
    });

    await inParallel(plan.delete, problems, async object => {
      const label = describeObject(object);
      try {
        await send(tally, 'writes', () =>
          api.deleteNamespacedCustomObject({
            ...locate(object),
            // The object found by the LIST, not one made under its name since.
            body: { preconditions: { uid: object.metadata.uid } },
          }),
        );
        result.deleted++;
      } catch (error) {
        if (isNotFound(error)) {
          return undefined; // gone already
        }
        stopIfUnreachable(error, connection);
        return isConflict(error)
          ? `${label} is no longer wanted but was replaced while crossmesh deleted it, so crossmesh left it; the next run looks again`
          : `${label} is no longer wanted but could not be deleted: ${describeKubernetesError(
              error,
              connection.url,
            )}`;
      }
      return undefined;
    });
  }

  /**
   * Per kind of the objects to create: the keys of the objects of that kind without
   * crossmesh's label, from one LIST without a label selector.
   */
  private async readOwners(
    api: CustomObjectsApi,
    missing: KubeObject[],
    connection: ClusterConnection,
    tally: Tally,
  ): Promise<Map<string, { foreign: Set<string>; problem?: string }>> {
    const owners = new Map<
      string,
      { foreign: Set<string>; problem?: string }
    >();
    for (const { kind, plural } of MANAGED_KINDS) {
      if (!missing.some(object => object.kind === kind)) continue;
      try {
        const list: { items?: ObservedKubeObject[] } = await send(
          tally,
          'reads',
          () =>
            api.listClusterCustomObject({
              group: ISTIO_GROUP,
              version: ISTIO_VERSION,
              plural,
            }),
        );
        const foreign = new Set<string>();
        for (const item of list.items ?? []) {
          if (item.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
            foreign.add(
              objectKey({
                ...item,
                apiVersion: item.apiVersion ?? ISTIO_NETWORKING_API_VERSION,
                kind: item.kind ?? kind,
              }),
            );
          }
        }
        owners.set(kind, { foreign });
      } catch (error) {
        stopIfUnreachable(error, connection);
        owners.set(kind, {
          foreign: new Set(),
          problem: `crossmesh could not check whether someone else made an object of this name, so it did not apply it: ${describeKubernetesError(
            error,
            connection.url,
          )}`,
        });
      }
    }
    return owners;
  }

  private async customObjectsApi(
    connection: ClusterConnection,
  ): Promise<CustomObjectsApi> {
    const { kubeConfig } = await this.clients.forCluster(connection);
    let api = this.customObjects.get(kubeConfig);
    if (!api) {
      const k8s = await loadKubernetesModule();
      api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
      this.customObjects.set(kubeConfig, api);
    }
    return api;
  }
}

/**
 * Keeps the objects crossmesh can manage. A refused object's key is held back, so that
 * an object of that name already in the cluster is neither repaired nor deleted.
 */
function checkDesired(
  desired: KubeObject[],
  problems: string[],
): { objects: KubeObject[]; heldBack: Set<string> } {
  const heldBack = new Set<string>();
  const byKey = new Map<string, KubeObject>();
  for (const object of desired) {
    const key = objectKey(object);
    const refusal = refusalOf(object);
    if (refusal) {
      problems.push(`${describeObject(object)} was not applied: ${refusal}`);
      heldBack.add(key);
      continue;
    }
    const earlier = byKey.get(key);
    if (earlier && !isDeepStrictEqual(earlier, object)) {
      problems.push(
        `${describeObject(
          object,
        )} is wanted twice with different contents, so crossmesh did not touch it; two exposures disagree about this shared object`,
      );
      heldBack.add(key);
    }
    byKey.set(key, object);
  }
  return {
    objects: [...byKey].filter(([key]) => !heldBack.has(key)).map(([, o]) => o),
    heldBack,
  };
}

function refusalOf(object: KubeObject): string | undefined {
  const [group] = object.apiVersion.split('/');
  if (
    group !== ISTIO_GROUP ||
    !MANAGED_KINDS.some(({ kind }) => kind === object.kind)
  ) {
    return `crossmesh manages only ${MANAGED_KINDS.map(k => k.kind).join(
      ', ',
    )} of ${ISTIO_GROUP}, not ${object.kind} of ${object.apiVersion}`;
  }
  if (!object.metadata.namespace) {
    return 'it has no namespace';
  }
  if (object.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
    return `it lacks the label ${MANAGED_SELECTOR}, so crossmesh would not find it again; render it with renderExposure`;
  }
  return undefined;
}

function locate(object: {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}) {
  const [group, version] = (
    object.apiVersion ?? ISTIO_NETWORKING_API_VERSION
  ).split('/');
  return {
    group,
    version,
    plural: MANAGED_KINDS.find(({ kind }) => kind === object.kind)!.plural,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

function describeObject(object: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  return `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
}

/** Requests to one API server in flight at once while converging it. */
const CONCURRENCY = 8;

/**
 * Runs `work` on every item with at most {@link CONCURRENCY} at once, and adds the
 * problems it returned to `problems` in the order of the items. When one throws, no
 * further item is started; once those under way have finished, their problems are added
 * and the first error is thrown.
 */
async function inParallel<T>(
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

const ATTEMPTS = 5;
const RETRY_DELAY_MS = { default: 1000, min: 100, max: 5000 };

/** Where one converge counts its requests, and how long one may take. */
interface Tally {
  result: ClusterConvergence;
  timeoutMs: number;
  url: string;
}

/**
 * Sends one request and counts it, and again when the API server answers 429, as it does
 * for a while after it starts, until the storage of custom resources is ready. Each
 * attempt may take `timeoutMs`: a converge of thousands of objects takes longer than
 * that in all, and is bounded by the API server answering, not by its size.
 */
async function send<T>(
  tally: Tally,
  counter: 'reads' | 'writes',
  request: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    tally.result[counter]++;
    try {
      return await withTimeout(
        request(),
        tally.timeoutMs,
        `the API server at ${tally.url} did not answer within ${tally.timeoutMs} ms, so crossmesh stopped part-way; the next run reads the cluster again and completes the work`,
      );
    } catch (error) {
      const refusal = error as {
        code?: unknown;
        headers?: Record<string, string>;
      };
      if (refusal?.code !== 429 || attempt >= ATTEMPTS) {
        throw error;
      }
      const retryAfter = Number(refusal.headers?.['retry-after']) * 1000;
      const delay = Number.isFinite(retryAfter)
        ? Math.min(Math.max(retryAfter, RETRY_DELAY_MS.min), RETRY_DELAY_MS.max)
        : RETRY_DELAY_MS.default;
      await new Promise(resolve => setTimeout(resolve, delay));
    }
  }
}

/** Without an HTTP status the cluster is gone; one sentence says so, not one per object. */
function stopIfUnreachable(error: unknown, connection: ClusterConnection) {
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

function describeWriteError(
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

function describeStop(error: unknown, connection: ClusterConnection): string {
  if (error instanceof TimeoutError || error instanceof StopError) {
    return error.message;
  }
  return `crossmesh stopped part-way: ${describeKubernetesError(
    error,
    connection.url,
  )}`;
}
