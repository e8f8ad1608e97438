/**
 * Data exchange benchmark (`npm run bench:data`): gateway lookups by key on the base libraries
 * (人口 with 1,000,000 persons, 法人 with 200,000 enterprises) with masking and audit, against an
 * unmasked, unaudited lookup and a bare select-by-key route of the same run and process; and connector
 * sync throughput from MariaDB, CSV and XLSX through the module's own connector code. PostgreSQL first,
 * then PGlite. All traffic goes to 127.0.0.1. See docs/benchmarks.md ("Data exchange benchmark").
 *
 * Environment:
 *   BENCH_DB=both|postgres|pglite   which back ends (default both; PostgreSQL first)
 *   BENCH_PG_URL=postgres://…       server to create the throw-away database on
 *   BENCH_PERSONS=1000000           persons loaded into 人口 (PostgreSQL)
 *   BENCH_ENTERPRISES=200000        enterprises loaded into 法人 (PostgreSQL)
 *   BENCH_PGLITE_PERSONS=300000 / BENCH_PGLITE_ENTERPRISES=60000   the same for PGlite (fewer, for the time)
 *   BENCH_ROUNDS=2                  rounds of the three compared scenarios (order alternates)
 *   BENCH_LOAD_BATCH=5000           rows per upsertRows batch of the bulk load
 *   BENCH_SYNC_ROWS=30000           rows per connector sync run (MariaDB, CSV, XLSX)
 *   BENCH_MYSQL_HOST / BENCH_MYSQL_PORT   MariaDB (default 127.0.0.1:3306, user root, empty password)
 *   BENCH_DURATION=8                measured seconds per HTTP scenario (after 1 s warm-up)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { dayOf, loadConfig, type Platform, systemCtx } from '@yiwang/platform';
import { buildRuntime, modules, type Runtime } from '@yiwang/server';
import type autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { listLevels, requireResource } from '../packages/modules/data/src/catalog.ts';
import { createConnector, runSync } from '../packages/modules/data/src/connectors.ts';
import { createClient, keyCallStatement } from '../packages/modules/data/src/gateway.ts';
import {
  fromStored,
  type StoredRow,
  toStored,
  toValues,
  upsertRows,
  valueHash,
} from '../packages/modules/data/src/rows.ts';
import { LEGAL_CODE, POPULATION_CODE } from '../packages/modules/data/src/seed.ts';
import { decide, fileRequest } from '../packages/modules/data/src/sharing.ts';
import type { Resource } from '../packages/modules/data/src/types.ts';
import {
  ENTERPRISE_FIELDS,
  type Enterprise,
  enterprise,
  enterpriseCsv,
  enterpriseXlsx,
  maskedPerson,
  PERSON_FIELDS,
  person,
} from './data-gen.ts';
import { cannon, onThrowAwayPostgres, profiled, settlerFor } from './lib.ts';

const ROOT = join(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const WHICH = (process.env.BENCH_DB || 'both').toLowerCase();
const PERSONS = Number(process.env.BENCH_PERSONS || 1_000_000);
const ENTERPRISES = Number(process.env.BENCH_ENTERPRISES || 200_000);
/** PGlite loads about 4,000 rows/s here (one thread for encoding and the database), so it gets fewer rows by default. */
const PGLITE_PERSONS = Number(process.env.BENCH_PGLITE_PERSONS || 300_000);
const PGLITE_ENTERPRISES = Number(process.env.BENCH_PGLITE_ENTERPRISES || 60_000);
const LOAD_BATCH = Number(process.env.BENCH_LOAD_BATCH || 5000);
const SYNC_ROWS = Number(process.env.BENCH_SYNC_ROWS || 30_000);
const MYSQL_HOST = process.env.BENCH_MYSQL_HOST || '127.0.0.1';
const MYSQL_PORT = Number(process.env.BENCH_MYSQL_PORT || 3306);
const DURATION_S = Number(process.env.BENCH_DURATION || 8);
const WARMUP_S = 1;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);
/** Modules whose demo seed runs: org (departments, staff), identity, data (the base-library resources). */
const SEEDED = ['org', 'identity', 'data'];
/** Consumer department of the benchmark grants. */
const CONSUMER = '人社局';
/** Keys of the load: n = (i · STRIDE) mod persons, a prime stride that spreads requests over the whole index. */
const STRIDE = 7919;
/** Mismatching answers kept as examples (synthetic data, no real person). */
const EXAMPLES = 3;
/** Measured rounds of the three compared scenarios; the order alternates between rounds (drift of a shared machine). */
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
/** Sequential requests per route of the statement count. */
const PROBE_REQUESTS = 20;

/** Targets of the issue. */
const TARGET = { gatewayVsUnmasked: 0.7, gatewayVsBareSelect: 0.5 };

const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const load1 = () => round(loadavg()[0]!, 2);
const fmt = (n: number) => n.toLocaleString('en');
const mib = (b: number) => round(b / 1024 / 1024);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/**
 * CPU seconds used so far by the local PostgreSQL server's processes (back ends, WAL writer,
 * checkpointer, autovacuum), from /proc; null where there is none to see (PGlite, a remote
 * server, no /proc). A process that exits between two readings is not counted.
 */
const postgresCpuSeconds = (): number | null => {
  try {
    let ticks = 0;
    let seen = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(f[11]) + Number(f[12]);
        seen++;
      } catch {
        // gone meanwhile
      }
    }
    return seen ? ticks / 100 : null;
  } catch {
    return null;
  }
};

// ---------- HTTP load ----------

interface Answers {
  right: number;
  wrong: number;
  statuses: Record<string, number>;
  examples: string[];
}

