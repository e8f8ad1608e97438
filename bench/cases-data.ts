/**
 * Synthetic case (办件) generator for the cases benchmark (bench/cases.ts, docs/benchmarks.md).
 *
 * Everything is generated inside the database: one `insert … select … from generate_series`
 * statement per batch writes the cases and, through a data-modifying CTE, their case_events.
 * No row crosses the wire, so PostgreSQL loads 1,000,000 cases in about a minute.
 *
 * Distribution:
 * - items: the published catalog items (latest version each) with a Zipf-like popularity
 *   (weight 1/rank^0.9, rank from a fixed hash of the task code); a case copies the item's
 *   name, department, region and time limits, as `apply` does;
 * - states: every state of the workflow (`STATES`), most concluded (see STATE_WEIGHTS);
 *   unknown (newly added) states get a small default weight;
 * - time: concluded cases over the last 730 days, open ones over the last days/weeks, never today
 *   (so serial numbers cannot collide with those `apply` draws for today);
 * - received_at / accepted_at / due_day / statutory_due_day / suspended_since / outcome /
 *   version follow the path through the state machine (shortest path from DRAFT, staff actions
 *   preferred); due days use 7/5 calendar days per working day;
 * - case_events: `ends` (default) writes the `create` event and the event that entered the
 *   current state (1 row for a draft, 2 otherwise, seq 1 and seq = version); `full` writes one
 *   event per step of the path.
 *
 * Only the columns below are written; NOT NULL columns without a default that the generator does
 * not know (added by a later migration) make it stop with their names instead of guessing.
 */
import { STATES, TRANSITIONS } from '@yiwang/cases';
import type { Db } from '@yiwang/platform';
import { sql } from 'kysely';

/** Marks generated rows (applicant ids); a second run on the same database sees them. */
export const BENCH_APPLICANT_PREFIX = 'bench-applicant-';

/** Per mille of all cases. Sums to 1000. */
export const STATE_WEIGHTS: Record<string, { w: number; ageDays: [number, number] }> = {
  DRAFT: { w: 20, ageDays: [1, 60] },
  SUBMITTED: { w: 15, ageDays: [1, 3] },
  PRE_REVIEW: { w: 10, ageDays: [1, 4] },
  PRE_REVIEW_RETURNED: { w: 5, ageDays: [1, 10] },
  RECEIVED: { w: 10, ageDays: [1, 6] },
  SUPPLEMENT_NOTICE: { w: 8, ageDays: [1, 20] },
  NOT_ACCEPTED: { w: 40, ageDays: [1, 730] },
  ACCEPTED: { w: 25, ageDays: [1, 10] },
  REVIEWING: { w: 35, ageDays: [2, 30] },
  SUSPENDED: { w: 7, ageDays: [5, 60] },
  DECIDED: { w: 15, ageDays: [3, 30] },
  COMPLETED: { w: 60, ageDays: [1, 730] },
  DELIVERED: { w: 680, ageDays: [1, 730] },
  WITHDRAWN: { w: 50, ageDays: [1, 730] },
  VOIDED: { w: 20, ageDays: [1, 730] },
};
const UNKNOWN_STATE = { w: 5, ageDays: [1, 30] as [number, number] };
const DENIED_SHARE = 0.07;
const APPLICANTS = 200_000;
const SLOTS = 10_000;

/** Columns this generator writes (or that have defaults it relies on). */
const KNOWN_CASE_COLUMNS = new Set([
  'id',
  'serial_no',
  'query_password_hash',
  'task_code',
  'task_version',
  'item_name',
  'department_id',
  'region_code',
  'applicant_account_id',
  'applicant_type',
  'applicant_name',
  'form_data',
  'materials',
  'state',
  'outcome',
  'promised_limit',
  'promised_unit',
  'statutory_limit',
  'statutory_unit',
  'received_at',
  'accepted_at',
  'due_day',
  'statutory_due_day',
  'suspended_since',
  'pauses',
  'version',
  'created_at',
  'updated_at',
  // written when present (later migrations)
  'warn_day',
]);
const KNOWN_EVENT_COLUMNS = new Set([
  'id',
  'case_id',
  'seq',
  'from_state',
  'to_state',
  'action',
  'actor_id',
  'actor_name',
  'reason',
  'detail',
  'at',
]);

