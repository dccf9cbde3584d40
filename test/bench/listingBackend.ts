/*
 * The backend the listing benchmark loads: Backstage's real backend (real auth, the real
 * permission backend with crossmesh's policy, PostgreSQL) with crossmesh, as an adopter runs
 * it. Started by listing.bench.ts as a child process with `--config <file>`.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import(
    '@crossmesh/backstage-plugin-permission-backend-module-crossmesh-policy'
  ),
);
backend.add(import('@crossmesh/backstage-plugin-crossmesh-backend'));
backend.start();
