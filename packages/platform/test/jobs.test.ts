import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../tests/harness.ts';
import { enqueue, type Job, JobRunner } from '../src/jobs.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

const status = async (queue: string) =>
  rt.platform.db.selectFrom('jobs').select(['status', 'attempts', 'last_error']).where('queue', '=', queue).execute();

describe(`durable jobs on ${dbLabel}`, () => {
  it('runs due jobs once, leaves future ones, de-duplicates by key', async () => {
    await enqueue(rt.platform.db, 'q1', { n: 1 }, { uniqueKey: 'case-1:warn' });
    await enqueue(rt.platform.db, 'q1', { n: 1 }, { uniqueKey: 'case-1:warn' });
    await enqueue(rt.platform.db, 'q1', { n: 2 }, { runAt: new Date(Date.now() + 3600_000) });
    const seen: Job[] = [];
    const runner = new JobRunner(rt.platform.db);
    runner.register('q1', async (j) => {
      seen.push(j);
    });
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runDue()).toBe(0);
    expect(seen.map((j) => j.payload)).toEqual([{ n: 1 }]);
    expect((await status('q1')).map((r) => r.status).sort()).toEqual(['done', 'pending']);
  });

  it('a job enqueued in a rolled-back transaction does not exist', async () => {
    await rt.platform.db
      .transaction()
      .execute(async (tx) => {
        await enqueue(tx, 'q2', {});
        throw new Error('refused');
      })
      .catch(() => null);
    expect(await status('q2')).toEqual([]);
  });

  it('retries a failing job with back-off and gives up after max attempts', async () => {
    await enqueue(rt.platform.db, 'q3', {}, { maxAttempts: 2 });
    const runner = new JobRunner(rt.platform.db);
    runner.register('q3', async () => {
      throw new Error('smtp down');
    });
    expect(await runner.runDue()).toBe(1);
    let [row] = await status('q3');
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'smtp down' });
    await rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where('queue', '=', 'q3')
      .execute();
    expect(await runner.runDue()).toBe(1);
    [row] = await status('q3');
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('two workers never take the same job, and a job survives a worker that died holding it', async () => {
    for (let i = 0; i < 30; i++) await enqueue(rt.platform.db, 'q4', { i });
    const ran: number[] = [];
    const mk = () => {
      const r = new JobRunner(rt.platform.db, { batch: 5 });
      r.register('q4', async (j) => {
        ran.push(j.payload.i);
      });
      return r;
    };
    const [a, b] = [mk(), mk()];
    for (let k = 0; k < 10; k++) await Promise.all([a.runDue(), b.runDue()]);
    expect(ran.sort((x, y) => x - y)).toEqual([...Array(30).keys()]);

    // A worker claimed a job and died: once its lock expires, another worker runs it.
    await enqueue(rt.platform.db, 'q5', { x: 1 });
    await rt.platform.db
      .updateTable('jobs')
      .set({ status: 'running', locked_by: 'dead', locked_until: new Date(Date.now() - 1000).toISOString() })
      .where('queue', '=', 'q5')
      .execute();
    const c = new JobRunner(rt.platform.db);
    let done = 0;
    c.register('q5', async () => {
      done++;
    });
    expect(await c.runDue()).toBe(1);
    expect(done).toBe(1);
  });
});
