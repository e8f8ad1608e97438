/** Case (办件) lifecycle: application, state transitions, inbox, timeline and public tracking. */
import { randomInt } from 'node:crypto';
import { type CatalogItem, latestPublishedItem } from '@yiwang/catalog';
import {
  AppError,
  authorize,
  badRequest,
  type Ctx,
  can,
  conflict,
  type Db,
  dayOf,
  enqueue,
  forbidden,
  hmac,
  loadCalendar,
  notFound,
  type Pause,
  type Platform,
  parseDay,
  requireSignedIn,
  safeEqual,
  scopesOf,
  type Tx,
  type WorkCalendar,
  writeAudit,
} from '@yiwang/platform';
import { divisionPrefix } from '@yiwang/shared';
import { sql } from 'kysely';
import {
  CLOCK_STATES,
  findTransition,
  HANDLE,
  isKnownAction,
  type Outcome,
  READ,
  type State,
  type Transition,
} from './workflow.ts';

export const AUTO_ACCEPT_QUEUE = 'cases.auto_accept';
/** 行政许可法 §32: the supplement notice must come within 5 (working) days of receipt. */
export const SUPPLEMENT_NOTICE_DAYS = 5;

export type DeadlineStatus = 'normal' | 'warning' | 'overdue';

export interface CaseView {
  id: string;
  serialNo: string;
  taskCode: string;
  taskVersion: number;
  itemName: string;
  departmentId: string;
  regionCode: string;
  applicantType: string;
  applicantName: string;
  formData: Record<string, unknown>;
  materials: unknown[];
  state: State;
  outcome: Outcome | null;
  promisedLimit: number;
  promisedUnit: number;
  statutoryLimit: number;
  statutoryUnit: number;
  receivedAt: string | null;
  acceptedAt: string | null;
  dueDay: string | null;
  statutoryDueDay: string | null;
  suspendedSince: string | null;
  pauses: Pause[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TimelineEvent {
  seq: number;
  fromState: State | null;
  toState: State;
  action: string;
  actorId: string | null;
  actorName: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
  at: string;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown, dflt: T): T => (v == null ? dflt : typeof v === 'string' ? JSON.parse(v) : (v as T));

function toView(r: any): CaseView {
  return {
    id: r.id,
    serialNo: r.serial_no,
    taskCode: r.task_code,
    taskVersion: r.task_version,
    itemName: r.item_name,
    departmentId: r.department_id,
    regionCode: r.region_code,
    applicantType: r.applicant_type,
    applicantName: r.applicant_name,
    formData: json(r.form_data, {}),
    materials: json(r.materials, []),
    state: r.state,
    outcome: r.outcome ?? null,
    promisedLimit: r.promised_limit,
    promisedUnit: r.promised_unit,
    statutoryLimit: r.statutory_limit,
    statutoryUnit: r.statutory_unit,
    receivedAt: iso(r.received_at),
    acceptedAt: iso(r.accepted_at),
    dueDay: r.due_day ?? null,
    statutoryDueDay: r.statutory_due_day ?? null,
    suspendedSince: iso(r.suspended_since),
    pauses: json(r.pauses, []),
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function toEvent(r: any): TimelineEvent {
  return {
    seq: r.seq,
    fromState: r.from_state ?? null,
    toState: r.to_state,
    action: r.action,
    actorId: r.actor_id ?? null,
    actorName: r.actor_name ?? null,
    reason: r.reason ?? null,
    detail: json(r.detail, null),
    at: iso(r.at)!,
  };
}

// ---------- helpers ----------

const passwordHash = (p: Platform, serialNo: string, password: string) =>
  hmac(p.config.secretKey, `case-query:${serialNo}:${password}`);

function newSerialNo(now: Date): string {
  const day = dayOf(now).replaceAll('-', '');
  return `YW${day}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/** The newest published version of an item, read through the catalog's public surface. */

function validateForm(item: CatalogItem, formData: Record<string, unknown>): void {
  const schema = (item.formSchema ?? {}) as { required?: unknown; properties?: Record<string, any> };
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const props = schema.properties ?? {};
  for (const name of required) {
    const v = formData[name];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      const title = props[name]?.title ?? name;
      throw badRequest('VALIDATION', `请填写${title}`, `formData.${name} is required`, `formData.${name}`);
    }
  }
  for (const [name, def] of Object.entries(props)) {
    const v = formData[name];
    if (v === undefined || v === null) continue;
    if (def?.type === 'string' && typeof v !== 'string')
      throw badRequest(
        'VALIDATION',
        `${def.title ?? name}格式不正确`,
        `formData.${name} must be a string`,
        `formData.${name}`,
      );
    if (typeof v === 'string' && v.length > 2000)
      throw badRequest('VALIDATION', `${def?.title ?? name}太长`, `formData.${name} is too long`, `formData.${name}`);
  }
}

/** The day a limit ends, counted from `startDay` in the item's unit (1 工作日, 2 自然日, 3 小时, 4 分钟, 5 月). */
export function limitEnd(cal: WorkCalendar, start: Date, limit: number, unit: number, pauses: Pause[] = []): string {
  const startDay = dayOf(start);
  switch (unit) {
    case 1:
      return cal.addWorkingDays(startDay, limit, pauses);
    case 2:
      return dayOf(new Date(parseDay(startDay).getTime() + limit * 86_400_000 - 8 * 3600_000 + 1));
    case 3:
      return dayOf(new Date(start.getTime() + limit * 3600_000));
    case 4:
      return dayOf(new Date(start.getTime() + limit * 60_000));
    case 5: {
      const d = parseDay(startDay);
      d.setUTCMonth(d.getUTCMonth() + limit);
      return d.toISOString().slice(0, 10);
    }
    default:
      return cal.addWorkingDays(startDay, limit, pauses);
  }
}

/** End of a China-time day (midnight that follows it) as an instant. */
const endOfDay = (day: string) => new Date(parseDay(day).getTime() + 16 * 3600_000);

/** normal | warning (≥ 80 % of the limit used) | overdue, for cases whose clock runs. */
export function deadlineStatusOf(cal: WorkCalendar, c: CaseView, today: string): DeadlineStatus {
  if (!c.dueDay || !c.acceptedAt || !CLOCK_STATES.includes(c.state)) return 'normal';
  if (today > c.dueDay) return 'overdue';
  const start = dayOf(new Date(c.acceptedAt));
  const working = c.promisedUnit === 1;
  const span = (a: string, b: string) =>
    working ? cal.workingDaysBetween(a, b) : Math.round((parseDay(b).getTime() - parseDay(a).getTime()) / 86_400_000);
  const total = span(start, c.dueDay);
  const used = span(start, today);
  if (total <= 0) return 'warning';
  return used / total >= 0.8 ? 'warning' : 'normal';
}

async function loadRow(db: Db | Tx, id: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

const target = (r: any) => ({
  regionCode: r.region_code,
  departmentId: r.department_id,
});

/** Owner, or staff allowed to read cases of the case's department; 404 for everyone else. */
function checkVisible(ctx: Ctx, row: any): void {
  requireSignedIn(ctx);
  if (row.applicant_account_id === ctx.caller.accountId) return;
  if (ctx.caller.accountType === 'staff' || ctx.caller.accountId === 'system') {
    if (can(ctx.caller, READ, target(row)) || can(ctx.caller, HANDLE, target(row))) return;
    authorize(ctx, READ, target(row));
  }
  throw notFound('Case', '办件');
}

async function insertEvent(
  tx: Tx,
  ctx: Ctx,
  caseId: string,
  e: { from: State | null; to: State; action: string; reason?: string | null; detail?: Record<string, unknown> },
) {
  const last = await tx
    .selectFrom('case_events')
    .select(sql<number>`coalesce(max(seq), 0)`.as('n'))
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('case_events')
    .values({
      case_id: caseId,
      seq: Number(last.n) + 1,
      from_state: e.from,
      to_state: e.to,
      action: e.action,
      actor_id: ctx.caller.accountId,
      actor_name: ctx.caller.name,
      reason: e.reason ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
      at: new Date().toISOString(),
    })
    .execute();
}

// ---------- apply ----------

export interface ApplyInput {
  taskCode: string;
  formData: Record<string, unknown>;
  materials?: { name: string; ref?: string }[];
  submit?: boolean;
}

export async function apply(p: Platform, ctx: Ctx, input: ApplyInput) {
  requireSignedIn(ctx);
  const type = ctx.caller.accountType;
  if (type !== 'person' && type !== 'enterprise')
    throw forbidden('APPLICANT_ONLY', '只有个人或法人用户可以申办', 'Only citizens and enterprises can apply');
  const item = await latestPublishedItem(p.db, input.taskCode);
  if (!item) throw notFound('Service item', '事项');
  if (item.serviceObject.length && !item.serviceObject.includes(type))
    throw badRequest(
      'WRONG_APPLICANT_TYPE',
      '该事项不面向此类申请人',
      'This item is not offered to this kind of applicant',
      'taskCode',
    );
  validateForm(item, input.formData);
  const password = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = crypto.randomUUID();
  const now = new Date();

  for (let attempt = 0; ; attempt++) {
    const serialNo = newSerialNo(now);
    try {
      const view = await p.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('cases')
          .values({
            id,
            serial_no: serialNo,
            query_password_hash: passwordHash(p, serialNo, password),
            task_code: item.taskCode,
            task_version: item.taskVersion,
            item_name: item.name,
            department_id: item.departmentId,
            region_code: item.regionCode,
            applicant_account_id: ctx.caller.accountId,
            applicant_type: type,
            applicant_name: ctx.caller.name ?? '',
            form_data: JSON.stringify(input.formData),
            materials: JSON.stringify(input.materials ?? []),
            state: 'DRAFT',
            promised_limit: item.promisedLimit,
            promised_unit: item.promisedUnit,
            statutory_limit: item.statutoryLimit,
            statutory_unit: item.statutoryUnit,
            created_at: now.toISOString(),
            updated_at: now.toISOString(),
          })
          .execute();
        await insertEvent(tx, ctx, id, { from: null, to: 'DRAFT', action: 'create' });
        await writeAudit(tx, ctx, {
          action: 'cases.create',
          objectType: 'case',
          objectId: id,
          detail: { serialNo, taskCode: item.taskCode, taskVersion: item.taskVersion },
        });
        if (input.submit) {
          const t = findTransition('submit', 'DRAFT')!;
          await applyTransition(tx, ctx, (await loadRow(tx, id))!, t, {});
        }
        return toView((await loadRow(tx, id))!);
      });
      return { case: view, queryPassword: password };
    } catch (e: any) {
      if (e?.code === '23505' && String(e?.constraint ?? e?.message).includes('serial') && attempt < 5) continue;
      throw e;
    }
  }
}

// ---------- act ----------

export interface ActInput {
  action: string;
  reason?: string;
  expectedVersion: number;
}

export async function act(p: Platform, ctx: Ctx, caseId: string, input: ActInput) {
  requireSignedIn(ctx);
  if (!isKnownAction(input.action))
    throw badRequest('VALIDATION', '未知的操作', `Unknown action ${input.action}`, 'action');
  const row = await loadRow(p.db, caseId);
  if (!row) throw notFound('Case', '办件');
  const isApplicant = row.applicant_account_id === ctx.caller.accountId;
  if (!isApplicant) {
    // Staff outside the case's department/region get 403 whatever they try; other applicants 404.
    if (ctx.caller.accountType === 'staff') authorize(ctx, HANDLE, target(row));
    else if (ctx.caller.accountId !== 'system') throw notFound('Case', '办件');
  }

  if (row.version !== input.expectedVersion)
    throw conflict(
      'CONCURRENT_UPDATE',
      '办件已被他人修改，请刷新后重试',
      'The case was changed meanwhile; reload and retry',
      'expectedVersion',
    );
  const t = findTransition(input.action, row.state);
  if (!t) {
    await p.db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        action: `cases.${input.action}`,
        objectType: 'case',
        objectId: caseId,
        outcome: 'denied',
        detail: { code: 'INVALID_TRANSITION', state: row.state },
      }),
    );
    throw conflict(
      'INVALID_TRANSITION',
      `办件当前状态（${row.state}）不允许此操作`,
      `Action ${input.action} is not allowed in state ${row.state}`,
      'action',
    );
  }
  checkActor(ctx, t, row);
  const reason = input.reason?.trim() || null;
  if (t.requires?.includes('reason') && !reason)
    throw badRequest('VALIDATION', '此操作须填写理由', `Action ${t.action} requires a reason`, 'reason');

  return p.db.transaction().execute(async (tx) => {
    await applyTransition(tx, ctx, row, t, { reason, expectedVersion: input.expectedVersion });
    return toView((await loadRow(tx, caseId))!);
  });
}

function checkActor(ctx: Ctx, t: Transition, row: any): void {
  if (t.actor === 'applicant') {
    if (row.applicant_account_id !== ctx.caller.accountId)
      throw forbidden('APPLICANT_ACTION', '只有申请人可以执行此操作', 'Only the applicant can do this');
  } else if (t.actor === 'staff') {
    if (ctx.caller.accountType !== 'staff' && ctx.caller.accountId !== 'system') {
      const e = forbidden('STAFF_ACTION', '只有经办人员可以执行此操作', 'Only staff can do this');
      (e as any).auditAction = `denied:${t.permission ?? HANDLE}`;
      (e as any).auditObject = row.id;
      throw e;
    }
    authorize(ctx, t.permission ?? HANDLE, target(row));
  } else if (ctx.caller.accountId !== 'system') {
    throw forbidden('SYSTEM_ACTION', '此操作由系统自动执行', 'This action is performed by the system only');
  }
}

/** One transition inside `tx`: guarded update (optimistic lock), event, audit, side effects. */
async function applyTransition(
  tx: Tx,
  ctx: Ctx,
  row: any,
  t: Transition,
  opts: { reason?: string | null; expectedVersion?: number },
): Promise<void> {
  const now = new Date();
  const set: Record<string, unknown> = { state: t.to, updated_at: now.toISOString() };
  const detail: Record<string, unknown> = {};
  if (t.outcome) set.outcome = t.outcome;
  let cal: WorkCalendar | null = null;
  const calendar = async () => {
    cal ??= await loadCalendar(tx);
    return cal;
  };

  switch (t.action) {
    case 'receive':
      set.received_at = now.toISOString();
      break;
    case 'accept':
    case 'auto_accept': {
      // §32: an automatic acceptance counts from the day of receipt.
      const start = t.action === 'auto_accept' && row.received_at ? new Date(row.received_at) : now;
      const c = await calendar();
      set.accepted_at = start.toISOString();
      set.due_day = limitEnd(c, start, row.promised_limit, row.promised_unit);
      set.statutory_due_day = limitEnd(c, start, row.statutory_limit, row.statutory_unit);
      detail.dueDay = set.due_day;
      break;
    }
    case 'suspend':
      set.suspended_since = now.toISOString();
      break;
    case 'resume': {
      const c = await calendar();
      const from = dayOf(new Date(row.suspended_since ?? now));
      const to = dayOf(now);
      // Working days that passed while suspended (after the day of suspension, up to today).
      const paused = c.workingDaysBetween(from, to);
      const pauses = [...json<Pause[]>(row.pauses, []), { from, to }];
      set.pauses = JSON.stringify(pauses);
      set.suspended_since = null;
      if (row.due_day && paused > 0) set.due_day = c.addWorkingDays(row.due_day, paused);
      if (row.statutory_due_day && paused > 0) set.statutory_due_day = c.addWorkingDays(row.statutory_due_day, paused);
      detail.pausedWorkingDays = paused;
      detail.dueDay = set.due_day ?? row.due_day;
      break;
    }
  }
  if (t.vendorStatus) detail.vendorStatus = t.vendorStatus;

  const expected = opts.expectedVersion ?? row.version;
  const res = await tx
    .updateTable('cases')
    .set({ ...set, version: sql`version + 1` })
    .where('id', '=', row.id)
    .where('version', '=', expected)
    .where('state', '=', row.state)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0)
    throw conflict(
      'CONCURRENT_UPDATE',
      '办件已被他人修改，请刷新后重试',
      'The case was changed meanwhile; reload and retry',
      'expectedVersion',
    );
  await insertEvent(tx, ctx, row.id, {
    from: row.state,
    to: t.to,
    action: t.action,
    reason: opts.reason ?? null,
    detail: Object.keys(detail).length ? detail : undefined,
  });
  await writeAudit(tx, ctx, {
    action: `cases.${t.action}`,
    objectType: 'case',
    objectId: row.id,
    detail: { from: row.state, to: t.to, version: expected + 1, ...(t.outcome ? { outcome: t.outcome } : {}) },
  });
  if (t.action === 'receive') {
    const c = await calendar();
    const lastDay = c.addWorkingDays(dayOf(now), SUPPLEMENT_NOTICE_DAYS);
    await enqueue(
      tx,
      AUTO_ACCEPT_QUEUE,
      { caseId: row.id },
      { runAt: endOfDay(lastDay), uniqueKey: `auto_accept:${row.id}` },
    );
  }
}

/** Job handler of 'cases.auto_accept': applies §32 only if the case is still RECEIVED. */
export async function autoAccept(p: Platform, ctx: Ctx, caseId: string): Promise<boolean> {
  const row = await loadRow(p.db, caseId);
  if (!row) return false;
  if (row.state !== 'RECEIVED') return false;
  try {
    await act(p, ctx, caseId, { action: 'auto_accept', expectedVersion: row.version });
    return true;
  } catch (e) {
    if (e instanceof AppError && e.status === 409) return false;
    throw e;
  }
}

// ---------- reading ----------

export async function get(p: Platform, ctx: Ctx, id: string) {
  const row = await loadRow(p.db, id);
  if (!row) {
    requireSignedIn(ctx);
    throw notFound('Case', '办件');
  }
  checkVisible(ctx, row);
  const view = toView(row);
  const cal = await loadCalendar(p.db);
  return { ...view, deadlineStatus: deadlineStatusOf(cal, view, dayOf(new Date())) };
}

export async function timeline(p: Platform, ctx: Ctx, id: string) {
  const row = await loadRow(p.db, id);
  if (!row) {
    requireSignedIn(ctx);
    throw notFound('Case', '办件');
  }
  checkVisible(ctx, row);
  const rows = await p.db.selectFrom('case_events').selectAll().where('case_id', '=', id).orderBy('seq').execute();
  return { items: rows.map(toEvent) };
}

export interface InboxQuery {
  state?: string;
  page?: number;
  pageSize?: number;
}

/** Cases of the caller's departments/regions (cases.read or cases.handle), nearest deadline first. */
export async function inbox(p: Platform, ctx: Ctx, q: InboxQuery) {
  requireSignedIn(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const read = scopesOf(ctx.caller, READ);
  const handle = scopesOf(ctx.caller, HANDLE);
  const scopes = read === null || handle === null ? null : [...read, ...handle];
  if (scopes !== null && scopes.length === 0) authorize(ctx, READ);
  let base = p.db.selectFrom('cases').where('state', '<>', 'DRAFT');
  if (q.state) base = base.where('state', '=', q.state);
  if (scopes !== null)
    base = base.where((eb) =>
      eb.or(
        scopes.map((g) => {
          const parts = [];
          if (g.regionCode) parts.push(eb('region_code', 'like', `${divisionPrefix(g.regionCode)}%`));
          if (g.departmentId) parts.push(eb('department_id', '=', g.departmentId));
          return eb.and(parts);
        }),
      ),
    );
  const { n } = (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()) as any;
  const rows = await base
    .selectAll()
    .orderBy(sql`due_day asc nulls last`)
    .orderBy('created_at')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const cal = await loadCalendar(p.db);
  const today = dayOf(new Date());
  return {
    items: rows.map((r) => {
      const v = toView(r);
      return { ...v, deadlineStatus: deadlineStatusOf(cal, v, today) };
    }),
    total: Number(n),
    page,
    pageSize,
  };
}

export async function mine(p: Platform, ctx: Ctx, q: { page?: number; pageSize?: number }) {
  requireSignedIn(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const base = p.db.selectFrom('cases').where('applicant_account_id', '=', ctx.caller.accountId);
  const { n } = (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()) as any;
  const rows = await base
    .selectAll()
    .orderBy('created_at', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map(toView), total: Number(n), page, pageSize };
}

/** Public tracking with serial number and query password: state and timeline, no personal data. */
export async function track(p: Platform, input: { serialNo: string; password: string }) {
  const row = await p.db.selectFrom('cases').selectAll().where('serial_no', '=', input.serialNo).executeTakeFirst();
  const expected = row?.query_password_hash ?? passwordHash(p, 'none', 'none');
  const given = passwordHash(p, input.serialNo, input.password);
  if (!row || !safeEqual(expected, given))
    throw new AppError(404, 'NOT_FOUND', '流水号或查询密码不正确', 'No case matches this serial number and password');
  const events = await p.db
    .selectFrom('case_events')
    .select(['seq', 'from_state', 'to_state', 'action', 'at'])
    .where('case_id', '=', row.id)
    .orderBy('seq')
    .execute();
  return {
    serialNo: row.serial_no,
    itemName: row.item_name,
    state: row.state as State,
    outcome: row.outcome ?? null,
    dueDay: row.due_day ?? null,
    timeline: events.map((e: any) => ({
      seq: e.seq,
      fromState: e.from_state ?? null,
      toState: e.to_state,
      action: e.action,
      at: iso(e.at)!,
    })),
  };
}
