/**
 * Cases benchmark (`npm run bench:cases`): case submission, the staff inbox and catalog search
 * with 1,000,000 generated cases, against bare baseline routes of the same run, on PostgreSQL
 * and PGlite. All traffic goes to 127.0.0.1. See docs/benchmarks.md ("Cases benchmark").
 *
 * Environment:
 *   BENCH_DB=both|postgres|pglite   which back ends (default both; PostgreSQL first)
 *   BENCH_PG_URL=postgres://…       server to create the throw-away database on
 *   BENCH_CASES=1000000             generated cases on PostgreSQL
 *   BENCH_PGLITE_CASES=…            generated cases on PGlite (default: BENCH_CASES)
 *   BENCH_EVENTS=ends|full          case_events per case (see bench/cases-data.ts)
 *   BENCH_INDEXES=0                 drop the inbox indexes of 0039_cases_bench_indexes (a "before" run)
 *   BENCH_DURATION=8                measured seconds per scenario (after 1 s warm-up)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Db, dayOf, loadConfig, openDatabase } from '@yiwang/platform';
import { buildRuntime, type Runtime } from '@yiwang/server';
import { idNumberCheckDigit } from '@yiwang/shared';
import type autocannon from 'autocannon';
import Fastify from 'fastify';
import { CompiledQuery, sql } from 'kysely';
import { type CaseGenResult, generateCases } from './cases-data.ts';
import { cannon, onThrowAwayPostgres, profiled, settlerFor } from './lib.ts';

const ROOT = join(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const WHICH = (process.env.BENCH_DB || 'both').toLowerCase();
const PG_CASES = Number(process.env.BENCH_CASES || 1_000_000);
const PGLITE_CASES = Number(process.env.BENCH_PGLITE_CASES || PG_CASES);
const EVENTS = process.env.BENCH_EVENTS === 'full' ? 'full' : 'ends';
const DURATION_S = Number(process.env.BENCH_DURATION || 8);
const WARMUP_S = 1;
const CONNECTIONS = 10;
const CITIZENS = 8;
const INDEXES = process.env.BENCH_INDEXES !== '0';
/** The inbox indexes of migration 0039_cases_bench_indexes (packages/modules/cases/src/migrations.ts). */
const INBOX_INDEXES = [
  'cases_inbox_department',
  'cases_inbox_open',
  'cases_inbox_active',
  'cases_inbox_active_due',
  'cases_inbox_region',
  'cases_inbox_due',
];
const STAFF = 'approver01';
const PASSWORD = 'Yiwang@2026';
const CITIZEN_PASSWORD = 'Citizen#2026';

/** Targets of the issue. */
const TARGET = { submitVsInsert: 0.5, inboxP99PgMs: 50, searchP99Ms: 20 };

const _sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;

// ---------- load ----------

interface Scenario {
  name: string;
  label: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 1-minute load average of the machine when the scenario ended (other work on the host shows here). */
  load1: number;
  /** requests/s relative to the scenario's baseline */
  ratio?: number;
  baseline?: string;
}

/**
 * Waits until the database has no query left from the previous load (requests that autocannon
 * abandoned keep running in the server): on PGlite the probe itself queues behind them, on
 * PostgreSQL it also polls pg_stat_activity. Bounded by 60 s.
 */
let settle: () => Promise<void> = async () => {};

async function measure(name: string, label: string, opts: autocannon.Options): Promise<Scenario> {
  await cannon({ connections: CONNECTIONS, ...opts, duration: WARMUP_S });
  await settle();
  const r = await profiled('cases', name, () => cannon({ connections: CONNECTIONS, ...opts, duration: DURATION_S }));
  await settle();
  const s: Scenario = {
    name,
    label,
    rps: Math.round(r.requests.average * 10) / 10,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    load1: Math.round(loadavg()[0]! * 100) / 100,
  };
  console.log(
    `  ${label.padEnd(44)} ${String(s.rps).padStart(8)} req/s  p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  max ${s.max} ms ` +
      `(${s.total} req, non-2xx ${s.non2xx}, errors ${s.errors}, timeouts ${s.timeouts}; load ${s.load1})`,
  );
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
  return { status: r.status, body: text ? JSON.parse(text) : null, text };
}

