/**
 * Evaluation (好差评) of concluded cases and the rectification loop of bad ratings (domain
 * reference §2): rating → verification by the supervisor (or the department's appeal against a
 * mistaken/malicious rating) → rectification by the department within a working-day deadline →
 * feedback to the rater → return visit (回访) → closing. The rectification states are data
 * (RECTIFY_TRANSITIONS); a durable job flags a task overdue at the end of its due day.
 */
import { accountsHolding, getDepartment } from '@yiwang/org';
import {
  authorize,
  badRequest,
  type Ctx,
  can,
  conflict,
  type Db,
  dayOf,
  enqueue,
  forbidden,
  loadCalendar,
  notFound,
  notify,
  type Platform,
  parseDay,
  requireSignedIn,
  scopesOf,
  systemCtx,
  type Target,
  type Tx,
  writeAudit,
} from '@yiwang/platform';
import { divisionPrefix, maskName } from '@yiwang/shared';
import { type ExpressionBuilder, sql } from 'kysely';
import { HANDLE, READ, type State } from './workflow.ts';

export const MANAGE = 'evaluation.manage';
export const OVERDUE_QUEUE = 'evaluation.rectify_overdue';

/** Case states in which the applicant may rate (the case is concluded one way or another). */
export const RATEABLE_STATES: readonly State[] = ['DECIDED', 'COMPLETED', 'DELIVERED', 'NOT_ACCEPTED'];

/** Levels of the national 好差评 scale: 5 非常满意 … 1 非常不满意; 1–2 are bad ratings (差评). */
export const LEVELS: Readonly<Record<number, [string, string]>> = Object.freeze({
  5: ['非常满意', 'Very satisfied'],
  4: ['满意', 'Satisfied'],
  3: ['基本满意', 'Fairly satisfied'],
  2: ['不满意', 'Dissatisfied'],
  1: ['非常不满意', 'Very dissatisfied'],
});
export const BAD_LEVEL = 2;

/** Online indicators (网上评价指标). */
export const INDICATORS = ['overall', 'efficiency', 'guideAccuracy', 'convenience', 'usability'] as const;
export type Indicator = (typeof INDICATORS)[number];
export const INDICATOR_NAMES: Readonly<Record<Indicator, [string, string]>> = Object.freeze({
  overall: ['整体满意度', 'Overall satisfaction'],
  efficiency: ['办事效率', 'Efficiency'],
  guideAccuracy: ['办事指南精确度', 'Accuracy of the service guide'],
  convenience: ['办事便捷度', 'Convenience'],
  usability: ['平台操作性', 'Ease of use of the platform'],
});

export const RECTIFY_STATES = [
  'OPEN',
  'VERIFIED',
  'APPEALED',
  'RECTIFIED',
  'FEEDBACK',
  'CLOSED',
  'CLOSED_APPEAL',
] as const;
export type RectifyState = (typeof RECTIFY_STATES)[number];
/** States in which the department has not yet rectified: the deadline applies. */
export const PENDING_STATES: readonly RectifyState[] = ['OPEN', 'VERIFIED', 'APPEALED'];
export const CLOSED_STATES: readonly RectifyState[] = ['CLOSED', 'CLOSED_APPEAL'];

/**
 * Who takes an action: the supervisor (`evaluation.manage` over the case), the department
 * (`cases.handle` over the case), either of them (`staff`), or the rater.
 */
export type RectifyActor = 'supervisor' | 'department' | 'staff' | 'rater';

export interface RectifyTransition {
  action: string;
  from: readonly RectifyState[];
  /** null: the state does not change (a record is added). */
  to: RectifyState | null;
  actor: RectifyActor;
  requires?: readonly ('reason' | 'note')[];
}

export const RECTIFY_TRANSITIONS: readonly RectifyTransition[] = Object.freeze([
  { action: 'verify', from: ['OPEN'], to: 'VERIFIED', actor: 'supervisor' },
  { action: 'appeal', from: ['OPEN', 'VERIFIED'], to: 'APPEALED', actor: 'department', requires: ['reason'] },
  { action: 'uphold_appeal', from: ['APPEALED'], to: 'CLOSED_APPEAL', actor: 'supervisor', requires: ['reason'] },
  { action: 'reject_appeal', from: ['APPEALED'], to: 'VERIFIED', actor: 'supervisor', requires: ['reason'] },
  { action: 'rectify', from: ['VERIFIED'], to: 'RECTIFIED', actor: 'department' },
  { action: 'send_feedback', from: ['RECTIFIED'], to: 'FEEDBACK', actor: 'staff' },
  { action: 'respond', from: ['FEEDBACK'], to: null, actor: 'rater' },
  { action: 'return_visit', from: ['VERIFIED', 'RECTIFIED', 'FEEDBACK'], to: null, actor: 'staff', requires: ['note'] },
  { action: 'reopen', from: ['FEEDBACK'], to: 'VERIFIED', actor: 'supervisor', requires: ['reason'] },
  { action: 'close', from: ['FEEDBACK'], to: 'CLOSED', actor: 'supervisor' },
] as const);
export const RECTIFY_ACTIONS = [...new Set(RECTIFY_TRANSITIONS.map((t) => t.action))];

export const RECTIFY_KINDS = ['immediate', 'ledger', 'explanation'] as const;
export type RectifyKind = (typeof RECTIFY_KINDS)[number];
const KIND_NAMES: Record<RectifyKind, [string, string]> = {
  immediate: ['立行立改', 'immediate correction'],
  ledger: ['建立整改台账限期整改', 'correction on a ledger with a deadline'],
  explanation: ['解释说明', 'explanation'],
};
export const VISIT_METHODS = ['phone', 'sms', 'visit', 'online'] as const;

export function findRectifyTransition(action: string, state: string): RectifyTransition | undefined {
  return RECTIFY_TRANSITIONS.find((t) => t.action === action && (t.from as readonly string[]).includes(state));
}

// ---------------------------------------------------------------- views

export interface RatingInput {
  level: number;
  indicators: Record<Indicator, number>;
  comment?: string | null;
}