interface Scenario {
  name: string;
  label: string;
  connections: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  load1: number;
  /** CPU of this process (server + bare app + autocannon; PGlite too) during the measured run, % of one core. */
  cpuPct: number;
  /** CPU of the local PostgreSQL server's processes during the measured run, % of one core (null: not seen). */
  pgCpuPct: number | null;
  /** CPU microseconds per answered request, this process and PostgreSQL together (less noisy than req/s). */
  cpuUsPerReq: number;
  answers: Answers;
  /** Round of a compared scenario (0: measured once). */
  round?: number;
  /** Calls already recorded for the grant when a gateway scenario started. */
  grantCallsBefore?: number;
}

/**
 * POST `path` with `{"key": …}` over the keys `keyOf(i)`; every answer is checked with `check(n, body)`.
 * The index of the key in flight is kept in the connection's context (one request in flight per connection).
 */
function lookupLoad(
  url: string,
  path: string,
  count: number,
  keyOf: (n: number) => string,
  check: (n: number, body: string) => boolean,
  token?: string,
): (answers: Answers, start: number) => autocannon.Options {
  return (answers, start) => {
    let i = start;
    return {
      url,
      initialContext: { n: -1 },
      requests: [
        {
          method: 'POST',
          setupRequest: (req, context: any) => {
            const n = (i++ * STRIDE) % count;
            context.n = n;
            return {
              ...req,
              path,
              headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
              body: JSON.stringify({ key: keyOf(n) }),
            };
          },
          onResponse: (status, body, context: any) => {
            if (status < 200 || status > 299) {
              answers.statuses[status] = (answers.statuses[status] ?? 0) + 1;
              if (answers.examples.length < EXAMPLES) answers.examples.push(`${status} ${body.slice(0, 300)}`);
              return;
            }
            if (check(context.n, body)) answers.right++;
            else {
              answers.wrong++;
              if (answers.examples.length < EXAMPLES) answers.examples.push(`n=${context.n}: ${body.slice(0, 400)}`);
            }
          },
        },
      ],
    };
  };
}

let keyCursor = 0;

/** 1 s warm-up (discarded), then DURATION_S measured, at CONNECTIONS connections. */
async function measure(
  name: string,
  label: string,
  settle: () => Promise<void>,
  make: (answers: Answers, start: number) => autocannon.Options,
  connections = CONNECTIONS,
): Promise<Scenario> {
  const fresh = (): Answers => ({ right: 0, wrong: 0, statuses: {}, examples: [] });
  // Each run starts at a new place in the key sequence, so warm-up and measured keys differ.
  keyCursor += 100_003;
  await cannon({ connections, ...make(fresh(), keyCursor), duration: WARMUP_S });
  await settle();
  const answers = fresh();
  const c0 = cpuSeconds();
  const pg0 = postgresCpuSeconds();
  const t0 = performance.now();
  keyCursor += 100_003;
  const r = await profiled('data', name, () =>
    cannon({ connections, ...make(answers, keyCursor), duration: DURATION_S }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const ownCpuS = cpuSeconds() - c0;
  const pg1 = postgresCpuSeconds();
  const pgCpuS = pg0 !== null && pg1 !== null ? pg1 - pg0 : null;
  const cpuPct = Math.round((ownCpuS / wallS) * 100);
  const pgCpuPct = pgCpuS === null ? null : Math.round((pgCpuS / wallS) * 100);
  const cpuUsPerReq = Math.round(((ownCpuS + (pgCpuS ?? 0)) * 1e6) / Math.max(1, r.requests.total));
  await settle();
  const s: Scenario = {
    name,
    label,
    connections,
    rps: round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    load1: load1(),
    cpuPct,
    pgCpuPct,
    cpuUsPerReq,
    answers,
  };
  const statuses = Object.entries(answers.statuses)
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
  console.log(
    `  ${label.padEnd(52)} ${String(s.rps).padStart(8)} req/s  p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  max ${s.max} ms ` +
      `(${s.total} req, non-2xx ${s.non2xx}${statuses ? ` [${statuses}]` : ''}, errors ${s.errors}, timeouts ${s.timeouts}; ` +
      `right ${answers.right}, wrong ${answers.wrong}; CPU ${cpuPct} %${pgCpuPct === null ? '' : ` + PostgreSQL ${pgCpuPct} %`}, ` +
      `${fmt(cpuUsPerReq)} µs per request; load ${s.load1})`,
  );
  for (const e of answers.examples) console.log(`    example: ${e}`);
  return s;
}

async function call(method: string, url: string, token: string | null, body?: unknown) {
  const r = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, text };
}

// ---------- SQL statements per request ----------

/**
 * Counts the SQL statements the process sends while `fn` runs, by wrapping the query methods of
 * node-postgres clients and of PGlite (BEGIN and COMMIT included). Only used for sequential probes.
 */
async function countStatements(fn: () => Promise<void>): Promise<number> {
  let n = 0;
  const pgProto = pg.Client.prototype as any;
  let liteProto: any = PGlite.prototype;
  while (liteProto && !Object.hasOwn(liteProto, 'query')) liteProto = Object.getPrototypeOf(liteProto);
  const saved = { pg: pgProto.query, liteQuery: liteProto?.query, liteExec: liteProto?.exec };
  pgProto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return saved.pg.apply(this, args);
  };
  if (liteProto) {
    liteProto.query = function (this: unknown, ...args: unknown[]) {
      n++;
      return saved.liteQuery.apply(this, args);
    };
    liteProto.exec = function (this: unknown, ...args: unknown[]) {
      n++;
      return saved.liteExec.apply(this, args);
    };
  }
  try {
    await fn();
  } finally {
    pgProto.query = saved.pg;
    if (liteProto) {
      liteProto.query = saved.liteQuery;
      liteProto.exec = saved.liteExec;
    }
  }
  return n;
}

// ---------- bulk load in the module's storage format ----------

interface LoadResult {
  rows: number;
  written: number;
  ms: number;
  rowsPerS: number;
  /** Milliseconds of this process spent building StoredRows (toValues + toStored: HMACs, AES-GCM, SHA-256). */
  encodeMs: number;
}

