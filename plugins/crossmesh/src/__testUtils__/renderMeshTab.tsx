import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { screen, within } from '@testing-library/react';
import { CrossmeshApi, crossmeshApiRef } from '../api';
import { EntityMeshContent } from '../components/EntityMeshContent/EntityMeshContent';
import { FakeOwnerApi } from './FakeOwnerApi';
import { bob, meshClusters, svc2, teamB } from './ownerFixtures';

/** The Mesh tab of svc-2, signed in as bob (an owner) or alice (not one). */
export function renderMeshTab(options: {
  api: Partial<CrossmeshApi>;
  allowed?: boolean;
  owner?: boolean;
}) {
  const { api, allowed = true, owner = true } = options;
  return renderInTestApp(
    <EntityProvider entity={svc2}>
      <EntityMeshContent />
    </EntityProvider>,
    {
      apis: [
        [crossmeshApiRef, api],
        mockApis.identity({
          userEntityRef: owner ? bob : 'user:default/alice',
          ownershipEntityRefs: owner
            ? [bob, teamB]
            : ['user:default/alice', 'group:default/team-a'],
        }),
        mockApis.permission({
          authorize: (allowed ? 'ALLOW' : 'DENY') as AuthorizeResult.ALLOW,
        }),
      ],
    },
  );
}

/** A backend holding the requests, whose svc-2 Service has ports http:8000 and grpc:9090. */
export function fakeOwnerApi(requests: ExposureRequest[]) {
  return new FakeOwnerApi({
    actor: bob,
    requests,
    clusters: meshClusters,
    ports: {
      source: 'service',
      service: { cluster: 'cluster-2', namespace: 'shop', name: 'svc-2' },
      ports: [
        { name: 'http', number: 8000 },
        { name: 'grpc', number: 9090 },
      ],
    },
  });
}

/** The body rows of the table named Exposures, once it is shown. */
export async function exposureRows(): Promise<HTMLElement[]> {
  const table = await screen.findByRole('table', { name: 'Exposures' });
  return within(table).getAllByRole('row').slice(1);
}

export function rowWith(rows: HTMLElement[], text: string): HTMLElement {
  const row = rows.find(r => within(r).queryByText(text));
  if (!row) throw new Error(`No row shows '${text}'`);
  return row;
}

/** The buttons to request, cancel or revoke on screen; none for people who may not. */
export function actionButtons(): HTMLElement[] {
  return ['Request exposure', 'Cancel request', 'Revoke'].flatMap(name =>
    screen.queryAllByRole('button', { name }),
  );
}

/** Shown instead of the actions, once the permission and ownership are known. */
export const NOT_OWNER_NOTE =
  'Only the owners of svc-2 may request, cancel or revoke exposures.';
