import {
  crossmeshClusterManagePermission,
  crossmeshTrustManagePermission,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { OnboardingJobs } from '../../onboarding/job/OnboardingJobs';
import { ApiRouter, RouteAccess } from './routeAccess';

/**
 * Onboarding jobs: start one, and read its steps and progress (clients poll the job).
 * Platform team only, as every route that changes clusters.
 *
 * @internal
 */
export function addOnboardingRoutes(
  router: ApiRouter,
  access: RouteAccess,
  jobs: OnboardingJobs,
) {
  router.post('/onboarding-jobs', async (req, res) => {
    // Onboarding issues the cluster's intermediate CA: refuse before any step runs.
    await access.authorize(req, crossmeshTrustManagePermission);
    const { actor } = await access.authorizePlatform(
      req,
      crossmeshClusterManagePermission,
      'onboard clusters',
    );
    res.status(202).json(await jobs.start(req.body, actor));
  });

  router.get('/onboarding-jobs/:jobId', async (req, res) => {
    await access.authorizePlatform(
      req,
      crossmeshClusterManagePermission,
      'read onboarding jobs',
    );
    res.json(await jobs.get(req.params.jobId));
  });
}