/**
 * Stores records [0, count) of `make` as a sync run would: `toValues` (the connector's normalisation),
 * `toStored` (sealing and HMAC indexes) and `upsertRows` (the module's row writer), in batches of
 * LOAD_BATCH rows, one transaction per batch; the next batch is encoded while the previous one is written.
 */
async function bulkLoad(
  p: Platform,
  resource: Resource,
  connectorId: string,
  count: number,
  make: (n: number) => Record<string, string>,
  label: string,
): Promise<LoadResult> {
  const levels = await listLevels(p.db);
  const key = p.config.secretKey;
  const runId = crypto.randomUUID();
  const t0 = performance.now();
  let encodeMs = 0;
  let written = 0;
  let pending: Promise<void> | null = null;
  let lastLog = t0;
  for (let from = 0; from < count; from += LOAD_BATCH) {
    const e0 = performance.now();
    const stored: StoredRow[] = [];
    for (let n = from; n < Math.min(count, from + LOAD_BATCH); n++) {
      const rec = make(n);
      const got = toValues(resource.fields, (f) => rec[f.name]);
      if ('problem' in got) throw new Error(`${label} record ${n}: ${JSON.stringify(got.problem)}`);
      stored.push(toStored(key, resource, levels, got.values));
    }
    encodeMs += performance.now() - e0;
    if (pending) await pending;
    pending = p.db
      .transaction()
      .execute((tx) => upsertRows(tx, resource.id, connectorId, runId, stored))
      .then((r) => {
        written += r.written;
      });
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      console.log(`    ${label}: ${fmt(from + LOAD_BATCH)} rows encoded, ${Math.round((lastLog - t0) / 1000)} s`);
    }
  }
  if (pending) await pending;
  const ms = Math.round(performance.now() - t0);
  return { rows: count, written, ms, rowsPerS: Math.round(count / (ms / 1000)), encodeMs: Math.round(encodeMs) };
}

// ---------- connector sync ----------

interface SyncResult {
  source: 'MariaDB' | 'CSV' | 'XLSX';
  skipped?: string;
  rows?: number;
  /** Preparing the source (MariaDB insert / CSV text), not part of the sync. */
  prepareMs?: number;
  run?: {
    status: string;
    rowsRead: number;
    rowsWritten: number;
    rowsRejected: number;
    durationMs: number | null;
    error: string | null;
  };
  wallMs?: number;
  rowsPerS?: number;
  /** Rows of the connector in data_rows after the run, and sampled rows compared with the generator. */
  stored?: number;
  sampled?: number;
  sampleMismatches?: number;
}

function expectedEnterprise(e: Enterprise): Record<string, unknown> {
  return { ...e, capital: Number(e.capital) };
}

/** Compares `sample` synced rows (by HMAC key, unsealed) with the generated records. */
async function checkSynced(p: Platform, resource: Resource, from: number, count: number, sample: number) {
  let mismatches = 0;
  for (let k = 0; k < sample; k++) {
    const n = from + ((k * 104_729) % count);
    const e = enterprise(n);
    const row = await p.db
      .selectFrom('data_rows')
      .select(['clear', 'sealed'])
      .where('resource_id', '=', resource.id)
      .where('key_hash', '=', valueHash(p.config.secretKey, e.credit_code))
      .executeTakeFirst();
    const v = row ? fromStored(p.config.secretKey, row as any) : null;
    const want = expectedEnterprise(e);
    if (!v || ENTERPRISE_FIELDS.some((f) => v[f] !== want[f])) mismatches++;
  }
  return mismatches;
}

async function storedOf(p: Platform, connectorId: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from data_rows where connector_id = ${connectorId}`.execute(
    p.db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

const runSummary = (r: Awaited<ReturnType<typeof runSync>>) => ({
  status: r.status,
  rowsRead: r.rowsRead,
  rowsWritten: r.rowsWritten,
  rowsRejected: r.rowsRejected,
  durationMs: r.durationMs,
  error: r.error,
});

async function syncMariaDb(p: Platform, legal: Resource, from: number, rows: number): Promise<SyncResult> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host: MYSQL_HOST,
      port: MYSQL_PORT,
      user: 'root',
      password: '',
      connectTimeout: 3000,
    });
  } catch (e) {
    const why = `MariaDB not reachable at ${MYSQL_HOST}:${MYSQL_PORT} as root without password (${e instanceof Error ? e.message : String(e)})`;
    console.log(`  MariaDB sync: SKIPPED — ${why}`);
    return { source: 'MariaDB', skipped: why };
  }
  const dbName = `yw_bench_data_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  try {
    const t0 = performance.now();
    await conn.query(`create database ${dbName} character set utf8mb4`);
    await conn.query(`
      create table ${dbName}.enterprises (
        credit_code char(18) primary key,
        name varchar(200) not null,
        type varchar(50) not null,
        legal_rep varchar(50),
        category char(1),
        capital decimal(14, 2),
        reg_date date not null,
        address varchar(300),
        division char(6),
        status varchar(10)
      ) character set utf8mb4`);
    for (let s = from; s < from + rows; s += 2000) {
      const values: unknown[][] = [];
      for (let n = s; n < Math.min(from + rows, s + 2000); n++) {
        const e = enterprise(n);
        values.push(ENTERPRISE_FIELDS.map((f) => (f === 'capital' ? Number(e.capital) : e[f])));
      }
      await conn.query(`insert into ${dbName}.enterprises (${ENTERPRISE_FIELDS.join(', ')}) values ?`, [values]);
    }
    const prepareMs = Math.round(performance.now() - t0);
    return await timedSync(p, legal, from, rows, 'MariaDB', prepareMs, `source prepared in ${fmt(prepareMs)} ms`, {
      connector: {
        name: '基准：市场主体登记库（MariaDB）',
        kind: 'mysql',
        config: { host: MYSQL_HOST, port: MYSQL_PORT, database: dbName, user: 'root', table: 'enterprises' },
        syncMode: 'full',
      },
      run: { trigger: 'manual' },
    });
  } finally {
    await conn.query(`drop database if exists ${dbName}`).catch(() => undefined);
    await conn.end();
  }
}