export interface RatingView {
  id: string;
  caseId: string;
  level: number;
  levelName: string;
  levelNameEn: string;
  indicators: Record<Indicator, number>;
  comment: string | null;
  realName: boolean;
  excluded: boolean;
  createdAt: string;
}

interface Measures {
  kind: RectifyKind;
  measures: string;
  ledgerDueDay: string | null;
  by: string | null;
  byName: string | null;
  at: string;
}
interface Appeal {
  reason: string;
  by: string | null;
  byName: string | null;
  at: string;
  decision: 'upheld' | 'rejected' | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}
interface Feedback {
  sentAt: string;
  satisfied: boolean | null;
  comment: string | null;
  respondedAt: string | null;
}
interface ReturnVisit {
  method: (typeof VISIT_METHODS)[number];
  note: string;
  by: string | null;
  byName: string | null;
  at: string;
}

export interface RectificationSummary {
  id: string;
  caseId: string;
  serialNo: string;
  itemName: string;
  departmentId: string;
  departmentName: string | null;
  regionCode: string;
  state: RectifyState;
  round: number;
  dueDay: string;
  overdue: boolean;
  level: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface RectificationEvent {
  seq: number;
  fromState: RectifyState | null;
  toState: RectifyState;
  action: string;
  actorId: string | null;
  actorName: string | null;
  note: string | null;
  at: string;
}

export interface RectificationDetail extends RectificationSummary {
  rating: RatingView;
  applicantName: string;
  appeal: Appeal | null;
  measures: Measures | null;
  feedback: Feedback | null;
  returnVisits: ReturnVisit[];
  returnVisitRequired: boolean;
  overdueAt: string | null;
  closedAt: string | null;
  events: RectificationEvent[];
  allowedActions: string[];
}

/** What the rater sees of the task on their rating: no internal notes, no appeal, no staff names. */
export interface RaterRectification {
  id: string;
  state: RectifyState;
  version: number;
  measures: { kind: RectifyKind; measures: string; ledgerDueDay: string | null; at: string } | null;
  feedback: Feedback | null;
  allowedActions: string[];
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown, dflt: T): T => (v == null ? dflt : typeof v === 'string' ? JSON.parse(v) : (v as T));

function toRating(r: any): RatingView {
  const [zh, en] = LEVELS[r.level];
  return {
    id: r.id,
    caseId: r.case_id,
    level: r.level,
    levelName: zh,
    levelNameEn: en,
    indicators: json(r.indicators, {} as Record<Indicator, number>),
    comment: r.comment ?? null,
    realName: r.real_name,
    excluded: r.excluded,
    createdAt: iso(r.created_at)!,
  };
}

const targetOf = (r: { region_code: string; department_id: string }): Target => ({
  regionCode: r.region_code,
  departmentId: r.department_id,
});

// ---------------------------------------------------------------- rating

function checkRatingInput(input: RatingInput): { comment: string | null } {
  const bad = (field: string, zh: string, en: string) => badRequest('VALIDATION', zh, en, field);
  if (!Number.isInteger(input.level) || input.level < 1 || input.level > 5)
    throw bad('level', '评价等级应为 1–5', 'Level must be 1 to 5');
  for (const k of INDICATORS) {
    const v = input.indicators?.[k];
    if (!Number.isInteger(v) || v < 1 || v > 5)
      throw bad(`indicators.${k}`, `${INDICATOR_NAMES[k][0]}应为 1–5 分`, `${INDICATOR_NAMES[k][1]} must be 1 to 5`);
  }
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 500)
    throw bad('comment', '评价内容不超过 500 字', 'The comment may have at most 500 characters');
  if (input.level <= BAD_LEVEL && !comment)
    throw badRequest('COMMENT_REQUIRED', '差评须说明具体问题', 'A bad rating must say what went wrong', 'comment');
  return { comment };
}

/** `authorize`, with the refused object named in the audit record of the 403. */
function authorizeOn(ctx: Ctx, permission: string, target: Target, objectId: string): void {
  try {
    authorize(ctx, permission, target);
  } catch (e) {
    (e as any).auditObject = objectId;
    throw e;
  }
}

