import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
// Guest sign-in for local and demo use; configure a real provider for production.
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Demo sign-in as any catalog User (auth provider `demo`); mounted only when
// auth.providers.demo is configured, refused outside development.
backend.add(import('./demoSignIn'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@crossmesh/backstage-plugin-scaffolder-backend-module-crossmesh'),
);

backend.add(import('@backstage/plugin-permission-backend'));
// crossmesh's recommended policy: the platform team changes the mesh, approvers decide.
backend.add(
  import(
    '@crossmesh/backstage-plugin-permission-backend-module-crossmesh-policy'
  ),
);

// crossmesh reads its clusters and credentials from this plugin's configuration.
backend.add(import('@backstage/plugin-kubernetes-backend'));

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@crossmesh/backstage-plugin-crossmesh-backend'));
backend.add(
  import('@crossmesh/backstage-plugin-catalog-backend-module-crossmesh'),
);

backend.start();
