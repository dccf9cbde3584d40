import { OnboardingJob } from '@crossmesh/backstage-plugin-crossmesh-common';
import { Knex } from 'knex';
import {
  DbTimestamp,
  nullableTimestampFromDb,
  nullableTimestampToDb,
  timestampFromDb,
  timestampToDb,
} from '../../database/timestamps';
import { OnboardingJobStore } from './OnboardingJobStore';

const TABLE = 'onboarding_jobs';

interface JobRow {
  id: string;
  cluster_name: string;
  running_cluster: string | null;
  state: string;
  input: string;
  steps: string;
  result: string;
  failure: string | null;
  resume: string | null;
  started_by: string;
  started_at: DbTimestamp;
  updated_at: DbTimestamp;
  finished_at: DbTimestamp | null;
}

/**
 * {@link OnboardingJobStore} on the plugin's database (SQLite or PostgreSQL). Expects the
 * `20261202_onboarding_jobs` migration to have run.
 *
 * @internal
 */
export class DatabaseOnboardingJobStore implements OnboardingJobStore {
  constructor(private readonly db: Knex) {}

  async create(job: OnboardingJob): Promise<{ running?: OnboardingJob }> {
    try {
      await this.db<JobRow>(TABLE).insert(toRow(job));
      return {};
    } catch (error) {
      // The unique index on running_cluster refused a second running job.
      const running = await this.runningFor(job.cluster);
      if (running) {
        return { running };
      }
      throw error;
    }
  }

  async get(id: string): Promise<OnboardingJob | undefined> {
    const row = await this.db<JobRow>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async runningFor(cluster: string): Promise<OnboardingJob | undefined> {
    const row = await this.db<JobRow>(TABLE)
      .where({ running_cluster: cluster })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async update(job: OnboardingJob): Promise<boolean> {
    const { id, ...changes } = toRow(job);
    const updated = await this.db<JobRow>(TABLE)
      .where({ id, state: 'running' })
      .update(changes);
    return updated === 1;
  }
}

function toRow(job: OnboardingJob): JobRow {
  return {
    id: job.id,
    cluster_name: job.cluster,
    running_cluster: job.state === 'running' ? job.cluster : null,
    state: job.state,
    input: JSON.stringify(job.input),
    steps: JSON.stringify(job.steps),
    result: JSON.stringify(job.result),
    failure: job.failure ? JSON.stringify(job.failure) : null,
    resume: job.resume ?? null,
    started_by: job.startedBy,
    started_at: timestampToDb(job.startedAt, 'startedAt'),
    updated_at: timestampToDb(job.updatedAt, 'updatedAt'),
    finished_at: nullableTimestampToDb(job.finishedAt, 'finishedAt'),
  };
}

function fromRow(row: JobRow): OnboardingJob {
  return {
    id: row.id,
    cluster: row.cluster_name,
    input: JSON.parse(row.input),
    state: row.state as OnboardingJob['state'],
    startedBy: row.started_by,
    startedAt: timestampFromDb(row.started_at),
    updatedAt: timestampFromDb(row.updated_at),
    finishedAt: nullableTimestampFromDb(row.finished_at),
    steps: JSON.parse(row.steps),
    result: JSON.parse(row.result),
    ...(row.failure ? { failure: JSON.parse(row.failure) } : {}),
    ...(row.resume ? { resume: row.resume } : {}),
  };
}