async function login(base: string, username: string, password: string): Promise<string> {
  const r = await call('POST', `${base}/api/v1/identity/login`, null, { username, password, tokenType: 'bearer' });
  if (r.status !== 200 || !r.body?.token) throw new Error(`sign-in as ${username} failed: ${r.status} ${r.text}`);
  return r.body.token;
}

/** A valid GB 11643 number: 440604 (禅城区), born 1985-01-01 + n days, sequence 1xx. */
function idNumber(n: number): string {
  const birth = new Date(Date.UTC(1985, 0, 1) + n * 86_400_000 * 37);
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `440604${ymd}${String(100 + n).padStart(3, '0')}`;
  return body + idNumberCheckDigit(body);
}

interface Citizen {
  token: string;
  accountId: string;
  idNumber: string;
  name: string;
  fileId: string | null;
}

async function citizens(base: string): Promise<Citizen[]> {
  const out = [];
  const names = ['陈志明', '林晓燕', '黄国强', '梁淑仪', '何家豪', '罗美玲', '郭振华', '周丽萍', '吴俊杰', '徐慧敏'];
  for (let i = 0; i < CITIZENS; i++) {
    const id = idNumber(i);
    const name = names[i % names.length]!;
    const reg = await call('POST', `${base}/api/v1/identity/register`, null, {
      type: 'person',
      name,
      idNumber: id,
      phone: `139${String(20260000 + i).padStart(8, '0')}`,
      password: CITIZEN_PASSWORD,
    });
    if (reg.status !== 201) throw new Error(`registering citizen ${i} failed: ${reg.status} ${reg.text}`);
    out.push({
      token: await login(base, id, CITIZEN_PASSWORD),
      accountId: reg.body.id as string,
      idNumber: id,
      name,
      fileId: null,
    });
  }
  return out;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/**
 * One uploaded PDF per citizen, attached to every UPLOAD material of its applications. Uses
 * POST /cases/files; where that route does not exist (yet), inserts the row an upload writes.
 */
async function uploadFile(base: string, db: Db, c: Citizen): Promise<{ id: string | null; how: string }> {
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'bench.pdf');
  const r = await fetch(`${base}/api/v1/cases/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}` },
    body: form,
  });
  const text = await r.text();
  if (r.status === 201) return { id: JSON.parse(text).id, how: 'POST /cases/files' };
  if (r.status !== 404) throw new Error(`upload failed: ${r.status} ${text}`);
  const hasTable = await sql<{ t: string | null }>`select to_regclass('case_files')::text as t`.execute(db);
  if (!hasTable.rows[0]?.t) return { id: null, how: 'no files (no case_files table)' };
  const id = crypto.randomUUID();
  await db
    .insertInto('case_files')
    .values({
      id,
      owner_account_id: c.accountId,
      name: 'bench.pdf',
      mime: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      content: PDF,
    })
    .execute();
  return { id, how: 'row inserted into case_files (POST /cases/files answered 404)' };
}

/** Every required material of an item: a commitment where the item allows it, else the uploaded file. */
function materialsFor(materials: any[] | undefined, c: Citizen) {
  return (materials ?? [])
    .filter((m) => m.required)
    .map((m) =>
      m.fulfilment === 'COMMITMENT'
        ? { name: m.name, fulfilment: 'COMMITMENT', commitment: true }
        : { name: m.name, fulfilment: 'UPLOAD', fileIds: c.fileId ? [c.fileId] : [] },
    );
}

/** Form data that satisfies an item's form schema (required string fields). */
function formFor(schema: any, who: { idNumber: string; name: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, def] of Object.entries<any>(schema?.properties ?? {})) {
    if (def?.type && def.type !== 'string') continue;
    out[key] = /idnumber/i.test(key)
      ? who.idNumber
      : /phone/i.test(key)
        ? '13900139000'
        : /name/i.test(key)
          ? who.name
          : /address/i.test(key)
            ? '佛山市禅城区岭南大道北18号'
            : `${def?.title ?? key}（基准测试）`;
  }
  return out;
}

// ---------- one database ----------

interface Explained {
  query: string;
  rows: number | null;
  executionMs: number | null;
  plan: string;
}

