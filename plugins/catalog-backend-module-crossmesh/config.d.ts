import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  crossmesh?: {
    /** How crossmesh's catalog module publishes the mesh and its clusters. */
    catalog?: {
      /** Name of the `System` entity for the mesh. Default `mesh`. */
      systemName?: string;
      /** Catalog namespace of the mesh's entities. Default `default`. */
      namespace?: string;
      /**
       * Owner of the mesh's System and cluster Resources, an entity ref such as
       * `group:default/platform-team`. Default: the first of `crossmesh.approvers.groups`,
       * else `group:default/platform-team`.
       */
      owner?: string;
      /**
       * How often the entities are refreshed. Default every 2 minutes with a 1 minute
       * timeout; the first refresh runs as soon as the backend has started.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