const APPLICANT_ACTIONS = new Set(['create', 'submit', 'resubmit', 'supplement', 'withdraw']);
const REASONS: Record<string, string> = {
  return: '材料不齐全，请补充身份证复印件',
  request_supplement: '请补充：1. 营业场所证明；2. 法定代表人身份证明',
  refuse: '不属于本部门职权范围',
  suspend: '需现场核查，暂停计时',
  deny: '不符合法定条件',
  void: '重复申请',
};

interface Step {
  from: string | null;
  to: string;
  action: string;
}

/** Shortest path from DRAFT to each state over the workflow (staff before system transitions). */
export function pathsFromDraft(): Map<string, Step[]> {
  const paths = new Map<string, Step[]>([['DRAFT', []]]);
  const order = [...TRANSITIONS].sort((a, b) => Number(a.actor === 'system') - Number(b.actor === 'system'));
  let frontier = ['DRAFT'];
  while (frontier.length) {
    const next: string[] = [];
    for (const s of frontier)
      for (const t of order)
        if (t.from.includes(s as never) && !paths.has(t.to)) {
          paths.set(t.to, [...paths.get(s)!, { from: s, to: t.to, action: t.action }]);
          next.push(t.to);
        }
    frontier = next;
  }
  return paths;
}

/** Deterministic 32-bit FNV-1a, for a stable item popularity order. */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** `weights` spread over SLOTS slots (each ≥ 1), as slot → index rows. */
function slotsOf(weights: number[]): { slot: number; idx: number }[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.round((w / total) * SLOTS)));
  // take the rounding error from (or give it to) the largest bucket
  const diff = counts.reduce((a, b) => a + b, 0) - SLOTS;
  const big = counts.indexOf(Math.max(...counts));
  counts[big]! -= diff;
  const out: { slot: number; idx: number }[] = [];
  counts.forEach((c, idx) => {
    for (let k = 0; k < c; k++) out.push({ slot: out.length, idx });
  });
  return out;
}

async function columnsOf(db: Db, table: string): Promise<Set<string>> {
  const { rows } = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}
  `.execute(db);
  return new Set(rows.map((r) => r.column_name));
}

async function requiredColumns(db: Db, table: string): Promise<string[]> {
  const { rows } = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}
      and is_nullable = 'NO' and column_default is null and is_generated = 'NEVER' and is_identity = 'NO'
  `.execute(db);
  return rows.map((r) => r.column_name);
}

export interface CaseGenResult {
  /** Cases inserted by this call (0 when the database held them already). */
  inserted: number;
  events: number;
  ms: number;
  analyzeMs: number;
  items: number;
  /** Cases per state actually written. */
  byState: Record<string, number>;
}

export interface CaseGenOptions {
  count: number;
  batch?: number;
  events?: 'ends' | 'full';
  /** Instant the ages count back from (default: now). */
  now?: Date;
  onProgress?: (done: number, total: number, ms: number) => void;
}

/**
 * Inserts `count` synthetic cases (with their events) unless the database holds generated ones
 * already, then runs VACUUM ANALYZE on both tables.
 */