async function loadCase(db: Db | Tx, id: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

async function auditDenied(
  p: Platform,
  ctx: Ctx,
  action: string,
  objectType: string,
  objectId: string,
  detail: object,
) {
  await p.db
    .transaction()
    .execute((tx) => writeAudit(tx, ctx, { action, objectType, objectId, outcome: 'denied', detail: { ...detail } }));
}

/** The applicant rates a concluded case, once. A bad rating (level ≤ 2) opens a rectification task. */
export async function rate(p: Platform, ctx: Ctx, caseId: string, input: RatingInput): Promise<RatingView> {
  requireSignedIn(ctx);
  const row: any = await loadCase(p.db, caseId);
  if (!row) throw notFound('Case', '办件');
  if (row.applicant_account_id !== ctx.caller.accountId) {
    if (ctx.caller.accountType === 'staff') {
      const e = forbidden('APPLICANT_ACTION', '只有申请人可以评价办件', 'Only the applicant can rate a case');
      (e as any).auditAction = 'denied:evaluation.rate';
      (e as any).auditObject = caseId;
      throw e;
    }
    throw notFound('Case', '办件');
  }
  if (!RATEABLE_STATES.includes(row.state)) {
    await auditDenied(p, ctx, 'evaluation.rate', 'case', caseId, { code: 'CASE_NOT_CONCLUDED', state: row.state });
    throw conflict(
      'CASE_NOT_CONCLUDED',
      '办件办结（或作出决定、不予受理）后才能评价',
      'A case can be rated once it is decided, completed, delivered or not accepted',
      'level',
    );
  }
  const existing = await p.db.selectFrom('case_ratings').select('id').where('case_id', '=', caseId).executeTakeFirst();
  if (existing) {
    await auditDenied(p, ctx, 'evaluation.rate', 'case', caseId, { code: 'ALREADY_RATED' });
    throw conflict(
      'ALREADY_RATED',
      '该办件已评价，每件只能评价一次',
      'This case was already rated; one rating per case',
    );
  }
  const { comment } = checkRatingInput(input);
  const indicators = Object.fromEntries(INDICATORS.map((k) => [k, input.indicators[k]]));
  const id = crypto.randomUUID();
  return p.db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('case_ratings')
      .values({
        id,
        case_id: caseId,
        rater_account_id: ctx.caller.accountId,
        // Ratings through this API come from signed-in, real-name accounts.
        real_name: true,
        department_id: row.department_id,
        region_code: row.region_code,
        task_code: row.task_code,
        level: input.level,
        indicators: JSON.stringify(indicators),
        comment,
      })
      .onConflict((oc) => oc.column('case_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted)
      throw conflict(
        'ALREADY_RATED',
        '该办件已评价，每件只能评价一次',
        'This case was already rated; one rating per case',
      );
    await writeAudit(tx, ctx, {
      action: 'evaluation.rate',
      objectType: 'case',
      objectId: caseId,
      detail: { ratingId: id, level: input.level },
    });
    if (input.level <= BAD_LEVEL) await openRectification(p, tx, ctx, inserted, row);
    return toRating(inserted);
  });
}

/** End of a China-time day (the instant the next day begins). */
const endOfDay = (day: string) => new Date(parseDay(day).getTime() + 16 * 3600_000);

async function dueDayFrom(p: Platform, db: Db | Tx, today: string): Promise<string> {
  const cal = await loadCalendar(db);
  return cal.addWorkingDays(today, p.config.rectifyDays);
}

async function openRectification(p: Platform, tx: Tx, ctx: Ctx, rating: any, caseRow: any) {
  const id = crypto.randomUUID();
  const dueDay = await dueDayFrom(p, tx, dayOf(new Date()));
  await tx
    .insertInto('rectifications')
    .values({
      id,
      rating_id: rating.id,
      case_id: caseRow.id,
      department_id: caseRow.department_id,
      region_code: caseRow.region_code,
      state: 'OPEN',
      due_day: dueDay,
    })
    .execute();
  await insertEvent(tx, ctx, id, { from: null, to: 'OPEN', action: 'open', note: null });
  await enqueue(
    tx,
    OVERDUE_QUEUE,
    { rectificationId: id, round: 1 },
    {
      runAt: endOfDay(dueDay),
      uniqueKey: `${OVERDUE_QUEUE}:${id}:1`,
    },
  );
  await writeAudit(tx, ctx, {
    action: 'evaluation.rectification.open',
    objectType: 'rectification',
    objectId: id,
    detail: { caseId: caseRow.id, dueDay, level: rating.level },
  });
  await notifyStaff(tx, await supervisorsOf(tx, caseRow), {
    kind: 'evaluation.rectification',
    title: `差评待核实：${caseRow.item_name}`,
    titleEn: `Bad rating to verify: ${caseRow.item_name}`,
    body: `办件 ${caseRow.serial_no} 收到差评（${LEVELS[rating.level][0]}），请核实；整改期限 ${dueDay}。`,
    bodyEn: `Case ${caseRow.serial_no} got a bad rating (${LEVELS[rating.level][1]}); please verify. Rectify by ${dueDay}.`,
    link: `/workbench/evaluations/${id}`,
  });
}

async function supervisorsOf(db: Db | Tx, r: { region_code: string; department_id: string }) {
  return accountsHolding(db, MANAGE, targetOf(r), { limit: 50 });
}

/** Staff who handled the case (its actors), else whoever may handle it: the department side of a task. */
async function departmentStaffOf(db: Db | Tx, caseRow: any): Promise<string[]> {
  const rows = await db
    .selectFrom('case_events')
    .select('actor_id')
    .distinct()
    .where('case_id', '=', caseRow.id)
    .where('actor_id', 'is not', null)
    .where('actor_id', 'not in', [caseRow.applicant_account_id, 'system'])
    .execute();
  const actors = rows.map((r: any) => r.actor_id as string);
  return actors.length ? actors : accountsHolding(db, HANDLE, targetOf(caseRow), { limit: 50 });
}

async function notifyStaff(
  tx: Tx,
  accountIds: string[],
  n: { kind: string; title: string; titleEn: string; body: string; bodyEn: string; link: string },
) {
  for (const recipientAccountId of new Set(accountIds))
    await notify(tx, { recipientAccountId, ...n, channels: ['inapp'] });
}

export async function ratingForCase(db: Db | Tx, caseId: string): Promise<RatingView | null> {
  const r = await db.selectFrom('case_ratings').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  return r ? toRating(r) : null;
}

/**
 * The rating of a case: the applicant (with `canRate` and their view of a rectification task), or
 * staff with cases.read / cases.handle / evaluation.manage over the case (audited).
 */
export async function getRating(
  p: Platform,
  ctx: Ctx,
  caseId: string,
): Promise<{
  rating: RatingView | null;
  canRate: boolean;
  rectification: RaterRectification | { id: string; state: RectifyState } | null;
}> {
  requireSignedIn(ctx);
  const row: any = await loadCase(p.db, caseId);
  if (!row) throw notFound('Case', '办件');
  const isApplicant = row.applicant_account_id === ctx.caller.accountId;
  if (!isApplicant) {
    const t = targetOf(row);
    if (ctx.caller.accountType !== 'staff') throw notFound('Case', '办件');
    if (!can(ctx.caller, READ, t) && !can(ctx.caller, HANDLE, t) && !can(ctx.caller, MANAGE, t))
      authorizeOn(ctx, READ, t, caseId);
  }
  const rating = await ratingForCase(p.db, caseId);
  const rect: any = rating
    ? await p.db.selectFrom('rectifications').selectAll().where('rating_id', '=', rating.id).executeTakeFirst()
    : null;
  if (!isApplicant && rating) {
    await p.db
      .transaction()
      .execute((tx) => writeAudit(tx, ctx, { action: 'evaluation.rating.read', objectType: 'case', objectId: caseId }));
  }
  return {
    rating,
    canRate: isApplicant && !rating && RATEABLE_STATES.includes(row.state),
    rectification: rect ? (isApplicant ? raterView(rect) : { id: rect.id, state: rect.state }) : null,
  };
}

function raterView(rect: any): RaterRectification {
  const m = json<Measures | null>(rect.measures, null);
  const shown = ['FEEDBACK', 'CLOSED'].includes(rect.state) && m;
  return {
    id: rect.id,
    state: rect.state,
    version: rect.version,
    measures: shown ? { kind: m.kind, measures: m.measures, ledgerDueDay: m.ledgerDueDay, at: m.at } : null,
    feedback: shown ? json<Feedback | null>(rect.feedback, null) : null,
    allowedActions: allowedFor(rect, { isRater: true, isSupervisor: false, isDepartment: false }),
  };
}

// ---------------------------------------------------------------- rectification

async function loadTask(db: Db | Tx, id: string) {
  return db
    .selectFrom('rectifications as r')
    .innerJoin('case_ratings as cr', 'cr.id', 'r.rating_id')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .selectAll('r')
    .select([
      'cr.rater_account_id',
      'cr.real_name',
      'cr.level',
      'c.serial_no',
      'c.item_name',
      'c.applicant_name',
      'c.applicant_account_id',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst() as Promise<any>;
}

interface Roles {
  isRater: boolean;
  isSupervisor: boolean;
  isDepartment: boolean;
}

function rolesOf(ctx: Ctx, rec: any): Roles {
  const t = targetOf(rec);
  const staff = ctx.caller.accountType === 'staff' || ctx.caller.accountId === 'system';
  return {
    isRater: rec.rater_account_id === ctx.caller.accountId,
    isSupervisor: staff && can(ctx.caller, MANAGE, t),
    isDepartment: staff && can(ctx.caller, HANDLE, t),
  };
}

/** Rater, supervisor or department (or staff with cases.read over the case); other staff 403, others 404. */
function checkVisible(ctx: Ctx, rec: any, roles: Roles): void {
  if (roles.isRater || roles.isSupervisor || roles.isDepartment) return;
  if (ctx.caller.accountType === 'staff') {
    if (can(ctx.caller, READ, targetOf(rec))) return;
    authorizeOn(ctx, MANAGE, targetOf(rec), rec.id);
  }
  throw notFound('Rectification', '整改任务');
}

function actorAllowed(t: RectifyTransition, roles: Roles): boolean {
  switch (t.actor) {
    case 'supervisor':
      return roles.isSupervisor;
    case 'department':
      return roles.isDepartment;
    case 'staff':
      return roles.isSupervisor || roles.isDepartment;
    case 'rater':
      return roles.isRater;
  }
}

/** The actions this caller may take on the task now (drives the buttons). */
function allowedFor(rec: any, roles: Roles): string[] {
  const out: string[] = [];
  const appeal = json<Appeal | null>(rec.appeal, null);
  const feedback = json<Feedback | null>(rec.feedback, null);
  const visits = json<ReturnVisit[]>(rec.return_visits, []);
  for (const t of RECTIFY_TRANSITIONS) {
    if (!(t.from as readonly string[]).includes(rec.state) || !actorAllowed(t, roles)) continue;
    if (t.action === 'appeal' && appeal) continue;
    if (t.action === 'respond' && feedback?.respondedAt) continue;
    if (t.action === 'close' && rec.real_name && visits.length === 0) continue;
    out.push(t.action);
  }
  return out;
}

export interface RectifyInput {
  action: string;
  expectedVersion: number;
  reason?: string;
  note?: string;
  kind?: string;
  measures?: string;
  ledgerDueDay?: string;
  satisfied?: boolean;
  comment?: string;
  method?: string;
}

async function insertEvent(
  tx: Tx,
  ctx: Ctx,
  id: string,
  e: { from: RectifyState | null; to: RectifyState; action: string; note: string | null; detail?: object },
) {
  const last = await tx
    .selectFrom('rectification_events')
    .select(sql<number>`coalesce(max(seq), 0)`.as('n'))
    .where('rectification_id', '=', id)
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('rectification_events')
    .values({
      rectification_id: id,
      seq: Number(last.n) + 1,
      from_state: e.from,
      to_state: e.to,
      action: e.action,
      actor_id: ctx.caller.accountId,
      actor_name: ctx.caller.name,
      note: e.note,
      detail: e.detail ? JSON.stringify(e.detail) : null,
      at: new Date().toISOString(),
    })
    .execute();
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** One step of the rectification loop. Checks in the order of cases: 401, 404/403, 409 version, 409 state, 403 actor, 400 input. */
export async function actOnRectification(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: RectifyInput,
): Promise<RectificationDetail | RaterRectification> {
  requireSignedIn(ctx);
  if (!RECTIFY_ACTIONS.includes(input.action))
    throw badRequest('VALIDATION', '未知的操作', `Unknown action ${input.action}`, 'action');
  const rec = await loadTask(p.db, id);
  if (!rec) throw notFound('Rectification', '整改任务');
  const roles = rolesOf(ctx, rec);
  checkVisible(ctx, rec, roles);
  if (rec.version !== input.expectedVersion)
    throw conflict(
      'CONCURRENT_UPDATE',
      '整改任务已被他人修改，请刷新后重试',
      'The task was changed meanwhile; reload and retry',
      'expectedVersion',
    );
  const t = findRectifyTransition(input.action, rec.state);
  if (!t) {
    await auditDenied(p, ctx, `evaluation.${input.action}`, 'rectification', id, {
      code: 'INVALID_TRANSITION',
      state: rec.state,
    });
    throw conflict(
      'INVALID_TRANSITION',
      `整改任务当前状态（${rec.state}）不允许此操作`,
      `Action ${input.action} is not allowed in state ${rec.state}`,
      'action',
    );
  }
  if (!actorAllowed(t, roles)) {
    const permission = t.actor === 'department' ? HANDLE : MANAGE;
    if (t.actor === 'rater' || ctx.caller.accountType !== 'staff') {
      const e = forbidden('ACTOR', '您不能执行此操作', 'You cannot take this action');
      (e as any).auditAction = `denied:evaluation.${t.action}`;
      (e as any).auditObject = id;
      throw e;
    }
    authorizeOn(ctx, permission, targetOf(rec), id);
  }

  const reason = text(input.reason) || null;
  const note = text(input.note) || null;
  if (t.requires?.includes('reason') && !reason)
    throw badRequest('VALIDATION', '此操作须填写理由', `Action ${t.action} requires a reason`, 'reason');
  if (t.requires?.includes('note') && !note)
    throw badRequest('VALIDATION', '请填写记录内容', `Action ${t.action} requires a note`, 'note');
  if ((reason?.length ?? 0) > 2000 || (note?.length ?? 0) > 2000)
    throw badRequest('VALIDATION', '内容不超过 2000 字', 'At most 2000 characters', reason ? 'reason' : 'note');

  const now = new Date();
  const nowIso = now.toISOString();
  const today = dayOf(now);
  const appeal = json<Appeal | null>(rec.appeal, null);
  const feedback = json<Feedback | null>(rec.feedback, null);
  const visits = json<ReturnVisit[]>(rec.return_visits, []);
  const set: Record<string, unknown> = { updated_at: nowIso };
  const detail: Record<string, unknown> = {};
  const refuse = async (code: string, zh: string, en: string, field?: string) => {
    await auditDenied(p, ctx, `evaluation.${t.action}`, 'rectification', id, { code, state: rec.state });
    return conflict(code, zh, en, field);
  };

  switch (t.action) {
    case 'verify':
      set.verified_by = ctx.caller.accountId;
      break;
    case 'appeal':
      if (appeal)
        throw await refuse('APPEAL_USED', '每个差评只能申诉一次', 'A bad rating can be appealed once', 'action');
      set.appeal = JSON.stringify({
        reason: reason as string,
        by: ctx.caller.accountId,
        byName: ctx.caller.name,
        at: nowIso,
        decision: null,
        decisionReason: null,
        decidedBy: null,
        decidedAt: null,
      } satisfies Appeal);
      break;
    case 'uphold_appeal':
    case 'reject_appeal': {
      const decision = t.action === 'uphold_appeal' ? 'upheld' : 'rejected';
      set.appeal = JSON.stringify({
        ...(appeal as Appeal),
        decision,
        decisionReason: reason,
        decidedBy: ctx.caller.accountId,
        decidedAt: nowIso,
      });
      if (decision === 'upheld') set.closed_at = nowIso;
      detail.decision = decision;
      break;
    }
    case 'rectify': {
      const kind = input.kind as RectifyKind;
      if (!RECTIFY_KINDS.includes(kind))
        throw badRequest(
          'VALIDATION',
          '请选择整改方式：立行立改、建立台账或解释说明',
          'Choose a kind: immediate, ledger or explanation',
          'kind',
        );
      const measures = text(input.measures);
      if (!measures || measures.length > 2000)
        throw badRequest(
          'VALIDATION',
          '请填写整改措施（不超过 2000 字）',
          'Describe the measures (≤ 2000 characters)',
          'measures',
        );
      let ledgerDueDay: string | null = null;
      if (kind === 'ledger') {
        const d = text(input.ledgerDueDay);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(parseDay(d).getTime()) || d < today)
          throw badRequest(
            'VALIDATION',
            '建立台账须填写不早于今天的整改完成日期',
            'A ledger needs a completion date not before today',
            'ledgerDueDay',
          );
        ledgerDueDay = d;
      }
      set.measures = JSON.stringify({
        kind,
        measures,
        ledgerDueDay,
        by: ctx.caller.accountId,
        byName: ctx.caller.name,
        at: nowIso,
      } satisfies Measures);
      detail.kind = kind;
      break;
    }
    case 'send_feedback':
      set.feedback = JSON.stringify({
        sentAt: nowIso,
        satisfied: null,
        comment: null,
        respondedAt: null,
      } satisfies Feedback);
      break;
    case 'respond': {
      if (feedback?.respondedAt)
        throw await refuse(
          'ALREADY_RESPONDED',
          '您已答复过整改结果',
          'You already answered on the measures',
          'satisfied',
        );
      if (typeof input.satisfied !== 'boolean')
        throw badRequest('VALIDATION', '请选择是否满意', 'Say whether you are satisfied', 'satisfied');
      const comment = text(input.comment) || null;
      if (comment && comment.length > 500)
        throw badRequest('VALIDATION', '内容不超过 500 字', 'At most 500 characters', 'comment');
      set.feedback = JSON.stringify({
        ...(feedback ?? { sentAt: nowIso }),
        satisfied: input.satisfied,
        comment,
        respondedAt: nowIso,
      } satisfies Feedback);
      detail.satisfied = input.satisfied;
      break;
    }
    case 'return_visit': {
      const method = input.method as ReturnVisit['method'];
      if (!VISIT_METHODS.includes(method))
        throw badRequest('VALIDATION', '请选择回访方式', 'Choose how the return visit was made', 'method');
      set.return_visits = JSON.stringify([
        ...visits,
        { method, note: note!, by: ctx.caller.accountId, byName: ctx.caller.name, at: nowIso } satisfies ReturnVisit,
      ]);
      detail.method = method;
      break;
    }
    case 'reopen': {
      const round = rec.round + 1;
      const dueDay = await dueDayFrom(p, p.db, today);
      Object.assign(set, { round, due_day: dueDay, overdue: false, overdue_at: null, measures: null, feedback: null });
      detail.round = round;
      detail.dueDay = dueDay;
      break;
    }
    case 'close':
      if (rec.real_name && visits.length === 0)
        throw await refuse(
          'RETURN_VISIT_REQUIRED',
          '实名差评须先完成回访记录',
          'A real-name bad rating needs a return visit before closing',
          'action',
        );
      set.closed_at = nowIso;
      break;
  }
  const to: RectifyState = t.to ?? rec.state;
  set.state = to;

  await p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('rectifications')
      .set({ ...set, version: rec.version + 1 })
      .where('id', '=', id)
      .where('version', '=', rec.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict(
        'CONCURRENT_UPDATE',
        '整改任务已被他人修改，请刷新后重试',
        'The task was changed meanwhile; reload and retry',
        'expectedVersion',
      );
    const eventNote =
      t.action === 'rectify'
        ? text(input.measures)
        : t.action === 'respond'
          ? text(input.comment) || null
          : (reason ?? note);
    await insertEvent(tx, ctx, id, { from: rec.state, to, action: t.action, note: eventNote, detail });
    await writeAudit(tx, ctx, {
      action: `evaluation.${t.action}`,
      objectType: 'rectification',
      objectId: id,
      detail: { caseId: rec.case_id, from: rec.state, to, ...detail },
    });
    await sideEffects(tx, t.action, rec, { set, reason, appeal, input });
  });
  const fresh = await loadTask(p.db, id);
  if (roles.isRater && !roles.isSupervisor && !roles.isDepartment) return raterView(fresh);
  return detailOf(p, fresh, rolesOf(ctx, fresh));
}

/** Who is told what after a step (in the step's transaction). */
async function sideEffects(
  tx: Tx,
  action: string,
  rec: any,
  x: { set: Record<string, unknown>; reason: string | null; appeal: Appeal | null; input: RectifyInput },
) {
  const link = `/workbench/evaluations/${rec.id}`;
  const sn = rec.serial_no;
  switch (action) {
    case 'verify':
      await notifyStaff(tx, await departmentStaffOf(tx, rec), {
        kind: 'evaluation.rectification',
        title: `差评整改：${rec.item_name}`,
        titleEn: `Rectify a bad rating: ${rec.item_name}`,
        body: `办件 ${sn} 的差评经核实属实，请于 ${rec.due_day} 前完成整改。`,
        bodyEn: `The bad rating of case ${sn} was verified; rectify by ${rec.due_day}.`,
        link,
      });
      break;
    case 'appeal':
      await notifyStaff(tx, await supervisorsOf(tx, rec), {
        kind: 'evaluation.appeal',
        title: `差评申诉待审核：${rec.item_name}`,
        titleEn: `Appeal against a bad rating: ${rec.item_name}`,
        body: `部门对办件 ${sn} 的差评提出申诉，请审核。`,
        bodyEn: `The department appealed the bad rating of case ${sn}; please decide.`,
        link,
      });
      break;
    case 'uphold_appeal':
    case 'reject_appeal': {
      const upheld = action === 'uphold_appeal';
      // An upheld appeal takes the rating out of the statistics.
      if (upheld)
        await tx.updateTable('case_ratings').set({ excluded: true }).where('id', '=', rec.rating_id).execute();
      if (x.appeal?.by)
        await notifyStaff(tx, [x.appeal.by], {
          kind: 'evaluation.appeal_decided',
          title: upheld ? `差评申诉成立：${rec.item_name}` : `差评申诉不成立：${rec.item_name}`,
          titleEn: upheld ? `Appeal upheld: ${rec.item_name}` : `Appeal rejected: ${rec.item_name}`,
          body: upheld
            ? `办件 ${sn} 的差评不计入统计。`
            : `办件 ${sn} 的差评申诉未获支持，请于 ${rec.due_day} 前完成整改。说明：${x.reason}`,
          bodyEn: upheld
            ? `The bad rating of case ${sn} is excluded from the statistics.`
            : `The appeal for case ${sn} was rejected; rectify by ${rec.due_day}. Note: ${x.reason}`,
          link,
        });
      break;
    }
    case 'rectify':
      await notifyStaff(tx, await supervisorsOf(tx, rec), {
        kind: 'evaluation.rectified',
        title: `差评已整改：${rec.item_name}`,
        titleEn: `Bad rating rectified: ${rec.item_name}`,
        body: `办件 ${sn} 的差评已整改，可向评价人反馈。`,
        bodyEn: `The bad rating of case ${sn} was rectified; the measures can be sent to the rater.`,
        link,
      });
      break;
    case 'send_feedback': {
      const m = json<Measures | null>(rec.measures, null);
      const kind = m ? KIND_NAMES[m.kind] : ['', ''];
      await notify(tx, {
        recipientAccountId: rec.rater_account_id,
        kind: 'evaluation.feedback',
        title: `您的评价已整改：${rec.item_name}`,
        titleEn: `Your rating led to corrections: ${rec.item_name}`,
        body: `针对您对办件 ${sn} 的评价，部门已${kind[0]}：${m?.measures ?? ''}。欢迎告诉我们您是否满意。`,
        bodyEn: `Following your rating of case ${sn}, the department took ${kind[1]}: ${m?.measures ?? ''}. Tell us whether you are satisfied.`,
        link: `/my/cases/${rec.case_id}`,
        channels: ['inapp', 'sms'],
      });
      break;
    }
    case 'respond':
      await notifyStaff(tx, await supervisorsOf(tx, rec), {
        kind: 'evaluation.response',
        title: `评价人${x.input.satisfied ? '满意' : '不满意'}：${rec.item_name}`,
        titleEn: `Rater ${x.input.satisfied ? 'satisfied' : 'not satisfied'}: ${rec.item_name}`,
        body: `评价人对办件 ${sn} 的整改结果表示${x.input.satisfied ? '满意' : '不满意'}。`,
        bodyEn: `The rater is ${x.input.satisfied ? 'satisfied' : 'not satisfied'} with the measures for case ${sn}.`,
        link,
      });
      break;
    case 'reopen': {
      const round = x.set.round as number;
      const dueDay = x.set.due_day as string;
      await enqueue(
        tx,
        OVERDUE_QUEUE,
        { rectificationId: rec.id, round },
        {
          runAt: endOfDay(dueDay),
          uniqueKey: `${OVERDUE_QUEUE}:${rec.id}:${round}`,
        },
      );
      await notifyStaff(tx, await departmentStaffOf(tx, rec), {
        kind: 'evaluation.rectification',
        title: `差评须重新整改：${rec.item_name}`,
        titleEn: `Rectify again: ${rec.item_name}`,
        body: `办件 ${sn} 的整改未获认可，请于 ${dueDay} 前重新整改。说明：${x.reason}`,
        bodyEn: `The measures for case ${sn} were not accepted; rectify again by ${dueDay}. Note: ${x.reason}`,
        link,
      });
      break;
    }
  }
}

/**
 * The overdue job: at the end of the due day, a task the department has not rectified yet is
 * flagged overdue and the supervisors are told. A job of an earlier round (before a reopen) does nothing.
 */
export async function flagOverdue(p: Platform, rectificationId: string, round: number, requestId = 'system') {
  const ctx = systemCtx(requestId);
  return p.db.transaction().execute(async (tx) => {
    const rec: any = await tx
      .selectFrom('rectifications')
      .selectAll()
      .where('id', '=', rectificationId)
      .forUpdate()
      .executeTakeFirst();
    if (!rec || rec.round !== round || rec.overdue || !PENDING_STATES.includes(rec.state)) return false;
    if (dayOf(new Date()) <= rec.due_day) return false;
    await tx
      .updateTable('rectifications')
      .set({ overdue: true, overdue_at: new Date().toISOString(), version: rec.version + 1 })
      .where('id', '=', rectificationId)
      .execute();
    await insertEvent(tx, ctx, rectificationId, { from: rec.state, to: rec.state, action: 'overdue', note: null });
    await writeAudit(tx, ctx, {
      action: 'evaluation.overdue',
      objectType: 'rectification',
      objectId: rectificationId,
      detail: { dueDay: rec.due_day, state: rec.state },
    });
    const c: any = await loadCase(tx, rec.case_id);
    const recipients = [...(await supervisorsOf(tx, rec)), ...(rec.verified_by ? [rec.verified_by] : [])];
    await notifyStaff(tx, recipients, {
      kind: 'evaluation.overdue',
      title: `差评整改已超期：${c.item_name}`,
      titleEn: `Rectification overdue: ${c.item_name}`,
      body: `办件 ${c.serial_no} 的差评整改期限为 ${rec.due_day}，部门尚未完成整改。`,
      bodyEn: `The rectification for case ${c.serial_no} was due on ${rec.due_day} and is not done.`,
      link: `/workbench/evaluations/${rectificationId}`,
    });
    return true;
  });
}

// ---------------------------------------------------------------- reading

type Scope = { regionCode: string | null; departmentId: string | null };

/** Union of the caller's scopes for the evaluation pages: null = unrestricted; [] = none. */
function evaluationScopes(ctx: Ctx): Scope[] | null {
  const lists = [scopesOf(ctx.caller, MANAGE), scopesOf(ctx.caller, HANDLE), scopesOf(ctx.caller, READ)];
  if (lists.some((l) => l === null)) return null;
  return lists.flat() as Scope[];
}

function scopeFilter(scopes: Scope[], prefix: string) {
  return (eb: ExpressionBuilder<any, any>) =>
    eb.or(
      scopes.map((g) => {
        const parts = [];
        if (g.regionCode) parts.push(eb(`${prefix}.region_code`, 'like', `${divisionPrefix(g.regionCode)}%`));
        if (g.departmentId) parts.push(eb(`${prefix}.department_id`, '=', g.departmentId));
        return eb.and(parts);
      }),
    );
}

async function departmentNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    const d = await getDepartment(db, id);
    if (d) out.set(id, d.name);
  }
  return out;
}

