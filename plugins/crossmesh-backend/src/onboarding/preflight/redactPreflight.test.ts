import { PreflightReport } from '@crossmesh/backstage-plugin-crossmesh-common';
import { redactPreflight } from './redactPreflight';

const report: PreflightReport = {
  cluster: 'cluster-1',
  checkedAt: '2026-12-01T00:00:00.000Z',
  ok: false,
  checks: [
    {
      id: 'api-reachable',
      title: 'API server reachable',
      status: 'pass',
      detail: 'The API server at https://127.0.0.1:6443 answered',
    },
    {
      id: 'credentials',
      title: "crossmesh's credentials accepted",
      status: 'pass',
      detail: "crossmesh signs in as user 'crossmesh' (groups: crossmesh)",
    },
    {
      id: 'access:get:services',
      title: 'May get services',
      status: 'pass',
      detail: 'Allowed',
    },
    {
      id: 'access:create:secrets:istio-system',
      title: 'May create secrets in istio-system',
      status: 'fail',
      detail: 'Denied',
      remedy: 'Grant user \'crossmesh\' "create" on secrets',
    },
    {
      id: 'istiod',
      title: 'istiod installed',
      status: 'pass',
      detail: 'istiod 1.6.8',
    },
  ],
};

describe('redactPreflight', () => {
  it("keeps the shape and order, drops crossmesh's identity and folds the access checks into one", () => {
    expect(redactPreflight(report)).toEqual({
      ...report,
      checks: [
        report.checks[0],
        {
          id: 'credentials',
          title: "crossmesh's credentials accepted",
          status: 'pass',
          detail: "The API server accepts crossmesh's credentials",
        },
        {
          id: 'access',
          title: 'crossmesh may do what it needs in the cluster',
          status: 'fail',
          detail:
            '1 of 2 access checks passed; the platform team (crossmesh.cluster.manage) sees the details',
          remedy: 'Ask the platform team to grant what deploy/rbac.yaml lists',
        },
        report.checks[4],
      ],
    });
  });

  it('says when the credentials were refused, without saying whose', () => {
    const refused = redactPreflight({
      ...report,
      checks: [
        {
          id: 'credentials',
          title: "crossmesh's credentials accepted",
          status: 'fail',
          detail:
            "The API server at https://127.0.0.1:6443 refused crossmesh's token (401)",
          remedy: 'Put a valid serviceAccountToken for cluster-1',
        },
      ],
    });
    expect(refused.checks).toEqual([
      {
        id: 'credentials',
        title: "crossmesh's credentials accepted",
        status: 'fail',
        detail:
          "crossmesh's credentials were not accepted; the platform team (crossmesh.cluster.manage) sees the details",
        remedy: 'Ask the platform team',
      },
    ]);
  });
});
