/**
 * Yiwang performance benchmark (`npm run bench`): start-up time, throughput and latency of a
 * few representative routes against a bare Fastify baseline, and peak RSS — on PGlite and, when
 * reachable, on PostgreSQL. All traffic goes to 127.0.0.1. See docs/benchmarks.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openDatabase } from '@yiwang/platform';
import { buildRuntime, type Runtime } from '@yiwang/server';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { adminQuery, databaseUrl, uniqueDbName } from '../tests/pg-admin.ts';
import { generateGrids, LATTICE, pointsInsideLattice } from './generate.ts';

const ROOT = join(import.meta.dirname, '..');
const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const DURATION_S = Number(process.env.BENCH_DURATION || 8);
const WARMUP_S = 1;
const CONNECTIONS = 10;
const USERNAME = 'window01';
const PASSWORD = 'Yiwang@2026';
const HOST = '127.0.0.1';

// ---------- memory sampling (the server runs in this process, together with autocannon) ----------

let phasePeakRss = 0;
let scenarioPeakRss = 0;
let overallPeakRss = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > phasePeakRss) phasePeakRss = rss;
  if (rss > scenarioPeakRss) scenarioPeakRss = rss;
  if (rss > overallPeakRss) overallPeakRss = rss;
}, 100);
sampler.unref();
const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

// ---------- helpers ----------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls GET /healthz until it answers 200 (bounded by timeoutMs). */
async function waitHealthy(port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('server process exited before /healthz answered');
    try {
      const r = await fetch(`http://${HOST}:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`/healthz did not answer within ${timeoutMs} ms`);
}

type Env = Record<string, string>;

interface Started {
  rt: Runtime;
  port: number;
  ms: number;
}

/** buildRuntime + listen + first /healthz answer, in this process. */
async function startInProcess(env: Env): Promise<Started> {
  const t0 = performance.now();
  const config = loadConfig(env);
  const rt = await buildRuntime({ config, seed: true, logger: false, webDist: null });
  await rt.app.listen({ port: 0, host: HOST });
  const addr = rt.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await waitHealthy(port, 60_000);
  return { rt, port, ms: Math.round(performance.now() - t0) };
}

/** VmRSS / VmHWM (peak) of another process, from /proc (Linux only; null elsewhere). */
function procRss(pid: number | undefined): { rssMiB: number; hwmMiB: number } | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s*(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
    return { rssMiB: mib(kb('VmRSS') * 1024), hwmMiB: mib(kb('VmHWM') * 1024) };
  } catch {
    return null;
  }
}

/**
 * A fresh `node --import tsx apps/server/src/main.ts` process (what `npm start` runs): time until
 * /healthz answers, and that process's RSS right then (its own, without the load generator).
 */
async function coldProcessStart(env: Env): Promise<{ ms: number; rss: { rssMiB: number; hwmMiB: number } | null }> {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/server/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    await waitHealthy(port, 60_000, () => !exited);
    const ms = Math.round(performance.now() - t0);
    return { ms, rss: procRss(child.pid) };
  } finally {
    if (!exited) child.kill('SIGTERM');
    const stopped = await Promise.race([exit.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped && !exited) {
      child.kill('SIGKILL');
      await exit;
    }
  }
}

// ---------- load ----------

interface Scenario {
  name: string;
  label: string;
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  ratio: number | null;
  peakRssMiB: number;
  note?: string;
}

async function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** 1 s warm-up (discarded), then DURATION_S measured, CONNECTIONS connections. */
async function measure(name: string, label: string, opts: autocannon.Options): Promise<Scenario> {
  scenarioPeakRss = process.memoryUsage().rss;
  await cannon({ ...opts, connections: CONNECTIONS, duration: WARMUP_S });
  const r = await cannon({ ...opts, connections: CONNECTIONS, duration: DURATION_S });
  const s: Scenario = {
    name,
    label,
    rps: Math.round(r.requests.average * 10) / 10,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    ratio: null,
    peakRssMiB: mib(scenarioPeakRss),
  };
  console.log(
    `  ${label.padEnd(28)} ${String(s.rps).padStart(9)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  ` +
      `(${s.total} requests, non-2xx ${s.non2xx}, errors ${s.errors}, timeouts ${s.timeouts}; peak RSS ${s.peakRssMiB} MiB)`,
  );
  return s;
}

async function login(port: number): Promise<string> {
  const r = await fetch(`http://${HOST}:${port}/api/v1/identity/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password: PASSWORD, tokenType: 'bearer' }),
  });
  if (!r.ok) throw new Error(`sign-in as ${USERNAME} failed: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { token?: string };
  if (!body.token) throw new Error('sign-in returned no bearer token');
  return body.token;
}

// ---------- one database ----------

interface DbResult {
  database: 'PGlite' | 'PostgreSQL';
  skipped?: string;
  startup?: {
    firstStartWithSeedMs: number;
    restartInProcessMs: number;
    restartColdProcessMs: number;
  };
  /** RSS of the fresh server process (no load generator in it) once /healthz answered. */
  coldProcessRss?: { rssMiB: number; hwmMiB: number } | null;
  gridsGenerated?: number;
  gridsInDatabase?: number;
  gridGenerationMs?: number;
  idleRssMiB?: number;
  peakRssMiB?: number;
  scenarios?: Scenario[];
  locateMisses?: number;
}

async function benchDatabase(
  database: 'PGlite' | 'PostgreSQL',
  databaseUrl: string | null,
  baselinePort: number,
): Promise<DbResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-bench-'));
  const env: Env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'true', PORT: '0', HOST };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  console.log(
    `\n== ${database}${databaseUrl ? ` (${databaseUrl.replace(/\/\/[^@]*@/, '//')})` : ` (DATA_DIR ${dataDir})`}`,
  );
  phasePeakRss = process.memoryUsage().rss;
  let rt: Runtime | null = null;
  try {
    // 1. start-up: empty database (migrations + demo seed), then the existing data
    const first = await startInProcess(env);
    await first.rt.close();
    console.log(`  first start, empty database (migrate + seed): ${first.ms} ms`);

    const handle = await openDatabase({
      databaseUrl,
      dataDir: databaseUrl ? null : join(dataDir, 'pglite'),
    });
    const gen = await generateGrids(handle.db);
    await sql`analyze grids`.execute(handle.db);
    const counted = await handle.db
      .selectFrom('grids')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await handle.close();
    console.log(`  generated ${gen.inserted} grids in ${gen.ms} ms (${counted.n} grids in the database)`);

    const cold = await coldProcessStart(env);
    console.log(
      `  restart on existing data, fresh node process (npm start path): ${cold.ms} ms` +
        (cold.rss ? `; its RSS then ${cold.rss.rssMiB} MiB (peak ${cold.rss.hwmMiB} MiB)` : ''),
    );

    const warm = await startInProcess(env);
    rt = warm.rt;
    console.log(`  restart on existing data, in this process: ${warm.ms} ms`);
    const idleRss = process.memoryUsage().rss;

    // 2–3. load
    const port = warm.port;
    const base = `http://${HOST}:${port}`;
    const token = await login(port);
    const auth = { authorization: `Bearer ${token}` };
    const scenarios: Scenario[] = [];

    scenarios.push(await measure('baseline', 'baseline GET /bare', { url: `http://${HOST}:${baselinePort}/bare` }));
    scenarios.push(
      await measure('login', 'sign-in POST login (argon2id)', {
        url: `${base}/api/v1/identity/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USERNAME, password: PASSWORD, tokenType: 'bearer' }),
      }),
    );
    scenarios.push(await measure('me', 'who-am-I GET me', { url: `${base}/api/v1/identity/me`, headers: auth }));

    const points = pointsInsideLattice(5000);
    let next = 0;
    let misses = 0;
    const locate = await measure('locate', 'point-in-grid GET locate', {
      url: base,
      headers: auth,
      requests: [
        {
          method: 'GET',
          headers: auth,
          setupRequest: (req) => {
            const p = points[next++ % points.length]!;
            return { ...req, path: `/api/v1/org/grids/locate?lng=${p.lng}&lat=${p.lat}` };
          },
          onResponse: (status, body) => {
            if (status === 200 && body.includes('"grid":null')) misses++;
          },
        },
      ],
    });
    scenarios.push(locate);
    if (misses > 0) locate.note = `${misses} responses found no grid`;
    console.log(`  locate: ${misses} of the answered points found no grid (expected 0)`);

    const baseline = scenarios[0]!.rps;
    for (const s of scenarios) s.ratio = baseline > 0 ? Number((s.rps / baseline).toPrecision(2)) : null;

    return {
      database,
      startup: { firstStartWithSeedMs: first.ms, restartInProcessMs: warm.ms, restartColdProcessMs: cold.ms },
      coldProcessRss: cold.rss,
      gridsGenerated: gen.inserted,
      gridsInDatabase: Number(counted.n),
      gridGenerationMs: gen.ms,
      idleRssMiB: mib(idleRss),
      peakRssMiB: mib(phasePeakRss),
      scenarios,
      locateMisses: misses,
    };
  } finally {
    if (rt) await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresReachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await c.end().catch(() => {});
  }
}

// ---------- report ----------

function machine() {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    // not Linux
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memTotalGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    memFreeGiB: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function markdown(results: DbResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`### ${r.database}`, '');
    if (r.skipped) {
      lines.push(`Skipped: ${r.skipped}`, '');
      continue;
    }
    const s = r.startup!;
    lines.push(
      `Start-up: empty database (migrations + demo seed) ${s.firstStartWithSeedMs} ms; ` +
        `existing data, fresh process ${s.restartColdProcessMs} ms; existing data, in-process ${s.restartInProcessMs} ms. ` +
        `Grids: ${r.gridsInDatabase} (${r.gridsGenerated} generated in ${r.gridGenerationMs} ms).`,
      '',
      '| Scenario | Requests/s | p50 ms | p99 ms | Requests | Non-2xx | Errors | × baseline | Peak RSS MiB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const x of r.scenarios!)
      lines.push(
        `| ${x.label} | ${x.rps} | ${x.p50} | ${x.p99} | ${x.total} | ${x.non2xx} | ${x.errors} | ${x.ratio ?? '–'} | ${x.peakRssMiB} |`,
      );
    lines.push(
      '',
      `Peak RSS of the bench process (server + autocannon + baseline app, one process): ${r.peakRssMiB} MiB ` +
        `(idle after start ${r.idleRssMiB} MiB). ` +
        (r.coldProcessRss
          ? `A fresh server process alone (no load generator), just after start on the existing data: ` +
            `${r.coldProcessRss.rssMiB} MiB (peak ${r.coldProcessRss.hwmMiB} MiB).`
          : ''),
      '',
    );
  }
  return lines.join('\n');
}

function table(r: DbResult): void {
  if (r.skipped || !r.scenarios) return;
  console.log(`\n${r.database}`);
  console.log(
    `${'scenario'.padEnd(30)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'non-2xx'.padStart(9)}${'× base'.padStart(9)}${'RSS MiB'.padStart(10)}`,
  );
  for (const x of r.scenarios)
    console.log(
      `${x.label.padEnd(30)}${String(x.rps).padStart(10)}${String(x.p50).padStart(9)}${String(x.p99).padStart(9)}${String(x.non2xx).padStart(9)}${String(x.ratio ?? '-').padStart(9)}${String(x.peakRssMiB).padStart(10)}`,
    );
  console.log(`peak RSS (bench process = server + load generator): ${r.peakRssMiB} MiB`);
}

// ---------- main ----------

async function main() {
  const started = performance.now();
  console.log(
    `Yiwang benchmark: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario; ` +
      `lattice ${LATTICE.side}×${LATTICE.side} grids. The server runs in this process.`,
  );

  const bare = Fastify({ logger: false });
  bare.get('/bare', async () => ({ ok: true }));
  await bare.listen({ port: 0, host: HOST });
  const bareAddr = bare.server.address();
  const baselinePort = typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0;

  const results: DbResult[] = [];
  try {
    results.push(await benchDatabase('PGlite', null, baselinePort));

    const unreachable = await postgresReachable();
    if (unreachable) {
      console.log(`\n== PostgreSQL: SKIPPED — not reachable at ${PG_URL} (${unreachable})`);
      results.push({ database: 'PostgreSQL', skipped: `not reachable at ${PG_URL} (${unreachable})` });
    } else {
      const dbName = uniqueDbName('yw_bench');
      await adminQuery(PG_URL, `create database ${dbName}`);
      try {
        results.push(await benchDatabase('PostgreSQL', databaseUrl(PG_URL, dbName), baselinePort));
      } finally {
        await adminQuery(PG_URL, `drop database if exists ${dbName} with (force)`);
      }
    }
  } finally {
    await bare.close();
  }

  for (const r of results) table(r);
  const totalS = Math.round((performance.now() - started) / 100) / 10;
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_S, durationSeconds: DURATION_S, lattice: LATTICE },
    note: 'Server, baseline app and autocannon share one Node process; RSS is that process.',
    overallPeakRssMiB: mib(overallPeakRss),
    totalSeconds: totalS,
    results,
  };
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.date.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  console.log(`\nMarkdown (paste into docs/benchmarks.md):\n\n${markdown(results)}`);
  console.log(`Results written to ${file}; total ${totalS} s.`);
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error('benchmark failed:', e);
    process.exit(1);
  });
