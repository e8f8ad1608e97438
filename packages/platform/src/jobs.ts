import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Db, Tx } from './db.ts';
import type { Migrations } from './migrate.ts';

/**
 * Durable jobs and timers on the database (a SKIP LOCKED table): deadline warnings, automatic
 * acceptance, reminders. A job enqueued in a transaction exists exactly when that transaction
 * commits; several processes can run workers against one database without taking the same job.
 */
export const jobMigrations: Migrations = {
  '0004_platform_jobs': {
    async up(db) {
      await sql`
        create table jobs (
          id bigserial primary key,
          queue text not null,
          payload jsonb not null default '{}',
          run_at timestamptz not null default now(),
          status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed')),
          attempts int not null default 0,
          max_attempts int not null default 5,
          unique_key text unique,
          locked_by text,
          locked_until timestamptz,
          last_error text,
          created_at timestamptz not null default now(),
          finished_at timestamptz
        );
        create index jobs_due on jobs (run_at) where status in ('pending', 'running');
      `.execute(db);
    },
  },
};

export interface EnqueueOptions {
  runAt?: Date;
  /** At most one job per key; enqueueing the same key again does nothing. */
  uniqueKey?: string;
  maxAttempts?: number;
}

export async function enqueue(db: Db | Tx, queue: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      queue,
      payload: JSON.stringify(payload ?? {}),
      run_at: (opts.runAt ?? new Date()).toISOString(),
      unique_key: opts.uniqueKey ?? null,
      max_attempts: opts.maxAttempts ?? 5,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .execute();
}

export interface Job<T = any> {
  id: string;
  queue: string;
  payload: T;
  attempts: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobRunnerOptions {
  pollMs?: number;
  batch?: number;
  /** How long a claimed job stays locked before another worker may take it over. */
  lockSeconds?: number;
  onError?: (job: Job, err: unknown) => void;
}

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  readonly workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly db: Db,
    private readonly opts: JobRunnerOptions = {},
  ) {}

  register(queue: string, handler: JobHandler) {
    this.handlers.set(queue, handler);
  }

  start() {
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.runDue();
      } catch {
        /* the next tick retries; failures of single jobs are recorded on the job */
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs ?? 1000);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Claims and runs the jobs that are due now; answers how many ran. */
  async runDue(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.claimAndRun().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async claimAndRun(): Promise<number> {
    const queues = [...this.handlers.keys()];
    if (queues.length === 0) return 0;
    const lock = this.opts.lockSeconds ?? 300;
    const claimed = await sql<{ id: string; queue: string; payload: unknown; attempts: number }>`
      update jobs set status = 'running', attempts = attempts + 1, locked_by = ${this.workerId},
        locked_until = now() + make_interval(secs => ${lock})
      where id in (
        select id from jobs
        where queue in (${sql.join(queues)}) and run_at <= now()
          and (status = 'pending' or (status = 'running' and locked_until < now()))
        order by run_at
        limit ${this.opts.batch ?? 20}
        for update skip locked
      )
      returning id::text as id, queue, payload, attempts`.execute(this.db);
    for (const row of claimed.rows) {
      const job: Job = {
        id: row.id,
        queue: row.queue,
        payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
        attempts: row.attempts,
      };
      try {
        await this.handlers.get(job.queue)!(job);
        await this.db
          .updateTable('jobs')
          .set({ status: 'done', finished_at: new Date().toISOString(), locked_by: null, locked_until: null })
          .where('id', '=', job.id)
          .execute();
      } catch (err) {
        this.opts.onError?.(job, err);
        const max = await this.db.selectFrom('jobs').select('max_attempts').where('id', '=', job.id).executeTakeFirst();
        const failed = job.attempts >= Number(max?.max_attempts ?? 5);
        // Exponential back-off: 2, 4, 8 … seconds, at most an hour.
        const retryAt = new Date(Date.now() + Math.min(3600, 2 ** job.attempts) * 1000);
        await this.db
          .updateTable('jobs')
          .set({
            status: failed ? 'failed' : 'pending',
            run_at: failed ? undefined : retryAt.toISOString(),
            last_error: String(err instanceof Error ? err.message : err).slice(0, 2000),
            locked_by: null,
            locked_until: null,
            finished_at: failed ? new Date().toISOString() : null,
          })
          .where('id', '=', job.id)
          .execute();
      }
    }
    return claimed.rows.length;
  }
}