/** An upload of enterprises [from, from + rows) as CSV or XLSX through a `file` connector (the file is made before the timed part). */
async function syncFile(
  p: Platform,
  legal: Resource,
  from: number,
  rows: number,
  format: 'csv' | 'xlsx',
): Promise<SyncResult> {
  const t0 = performance.now();
  const file = format === 'csv' ? enterpriseCsv(from, from + rows) : await enterpriseXlsx(from, from + rows);
  const prepareMs = Math.round(performance.now() - t0);
  const source = format === 'csv' ? 'CSV' : 'XLSX';
  return timedSync(p, legal, from, rows, source, prepareMs, `${mib(file.length)} MiB`, {
    connector: {
      name: `基准：市场主体登记库导出文件（${source}）`,
      kind: 'file',
      config: { format },
      syncMode: 'full',
    },
    run: { trigger: 'upload', upload: file },
  });
}

/** Creates the connector, times one `runSync` into 法人, counts and samples what it stored. */
async function timedSync(
  p: Platform,
  legal: Resource,
  from: number,
  rows: number,
  source: 'MariaDB' | 'CSV' | 'XLSX',
  prepareMs: number,
  note: string,
  how: { connector: Parameters<typeof createConnector>[3]; run: Parameters<typeof runSync>[3] },
): Promise<SyncResult> {
  const ctx = systemCtx('bench:data');
  const c = await createConnector(p, ctx, legal.id, how.connector);
  const w0 = performance.now();
  const run = await runSync(p, ctx, c.id, how.run);
  const wallMs = Math.round(performance.now() - w0);
  const stored = await storedOf(p, c.id);
  const sampleMismatches = await checkSynced(p, legal, from, rows, 200);
  const r: SyncResult = {
    source,
    rows,
    prepareMs,
    run: runSummary(run),
    wallMs,
    rowsPerS: Math.round(run.rowsRead / (wallMs / 1000)),
    stored,
    sampled: 200,
    sampleMismatches,
  };
  console.log(
    `  ${source} sync of ${fmt(rows)} rows (${note}): ${run.status}, read ${fmt(run.rowsRead)}, written ${fmt(run.rowsWritten)}, ` +
      `rejected ${run.rowsRejected}${run.error ? `, error ${run.error}` : ''}; ${fmt(wallMs)} ms = ${fmt(r.rowsPerS!)} rows/s; ` +
      `${fmt(stored)} stored, ${sampleMismatches}/200 sampled rows differ; load ${load1()}`,
  );
  return r;
}

// ---------- one database ----------

interface DbResult {
  database: 'PostgreSQL' | 'PGlite';
  skipped?: string;
  startMs?: number;
  persons?: LoadResult;
  enterprises?: LoadResult;
  dataRows?: number;
  dataRowsMiB?: number;
  analyzeMs?: number;
  /** EXPLAIN of the key lookup (the bare routes' and the gateway's row select). */
  plan?: string[];
  samples?: { checked: number; wrong: number };
  scenarios?: Scenario[];
  /** Mean requests/s over the rounds of the three compared scenarios. */
  mean?: { bareSelect: number; unmasked: number; gateway: number };
  grantCallsAfter?: number;
  /** EXPLAIN ANALYZE of the gateway's quota count after the load. */
  keyPlan?: string[];
  leasedCalls?: number;
  /** SQL statements sent per request (sequential probe). */
  statements?: Record<string, number>;
  ratios?: { gatewayVsUnmasked: number; gatewayVsBareSelect: number; unmaskedVsBareSelect: number };
  /** Mean CPU µs per request (bench process + PostgreSQL) of the compared scenarios, and the ratios of the costs. */
  cost?: {
    bareSelect: number;
    unmasked: number;
    gateway: number;
    unmaskedPerGateway: number;
    bareSelectPerGateway: number;
  };
  sync?: SyncResult[];
  dataCallsAfter?: number;
  auditRowsAfter?: number;
  peakRssMiB?: number;
}