function toSummary(r: any, names: Map<string, string>): RectificationSummary {
  return {
    id: r.id,
    caseId: r.case_id,
    serialNo: r.serial_no,
    itemName: r.item_name,
    departmentId: r.department_id,
    departmentName: names.get(r.department_id) ?? null,
    regionCode: r.region_code,
    state: r.state,
    round: r.round,
    dueDay: r.due_day,
    overdue: r.overdue,
    level: r.level,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    version: r.version,
  };
}

export async function listRectifications(
  p: Platform,
  ctx: Ctx,
  q: { state?: RectifyState; overdue?: boolean; departmentId?: string; page?: number; pageSize?: number },
): Promise<{ items: RectificationSummary[]; total: number; page: number; pageSize: number }> {
  requireSignedIn(ctx);
  const scopes = evaluationScopes(ctx);
  if (scopes !== null && scopes.length === 0) authorize(ctx, MANAGE);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  let base = p.db
    .selectFrom('rectifications as r')
    .innerJoin('case_ratings as cr', 'cr.id', 'r.rating_id')
    .innerJoin('cases as c', 'c.id', 'r.case_id');
  if (q.state) base = base.where('r.state', '=', q.state);
  if (q.overdue !== undefined) base = base.where('r.overdue', '=', q.overdue);
  if (q.departmentId) base = base.where('r.department_id', '=', q.departmentId);
  if (scopes !== null) base = base.where(scopeFilter(scopes, 'r'));
  const { n } = (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()) as any;
  const rows = await base
    .selectAll('r')
    .select(['cr.level', 'c.serial_no', 'c.item_name'])
    .orderBy(sql`case when r.state in ('CLOSED', 'CLOSED_APPEAL') then 1 else 0 end`)
    .orderBy('r.due_day')
    .orderBy('r.created_at')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const names = await departmentNames(
    p.db,
    rows.map((r: any) => r.department_id),
  );
  return { items: rows.map((r) => toSummary(r, names)), total: Number(n), page, pageSize };
}