export async function generateCases(db: Db, opts: CaseGenOptions): Promise<CaseGenResult> {
  const started = performance.now();
  const batch = opts.batch ?? 50_000;
  const mode = opts.events ?? 'ends';

  for (const [table, known] of [
    ['cases', KNOWN_CASE_COLUMNS],
    ['case_events', KNOWN_EVENT_COLUMNS],
  ] as const) {
    const unknown = (await requiredColumns(db, table)).filter((c) => !known.has(c));
    if (unknown.length)
      throw new Error(
        `${table} has NOT NULL columns without default that bench/cases-data.ts does not fill: ${unknown.join(', ')}`,
      );
  }

  const hasWarnDay = (await columnsOf(db, 'cases')).has('warn_day');

  const existing = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('applicant_account_id', 'like', `${BENCH_APPLICANT_PREFIX}%`)
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) {
    return { inserted: 0, events: 0, ms: 0, analyzeMs: 0, items: 0, byState: {} };
  }

  // ----- items (latest published version of each task code) -----
  const items = (
    await db
      .selectFrom('catalog_items')
      .selectAll()
      .distinctOn('task_code')
      .where('status', '=', 'published')
      .orderBy('task_code')
      .orderBy('task_version', 'desc')
      .execute()
  ).map((r: any) => {
    const so: string[] = typeof r.service_object === 'string' ? JSON.parse(r.service_object) : r.service_object;
    return {
      task_code: r.task_code as string,
      task_version: Number(r.task_version),
      name: r.name as string,
      department_id: r.department_id as string,
      region_code: r.region_code as string,
      pl: Number(r.promised_limit),
      pu: Number(r.promised_unit),
      sl: Number(r.statutory_limit),
      su: Number(r.statutory_unit),
      // share of person applicants
      person: so.includes('person') ? (so.includes('enterprise') ? 0.7 : 1) : 0,
      // the item's materials, all provided (files themselves are not generated)
      materials: JSON.stringify(
        (typeof r.materials === 'string' ? JSON.parse(r.materials) : (r.materials ?? [])).map((m: any) => ({
          name: m.name,
          required: m.required,
          fulfilment: m.fulfilment,
          status: 'provided',
          files: [],
          ...(m.fulfilment === 'COMMITMENT' ? { commitment: true } : {}),
        })),
      ),
    };
  });
  if (items.length === 0) throw new Error('no published catalog item: seed the demo catalog first');
  items.sort((a, b) => fnv(a.task_code) - fnv(b.task_code));
  const itemRows = items.map((it, idx) => ({ idx, ...it }));
  const itemSlots = slotsOf(items.map((_, rank) => 1 / (rank + 1) ** 0.9));

  // ----- states and paths -----
  const paths = pathsFromDraft();
  const states = STATES.filter((s) => paths.has(s));
  const weights = states.map((s) => (STATE_WEIGHTS[s] ?? UNKNOWN_STATE).w);
  const stateRows = states.map((s, idx) => {
    const p = paths.get(s)!;
    const actions = p.map((x) => x.action);
    const cfg = STATE_WEIGHTS[s] ?? UNKNOWN_STATE;
    return {
      idx,
      state: s,
      len: p.length,
      recv: actions.includes('receive'),
      acc: actions.includes('accept') || actions.includes('auto_accept'),
      susp: s === 'SUSPENDED',
      decided: actions.includes('approve') || actions.includes('deny'),
      age_min: cfg.ageDays[0],
      age_max: cfg.ageDays[1],
    };
  });
  const stateSlots = slotsOf(weights);
  const stepRows = states.flatMap((s) => [
    {
      state: s,
      seq: 1,
      from_state: null,
      to_state: 'DRAFT',
      action: 'create',
      by_applicant: true,
      reason: null,
      last: paths.get(s)!.length === 0,
    },
    ...paths.get(s)!.map((st, k, all) => ({
      state: s,
      seq: k + 2,
      from_state: st.from,
      to_state: st.to,
      action: st.action,
      by_applicant: APPLICANT_ACTIONS.has(st.action),
      reason: REASONS[st.action] ?? null,
      last: k === all.length - 1,
    })),
  ]);

  const now = (opts.now ?? new Date()).toISOString();
  const itemsJson = JSON.stringify(itemRows);
  const statesJson = JSON.stringify(stateRows);
  const stepsJson = JSON.stringify(mode === 'full' ? stepRows : stepRows.filter((r) => r.seq === 1 || r.last));
  const itemSlotsJson = JSON.stringify(itemSlots);
  const stateSlotsJson = JSON.stringify(stateSlots);
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁';
  const given = [
    '伟',
    '芳',
    '娜',
    '敏',
    '静',
    '丽',
    '强',
    '磊',
    '军',
    '洋',
    '勇',
    '艳',
    '杰',
    '娟',
    '涛',
    '明',
    '超',
    '秀英',
    '嘉怡',
    '志强',
  ];
  const givenJson = JSON.stringify(given);

  for (let from = 1; from <= opts.count; from += batch) {
    const to = Math.min(opts.count, from + batch - 1);
    await sql`
      with
      items as (
        select * from jsonb_to_recordset(${itemsJson}::jsonb) as x(
          idx int, task_code text, task_version int, name text, department_id text, region_code text,
          pl int, pu int, sl int, su int, person float8, materials text)
      ),
      states as (
        select * from jsonb_to_recordset(${statesJson}::jsonb) as x(
          idx int, state text, len int, recv boolean, acc boolean, susp boolean, decided boolean,
          age_min float8, age_max float8)
      ),
      steps as (
        select * from jsonb_to_recordset(${stepsJson}::jsonb) as x(
          state text, seq int, from_state text, to_state text, action text, by_applicant boolean, reason text)
      ),
      item_slots as (select * from jsonb_to_recordset(${itemSlotsJson}::jsonb) as x(slot int, idx int)),
      state_slots as (select * from jsonb_to_recordset(${stateSlotsJson}::jsonb) as x(slot int, idx int)),
      given as (select (${givenJson}::jsonb) as g),
      r as materialized (
        select i,
          floor(random() * ${SLOTS})::int as item_slot,
          floor(random() * ${SLOTS})::int as state_slot,
          random() as r_age, random() as r_recv, random() as r_acc, random() as r_done,
          random() as r_type, random() as r_out,
          floor(random() * ${APPLICANTS})::int as applicant
        from generate_series(${from}::int, ${to}::int) as i
      ),
      base as materialized (
        select r.*, it.task_code, it.task_version, it.name as item_name, it.department_id, it.region_code,
          it.pl, it.pu, it.sl, it.su, it.person, it.materials, st.state, st.len, st.recv, st.acc, st.susp, st.decided,
          ${now}::timestamptz - make_interval(secs => (st.age_min + r.r_age * (st.age_max - st.age_min)) * 86400)
            as created_at
        from r
        join item_slots isl on isl.slot = r.item_slot
        join items it on it.idx = isl.idx
        join state_slots ssl on ssl.slot = r.state_slot
        join states st on st.idx = ssl.idx
      ),
      timed as materialized (
        select b.*,
          case when b.recv then b.created_at + make_interval(secs => 3600 + b.r_recv * 2 * 86400) end as received_at,
          case when b.acc then b.created_at + make_interval(secs => 3600 + (b.r_recv * 2 + b.r_acc * 1.5) * 86400)
          end as accepted_at
        from base b
      ),
      rows as materialized (
        select t.*,
          least(${now}::timestamptz - interval '1 hour',
            coalesce(t.accepted_at, t.received_at, t.created_at)
              + make_interval(secs => case when t.len = 0 then 0 else 600 + t.r_done * 6 * 86400 end)) as updated_at,
          case when t.acc then
            (case t.pu when 1 then ceil(t.pl * 7 / 5.0)::int when 2 then t.pl when 5 then t.pl * 30 else 0 end)
          end as due_days,
          case when t.acc then
            (case t.su when 1 then ceil(t.sl * 7 / 5.0)::int when 2 then t.sl when 5 then t.sl * 30 else 0 end)
          end as statutory_days,
          case when t.person >= 1 or (t.person > 0 and t.r_type < t.person) then 'person' else 'enterprise' end
            as applicant_type,
          substr(${surnames}, 1 + t.applicant % 20, 1) || ((select g from given) ->> ((t.applicant / 20) % 20))
            as applicant_name
        from timed t
      ),
      c as (
        insert into cases (
          id, serial_no, query_password_hash, task_code, task_version, item_name, department_id, region_code,
          applicant_account_id, applicant_type, applicant_name, form_data, materials, state, outcome,
          promised_limit, promised_unit, statutory_limit, statutory_unit, received_at, accepted_at,
          due_day, statutory_due_day, suspended_since, pauses, version, created_at, updated_at
          ${hasWarnDay ? sql`, warn_day` : sql``})
        select
          md5('bench-case-' || x.i)::uuid::text,
          'YW' || to_char((x.created_at at time zone 'UTC') + interval '8 hours', 'YYYYMMDD')
            || lpad((x.i % 100000000)::text, 8, '0'),
          md5('bench-password-' || x.i),
          x.task_code, x.task_version, x.item_name, x.department_id, x.region_code,
          ${BENCH_APPLICANT_PREFIX} || x.applicant, x.applicant_type, x.applicant_name,
          jsonb_build_object('applicantName', x.applicant_name,
            'phone', '138' || lpad((x.applicant % 100000000)::text, 8, '0'),
            'address', '佛山市禅城区岭南大道北' || (1 + x.applicant % 200) || '号'),
          x.materials::jsonb,
          x.state,
          case when x.decided then (case when x.r_out < ${DENIED_SHARE} then 'DENIED' else 'APPROVED' end) end,
          x.pl, x.pu, x.sl, x.su, x.received_at, x.accepted_at,
          to_char((x.accepted_at at time zone 'UTC') + interval '8 hours' + make_interval(days => x.due_days),
            'YYYY-MM-DD'),
          to_char((x.accepted_at at time zone 'UTC') + interval '8 hours' + make_interval(days => x.statutory_days),
            'YYYY-MM-DD'),
          case when x.susp then x.updated_at end,
          '[]'::jsonb,
          x.len + 1, x.created_at, x.updated_at
          ${
            hasWarnDay
              ? sql`, to_char((x.accepted_at at time zone 'UTC') + interval '8 hours'
                  + make_interval(days => floor(x.due_days * 0.8)::int), 'YYYY-MM-DD')`
              : sql``
          }
        from rows x
        returning id, state, outcome, version, applicant_account_id, applicant_name, created_at, updated_at
      )
      insert into case_events (case_id, seq, from_state, to_state, action, actor_id, actor_name, reason, at)
      select c.id, s.seq, s.from_state, s.to_state,
        case when s.action = 'approve' and c.outcome = 'DENIED' then 'deny' else s.action end,
        case when s.by_applicant then c.applicant_account_id else 'bench-staff' end,
        case when s.by_applicant then c.applicant_name else '窗口工作人员' end,
        case when s.action = 'approve' and c.outcome = 'DENIED' then ${REASONS.deny!} else s.reason end,
        case when c.version <= 1 then c.created_at
          else c.created_at + (c.updated_at - c.created_at) * ((s.seq - 1)::float8 / (c.version - 1)) end
      from c join steps s on s.state = c.state
    `.execute(db);
    opts.onProgress?.(to, opts.count, Math.round(performance.now() - started));
  }
  const loadedMs = performance.now();
  await sql`vacuum analyze cases`.execute(db);
  await sql`vacuum analyze case_events`.execute(db);
  const analyzeMs = Math.round(performance.now() - loadedMs);
  const ev = await db
    .selectFrom('case_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('actor_id', 'like', 'bench-%')
    .executeTakeFirstOrThrow();
  const events = Number(ev.n);

  const byState = Object.fromEntries(
    (
      await db
        .selectFrom('cases')
        .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
        .where('applicant_account_id', 'like', `${BENCH_APPLICANT_PREFIX}%`)
        .groupBy('state')
        .execute()
    ).map((r: any) => [r.state as string, Number(r.n)]),
  );
  return {
    inserted: opts.count,
    events,
    ms: Math.round(performance.now() - started),
    analyzeMs,
    items: items.length,
    byState,
  };
}