interface DbResult {
  database: 'PostgreSQL' | 'PGlite';
  skipped?: string;
  firstStartMs?: number;
  indexes?: string;
  generation?: CaseGenResult & { requested: number };
  casesInDatabase?: number;
  eventsInDatabase?: number;
  inboxTotals?: Record<string, number>;
  scenarios?: Scenario[];
  skippedScenarios?: Record<string, string>;
  explain?: Explained[];
  tableMiB?: { cases: number; caseEvents: number } | null;
  peakRssMiB?: number;
}

async function explain(db: Db, label: string, query: string, params: unknown[]): Promise<Explained> {
  const { rows } = await db.executeQuery<any>(CompiledQuery.raw(`explain (analyze, buffers) ${query}`, params));
  const plan = rows.map((r) => r['QUERY PLAN'] as string).join('\n');
  const exec = /Execution Time: ([\d.]+) ms/.exec(plan);
  const actualRows = /actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan);
  return {
    query: label,
    rows: actualRows ? Number(actualRows[1]) : null,
    executionMs: exec ? Number(exec[1]) : null,
    plan,
  };
}

const CLOCK = `('ACCEPTED', 'REVIEWING', 'SUSPENDED')`;
const TERMINAL = `('NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED')`;

/**
 * The inbox variants measured. `where` repeats the WHERE clause that `inbox` in
 * packages/modules/cases/src/service.ts builds for that request (as of 2026-11-23), for EXPLAIN
 * ANALYZE: $1 is the approver's department id, $2 today (China time).
 */
const INBOX: { name: string; label: string; who: 'approver' | 'window'; query: string; where: string }[] = [
  {
    name: 'inboxAccepted',
    label: 'inbox ?state=ACCEPTED (approver, department)',
    who: 'approver',
    query: 'state=ACCEPTED&page=1&pageSize=20',
    where: `state <> 'DRAFT' and state = 'ACCEPTED' and department_id = $1`,
  },
  {
    name: 'inboxAll',
    label: 'inbox, all states (approver; the page as it opens)',
    who: 'approver',
    query: 'page=1&pageSize=20',
    where: `state <> 'DRAFT' and department_id = $1`,
  },
  {
    name: 'inboxOpen',
    label: 'inbox ?view=open (approver; the web inbox as it opens since 2026-12-03)',
    who: 'approver',
    query: 'view=open&page=1&pageSize=20',
    // the first page comes from the cases on the clock (the service counts all open ones as well)
    where: `state <> 'DRAFT' and state not in ${TERMINAL} and state in ${CLOCK} and department_id = $1`,
  },
  {
    name: 'inboxOverdue',
    label: 'inbox ?deadline=overdue (approver)',
    who: 'approver',
    query: 'deadline=overdue&page=1&pageSize=20',
    where: `state <> 'DRAFT' and state in ${CLOCK} and due_day < $2 and department_id = $1`,
  },
  {
    name: 'inboxNormalCount',
    label: 'inbox ?deadline=normal&pageSize=1 (count card)',
    who: 'approver',
    query: 'deadline=normal&page=1&pageSize=1',
    where:
      `state <> 'DRAFT' and (state not in ${CLOCK} or due_day is null or ` +
      `(due_day >= $2 and (warn_day is null or warn_day > $2))) and department_id = $1`,
  },
  {
    name: 'inboxRegion',
    label: 'inbox, all states (window01, region 440604)',
    who: 'window',
    query: 'page=1&pageSize=20',
    where: `state <> 'DRAFT' and region_code like '440604%'`,
  },
];

