import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  defaultEntityPresentation,
  entityPresentationApiRef,
  entityPresentationSnapshot,
  entityRouteRef,
  EntityPresentationApi,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CrossmeshApi, crossmeshApiRef } from '../../../api';
import { eastCluster, westCluster } from '../../../__testUtils__/clusters';
import { ApprovalsPage } from '../ApprovalsPage';
import { FakeCrossmeshApi } from '../../../__testUtils__/FakeCrossmeshApi';
import {
  activeRequest,
  alice,
  catalogEntities,
  ownRequest,
  paymentsRequest,
  rejectedRequest,
  svc2Request,
} from '../../../__testUtils__/requests';

/** Titles from the catalog entities, as the catalog plugin's presentation API gives them. */
const presentationApi: EntityPresentationApi = {
  forEntity(entityOrRef) {
    const entity =
      typeof entityOrRef === 'string'
        ? catalogEntities.find(e => stringifyEntityRef(e) === entityOrRef)
        : entityOrRef;
    const snapshot = entity
      ? entityPresentationSnapshot(entity)
      : defaultEntityPresentation(entityOrRef);
    return { snapshot, promise: Promise.resolve(snapshot) };
  },
};

export const allRequests = [
  svc2Request,
  paymentsRequest,
  ownRequest,
  activeRequest,
  rejectedRequest,
];

export function renderPage(
  options: {
    api?: Partial<CrossmeshApi>;
    permission?: 'ALLOW' | 'DENY';
    route?: string;
  } = {},
) {
  const api =
    options.api ??
    new FakeCrossmeshApi({
      actor: alice,
      requests: allRequests,
      clusters: [eastCluster, westCluster],
    });
  renderInTestApp(<ApprovalsPage />, {
    initialRouteEntries: [options.route ?? '/'],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    // usePermission caches answers for the whole test file: a test that needs DENY
    // lives in a file of its own.
    apis: [
      [crossmeshApiRef, api],
      mockApis.identity({ userEntityRef: alice }),
      mockApis.permission({
        authorize: (options.permission ?? 'ALLOW') as AuthorizeResult.ALLOW,
      }),
      catalogApiMock({ entities: catalogEntities }),
      [entityPresentationApiRef, presentationApi],
    ],
  });
  return api;
}

export async function pendingRows() {
  const table = await screen.findByRole('table', { name: 'Pending requests' });
  return within(table)
    .getAllByRole('rowheader')
    .map(cell => cell.textContent);
}

export async function openReview(host: string) {
  const table = await screen.findByRole('table', { name: 'Pending requests' });
  const row = within(table).getByRole('rowheader', { name: host })
    .parentElement!;
  await userEvent.click(within(row).getByRole('button', { name: 'Review' }));
  return screen.findByRole('dialog', { name: `Review ${host}` });
}
