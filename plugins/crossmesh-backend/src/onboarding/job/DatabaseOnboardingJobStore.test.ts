import { TestDatabases } from '@backstage/backend-test-utils';
import {
  ONBOARDING_ERROR_CODES,
  OnboardingJob,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { migrationsDirectory } from '../../database/migrations';
import { DatabaseOnboardingJobStore } from './DatabaseOnboardingJobStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const T1 = '2026-12-02T10:00:00.000Z';
const T2 = '2026-12-02T10:00:05.000Z';

function job(id: string, cluster: string): OnboardingJob {
  return {
    id,
    cluster,
    input: { cluster, network: 'network-1', gatewayAddress: null },
    state: 'running',
    startedBy: 'user:default/alice',
    startedAt: T1,
    updatedAt: T1,
    finishedAt: null,
    steps: [
      {
        id: 'preflight',
        title: 'Preflight',
        state: 'pending',
        startedAt: null,
        finishedAt: null,
        messages: [],
      },
    ],
    result: {},
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseOnboardingJobStore on %p',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory() });
      return new DatabaseOnboardingJobStore(knex);
    }

    it('keeps a job with its steps and result as written, and reads it back by id', async () => {
      const store = await setUp();
      const first = job('job-1', 'cluster-1');
      expect(await store.create(first)).toEqual({});
      expect(await store.get('job-1')).toEqual(first);
      expect(await store.get('job-2')).toBeUndefined();

      const progressed: OnboardingJob = {
        ...first,
        updatedAt: T2,
        steps: [
          {
            ...first.steps[0],
            state: 'done',
            startedAt: T1,
            finishedAt: T2,
            messages: [{ level: 'warn', message: 'a line' }],
          },
        ],
        result: { preflightOk: true },
      };
      expect(await store.update(progressed)).toBe(true);
      expect(await store.get('job-1')).toEqual(progressed);
      expect(await store.runningFor('cluster-1')).toEqual(progressed);
    });

    it('runs one job per cluster at a time, and writes nothing to a finished job', async () => {
      const store = await setUp();
      const first = job('job-1', 'cluster-1');
      await store.create(first);
      expect(await store.create(job('job-2', 'cluster-1'))).toEqual({
        running: first,
      });
      expect(await store.get('job-2')).toBeUndefined();
      expect(await store.create(job('job-3', 'cluster-2'))).toEqual({});

      const failed: OnboardingJob = {
        ...first,
        state: 'failed',
        finishedAt: T2,
        updatedAt: T2,
        failure: {
          code: ONBOARDING_ERROR_CODES.interrupted,
          name: 'ServiceUnavailableError',
          message: 'stopped',
        },
        resume: 'start again',
      };
      expect(await store.update(failed)).toBe(true);
      expect(await store.get('job-1')).toEqual(failed);
      expect(await store.runningFor('cluster-1')).toBeUndefined();
      expect(
        await store.update({
          ...first,
          updatedAt: T2,
          result: { preflightOk: false },
        }),
      ).toBe(false);
      expect(await store.get('job-1')).toEqual(failed);

      const second = job('job-4', 'cluster-1');
      expect(await store.create(second)).toEqual({});
      expect(await store.runningFor('cluster-1')).toEqual(second);
    });
  },
);