async function benchDatabase(database: 'PostgreSQL' | 'PGlite', databaseUrl: string | null): Promise<DbResult> {
  const count = databaseUrl ? PG_CASES : PGLITE_CASES;
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-bench-cases-'));
  console.log(
    `\n== ${database}${databaseUrl ? ` (${databaseUrl.replace(/\/\/[^@]*@/, '//')})` : ` (DATA_DIR ${dataDir})`}: ` +
      `${count.toLocaleString('en')} cases, events ${EVENTS}`,
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 200);
  const handle = await openDatabase({ databaseUrl, dataDir: databaseUrl ? null : join(dataDir, 'pglite') });
  const db = handle.db;
  let rt: Runtime | null = null;
  const bare = Fastify({ logger: false });
  try {
    const t0 = performance.now();
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'true', PORT: '0', HOST });
    rt = await buildRuntime({ config, handle, seed: true, logger: false, webDist: null });
    const firstStartMs = Math.round(performance.now() - t0);
    console.log(`  migrations + demo seed: ${firstStartMs} ms`);
    // The inbox indexes of 0039_cases_bench_indexes and 0070_cases_inbox_active: kept, or dropped for a "before" run.
    const present = (
      await sql<{ n: string }>`
        select count(*) as n from pg_indexes where tablename = 'cases' and indexname in (${sql.join(INBOX_INDEXES)})
      `.execute(db)
    ).rows[0]!;
    let indexes = `${present.n} of ${INBOX_INDEXES.length} inbox indexes (0039_cases_bench_indexes, 0070_cases_inbox_active)`;
    if (!INDEXES) {
      for (const name of INBOX_INDEXES) await sql`drop index if exists ${sql.id(name)}`.execute(db);
      indexes = 'without the inbox indexes of 0039 and 0070 (dropped by the bench, BENCH_INDEXES=0)';
    }
    console.log(`  inbox indexes: ${indexes}`);

    // ----- data -----
    let lastLog = 0;
    const gen = await generateCases(db, {
      count,
      batch: databaseUrl ? 100_000 : 50_000,
      events: EVENTS,
      onProgress: (done, total, ms) => {
        if (done === total || ms - lastLog > 15_000) {
          lastLog = ms;
          console.log(`  generated ${done.toLocaleString('en')} / ${total.toLocaleString('en')} cases, ${ms} ms`);
        }
      },
    });
    const counts = (
      await sql<{ cases: string; events: string }>`
        select (select count(*) from cases) as cases, (select count(*) from case_events) as events
      `.execute(db)
    ).rows[0]!;
    console.log(
      `  load: ${gen.inserted.toLocaleString('en')} cases + ${gen.events.toLocaleString('en')} events in ${gen.ms} ms ` +
        `(of which VACUUM ANALYZE ${gen.analyzeMs} ms), over ${gen.items} items; ` +
        `database holds ${Number(counts.cases).toLocaleString('en')} cases, ${Number(counts.events).toLocaleString('en')} events`,
    );
    console.log(
      `  states: ${Object.entries(gen.byState)
        .sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    let tableMiB: DbResult['tableMiB'] = null;
    try {
      const sz = (
        await sql<{ c: string; e: string }>`
          select pg_total_relation_size('cases') as c, pg_total_relation_size('case_events') as e
        `.execute(db)
      ).rows[0]!;
      tableMiB = { cases: mib(Number(sz.c)), caseEvents: mib(Number(sz.e)) };
      console.log(`  size with indexes: cases ${tableMiB.cases} MiB, case_events ${tableMiB.caseEvents} MiB`);
    } catch {
      // size functions unavailable
    }

    // ----- bare baselines (same process, same database handle) -----
    await sql`
      create table if not exists bench_scratch (
        id text primary key,
        payload jsonb not null,
        created_at timestamptz not null default now()
      )
    `.execute(db);
    const sampleIds = (await db.selectFrom('cases').select('id').orderBy('id').limit(1000).execute()).map(
      (r: any) => r.id as string,
    );
    bare.get('/bare', async () => ({ ok: true }));
    let nextRow = 0;
    bare.get('/bare/row', async () => {
      const row = await db
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', sampleIds[nextRow++ % sampleIds.length]!)
        .executeTakeFirst();
      return { id: row?.id ?? null };
    });
    bare.post('/bare/insert', async (req, reply) => {
      const id = crypto.randomUUID();
      await db
        .insertInto('bench_scratch')
        .values({ id, payload: JSON.stringify(req.body ?? {}) })
        .execute();
      return reply.status(201).send({ id });
    });
    await bare.listen({ port: 0, host: HOST });
    const bareAddr = bare.server.address();
    const bareBase = `http://${HOST}:${typeof bareAddr === 'object' && bareAddr ? bareAddr.port : 0}`;

    await rt.app.listen({ port: 0, host: HOST });
    const addr = rt.app.server.address();
    const base = `http://${HOST}:${typeof addr === 'object' && addr ? addr.port : 0}`;

    // ----- accounts and requests -----
    const staff = await login(base, STAFF, PASSWORD);
    const people = await citizens(base);
    const list = await call('GET', `${base}/api/v1/catalog/items?serviceObject=person&pageSize=100`, null);
    const personItems: { taskCode: string; schema: any; materials: any[] }[] = [];
    for (const it of (list.body?.items ?? []).slice(0, 6)) {
      const guide = await call('GET', `${base}/api/v1/catalog/items/${it.taskCode}`, null);
      personItems.push({ taskCode: it.taskCode, schema: guide.body?.formSchema, materials: guide.body?.materials });
    }
    if (personItems.length === 0) throw new Error('no published item for persons');
    let uploadHow = '';
    for (const p of people) {
      const f = await uploadFile(base, db, p);
      p.fileId = f.id;
      uploadHow = f.how;
    }
    console.log(`  ${people.length} citizens registered; their material file: ${uploadHow}`);
    const bodies = people.flatMap((p) =>
      personItems.map((it) => ({
        auth: `Bearer ${p.token}`,
        body: JSON.stringify({
          taskCode: it.taskCode,
          formData: formFor(it.schema, p),
          materials: materialsFor(it.materials, p),
          submit: true,
        }),
      })),
    );
    // Every body once (also checks that each one is accepted).
    let submitProblem: string | null = null;
    for (const b of bodies) {
      const probe = await call('POST', `${base}/api/v1/cases`, b.auth.slice('Bearer '.length), JSON.parse(b.body));
      if (probe.status !== 201 || probe.body?.case?.state !== 'SUBMITTED') {
        submitProblem = `probe submission answered ${probe.status} ${probe.text.slice(0, 300)}`;
        console.log(`  ${submitProblem}`);
        break;
      }
    }

    const windowStaff = await login(base, 'window01', PASSWORD);
    const inboxUrl = (q: string) => `${base}/api/v1/cases/inbox?${q}`;
    const authOf = (who: 'approver' | 'window') => ({
      authorization: `Bearer ${who === 'approver' ? staff : windowStaff}`,
    });
    const inboxTotals: Record<string, number> = {};
    for (const v of INBOX) {
      const r = await call('GET', inboxUrl(v.query), authOf(v.who).authorization.slice('Bearer '.length));
      if (r.status !== 200) throw new Error(`inbox ${v.query} failed: ${r.status} ${r.text}`);
      inboxTotals[v.label] = r.body.total;
    }
    const food = encodeURIComponent('食品');
    const searchFood = await call('GET', `${base}/api/v1/catalog/items?q=${food}`, null);
    const searchInitials = await call('GET', `${base}/api/v1/catalog/items?q=spjy`, null);
    console.log(
      `  inbox totals: ${Object.entries(inboxTotals)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}; search 食品 → ${searchFood.body?.total} items, spjy → ${searchInitials.body?.total}`,
    );
    if (!(searchFood.body?.total > 0) || !(searchInitials.body?.total > 0))
      throw new Error('catalog search found nothing');

    // ----- load -----
    settle = settlerFor(db);
    const sc: Scenario[] = [];
    sc.push(await measure('bare', 'baseline GET /bare (constant)', { url: `${bareBase}/bare` }));
    sc.push(await measure('bareRow', 'baseline GET /bare/row (1 row by id)', { url: `${bareBase}/bare/row` }));
    sc.push(
      await measure('bareInsert', 'baseline POST /bare/insert (1-row insert)', {
        url: `${bareBase}/bare/insert`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bodies[0]!.body,
      }),
    );
    let nextBody = 0;
    const skipped: Record<string, string> = {};
    if (submitProblem) skipped.submit = submitProblem;
    else
      sc.push(
        await measure('submit', 'POST /cases submit:true (citizen)', {
          url: base,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const b = bodies[nextBody++ % bodies.length]!;
                return {
                  ...req,
                  path: '/api/v1/cases',
                  headers: { 'content-type': 'application/json', authorization: b.auth },
                  body: b.body,
                };
              },
            },
          ],
        }),
      );
    for (const v of INBOX) {
      sc.push(await measure(v.name, `GET ${v.label}`, { url: inboxUrl(v.query), headers: authOf(v.who) }));
      if (v.name !== 'inboxAccepted') continue;
      sc.push(
        await measure('inboxAccepted1', `GET ${v.label}, 1 connection`, {
          url: inboxUrl(v.query),
          headers: authOf(v.who),
          connections: 1,
        }),
      );
    }
    // The web inbox's three count cards, as it loads them since 2026-12-02 (one request).
    sc.push(
      await measure('inboxCounts', 'GET inbox/counts (the three count cards, approver)', {
        url: `${base}/api/v1/cases/inbox/counts`,
        headers: authOf('approver'),
      }),
    );
    // The same cards as the web inbox opens on 待办 (since 2026-12-03): over the open cases only.
    sc.push(
      await measure('inboxCountsOpen', 'GET inbox/counts?view=open (the cards of 待办, approver)', {
        url: `${base}/api/v1/cases/inbox/counts?view=open`,
        headers: authOf('approver'),
      }),
    );
    sc.push(
      await measure('searchFood', 'GET /catalog/items?q=食品', { url: `${base}/api/v1/catalog/items?q=${food}` }),
    );
    sc.push(
      await measure('searchFood1', 'GET /catalog/items?q=食品, 1 connection', {
        url: `${base}/api/v1/catalog/items?q=${food}`,
        connections: 1,
      }),
    );
    sc.push(
      await measure('searchInitials', 'GET /catalog/items?q=spjy (initials)', {
        url: `${base}/api/v1/catalog/items?q=spjy`,
      }),
    );

    const by = (n: string) => sc.find((s) => s.name === n);
    const rel = (s: Scenario | undefined, b: Scenario | undefined) => {
      if (!s || !b) return;
      s.baseline = b.label;
      s.ratio = b.rps > 0 ? Number((s.rps / b.rps).toPrecision(3)) : undefined;
    };
    rel(by('bareRow'), by('bare'));
    rel(by('bareInsert'), by('bare'));
    rel(by('submit'), by('bareInsert'));
    for (const n of [...INBOX.map((v) => v.name), 'searchFood', 'searchInitials']) rel(by(n), by('bare'));

    // ----- EXPLAIN ANALYZE of the inbox SQL -----
    const dep = (await db
      .selectFrom('departments')
      .select('id')
      .where('short_name', '=', '市场监管局')
      .executeTakeFirstOrThrow()) as { id: string };
    const today = dayOf(new Date());
    const explained: Explained[] = [];
    for (const v of INBOX) {
      const params = [dep.id, today].slice(0, v.where.includes('$2') ? 2 : v.where.includes('$1') ? 1 : 0);
      explained.push(await explain(db, `${v.name} count`, `select count(*) from cases where ${v.where}`, params));
      explained.push(
        await explain(
          db,
          `${v.name} page`,
          `select * from cases where ${v.where} order by due_day asc nulls last, created_at limit 20`,
          params,
        ),
      );
    }
    for (const e of explained) console.log(`  EXPLAIN ANALYZE ${e.query}: ${e.executionMs} ms`);

    const final = (
      await sql<{ cases: string; events: string }>`
        select (select count(*) from cases) as cases, (select count(*) from case_events) as events
      `.execute(db)
    ).rows[0]!;
    return {
      database,
      firstStartMs,
      indexes,
      generation: { ...gen, requested: count },
      casesInDatabase: Number(final.cases),
      eventsInDatabase: Number(final.events),
      inboxTotals,
      scenarios: sc,
      skippedScenarios: skipped,
      explain: explained,
      tableMiB,
      peakRssMiB: mib(peakRss),
    };
  } finally {
    clearInterval(sampler);
    await bare.close();
    if (rt) await rt.close();
    else await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------- PostgreSQL database ----------

async function onPostgres(): Promise<DbResult> {
  return onThrowAwayPostgres(PG_URL, 'cases', (url) => benchDatabase('PostgreSQL', url));
}

// ---------- report ----------

function verdicts(r: DbResult): string[] {
  if (!r.scenarios) return [];
  const by = (n: string) => r.scenarios!.find((s) => s.name === n)!;
  const submit = r.scenarios.find((s) => s.name === 'submit');
  const inbox = by('inboxAccepted');
  const out = [
    submit
      ? `submission ${submit.rps} req/s = ${submit.ratio} × bare insert (target ≥ ${TARGET.submitVsInsert}): ` +
        ((submit.ratio ?? 0) >= TARGET.submitVsInsert ? 'met' : 'NOT met')
      : `submission not measured: ${r.skippedScenarios?.submit}`,
    `inbox state=ACCEPTED, ${CONNECTIONS} connections: p99 ${inbox.p99} ms` +
      (r.database === 'PostgreSQL'
        ? ` (target ≤ ${TARGET.inboxP99PgMs} ms): ${inbox.p99 <= TARGET.inboxP99PgMs ? 'met' : 'NOT met'}`
        : ' (target applies to PostgreSQL)'),
  ];
  const one = r.scenarios.find((s) => s.name === 'inboxAccepted1');
  if (one) out.push(`${one.label}: p50 ${one.p50} ms, p99 ${one.p99} ms (service time without queueing)`);
  for (const n of ['searchFood', 'searchFood1', 'searchInitials']) {
    const s = r.scenarios.find((x) => x.name === n);
    if (!s) continue;
    out.push(
      `${s.label} p99 ${s.p99} ms (target ≤ ${TARGET.searchP99Ms} ms): ${s.p99 <= TARGET.searchP99Ms ? 'met' : 'NOT met'}`,
    );
  }
  return out;
}

function markdown(results: DbResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`#### ${r.database}`, '');
    if (r.skipped) {
      lines.push(`Skipped: ${r.skipped}`, '');
      continue;
    }
    const g = r.generation!;
    lines.push(`Indexes: ${r.indexes}.`, '');
    lines.push(
      `Data: ${r.casesInDatabase!.toLocaleString('en')} cases, ${r.eventsInDatabase!.toLocaleString('en')} case events ` +
        `(generated ${g.inserted.toLocaleString('en')} + ${g.events.toLocaleString('en')} in ${(g.ms / 1000).toFixed(1)} s, ` +
        `of which VACUUM ANALYZE ${(g.analyzeMs / 1000).toFixed(1)} s)` +
        (r.tableMiB ? `; cases ${r.tableMiB.cases} MiB, case_events ${r.tableMiB.caseEvents} MiB with indexes` : '') +
        `. Inbox totals: ${Object.entries(r.inboxTotals!)
          .map(([k, n]) => `${k} ${n.toLocaleString('en')} cases`)
          .join(', ')}.`,
      '',
      '| Scenario | Requests/s | p50 ms | p90 ms | p99 ms | Requests | Non-2xx | × baseline |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
    );
    for (const x of r.scenarios!)
      lines.push(
        `| ${x.label} | ${x.rps} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.total} | ${x.non2xx + x.errors + x.timeouts} | ` +
          `${x.ratio != null ? `${x.ratio} × ${x.baseline!.replace(/ \(.*\)$/, '')}` : '–'} |`,
      );
    lines.push(
      '',
      ...verdicts(r).map((v) => `- ${v}`),
      ...Object.entries(r.skippedScenarios ?? {})
        .filter(([k]) => k !== 'submit')
        .map(([k, why]) => `- ${k} not measured: ${why}`),
      '',
    );
    lines.push(`EXPLAIN ANALYZE: ${r.explain!.map((e) => `${e.query} ${e.executionMs} ms`).join('; ')}.`, '');
  }
  return lines.join('\n');
}

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
    node: process.version,
  };
}

