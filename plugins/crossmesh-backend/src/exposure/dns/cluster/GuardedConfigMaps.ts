import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { isNotFound } from '../../../clusters/kubernetesErrors';
import { isConflict } from '../../../clusters/kubernetesModule';
import {
  DnsWiringRecord,
  readDnsWiringRecord,
  withDnsWiringRecord,
} from '../wiringRecord';
import { EditRefused, KeptChanging, WiringError } from './wiringErrors';

const KUBE_SYSTEM = 'kube-system';
const FIELD_MANAGER = 'crossmesh';

/**
 * A DNS ConfigMap as an edit sees it: its data and what crossmesh recorded there.
 *
 * @internal
 */
export interface ConfigMapState {
  data: Record<string, string> | undefined;
  record: DnsWiringRecord;
  exists: boolean;
}

/**
 * What an edit makes of a ConfigMap. `remove`: crossmesh created it and nothing is left in
 * it, so it goes.
 *
 * @internal
 */
export interface EditResult {
  data: Record<string, string>;
  record: DnsWiringRecord;
  changed: boolean;
  remove?: boolean;
}

/**
 * An editor: the pure function that changes crossmesh's entry and nothing else.
 *
 * @internal
 */
export type Edit = (state: ConfigMapState) => EditResult;

/**
 * Which ConfigMap is about to be written.
 *
 * @internal
 */
export interface ConfigMapWriteInfo {
  cluster: string;
  namespace: string;
  name: string;
  /** 1 for the first write, counting up on each retry after a conflict. */
  attempt: number;
}

/**
 * Edits ConfigMaps of kube-system with writes guarded by resourceVersion: on a conflict
 * the ConfigMap is read again and the edit applied to what is there now, so others'
 * concurrent edits survive. crossmesh's record travels in the same write as its edit.
 *
 * @internal
 */
export class GuardedConfigMaps {
  constructor(
    private readonly core: CoreV1Api,
    private readonly cluster: string,
    private readonly options: {
      attempts: number;
      beforeWrite?: (info: ConfigMapWriteInfo) => Promise<void> | void;
    },
  ) {}

  async read(name: string): Promise<V1ConfigMap | undefined> {
    try {
      return await this.core.readNamespacedConfigMap({
        name,
        namespace: KUBE_SYSTEM,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Applies `edit` to ConfigMap kube-system/`name` (`first`: as the caller read it,
   * undefined when absent) and writes the result: a replace, a create (when `create` and
   * it is absent; the record then says crossmesh created it) or a delete (when the edit
   * says so). Resolves to whether anything was written.
   */
  async edit(
    name: string,
    edit: Edit,
    options: { first: V1ConfigMap | undefined; create: boolean },
  ): Promise<boolean> {
    const attempts = Math.max(1, this.options.attempts);
    let current = options.first;
    let fresh = false;
    for (let attempt = 1; ; attempt++) {
      if (fresh) current = await this.read(name);
      fresh = true;
      if (!current && !options.create) {
        throw new WiringError(
          `ConfigMap kube-system/${name} was deleted while crossmesh was editing it; the next run looks again`,
        );
      }

      const annotations = current?.metadata?.annotations;
      const record = readDnsWiringRecord(annotations);
      let edited: EditResult;
      try {
        edited = edit({ data: current?.data, record, exists: !!current });
      } catch (error) {
        if (error instanceof WiringError) throw error;
        throw new EditRefused(name, error as Error);
      }
      const newAnnotations = withDnsWiringRecord(
        annotations,
        current ? edited.record : { ...edited.record, created: true },
      );
      const recordChanged =
        JSON.stringify(newAnnotations ?? {}) !==
        JSON.stringify(annotations ?? {});
      if (!edited.changed && !recordChanged && !edited.remove) return false;

      await this.options.beforeWrite?.({
        cluster: this.cluster,
        namespace: KUBE_SYSTEM,
        name,
        attempt,
      });
      try {
        await this.write(name, current, edited, newAnnotations);
        return true;
      } catch (error) {
        // 409: changed (or created) meanwhile; 404: deleted meanwhile.
        if (attempt < attempts && (isConflict(error) || isNotFound(error))) {
          continue;
        }
        if (isConflict(error)) throw new KeptChanging(name, attempts, error);
        throw error;
      }
    }
  }

  private async write(
    name: string,
    current: V1ConfigMap | undefined,
    edited: EditResult,
    annotations: Record<string, string> | undefined,
  ): Promise<void> {
    if (!current) {
      await this.core.createNamespacedConfigMap({
        namespace: KUBE_SYSTEM,
        fieldManager: FIELD_MANAGER,
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: KUBE_SYSTEM, annotations },
          data: edited.data,
        },
      });
    } else if (edited.remove) {
      await this.core.deleteNamespacedConfigMap({
        name,
        namespace: KUBE_SYSTEM,
        body: {
          preconditions: {
            uid: current.metadata?.uid,
            resourceVersion: current.metadata?.resourceVersion,
          },
        },
      });
    } else {
      await this.core.replaceNamespacedConfigMap({
        name,
        namespace: KUBE_SYSTEM,
        fieldManager: FIELD_MANAGER,
        body: replacement(current, edited.data, annotations),
      });
    }
  }
}

/**
 * The ConfigMap as read with only `data` and crossmesh's annotation changed.
 * resourceVersion stays, so the API server refuses the write if anyone changed it since;
 * managedFields go, so the server keeps its own record.
 */
function replacement(
  current: V1ConfigMap,
  data: Record<string, string>,
  annotations: Record<string, string> | undefined,
): V1ConfigMap {
  const {
    managedFields: _managedFields,
    annotations: _annotations,
    ...metadata
  } = current.metadata ?? {};
  return {
    ...current,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...metadata, ...(annotations && { annotations }) },
    data,
  };
}
