import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import type { AuthorizeResult } from '@backstage/plugin-permission-common';
import { configure } from '@testing-library/react';
import { CrossmeshApi, crossmeshApiRef } from '../api';
import { scaffolderTemplateRouteRef } from '../routes';
import { MeshOverviewPage } from '../components/MeshOverviewPage';

// A whole page per test, on a shared 2-core machine.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

/**
 * The mesh overview on a fake backend. usePermission caches its answer for the whole test
 * file: a test that needs DENY lives in a file of its own.
 */
export function renderOverview(
  api: CrossmeshApi,
  permission: 'ALLOW' | 'DENY' = 'ALLOW',
  /** Who is signed in: by default a platform member other than the fake's requester. */
  userEntityRef = 'user:default/dave',
) {
  return renderInTestApp(<MeshOverviewPage />, {
    apis: [
      [crossmeshApiRef, api],
      mockApis.permission({
        authorize: permission as AuthorizeResult.ALLOW,
      }),
      mockApis.identity({ userEntityRef }),
    ],
    mountedRoutes: {
      '/create/templates/:namespace/:templateName': scaffolderTemplateRouteRef,
    },
  });
}