async function main() {
  const started = performance.now();
  console.log(
    `Yiwang cases benchmark: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario. ` +
      `The server, the baseline app and autocannon run in this process.`,
  );
  const results: DbResult[] = [];
  if (WHICH === 'both' || WHICH === 'postgres' || WHICH === 'postgresql') results.push(await onPostgres());
  if (WHICH === 'both' || WHICH === 'pglite') results.push(await benchDatabase('PGlite', null));

  for (const r of results) {
    if (r.skipped) continue;
    console.log(`\n${r.database}`);
    for (const v of verdicts(r)) console.log(`  ${v}`);
    for (const e of r.explain ?? []) console.log(`\n  -- ${e.query}\n${e.plan.replace(/^/gm, '    ')}`);
  }
  const totalS = Math.round((performance.now() - started) / 100) / 10;
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    settings: {
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_S,
      durationSeconds: DURATION_S,
      events: EVENTS,
      citizens: CITIZENS,
      staff: STAFF,
    },
    targets: TARGET,
    totalSeconds: totalS,
    results,
  };
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cases-${report.date.slice(0, 10)}-${WHICH}${INDEXES ? '' : '-noindexes'}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nMarkdown (paste into docs/benchmarks.md):\n\n${markdown(results)}`);
  console.log(`Results written to ${file}; total ${totalS} s.`);
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error('cases benchmark failed:', e);
    process.exit(1);
  });