async function detailOf(p: Platform, rec: any, roles: Roles): Promise<RectificationDetail> {
  const rating = (await ratingForCase(p.db, rec.case_id))!;
  const events = await p.db
    .selectFrom('rectification_events')
    .selectAll()
    .where('rectification_id', '=', rec.id)
    .orderBy('seq')
    .execute();
  const names = await departmentNames(p.db, [rec.department_id]);
  const visits = json<ReturnVisit[]>(rec.return_visits, []);
  return {
    ...toSummary(rec, names),
    rating,
    applicantName: maskName(rec.applicant_name),
    appeal: json<Appeal | null>(rec.appeal, null),
    measures: json<Measures | null>(rec.measures, null),
    feedback: json<Feedback | null>(rec.feedback, null),
    returnVisits: visits,
    returnVisitRequired: !!rec.real_name && visits.length === 0,
    overdueAt: iso(rec.overdue_at),
    closedAt: iso(rec.closed_at),
    events: events.map((e: any) => ({
      seq: e.seq,
      fromState: e.from_state,
      toState: e.to_state,
      action: e.action,
      actorId: e.actor_id,
      // The rater is personal data to staff, masked like the rest of this view.
      actorName: e.actor_id === rec.rater_account_id && e.actor_name ? maskName(e.actor_name) : e.actor_name,
      note: e.note,
      at: iso(e.at)!,
    })),
    allowedActions: allowedFor(rec, roles),
  };
}

