/**
 * Pieces every benchmark of bench/ shares: autocannon as a promise, waiting for the database to
 * settle between loads, and a throw-away PostgreSQL database for one run.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { Db } from '@yiwang/platform';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { adminQuery, databaseUrl, uniqueDbName } from '../tests/pg-admin.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn`; when BENCH_PROFILE names this scenario, under the V8 CPU profiler of this process,
 * writing bench/results/<bench>-<scenario>-<time>.cpuprofile (open it in Chrome DevTools).
 */
export async function profiled<T>(bench: string, scenario: string, fn: () => Promise<T>): Promise<T> {
  if (process.env.BENCH_PROFILE !== scenario) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${bench}-${scenario}-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile of ${scenario}: ${file}`);
  }
}

/** One autocannon run. */
export function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * Waits until the database has no query left from the previous load (requests that autocannon
 * abandoned go on issuing queries after a probe has passed them, so two quick quiet probes in a
 * row are needed), bounded by 60 s. PostgreSQL only.
 */
export function settlerFor(db: Db): () => Promise<void> {
  return async () => {
    const until = Date.now() + 60_000;
    let quiet = 0;
    while (Date.now() < until && quiet < 2) {
      const t0 = performance.now();
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
      `.execute(db);
      quiet = Number(rows[0]?.n ?? 0) === 0 && performance.now() - t0 < 50 ? quiet + 1 : 0;
      await sleep(100);
    }
  };
}

/**
 * Runs `run` against a database `yw_bench_<name>_<random>` created on `pgUrl` and dropped after;
 * answers `{ skipped }` (and says so) when the server cannot be reached.
 */
export async function onThrowAwayPostgres<T>(
  pgUrl: string,
  name: string,
  run: (databaseUrl: string) => Promise<T>,
): Promise<T | { database: 'PostgreSQL'; skipped: string }> {
  try {
    await adminQuery(pgUrl, 'select 1');
  } catch (e) {
    const why = `not reachable at ${pgUrl} (${e instanceof Error ? e.message : String(e)})`;
    console.log(`\n== PostgreSQL: SKIPPED — ${why}`);
    return { database: 'PostgreSQL', skipped: why };
  }
  const dbName = uniqueDbName(`yw_bench_${name}`);
  await adminQuery(pgUrl, `create database ${dbName}`);
  try {
    return await run(databaseUrl(pgUrl, dbName));
  } finally {
    await sleep(100);
    await adminQuery(pgUrl, `drop database if exists ${dbName} with (force)`);
  }
}