async function benchDatabase(
  database: DbResult['database'],
  databaseUrl: string | null,
  persons: number,
  enterprises: number,
): Promise<DbResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-bench-data-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'true',
    SEED_DEMO_CASES: 'false',
    PORT: '0',
    HOST,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  console.log(
    `\n== ${database}${databaseUrl ? ` (${databaseUrl.replace(/\/\/[^@]*@/, '//')})` : ` (DATA_DIR ${dataDir})`}: ` +
      `${fmt(persons)} persons, ${fmt(enterprises)} enterprises; load ${load1()}`,
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  sampler.unref();
  let rt: Runtime | null = null;
  const bare = Fastify({ logger: false });
  try {
    const t0 = performance.now();
    rt = await buildRuntime({ config: loadConfig(env), seed: false, logger: false, webDist: null });
    for (const m of modules)
      if (SEEDED.includes(m.name)) await m.seed?.(rt.platform, (line) => console.log(`  ${line}`));
    await rt.app.listen({ port: 0, host: HOST });
    const startMs = Math.round(performance.now() - t0);
    const addr = rt.app.server.address();
    const base = `http://${HOST}:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const p = rt.platform;
    const db = p.db;
    const secretKey = p.config.secretKey;
    console.log(`  runtime up (migrations + demo seed of ${SEEDED.join(', ')}): ${fmt(startMs)} ms`);

    // ----- the base libraries -----
    const ctx = systemCtx('bench:data');
    const population = await requireResource(db, POPULATION_CODE);
    const legal = await requireResource(db, LEGAL_CODE);
    const bulkConnector = async (r: Resource) =>
      (
        await createConnector(p, ctx, r.id, {
          name: '基准：批量装载（toStored + upsertRows）',
          kind: 'file',
          config: { format: 'csv' },
          syncMode: 'full',
        })
      ).id;
    const personsLoad = await bulkLoad(p, population, await bulkConnector(population), persons, person, '人口');
    console.log(
      `  人口: ${fmt(persons)} persons stored in ${fmt(personsLoad.ms)} ms (${fmt(personsLoad.rowsPerS)} rows/s; ` +
        `encoding ${fmt(personsLoad.encodeMs)} ms of it in this process); load ${load1()}`,
    );
    const enterprisesLoad = await bulkLoad(p, legal, await bulkConnector(legal), enterprises, enterprise, '法人');
    console.log(
      `  法人: ${fmt(enterprises)} enterprises stored in ${fmt(enterprisesLoad.ms)} ms (${fmt(enterprisesLoad.rowsPerS)} rows/s; ` +
        `encoding ${fmt(enterprisesLoad.encodeMs)} ms); load ${load1()}`,
    );
    const a0 = performance.now();
    await sql`analyze data_rows`.execute(db);
    const analyzeMs = Math.round(performance.now() - a0);
    const sizes = await sql<{ n: string; bytes: string }>`
      select (select count(*) from data_rows) as n, pg_total_relation_size('data_rows') as bytes`.execute(db);
    const dataRows = Number(sizes.rows[0]?.n ?? 0);
    const dataRowsMiB = mib(Number(sizes.rows[0]?.bytes ?? 0));
    console.log(
      `  data_rows: ${fmt(dataRows)} rows (with the demo seed's), ${fmt(dataRowsMiB)} MiB with indexes; analyze ${analyzeMs} ms`,
    );

    // ----- grants, clients, tokens -----
    const dep = await db
      .selectFrom('departments')
      .select('id')
      .where('short_name', '=', CONSUMER)
      .where('region_code', '=', '440600')
      .executeTakeFirstOrThrow();
    const period = { periodFrom: dayOf(new Date()), periodTo: `${new Date().getFullYear() + 1}-12-31` };
    const popReq = await fileRequest(p, ctx, {
      resourceId: population.id,
      consumerDepartmentId: dep.id,
      purpose: '社会保险参保登记中核验参保人身份（基准测试）',
      legalBasis: '《社会保险法》第五十八条',
      fields: [...PERSON_FIELDS],
      clearFields: [],
      expectedVolume: 1_000_000,
      ...period,
    });
    // Quota and rate far above the load, so that the gateway checks them on every call but never refuses.
    const popGrant =
      popReq.status === 'pending'
        ? await decide(p, ctx, popReq.id, {
            decision: 'approve',
            dailyQuota: 100_000_000,
            ratePerMinute: 1_000_000,
            expectedVersion: popReq.version,
          })
        : popReq;
    const legalReq = await fileRequest(p, ctx, {
      resourceId: legal.id,
      consumerDepartmentId: dep.id,
      purpose: '用人单位参保登记中核验单位登记信息（基准测试）',
      legalBasis: '《社会保险法》第五十七条',
      fields: [...ENTERPRISE_FIELDS],
      clearFields: [],
      expectedVolume: 200_000,
      ...period,
    });
    // 法人 is shared unconditionally: granted at once with the default quota (10,000/day, 600/min),
    // which the load would exceed; the bench raises it in the grant row (the provider's decision would).
    await db
      .updateTable('data_requests')
      .set({ daily_quota: 100_000_000, rate_per_minute: 1_000_000 })
      .where('id', '=', legalReq.id)
      .execute();
    if (popGrant.status !== 'granted' || legalReq.status !== 'granted')
      throw new Error(`grants not active: 人口 ${popGrant.status}, 法人 ${legalReq.status}`);
    const tokenFor = async (requestId: string) => {
      const c = await createClient(p, ctx, requestId, { name: '社保系统（基准）' });
      const t = await call('POST', `${base}/api/v1/exchange/token`, null, {
        grant_type: 'client_credentials',
        client_id: c.clientId,
        client_secret: c.clientSecret,
      });
      if (t.status !== 200) throw new Error(`token endpoint answered ${t.status} ${t.text.slice(0, 300)}`);
      return JSON.parse(t.text).access_token as string;
    };
    const popToken = await tokenFor(popGrant.id);
    const legalToken = await tokenFor(legalReq.id);

    // ----- expected answers -----
    const gatewayPerson = (n: number, body: string) =>
      body.includes(`"total":1,"rows":[${JSON.stringify(maskedPerson(person(n)))}]`);
    const expectedLegal = (n: number) => {
      const e = expectedEnterprise(enterprise(n));
      const rep = String(e.legal_rep);
      return { ...e, legal_rep: `${rep[0]}${'*'.repeat(rep.length - 1)}` };
    };
    const gatewayEnterprise = (n: number, body: string) =>
      body.includes(`"total":1,"rows":[${JSON.stringify(expectedLegal(n))}]`);
    const unmaskedPerson = (n: number, body: string) => body === JSON.stringify({ row: person(n) });
    const barePerson = (n: number, body: string) =>
      body === `{"found":true,"keyHash":"${valueHash(secretKey, person(n).id_number)}"}`;

    // ----- bare routes, same process, same database handle, same table and index -----
    bare.post<{ Body: { key: string } }>('/bare/select', async (req, reply) => {
      const r = await db
        .selectFrom('data_rows')
        .select(['key_hash', 'clear', 'sealed'])
        .where('resource_id', '=', population.id)
        .where('key_hash', '=', valueHash(secretKey, req.body.key))
        .executeTakeFirst();
      // The same row read by the same index as the lookups; the answer only says that it was found.
      return r ? { found: true, keyHash: r.key_hash } : reply.status(404).send({ found: false });
    });
    bare.post<{ Body: { key: string } }>('/bare/lookup', async (req, reply) => {
      const r = await db
        .selectFrom('data_rows')
        .select(['key_hash', 'clear', 'sealed'])
        .where('resource_id', '=', population.id)
        .where('key_hash', '=', valueHash(secretKey, req.body.key))
        .executeTakeFirst();
      if (!r) return reply.status(404).send({ found: false });
      const v = fromStored(secretKey, r as any);
      return { row: Object.fromEntries(PERSON_FIELDS.map((f) => [f, v[f] ?? null])) };
    });
    await bare.listen({ port: 0, host: HOST });
    const bareAddr = bare.server.address();
    const bareBase = `http://${HOST}:${typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0}`;

    // Sample check through the API before the load.
    let checked = 0;
    let wrong = 0;
    for (let k = 0; k < 20; k++) {
      const n = (k * 49_999) % persons;
      const g = await call('POST', `${base}/api/v1/exchange/query`, popToken, { key: person(n).id_number });
      const u = await call('POST', `${bareBase}/bare/lookup`, null, { key: person(n).id_number });
      const b = await call('POST', `${bareBase}/bare/select`, null, { key: person(n).id_number });
      const m = (k * 7_919) % enterprises;
      const l = await call('POST', `${base}/api/v1/exchange/query`, legalToken, { key: enterprise(m).credit_code });
      for (const [ok, text] of [
        [g.status === 200 && gatewayPerson(n, g.text), g.text],
        [u.status === 200 && unmaskedPerson(n, u.text), u.text],
        [b.status === 200 && barePerson(n, b.text), b.text],
        [l.status === 200 && gatewayEnterprise(m, l.text), l.text],
      ] as const) {
        checked++;
        if (!ok) {
          wrong++;
          if (wrong <= EXAMPLES) console.log(`  sample answer differs: ${String(text).slice(0, 400)}`);
        }
      }
    }
    console.log(`  sample: ${checked} answers checked before the load, ${wrong} wrong`);
    const explain = await sql<{ 'QUERY PLAN': string }>`
      explain analyze select key_hash, clear, sealed from data_rows
      where resource_id = ${population.id} and key_hash = ${valueHash(secretKey, person(persons >> 1).id_number)}`.execute(
      db,
    );
    const plan = explain.rows.map((r) => r['QUERY PLAN']);
    console.log(`  plan of the key lookup:\n${plan.map((l) => `    ${l}`).join('\n')}`);

    // ----- SQL statements per request (sequential probe) -----
    const statements: Record<string, number> = {};
    const probe = async (name: string, url: string, token: string | null, keyOf: (k: number) => string) => {
      const n = await countStatements(async () => {
        for (let k = 0; k < PROBE_REQUESTS; k++) {
          const r = await call('POST', url, token, { key: keyOf(k) });
          if (r.status !== 200) throw new Error(`${name} probe answered ${r.status} ${r.text.slice(0, 200)}`);
        }
      });
      statements[name] = round(n / PROBE_REQUESTS, 2);
    };
    const probeKey = (k: number) => person((k * 31_337 + 17) % persons).id_number;
    await probe('bareSelect', `${bareBase}/bare/select`, null, probeKey);
    await probe('unmasked', `${bareBase}/bare/lookup`, null, probeKey);
    await probe('gateway', `${base}/api/v1/exchange/query`, popToken, probeKey);
    console.log(
      `  SQL statements per request (incl. BEGIN/COMMIT, ${PROBE_REQUESTS} sequential requests each): ` +
        Object.entries(statements)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    );

    // ----- load -----
    const settle = settlerFor(db);
    const personKey = (n: number) => person(n).id_number;
    const compared = [
      {
        name: 'bareSelect',
        label: '(3) bare select-by-key (same row read, answers found)',
        make: lookupLoad(bareBase, '/bare/select', persons, personKey, barePerson),
      },
      {
        name: 'unmasked',
        label: '(2) same lookup, unsealed, unmasked, unaudited',
        make: lookupLoad(bareBase, '/bare/lookup', persons, personKey, unmaskedPerson),
      },
      {
        name: 'gateway',
        label: '(1) gateway POST /exchange/query 人口 by ID number',
        make: lookupLoad(base, '/api/v1/exchange/query', persons, personKey, gatewayPerson, popToken),
      },
    ];
    const sc: Scenario[] = [];
    /** Calls of the 人口 grant so far (the gateway counts today's calls of the grant on every call). */
    const grantCalls = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from data_calls where request_id = ${popGrant.id}`.execute(db))
          .rows[0]?.n ?? 0,
      );
    for (let round_ = 1; round_ <= ROUNDS; round_++) {
      const order = round_ % 2 === 1 ? compared : [...compared].reverse();
      for (const c of order) {
        const before = c.name === 'gateway' ? await grantCalls() : undefined;
        const s = await measure(c.name, `${c.label}, round ${round_}`, settle, c.make);
        sc.push({ ...s, round: round_, grantCallsBefore: before });
      }
    }
    sc.push({
      ...(await measure(
        'gateway1',
        '(1) the same gateway lookup, 1 connection',
        settle,
        lookupLoad(base, '/api/v1/exchange/query', persons, personKey, gatewayPerson, popToken),
        1,
      )),
      round: 0,
    });
    sc.push({
      ...(await measure(
        'gatewayLegal',
        'gateway POST /exchange/query 法人 by credit code',
        settle,
        lookupLoad(
          base,
          '/api/v1/exchange/query',
          enterprises,
          (n) => enterprise(n).credit_code,
          gatewayEnterprise,
          legalToken,
        ),
      )),
      round: 0,
    });
    // The quota and rate check of every gateway call (gateway.ts, `call`), with the calls made so far.
    const grantCallsAfter = await grantCalls();
    // The gateway's one statement per key call (gateway.ts, keyCallStatement), warm.
    const keyPlan = (
      await sql<{ 'QUERY PLAN': string }>`explain analyze ${keyCallStatement(
        createHash('sha256').update(popToken).digest('hex'),
        valueHash(p.config.secretKey, personKey(4242 % persons)),
      )}`.execute(db)
    ).rows.map((r) => r['QUERY PLAN']);
    const leased = (
      await sql<{ period: string; calls: number }>`
        select period, calls from data_grant_usage where request_id = ${popGrant.id} and period like 'd:%'`.execute(db)
    ).rows[0];
    console.log(
      `  after ${fmt(grantCallsAfter)} calls of the grant, ${fmt(leased?.calls ?? 0)} counted in its day counter (leases); ` +
        `key call statement:\n${keyPlan.map((l) => `    ${l}`).join('\n')}`,
    );
    /** Mean requests/s of a compared scenario over the rounds. */
    const meanRps = (n: string) => {
      const xs = sc.filter((s) => s.name === n);
      return round(xs.reduce((a, s) => a + s.rps, 0) / Math.max(1, xs.length));
    };
    const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toPrecision(3)) : 0);
    const mean = { bareSelect: meanRps('bareSelect'), unmasked: meanRps('unmasked'), gateway: meanRps('gateway') };
    const ratios = {
      gatewayVsUnmasked: ratio(mean.gateway, mean.unmasked),
      gatewayVsBareSelect: ratio(mean.gateway, mean.bareSelect),
      unmaskedVsBareSelect: ratio(mean.unmasked, mean.bareSelect),
    };
    const meanCost = (n: string) => {
      const xs = sc.filter((s) => s.name === n);
      return round(xs.reduce((a, s) => a + s.cpuUsPerReq, 0) / Math.max(1, xs.length));
    };
    const costs = { bareSelect: meanCost('bareSelect'), unmasked: meanCost('unmasked'), gateway: meanCost('gateway') };
    const cost = {
      ...costs,
      unmaskedPerGateway: ratio(costs.unmasked, costs.gateway),
      bareSelectPerGateway: ratio(costs.bareSelect, costs.gateway),
    };

    // ----- connector sync into 法人 (new enterprises after the generated ones) -----
    const sync: SyncResult[] = [];
    sync.push(await syncMariaDb(p, legal, enterprises, SYNC_ROWS));
    sync.push(await syncFile(p, legal, enterprises + SYNC_ROWS, SYNC_ROWS, 'csv'));
    sync.push(await syncFile(p, legal, enterprises + 2 * SYNC_ROWS, SYNC_ROWS, 'xlsx'));

    const counts = await sql<{ calls: string; audit: string }>`
      select (select count(*) from data_calls) as calls, (select count(*) from audit_log) as audit`.execute(db);
    return {
      database,
      startMs,
      persons: personsLoad,
      enterprises: enterprisesLoad,
      dataRows,
      dataRowsMiB,
      analyzeMs,
      plan,
      samples: { checked, wrong },
      scenarios: sc,
      mean,
      statements,
      grantCallsAfter,
      keyPlan,
      leasedCalls: leased?.calls ?? 0,
      ratios,
      cost,
      sync,
      dataCallsAfter: Number(counts.rows[0]?.calls ?? 0),
      auditRowsAfter: Number(counts.rows[0]?.audit ?? 0),
      peakRssMiB: mib(peakRss),
    };
  } finally {
    clearInterval(sampler);
    await bare.close();
    if (rt) await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------- PostgreSQL database ----------

async function onPostgres(): Promise<DbResult> {
  return onThrowAwayPostgres(PG_URL, 'data', (url) => benchDatabase('PostgreSQL', url, PERSONS, ENTERPRISES));
}

// ---------- report ----------

function verdicts(r: DbResult): string[] {
  if (!r.scenarios || !r.ratios || !r.mean) return [];
  const one = (n: string) => r.scenarios!.find((s) => s.name === n);
  const bad = r.scenarios.reduce((a, s) => a + s.answers.wrong + s.non2xx + s.errors + s.timeouts, 0);
  const met = (x: number, t: number) => (x >= t ? 'met' : 'NOT met');
  const g1 = one('gateway1');
  const legal = one('gatewayLegal');
  return [
    `gateway ${fmt(r.mean.gateway)} req/s = ${r.ratios.gatewayVsUnmasked} × the unmasked, unaudited lookup (${fmt(r.mean.unmasked)} req/s; ` +
      `target ≥ ${TARGET.gatewayVsUnmasked}): ${met(r.ratios.gatewayVsUnmasked, TARGET.gatewayVsUnmasked)} (means over ${ROUNDS} rounds)`,
    `gateway = ${r.ratios.gatewayVsBareSelect} × the bare select-by-key (${fmt(r.mean.bareSelect)} req/s; ` +
      `target ≥ ${TARGET.gatewayVsBareSelect}): ${met(r.ratios.gatewayVsBareSelect, TARGET.gatewayVsBareSelect)}`,
    `unmasked lookup = ${r.ratios.unmaskedVsBareSelect} × the bare select (the cost of unsealing and shaping)`,
    ...(r.cost
      ? [
          `CPU per request (bench process + PostgreSQL): gateway ${fmt(r.cost.gateway)} µs, unmasked ${fmt(r.cost.unmasked)} µs, ` +
            `bare select ${fmt(r.cost.bareSelect)} µs; on a CPU-bound machine the gateway could reach ` +
            `${r.cost.unmaskedPerGateway} × the unmasked lookup and ${r.cost.bareSelectPerGateway} × the bare select`,
        ]
      : []),
    ...(g1 ? [`gateway at 1 connection: ${fmt(g1.rps)} req/s, p50 ${g1.p50} ms, p99 ${g1.p99} ms`] : []),
    ...(legal
      ? [`gateway 法人 by credit code: ${fmt(legal.rps)} req/s, p50 ${legal.p50} ms, p99 ${legal.p99} ms`]
      : []),
    ...(r.statements
      ? [
          `SQL statements per request: ${Object.entries(r.statements)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        ]
      : []),
    `answers: ${fmt(r.scenarios.reduce((a, s) => a + s.answers.right, 0))} right, ${r.scenarios.reduce((a, s) => a + s.answers.wrong, 0)} wrong; ` +
      `non-2xx, errors and timeouts ${r.scenarios.reduce((a, s) => a + s.non2xx + s.errors + s.timeouts, 0)}` +
      (bad ? ' — CHECK' : ''),
    ...(r.sync ?? []).map((s) =>
      s.skipped
        ? `sync from ${s.source}: skipped (${s.skipped})`
        : `sync from ${s.source}: ${fmt(s.rows!)} rows in ${fmt(s.wallMs!)} ms = ${fmt(s.rowsPerS!)} rows/s ` +
          `(${s.run!.status}, ${fmt(s.run!.rowsWritten)} written, ${s.run!.rowsRejected} rejected; ${fmt(s.stored!)} stored, ` +
          `${s.sampleMismatches}/${s.sampled} sampled rows differ)`,
    ),
  ];
}