/** One task with its rating, history and the caller's actions; staff reads are audited (the rating is personal). */
export async function getRectification(
  p: Platform,
  ctx: Ctx,
  id: string,
): Promise<RectificationDetail | RaterRectification> {
  requireSignedIn(ctx);
  const rec = await loadTask(p.db, id);
  if (!rec) throw notFound('Rectification', '整改任务');
  const roles = rolesOf(ctx, rec);
  checkVisible(ctx, rec, roles);
  if (roles.isRater && !roles.isSupervisor && !roles.isDepartment) return raterView(rec);
  const detail = await detailOf(p, rec, roles);
  await p.db
    .transaction()
    .execute((tx) =>
      writeAudit(tx, ctx, { action: 'evaluation.rectification.read', objectType: 'rectification', objectId: id }),
    );
  return detail;
}

export interface LevelStats {
  total: number;
  byLevel: Record<'1' | '2' | '3' | '4' | '5', number>;
  /** Share of ratings at levels 3–5 (非常满意, 满意, 基本满意), 0–1; null without ratings. */
  satisfactionRate: number | null;
  averageLevel: number | null;
  indicators: Record<Indicator, number | null>;
}

export interface EvaluationStats extends LevelStats {
  from: string | null;
  to: string | null;
  excluded: number;
  departments: (LevelStats & {
    departmentId: string;
    departmentName: string | null;
    openRectifications: number;
    overdueRectifications: number;
  })[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function finish(acc: { n: number; levels: number[]; sumLevel: number; sums: Record<Indicator, number> }): LevelStats {
  const good = acc.levels[3] + acc.levels[4] + acc.levels[5];
  return {
    total: acc.n,
    byLevel: { '1': acc.levels[1], '2': acc.levels[2], '3': acc.levels[3], '4': acc.levels[4], '5': acc.levels[5] },
    satisfactionRate: acc.n ? Math.round((good / acc.n) * 10000) / 10000 : null,
    averageLevel: acc.n ? round2(acc.sumLevel / acc.n) : null,
    indicators: Object.fromEntries(INDICATORS.map((k) => [k, acc.n ? round2(acc.sums[k] / acc.n) : null])) as Record<
      Indicator,
      number | null
    >,
  };
}

const emptyAcc = () => ({
  n: 0,
  levels: [0, 0, 0, 0, 0, 0],
  sumLevel: 0,
  sums: Object.fromEntries(INDICATORS.map((k) => [k, 0])) as Record<Indicator, number>,
});

/** Counts per level, satisfaction rate, average indicators, overall and per department, within the caller's scopes. */
export async function evaluationStats(
  p: Platform,
  ctx: Ctx,
  q: { departmentId?: string; from?: string; to?: string },
): Promise<EvaluationStats> {
  requireSignedIn(ctx);
  const scopes = evaluationScopes(ctx);
  if (scopes !== null && scopes.length === 0) authorize(ctx, MANAGE);
  const validDay = (d: string) => !Number.isNaN(parseDay(d).getTime()) && parseDay(d).toISOString().startsWith(d);
  if (q.from && !validDay(q.from)) throw badRequest('VALIDATION', '开始日期无效', 'Invalid start date', 'from');
  if (q.to && !validDay(q.to)) throw badRequest('VALIDATION', '结束日期无效', 'Invalid end date', 'to');
  if (q.from && q.to && q.from > q.to)
    throw badRequest('VALIDATION', '结束日期不能早于开始日期', 'The end date is before the start date', 'to');
  let base = p.db.selectFrom('case_ratings as cr');
  if (q.departmentId) base = base.where('cr.department_id', '=', q.departmentId);
  // Days are China-time calendar days.
  if (q.from)
    base = base.where('cr.created_at', '>=', new Date(parseDay(q.from).getTime() - 8 * 3600_000).toISOString());
  if (q.to) base = base.where('cr.created_at', '<', new Date(parseDay(q.to).getTime() + 16 * 3600_000).toISOString());
  if (scopes !== null) base = base.where(scopeFilter(scopes, 'cr'));
  const rows = (await base
    .select([
      'cr.department_id',
      'cr.level',
      'cr.excluded',
      sql<string>`count(*)`.as('n'),
      ...INDICATORS.map((k) => sql<string>`sum((cr.indicators->>${k})::int)`.as(`sum_${k}`)),
    ])
    .groupBy(['cr.department_id', 'cr.level', 'cr.excluded'])
    .execute()) as any[];
  const all = emptyAcc();
  const perDept = new Map<string, ReturnType<typeof emptyAcc>>();
  let excluded = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.excluded) {
      excluded += n;
      continue;
    }
    if (!perDept.has(r.department_id)) perDept.set(r.department_id, emptyAcc());
    for (const acc of [all, perDept.get(r.department_id)!]) {
      acc.n += n;
      acc.levels[r.level] += n;
      acc.sumLevel += r.level * n;
      for (const k of INDICATORS) acc.sums[k] += Number(r[`sum_${k}`] ?? 0);
    }
  }
  let open = p.db
    .selectFrom('rectifications as r')
    .select([
      'r.department_id',
      sql<string>`count(*) filter (where r.state not in ('CLOSED', 'CLOSED_APPEAL'))`.as('open'),
      sql<string>`count(*) filter (where r.overdue and r.state not in ('CLOSED', 'CLOSED_APPEAL'))`.as('overdue'),
    ])
    .groupBy('r.department_id');
  if (q.departmentId) open = open.where('r.department_id', '=', q.departmentId);
  if (scopes !== null) open = open.where(scopeFilter(scopes, 'r'));
  const openRows = new Map((await open.execute()).map((r: any) => [r.department_id as string, r]));
  const names = await departmentNames(p.db, [...perDept.keys()]);
  return {
    from: q.from ?? null,
    to: q.to ?? null,
    ...finish(all),
    excluded,
    departments: [...perDept.entries()]
      .map(([departmentId, acc]) => ({
        departmentId,
        departmentName: names.get(departmentId) ?? null,
        ...finish(acc),
        openRectifications: Number(openRows.get(departmentId)?.open ?? 0),
        overdueRectifications: Number(openRows.get(departmentId)?.overdue ?? 0),
      }))
      .sort((a, b) => b.total - a.total || a.departmentId.localeCompare(b.departmentId)),
  };
}
