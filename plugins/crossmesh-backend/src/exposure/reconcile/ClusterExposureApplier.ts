import type { CustomObjectsApi } from '@kubernetes/client-node';
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
} from '../../clusters/kubernetesModule';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../render/names';
import {
  describeStop,
  describeWriteError,
  inParallel,
  send,
  stopIfUnreachable,
  Tally,
} from './apiRequests';
import {
  checkDesired,
  describeObject,
  locate,
  MANAGED_KINDS,
  MANAGED_SELECTOR,
} from './istioObjects';
import { FIELD_MANAGER } from '../../clusters/ownership';
import type { KubeObject, ObservedKubeObject } from '../render/types';
import type { WriteTracker } from './OwnWrites';
import { foreignSpecFieldsPatch, objectKey, planClusterChanges } from './plan';
import { customObjectsApi, readManagedObjects } from './readManagedObjects';

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
  /**
   * Clusters delivered through Git: requests whose objects are on their way (pull request
   * open, or merged and not yet live), by request-id label value; `*` holds back all.
   */
  pending?: ReadonlyMap<string, PendingDelivery>;
}

/**
 * A convergence of `cluster` that has done nothing yet.
 *
 * @internal
 */
export function emptyConvergence(cluster: string): ClusterConvergence {
  return {
    cluster,
    applied: 0,
    deleted: 0,
    unchanged: 0,
    reads: 0,
    writes: 0,
  };
}

/**
 * Where a request's change to a cluster delivered through Git is.
 *
 * @internal
 */
export interface PendingDelivery {
  /**
   * `refused`: its pull request was closed without merge; `flux-failed`: Flux could not
   * apply Git's commit; `drifted`: the cluster changed after Flux applied it. `detail`
   * says which objects and what to do.
   */
  step: 'waiting-for-merge' | 'syncing' | 'refused' | 'flux-failed' | 'drifted';
  pullRequest?: { number: number; url: string };
  detail: string;
  /**
   * Set when only the cluster was read (no Flux status to tell): a request that was applied
   * before has drifted rather than still syncing, as this says.
   */
  ifApplied?: { drifted: string };
}

/** Up to this many objects of a kind to create are checked by name rather than by a LIST. */
const FEW_TO_READ_ONE_BY_ONE = 8;

/** A converge's counts live in its result, so a failure part-way reports them. */
interface ConvergeTally extends Tally {
  result: ClusterConvergence;
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
  constructor(
    private readonly clients: KubernetesClients,
    private readonly options: {
      /** How long one request may take; default 30 s. */
      timeoutMs?: number;
      /** Runs each write, to tell its watch event apart (the cluster's watches). */
      writes?: WriteTracker;
    } = {},
  ) {}

  /**
   * `observed`: crossmesh's objects in the cluster as its watches hold them; without it,
   * they are read with one LIST per kind.
   */
  async converge(
    connection: ClusterConnection,
    desired: KubeObject[],
    observed?: ObservedKubeObject[],
  ): Promise<ClusterConvergence> {
    const result = emptyConvergence(connection.name);
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
        { desired: objects, observed },
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
    {
      desired,
      observed,
    }: { desired: KubeObject[]; observed?: ObservedKubeObject[] },
    heldBack: Set<string>,
    tally: ConvergeTally,
    problems: string[],
  ): Promise<void> {
    const { result } = tally;
    const api = await customObjectsApi(this.clients, connection);
    const k8s = await loadKubernetesModule();

    const actual = observed
      ? [...observed]
      : await readManagedObjects(api, tally);

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
        written = await this.write(tally, connection.name, () =>
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
          await this.write(tally, connection.name, () =>
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
        await this.write(tally, connection.name, () =>
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

  /** Sends one write, through the tracker that tells its watch event apart. */
  private write<T>(
    tally: ConvergeTally,
    cluster: string,
    request: () => Promise<T>,
  ): Promise<T> {
    const { writes } = this.options;
    return send(tally, 'writes', () =>
      writes ? writes.track(cluster, request) : request(),
    );
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
    for (const { kind, plural, apiVersion } of MANAGED_KINDS) {
      const ofKind = missing.filter(object => object.kind === kind);
      if (ofKind.length === 0) continue;
      const [group, version] = apiVersion.split('/');
      try {
        if (ofKind.length <= FEW_TO_READ_ONE_BY_ONE) {
          owners.set(kind, {
            foreign: await this.foreignByName(api, ofKind, tally),
          });
          continue;
        }
        const list: { items?: ObservedKubeObject[] } = await send(
          tally,
          'reads',
          () =>
            api.listClusterCustomObject({
              group,
              version,
              plural,
            }),
        );
        const foreign = new Set<string>();
        for (const item of list.items ?? []) {
          if (item.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
            foreign.add(
              objectKey({
                ...item,
                apiVersion: item.apiVersion ?? apiVersion,
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

  /** Of `objects`, the keys of those that exist without crossmesh's label: one GET each. */
  private async foreignByName(
    api: CustomObjectsApi,
    objects: KubeObject[],
    tally: Tally,
  ): Promise<Set<string>> {
    const foreign = new Set<string>();
    for (const object of objects) {
      try {
        const found: ObservedKubeObject = await send(tally, 'reads', () =>
          api.getNamespacedCustomObject(locate(object)),
        );
        if (found.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
          foreign.add(objectKey(object));
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return foreign;
  }
}