function markdown(results: DbResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`#### ${r.database}`, '');
    if (r.skipped) {
      lines.push(`Skipped: ${r.skipped}`, '');
      continue;
    }
    const pl = r.persons!;
    const el = r.enterprises!;
    lines.push(
      `Data: ${fmt(pl.rows)} persons in ${fmt(pl.ms)} ms (${fmt(pl.rowsPerS)} rows/s, encoding ${fmt(pl.encodeMs)} ms), ` +
        `${fmt(el.rows)} enterprises in ${fmt(el.ms)} ms (${fmt(el.rowsPerS)} rows/s); data_rows ${fmt(r.dataRows!)} rows, ` +
        `${fmt(r.dataRowsMiB!)} MiB with indexes. Sample before the load: ${r.samples!.checked} answers, ${r.samples!.wrong} wrong. ` +
        `Peak RSS of the bench process ${fmt(r.peakRssMiB!)} MiB.`,
      '',
      '| Scenario | Requests/s | p50 / p90 / p99 ms | Requests | Right / wrong answers | Non-2xx | CPU % (bench process + PostgreSQL) | CPU µs per request | Load |',
      '|---|---:|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const x of r.scenarios!)
      lines.push(
        `| ${x.label} | ${fmt(x.rps)} | ${x.p50} / ${x.p90} / ${x.p99} | ${fmt(x.total)} | ${fmt(x.answers.right)} / ${x.answers.wrong} | ` +
          `${x.non2xx + x.errors + x.timeouts} | ${x.cpuPct}${x.pgCpuPct === null ? '' : ` + ${x.pgCpuPct}`} | ${fmt(x.cpuUsPerReq)} | ${x.load1} |`,
      );
    lines.push(
      '',
      '| Sync | Rows | ms | Rows/s | Written | Rejected | Sampled rows differing |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const s of r.sync ?? [])
      lines.push(
        s.skipped
          ? `| ${s.source} | skipped: ${s.skipped} | | | | | |`
          : `| ${s.source} | ${fmt(s.rows!)} | ${fmt(s.wallMs!)} | ${fmt(s.rowsPerS!)} | ${fmt(s.run!.rowsWritten)} | ${s.run!.rowsRejected} | ${s.sampleMismatches} / ${s.sampled} |`,
      );
    lines.push('', ...verdicts(r).map((v) => `- ${v}`), '');
  }
  return lines.join('\n');
}

