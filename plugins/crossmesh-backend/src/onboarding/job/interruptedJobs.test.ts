import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  ONBOARDING_ERROR_CODES,
  ONBOARDING_STEPS,
  OnboardingJob,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { migrationsDirectory } from '../../database/migrations';
import { DatabaseMembershipStore } from '../membership/DatabaseMembershipStore';
import { MembershipService } from '../membership/MembershipService';
import { DatabaseOnboardingJobStore } from './DatabaseOnboardingJobStore';
import { OnboardingJobs } from './OnboardingJobs';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const LAST_PROGRESS = '2026-12-02T10:00:00.000Z';

/** A job whose replica wrote its last progress at LAST_PROGRESS, in its second step. */
function jobOfALostReplica(): OnboardingJob {
  return {
    id: 'job-of-a-lost-replica',
    cluster: 'cluster-1',
    input: { cluster: 'cluster-1', network: 'network-1' },
    state: 'running',
    startedBy: 'user:default/alice',
    startedAt: LAST_PROGRESS,
    updatedAt: LAST_PROGRESS,
    finishedAt: null,
    steps: ONBOARDING_STEPS.map(({ id, title }, index) => ({
      id,
      title,
      state: ['done', 'running'][index] ?? 'pending',
      startedAt: index < 2 ? LAST_PROGRESS : null,
      finishedAt: index < 1 ? LAST_PROGRESS : null,
      messages: [],
    })) as OnboardingJob['steps'],
    result: {},
  };
}

describe.each(databases.eachSupportedId())(
  'onboarding jobs whose replica stopped, on %p',
  databaseId => {
    async function setUp(now: string) {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory() });
      const store = new DatabaseOnboardingJobStore(knex);
      await store.create(jobOfALostReplica());
      const jobs = new OnboardingJobs({
        store,
        memberships: new MembershipService(
          [
            {
              name: 'cluster-1',
              url: 'https://127.0.0.1:1',
              skipTLSVerify: false,
              authProvider: 'serviceAccount',
            },
          ],
          new DatabaseMembershipStore(knex),
        ),
        // No step runs here: the only start is refused while the job of the lost replica runs.
        services: {} as never,
        logger: mockServices.logger.mock(),
        now: () => new Date(now),
      });
      return { store, jobs };
    }

    it('reads a job with recent progress as running, and refuses a second start for its cluster', async () => {
      const { jobs } = await setUp('2026-12-02T10:09:00.000Z');
      expect((await jobs.get('job-of-a-lost-replica')).state).toBe('running');
      await expect(
        jobs.start(
          { cluster: 'cluster-1', network: 'network-1' },
          'user:default/bob',
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        code: ONBOARDING_ERROR_CODES.alreadyRunning,
      });
    });

    it('reports a job without progress for ten minutes as interrupted, with what was done and how to resume', async () => {
      const { jobs, store } = await setUp('2026-12-02T10:10:01.000Z');
      const job = await jobs.get('job-of-a-lost-replica');
      expect(job).toMatchObject({
        state: 'failed',
        finishedAt: '2026-12-02T10:10:01.000Z',
        failure: {
          code: ONBOARDING_ERROR_CODES.interrupted,
          name: 'ServiceUnavailableError',
          message:
            'The backend replica running onboarding job job-of-a-lost-replica stopped before it finished (last progress at 2026-12-02T10:00:00.000Z)',
        },
        resume:
          'Issuing the intermediate CA did not finish; what it did is in its messages, and running it again completes it. Fix the cause above, then start onboarding of cluster-1 again with the same input: the steps already done change nothing the second time (the intermediate is kept while cacerts chains to the mesh root), and the rest runs.',
      });
      expect(job.steps.map(s => s.state)).toEqual([
        'done',
        'failed',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
      ]);
      expect(await store.get('job-of-a-lost-replica')).toEqual(job);
      expect(await store.runningFor('cluster-1')).toBeUndefined();
    });
  },
);
