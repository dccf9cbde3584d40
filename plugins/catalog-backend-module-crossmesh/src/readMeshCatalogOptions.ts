import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MeshEntityOptions } from './buildMeshEntities';

/** The provider's name; also the location its entities are managed by. */
export const PROVIDER_NAME = 'crossmesh-mesh';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 2 },
  timeout: { minutes: 1 },
};
const FALLBACK_OWNER = 'group:default/platform-team';

/**
 * The module's settings, from `crossmesh.catalog` (see config.d.ts).
 *
 * @internal
 */
export interface MeshCatalogOptions {
  entities: MeshEntityOptions;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/**
 * Reads `crossmesh.catalog`, with defaults; throws an InputError naming the key when a
 * value could not make a valid entity.
 *
 * @internal
 */
export function readMeshCatalogOptions(
  config: RootConfigService,
): MeshCatalogOptions {
  const catalog = config.getOptionalConfig('crossmesh.catalog');

  const systemName = catalog?.getOptionalString('systemName') ?? 'mesh';
  if (!KubernetesValidatorFunctions.isValidObjectName(systemName)) {
    throw new InputError(
      `crossmesh.catalog.systemName '${systemName}' is not a valid entity name: use 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
  }

  const namespace =
    catalog?.getOptionalString('namespace') ?? DEFAULT_NAMESPACE;
  if (!KubernetesValidatorFunctions.isValidNamespace(namespace)) {
    throw new InputError(
      `crossmesh.catalog.namespace '${namespace}' is not a valid entity namespace: use a DNS label (lowercase letters, digits and '-', at most 63)`,
    );
  }

  const ownerSetting =
    catalog?.getOptionalString('owner') ??
    config.getOptionalStringArray('crossmesh.approvers.groups')?.[0] ??
    FALLBACK_OWNER;
  let owner: string;
  try {
    owner = stringifyEntityRef(
      parseEntityRef(ownerSetting, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    );
  } catch (error) {
    throw new InputError(
      `crossmesh.catalog.owner '${ownerSetting}' is not an entity ref; write it as group:default/platform-team (${error})`,
    );
  }

  const appBaseUrl = config.getOptionalString('app.baseUrl');
  const schedule = catalog?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        catalog.getConfig('schedule'),
      )
    : DEFAULT_SCHEDULE;

  return {
    entities: {
      systemName,
      namespace,
      owner,
      locationRef: `${PROVIDER_NAME}:${systemName}`,
      overviewUrl: appBaseUrl
        ? `${appBaseUrl.replace(/\/+$/, '')}/crossmesh`
        : undefined,
    },
    schedule,
  };
}