function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  let mhz: number | null = null;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /model name\s*:\s*(.+)/.exec(info);
    if (m) cpuModel = m[1]!.trim();
    const f = /cpu MHz\s*:\s*([\d.]+)/.exec(info);
    if (f) mhz = Math.round(Number(f[1]));
  } catch {
    // not Linux
  }
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000 }).trim();
    } catch {
      return 'unavailable';
    }
  };
  return { cpuModel, cpuMHz: mhz, nproc: run('nproc', []), freeH: run('free', ['-h']), node: process.version };
}

// ---------- main ----------

async function main() {
  const started = performance.now();
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const m = machine();
  console.log(
    `Yiwang data exchange benchmark: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario; ` +
      `${m.cpuModel}, nproc ${m.nproc}, Node ${m.node}; load average at start ${loadAtStart.join(' / ')}.\n${m.freeH}`,
  );
  const results: DbResult[] = [];
  if (WHICH === 'both' || WHICH === 'postgres' || WHICH === 'postgresql') results.push(await onPostgres());
  if (WHICH === 'both' || WHICH === 'pglite')
    results.push(await benchDatabase('PGlite', null, PGLITE_PERSONS, PGLITE_ENTERPRISES));

  for (const r of results) {
    if (r.skipped) continue;
    console.log(`\n${r.database}`);
    for (const v of verdicts(r)) console.log(`  ${v}`);
  }
  const totalS = round((performance.now() - started) / 1000);
  const report = {
    date: new Date().toISOString(),
    machine: m,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((x) => round(x, 2)) },
    settings: {
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_S,
      durationSeconds: DURATION_S,
      loadBatch: LOAD_BATCH,
      syncRows: SYNC_ROWS,
      stride: STRIDE,
    },
    targets: TARGET,
    totalSeconds: totalS,
    results,
  };
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `data-${report.date.slice(0, 10)}-${WHICH}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\nMarkdown (paste into docs/benchmarks.md):\n\n` +
      `Run ${report.date}: ${m.cpuModel}, nproc ${m.nproc}, Node ${m.node}; load average (1/5/15 min) ` +
      `${report.loadAverage.atStart.join(' / ')} at start, ${report.loadAverage.atEnd.join(' / ')} at end; ${totalS} s.\n\n` +
      markdown(results),
  );
  console.log(
    `Load average at end: ${report.loadAverage.atEnd.join(' / ')}. Results written to ${file}; total ${totalS} s.`,
  );
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error('data benchmark failed:', e);
    process.exit(1);
  });
