/** Case (办件) lifecycle: application, state transitions, inbox, timeline and public tracking. */
import { randomInt } from 'node:crypto';
import { type CatalogItem, getItemVersion, publishedItem } from '@yiwang/catalog';
import { getDepartment, listDepartments as listAllDepartments, roleCodesOfAccount } from '@yiwang/org';
import {
  AppError,
  authorize,
  badRequest,
  type Ctx,
  can,
  conflict,
  type Db,
  dayOf,
  displayCalendar,
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
import { divisionPrefix, maskIdNumber, maskName, maskPhone } from '@yiwang/shared';
import { Ajv, type ValidateFunction } from 'ajv';
import { CompiledQuery, sql } from 'kysely';
import { ratingForCase } from './evaluation.ts';
import { casesWithFile, fileNotFound, fileRow } from './files.ts';
import {
  type MaterialInput,
  materialsNeedTransaction,
  type ProvidedMaterial,
  requireComplete,
  resolveMaterials,
} from './fulfilment.ts';
import { afterTransition, deadlineNotice, notifiesApplicant, STATE_NAMES, toleratedNotice } from './notices.ts';
import {
  CLOCK_STATES,
  findTransition,
  HANDLE,
  isKnownAction,
  type Outcome,
  READ,
  RUNNING_STATES,
  type State,
  TERMINAL_STATES,
  TRANSITIONS,
  type Transition,
} from './workflow.ts';

export const AUTO_ACCEPT_QUEUE = 'cases.auto_accept';
export const DEADLINE_QUEUE = 'cases.deadline';
/** 容缺受理: a reminder the day before a tolerated material is due, and a notice when it is overdue. */
export const TOLERATED_QUEUE = 'cases.tolerated';
export const UNMASK = 'cases.unmask';
/** 行政许可法 §42: the head may extend the time limit once, by up to 10 (working) days. */
export const MAX_EXTENSION_DAYS = 10;
/** §45 special procedures, and the two suspension reasons of domain reference §2. */
export const PROCEDURE_TYPES = [
  'hearing',
  'tender',
  'auction',
  'inspection',
  'testing',
  'quarantine',
  'appraisal',
  'expert_review',
  'supplement_in_review',
  'tolerated_pending',
] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];

export interface SpecialProcedure {
  type: ProcedureType;
  reason: string | null;
  start: string;
  end: string | null;
  notifiedAt: string | null;
}
export interface CaseStep {
  name: string;
  role: string | null;
  days: number;
  unit: number;
  countersign: string[];
  done: { by: string | null; at: string; opinion: 'agree' | 'disagree'; comment: string | null } | null;
}
export interface Countersign {
  startedAt: string;
  completedAt: string | null;
  departments: {
    departmentId: string;
    departmentName: string;
    opinion: 'agree' | 'disagree' | null;
    comment: string | null;
    by: string | null;
    at: string | null;
  }[];
}
export interface SupplementNotice {
  items: { material: string; note: string }[];
  requestedAt: string;
}
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
  materials: ProvidedMaterial[];
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
  supplement: SupplementNotice | null;
  procedures: SpecialProcedure[];
  steps: CaseStep[];
  currentStep: number | null;
  countersign: Countersign | null;
  extendedDays: number;
  warnDay: string | null;
  deadlineFlag: DeadlineStatus | null;
  /** The bundle case (一件事) this case belongs to, and the members it waits for before it is submitted. */
  bundleCaseId: string | null;
  waitingFor: string[];
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

/** The columns of a case summary (an inbox row): what the list shows and its deadline colour needs. */
const SUMMARY_COLUMNS = [
  'id',
  'serial_no',
  'task_code',
  'task_version',
  'item_name',
  'department_id',
  'region_code',
  'applicant_type',
  'applicant_name',
  'applicant_account_id',
  'state',
  'outcome',
  'promised_limit',
  'promised_unit',
  'received_at',
  'accepted_at',
  'due_day',
  'statutory_due_day',
  'suspended_since',
  'warn_day',
  'deadline_flag',
  'bundle_case_id',
  'version',
  'created_at',
  'updated_at',
] as const;

/** A case without its form data, materials and history (from the SUMMARY_COLUMNS of a row). */
export type CaseSummary = Pick<
  CaseView,
  | 'id'
  | 'serialNo'
  | 'taskCode'
  | 'taskVersion'
  | 'itemName'
  | 'departmentId'
  | 'regionCode'
  | 'applicantType'
  | 'applicantName'
  | 'state'
  | 'outcome'
  | 'promisedLimit'
  | 'promisedUnit'
  | 'receivedAt'
  | 'acceptedAt'
  | 'dueDay'
  | 'statutoryDueDay'
  | 'suspendedSince'
  | 'warnDay'
  | 'deadlineFlag'
  | 'bundleCaseId'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

function toSummary(r: any): CaseSummary {
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
    state: r.state,
    outcome: r.outcome ?? null,
    promisedLimit: r.promised_limit,
    promisedUnit: r.promised_unit,
    receivedAt: iso(r.received_at),
    acceptedAt: iso(r.accepted_at),
    dueDay: r.due_day ?? null,
    statutoryDueDay: r.statutory_due_day ?? null,
    suspendedSince: iso(r.suspended_since),
    warnDay: r.warn_day ?? null,
    deadlineFlag: r.deadline_flag ?? null,
    bundleCaseId: r.bundle_case_id ?? null,
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function toView(r: any): CaseView {
  return {
    ...toSummary(r),
    formData: json(r.form_data, {}),
    materials: json(r.materials, []),
    statutoryLimit: r.statutory_limit,
    statutoryUnit: r.statutory_unit,
    pauses: json(r.pauses, []),
    supplement: json(r.supplement, null),
    procedures: json(r.procedures, []),
    steps: json(r.steps, []),
    currentStep: r.current_step ?? null,
    countersign: json(r.countersign, null),
    extendedDays: r.extended_days ?? 0,
    waitingFor: json(r.waiting_for, []),
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

function randomSerialNo(now: Date): string {
  const day = dayOf(now).replaceAll('-', '');
  return `YW${day}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}
let newSerialNo = randomSerialNo;
/** Tests only: replaces the serial number source (null restores the random one). */
export function setSerialNoSourceForTests(source: ((now: Date) => string) | null): void {
  newSerialNo = source ?? randomSerialNo;
}

/** The newest published version of an item, read through the catalog's public surface. */

/** A masked value: characters around a run of three or more asterisks, no spaces (ID number, phone, name). */
const MASKED_VALUE = /^[^\s*]*\*{3,}[^\s*]*$|^[^\s*]\*{1,3}$/u;

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map<string, ValidateFunction>();
const bySchema = new WeakMap<object, ValidateFunction>();

/**
 * Checks form data against the item's JSON Schema (types, enums, lengths, patterns). A draft may
 * leave required fields empty (`complete: false`); submission needs them (`complete: true`).
 */
function validateForm(item: CatalogItem, formData: Record<string, unknown>, complete = true): void {
  const schema = (item.formSchema ?? {}) as { required?: unknown; properties?: Record<string, any> };
  const props = schema.properties ?? {};
  const title = (name: string) => props[name]?.title ?? name;
  if (complete) {
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    for (const name of required) {
      const v = formData[name];
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === ''))
        throw badRequest('VALIDATION', `请填写${title(name)}`, `formData.${name} is required`, `formData.${name}`);
    }
  }
  for (const [name, v] of Object.entries(formData)) {
    if (typeof v === 'string' && v.length > 2000)
      throw badRequest('VALIDATION', `${title(name)}太长`, `formData.${name} is too long`, `formData.${name}`);
    // A value as the platform shows it masked (1101**********002X, 138****8000) is not the value:
    // a case filed with it could not be handled.
    if (typeof v === 'string' && MASKED_VALUE.test(v.trim()))
      throw badRequest(
        'MASKED_VALUE',
        `“${title(name)}”是脱敏显示的值，请填写完整信息`,
        `formData.${name} is a masked value; enter it in full`,
        `formData.${name}`,
      );
  }
  // Empty strings of a draft are "not filled in yet", not wrong values.
  const given = Object.fromEntries(Object.entries(formData).filter(([, v]) => v !== null && v !== ''));
  // Cached items are frozen and shared: their schema object identifies the validator at once.
  let validate = bySchema.get(schema);
  const key = validate ? '' : JSON.stringify({ ...schema, required: [], format: undefined });
  validate ??= validators.get(key);
  if (!validate) {
    const { required: _r, ...rest } = schema as Record<string, unknown>;
    const props2 = Object.fromEntries(
      Object.entries(props).map(([k, d]) => {
        const { format: _f, ...def } = (d ?? {}) as Record<string, unknown>;
        return [k, def];
      }),
    );
    validate = ajv.compile({ ...rest, properties: props2 });
    if (validators.size > 500) validators.clear();
    validators.set(key, validate);
  }
  bySchema.set(schema, validate);
  if (!validate(given)) {
    const e = validate.errors![0]!;
    const name = e.instancePath.split('/')[1] ?? (e.params as any)?.additionalProperty ?? '';
    throw badRequest(
      'VALIDATION',
      `${title(name)}格式不正确`,
      `formData.${name}: ${e.message ?? 'invalid'}`,
      name ? `formData.${name}` : 'formData',
    );
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
export function deadlineStatusOf(
  cal: WorkCalendar,
  c: Pick<CaseView, 'dueDay' | 'acceptedAt' | 'state' | 'warnDay' | 'promisedUnit'>,
  today: string,
): DeadlineStatus {
  // A paused clock (中止, SUSPENDED) is neither near nor past its due day: the due day moves on resuming.
  if (!c.dueDay || !c.acceptedAt || !RUNNING_STATES.includes(c.state)) return 'normal';
  if (today > c.dueDay) return 'overdue';
  if (c.warnDay) return today >= c.warnDay ? 'warning' : 'normal';
  const start = dayOf(new Date(c.acceptedAt));
  const working = c.promisedUnit === 1;
  const span = (a: string, b: string) =>
    working ? cal.workingDaysBetween(a, b) : Math.round((parseDay(b).getTime() - parseDay(a).getTime()) / 86_400_000);
  const total = span(start, c.dueDay);
  const used = span(start, today);
  if (total <= 0) return 'warning';
  return used / total >= 0.8 ? 'warning' : 'normal';
}

/** The first day on which ≥ 80 % of the span from `startDay` to `dueDay` is used (same rule as deadlineStatusOf). */
export function warnDayOf(cal: WorkCalendar, startDay: string, dueDay: string, unit: number): string {
  if (unit === 1) {
    const total = cal.workingDaysBetween(startDay, dueDay);
    return total <= 0 ? startDay : cal.addWorkingDays(startDay, Math.ceil(total * 0.8));
  }
  const total = Math.round((parseDay(dueDay).getTime() - parseDay(startDay).getTime()) / 86_400_000);
  return dayOf(new Date(parseDay(startDay).getTime() + Math.ceil(total * 0.8) * 86_400_000 + 1));
}

async function loadRow(db: Db | Tx, id: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

const target = (r: any) => ({
  regionCode: r.region_code,
  departmentId: r.department_id,
});

/** Departments asked to countersign a case (their staff may see and countersign it). */
const countersignDepartments = (r: any): string[] =>
  (json<Countersign | null>(r.countersign, null)?.departments ?? []).map((d) => d.departmentId);

const canCountersign = (ctx: Ctx, r: any, openOnly: boolean): string | null => {
  const cs = json<Countersign | null>(r.countersign, null);
  if (!cs) return null;
  const d = cs.departments.find(
    (x) => (!openOnly || x.opinion === null) && can(ctx.caller, HANDLE, { departmentId: x.departmentId }),
  );
  return d?.departmentId ?? null;
};

/** Owner, or staff allowed to read cases of the case's department; 404 for everyone else. */
function checkVisible(ctx: Ctx, row: any): void {
  requireSignedIn(ctx);
  if (row.applicant_account_id === ctx.caller.accountId) return;
  if (ctx.caller.accountType === 'staff' || ctx.caller.accountId === 'system') {
    if (can(ctx.caller, READ, target(row)) || can(ctx.caller, HANDLE, target(row))) return;
    if (countersignDepartments(row).some((d) => can(ctx.caller, HANDLE, { departmentId: d }))) return;
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
  // One round trip: the next sequence number is computed by the insert itself.
  await sql`
    insert into case_events (case_id, seq, from_state, to_state, action, actor_id, actor_name, reason, detail, at)
    select ${caseId}, coalesce(max(seq), 0) + 1, ${e.from}, ${e.to}, ${e.action}, ${ctx.caller.accountId},
      ${ctx.caller.name}, ${e.reason ?? null}, ${e.detail ? JSON.stringify(e.detail) : null}::jsonb, ${new Date().toISOString()}::timestamptz
    from case_events where case_id = ${caseId}`.execute(tx);
}

/** The item version a case was filed under. */
async function itemOf(db: Db | Tx, row: any): Promise<CatalogItem> {
  const item = await getItemVersion(db as Db, row.task_code, row.task_version);
  if (!item) throw notFound('Service item', '事项');
  return item;
}

// ---------- apply ----------

export interface ApplyInput {
  taskCode: string;
  formData: Record<string, unknown>;
  materials?: MaterialInput[];
  submit?: boolean;
}

function stepsOf(item: CatalogItem): CaseStep[] {
  return item.steps.map((s: any) => ({
    name: s.name,
    role: s.role ?? null,
    days: s.days ?? 0,
    unit: s.unit ?? 1,
    countersign: Array.isArray(s.countersign) ? s.countersign : [],
    done: null,
  }));
}

export async function apply(p: Platform, ctx: Ctx, input: ApplyInput) {
  requireSignedIn(ctx);
  const type = ctx.caller.accountType;
  if (type !== 'person' && type !== 'enterprise')
    throw forbidden('APPLICANT_ONLY', '只有个人或法人用户可以申办', 'Only citizens and enterprises can apply');
  // The latest published version (cached per process, dropped when the catalog publishes or cancels).
  const item = await publishedItem(p.db, input.taskCode);
  if (!item) throw notFound('Service item', '事项');
  if (item.serviceObject.length && !item.serviceObject.includes(type))
    throw badRequest(
      'WRONG_APPLICANT_TYPE',
      '该事项不面向此类申请人',
      'This item is not offered to this kind of applicant',
      'taskCode',
    );
  const submit = input.submit ?? false;
  const inputs = input.materials ?? [];
  validateForm(item, input.formData, submit);
  if (submit && canSubmitInOneStatement(item, inputs)) {
    // Nothing needs a transaction: the checks read only rows that cannot change under the case,
    // and the writes are one autocommit statement.
    const materials = await resolveMaterials(p.db, ctx, item, inputs);
    requireComplete(materials);
    return withSerialRetry(() => insertSubmitted(p, ctx, item, input.formData, materials));
  }
  return withSerialRetry(() =>
    p.db.transaction().execute(async (tx) => {
      const materials = await resolveMaterials(tx, ctx, item, inputs);
      return createCase(p, tx, ctx, item, { formData: input.formData, materials, submit, formChecked: submit });
    }),
  );
}

const SUBMIT = findTransition('submit', 'DRAFT')!;

/**
 * A new (non-bundle) case submitted at once can be written in one statement when its materials
 * need no transaction (every provider is `outsideTransaction`), no transition hook wants `submit`
 * of a case outside a bundle, and submission tells the applicant nothing (`afterTransition`).
 * `submit` itself enqueues no job. Otherwise `createCase` runs in a transaction.
 */
function canSubmitInOneStatement(item: CatalogItem, inputs: MaterialInput[]): boolean {
  return (
    !materialsNeedTransaction(item, inputs) &&
    !hooksWant({ bundle_case_id: null }, SUBMIT.action) &&
    !notifiesApplicant(SUBMIT, 'DRAFT')
  );
}

/** Retries a creation whose random serial number collided (unique violation), up to 5 times. */
export async function withSerialRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e: any) {
      if (e?.code === '23505' && String(e?.constraint ?? e?.message).includes('serial') && attempt < 5) continue;
      throw e;
    }
  }
}

/**
 * Creates a case inside `tx` (DRAFT, then SUBMITTED when `submit`): the item version, form and
 * resolved materials are copied onto it. Also used by bundles for their child cases.
 */
export async function createCase(
  p: Platform,
  tx: Tx,
  ctx: Ctx,
  item: CatalogItem,
  opts: {
    formData: Record<string, unknown>;
    materials: ProvidedMaterial[];
    submit: boolean;
    bundleCaseId?: string | null;
    waitingFor?: string[] | null;
    /** `formData` was already checked as complete against `item` (no second validateForm on submit). */
    formChecked?: boolean;
  },
): Promise<{ case: CaseView; queryPassword: string }> {
  if (opts.submit) requireComplete(opts.materials);
  const c = newCaseRow(p, ctx, item, opts, new Date());
  const inserted = await tx.insertInto('cases').values(c.values).returningAll().executeTakeFirstOrThrow();
  await insertEvent(tx, ctx, c.id, { from: null, to: 'DRAFT', action: 'create' });
  await writeAudit(tx, ctx, { action: 'cases.create', objectType: 'case', objectId: c.id, detail: c.createDetail });
  if (opts.submit) await applyTransition(tx, ctx, inserted, SUBMIT, { item, formChecked: opts.formChecked ?? false });
  return { case: toView(opts.submit ? (await loadRow(tx, c.id))! : inserted), queryPassword: c.password };
}

/** The row of a new case (state DRAFT, version 1), its query password and the detail of `cases.create`. */
function newCaseRow(
  p: Platform,
  ctx: Ctx,
  item: CatalogItem,
  opts: {
    formData: Record<string, unknown>;
    materials: ProvidedMaterial[];
    bundleCaseId?: string | null;
    waitingFor?: string[] | null;
  },
  now: Date,
) {
  const password = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = crypto.randomUUID();
  const steps = stepsOf(item);
  const serialNo = newSerialNo(now);
  const values = {
    id,
    serial_no: serialNo,
    query_password_hash: passwordHash(p, serialNo, password),
    task_code: item.taskCode,
    task_version: item.taskVersion,
    item_name: item.name,
    department_id: item.departmentId,
    region_code: item.regionCode,
    applicant_account_id: ctx.caller.accountId,
    applicant_type: ctx.caller.accountType,
    applicant_name: ctx.caller.name ?? '',
    form_data: JSON.stringify(opts.formData),
    materials: JSON.stringify(opts.materials),
    steps: JSON.stringify(steps),
    current_step: steps.length ? 0 : null,
    state: 'DRAFT' as State,
    promised_limit: item.promisedLimit,
    promised_unit: item.promisedUnit,
    statutory_limit: item.statutoryLimit,
    statutory_unit: item.statutoryUnit,
    bundle_case_id: opts.bundleCaseId ?? null,
    waiting_for: opts.waitingFor?.length ? JSON.stringify(opts.waitingFor) : null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  const createDetail = {
    serialNo,
    taskCode: item.taskCode,
    taskVersion: item.taskVersion,
    ...(opts.bundleCaseId ? { bundleCaseId: opts.bundleCaseId } : {}),
  };
  return { id, password, values, createDetail };
}

/**
 * `createCase` + `submit` of a new case outside a bundle, as ONE autocommit statement
 * (data-modifying CTEs, all or nothing): the case already SUBMITTED at version 2, its events
 * 1 `create` (→ DRAFT) and 2 `submit` (DRAFT → SUBMITTED), the audit records `cases.create` and
 * `cases.submit` with the details the two steps write, and their `audit_pending` links (the
 * chainer links them like any other record). Same rows as the transaction path; the caller has
 * made every check `applyTransition` makes for `submit` (form complete and valid, materials).
 */
async function insertSubmitted(
  p: Platform,
  ctx: Ctx,
  item: CatalogItem,
  formData: Record<string, unknown>,
  materials: ProvidedMaterial[],
): Promise<{ case: CaseView; queryPassword: string }> {
  const now = new Date();
  const at = now.toISOString();
  const c = newCaseRow(p, ctx, item, { formData, materials }, now);
  const submitDetail = SUBMIT.vendorStatus ? JSON.stringify({ vendorStatus: SUBMIT.vendorStatus }) : null;
  const values = { ...c.values, state: SUBMIT.to, version: 2 };
  const cols = Object.keys(values) as (keyof typeof values)[];
  const params: unknown[] = cols.map((k) => values[k]);
  const $ = (v: unknown) => `$${params.push(v)}`;
  const id = $(c.id);
  const actorId = $(ctx.caller.accountId);
  const actorName = $(ctx.caller.name);
  const when = $(at);
  const request = $(ctx.requestId);
  const ip = $(ctx.ip);
  const createAudit = $(JSON.stringify(c.createDetail));
  const submitAudit = $(JSON.stringify({ from: 'DRAFT', to: SUBMIT.to, version: 2 }));
  const submitEvent = $(submitDetail);
  const action = $(SUBMIT.action);
  const submitAction = $(`cases.${SUBMIT.action}`);
  const to = $(SUBMIT.to);
  // Plain SQL (no query building per request); every value is a parameter.
  const query = `
    with c as (
      insert into cases (${cols.join(', ')})
      values (${cols.map((_, i) => `$${i + 1}`).join(', ')})
      returning *
    ), e as (
      insert into case_events (case_id, seq, from_state, to_state, action, actor_id, actor_name, reason, detail, at)
      values (${id}, 1, null, 'DRAFT', 'create', ${actorId}, ${actorName}, null, null, ${when}::timestamptz),
        (${id}, 2, 'DRAFT', ${to}, ${action}, ${actorId}, ${actorName}, null, ${submitEvent}::jsonb, ${when}::timestamptz)
    ), a as (
      insert into audit_log (at, actor_id, actor_name, action, object_type, object_id, outcome, request_id, source_ip, detail)
      values (${when}::timestamptz, ${actorId}, ${actorName}, 'cases.create', 'case', ${id}, 'success', ${request}, ${ip}, ${createAudit}::jsonb),
        (${when}::timestamptz, ${actorId}, ${actorName}, ${submitAction}, 'case', ${id}, 'success', ${request}, ${ip}, ${submitAudit}::jsonb)
      returning seq
    ), ap as (
      insert into audit_pending (seq) select seq from a
    )
    select * from c`;
  const row = (await p.db.executeQuery(CompiledQuery.raw(query, params))).rows[0];
  return { case: toView(row), queryPassword: c.password };
}

/** Submits a waiting child case on the applicant's behalf (bundles), inside `tx`. */
export async function submitOnBehalf(tx: Tx, ctx: Ctx, caseId: string): Promise<void> {
  const row = await loadRow(tx, caseId);
  if (row?.state !== 'DRAFT') return;
  await tx.updateTable('cases').set({ waiting_for: null }).where('id', '=', caseId).execute();
  await applyTransition(tx, ctx, { ...row, waiting_for: null }, findTransition('submit', 'DRAFT')!, {});
}

/** Voids a case on the system's behalf (bundles: a prerequisite failed), inside `tx`. */
export async function voidOnBehalf(tx: Tx, ctx: Ctx, caseId: string, reason: string): Promise<void> {
  const row = await loadRow(tx, caseId);
  if (!row) return;
  const t = findTransition('void', row.state) ?? findTransition('withdraw', row.state);
  if (t) await applyTransition(tx, ctx, row, t, { reason });
}

export type TransitionHook = (tx: Tx, ctx: Ctx, row: any, t: Transition) => Promise<void>;
/** Which transitions a hook wants (default: all). A hook is not called for the others. */
export interface TransitionHookFilter {
  /** Only these actions. */
  actions?: readonly string[];
  /** Only cases that belong to a bundle (一件事). */
  bundleCasesOnly?: boolean;
}
const transitionHooks: { hook: TransitionHook; filter: TransitionHookFilter }[] = [];
/**
 * Runs after the transitions `filter` selects (default: every transition), inside their
 * transaction (bundles follow their children this way). A filter lets a new case be submitted in
 * one statement when no hook wants its `submit`.
 */
export function onTransition(hook: TransitionHook, filter: TransitionHookFilter = {}): void {
  transitionHooks.push({ hook, filter });
}
const wants = (f: TransitionHookFilter, row: { bundle_case_id?: string | null }, action: string) =>
  (!f.actions || f.actions.includes(action)) && (!f.bundleCasesOnly || !!row.bundle_case_id);
/** Whether some hook wants the transition `action` of `row`. */
function hooksWant(row: { bundle_case_id?: string | null }, action: string): boolean {
  return transitionHooks.some((h) => wants(h.filter, row, action));
}

/** Changes a draft (form data and/or materials) before submission; the applicant only. */
export async function updateDraft(
  p: Platform,
  ctx: Ctx,
  caseId: string,
  input: { formData?: Record<string, unknown>; materials?: MaterialInput[]; expectedVersion: number },
) {
  requireSignedIn(ctx);
  const row = await loadRow(p.db, caseId);
  if (!row || row.applicant_account_id !== ctx.caller.accountId) throw notFound('Case', '办件');
  if (row.state !== 'DRAFT') throw conflict('NOT_A_DRAFT', '只能修改草稿', 'Only a draft can be changed', 'state');
  if (row.version !== input.expectedVersion)
    throw conflict(
      'CONCURRENT_UPDATE',
      '办件已被他人修改，请刷新后重试',
      'The case was changed meanwhile; reload and retry',
      'expectedVersion',
    );
  const item = await itemOf(p.db, row);
  if (input.formData) validateForm(item, input.formData, false);
  return p.db.transaction().execute(async (tx) => {
    const materials = input.materials
      ? await resolveMaterials(tx, ctx, item, input.materials, json(row.materials, []))
      : json(row.materials, []);
    const res = await tx
      .updateTable('cases')
      .set({
        ...(input.formData ? { form_data: JSON.stringify(input.formData) } : {}),
        materials: JSON.stringify(materials),
        updated_at: new Date().toISOString(),
        version: sql`version + 1`,
      })
      .where('id', '=', caseId)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0)
      throw conflict(
        'CONCURRENT_UPDATE',
        '办件已被他人修改，请刷新后重试',
        'The case was changed meanwhile; reload and retry',
        'expectedVersion',
      );
    await writeAudit(tx, ctx, { action: 'cases.update', objectType: 'case', objectId: caseId });
    return toView((await loadRow(tx, caseId))!);
  });
}

// ---------- act ----------

export interface ActInput {
  action: string;
  reason?: string;
  expectedVersion: number;
  supplementItems?: { material: string; note?: string }[];
  materials?: MaterialInput[];
  formData?: Record<string, unknown>;
  tolerated?: { material: string; dueDay: string }[];
  procedure?: { type: string };
  extendDays?: number;
  opinion?: 'agree' | 'disagree';
  comment?: string;
  departments?: string[];
}

export async function act(p: Platform, ctx: Ctx, caseId: string, input: ActInput) {
  requireSignedIn(ctx);
  if (!isKnownAction(input.action))
    throw badRequest('VALIDATION', '未知的操作', `Unknown action ${input.action}`, 'action');
  const row = await loadRow(p.db, caseId);
  if (!row) throw notFound('Case', '办件');
  const isApplicant = row.applicant_account_id === ctx.caller.accountId;
  if (!isApplicant) {
    // Staff outside the case's department/region get 403 whatever they try (a countersigning
    // department only for its countersign); other applicants 404.
    if (ctx.caller.accountType === 'staff') {
      if (!(input.action === 'countersign' && canCountersign(ctx, row, false))) authorize(ctx, HANDLE, target(row));
    } else if (ctx.caller.accountId !== 'system') throw notFound('Case', '办件');
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
    const [zh, en] = STATE_NAMES[row.state as State] ?? [row.state, row.state];
    throw conflict(
      'INVALID_TRANSITION',
      `办件当前为“${zh}”，不能进行此操作`,
      `The case is ${en.toLowerCase()}; this action is not allowed now (${input.action})`,
      'action',
    );
  }
  checkActor(ctx, t, row);
  if (t.action === 'submit' && json<string[]>(row.waiting_for, []).length)
    throw conflict(
      'WAITING_FOR_PREREQUISITE',
      '该事项将在前置事项办结后自动提交',
      'This case is submitted automatically once its prerequisites are concluded',
      'action',
    );
  const reason = input.reason?.trim() || null;
  if (t.requires?.includes('reason') && !reason)
    throw badRequest('VALIDATION', '此操作须填写理由', `Action ${t.action} requires a reason`, 'reason');

  return p.db.transaction().execute(async (tx) => {
    await applyTransition(tx, ctx, row, t, { reason, expectedVersion: input.expectedVersion, input });
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
    if (t.action === 'countersign') {
      if (!canCountersign(ctx, row, false)) authorize(ctx, t.permission ?? HANDLE, { departmentId: '-' });
      return;
    }
    authorize(ctx, t.permission ?? HANDLE, target(row));
  } else if (ctx.caller.accountId !== 'system') {
    throw forbidden('SYSTEM_ACTION', '此操作由系统自动执行', 'This action is performed by the system only');
  }
}

const validDay = (d: unknown): d is string =>
  typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(parseDay(d).getTime());

const opinionOf = (input: ActInput): 'agree' | 'disagree' => {
  if (input.opinion !== 'agree' && input.opinion !== 'disagree')
    throw badRequest('VALIDATION', '请选择意见（同意/不同意）', 'Choose an opinion: agree or disagree', 'opinion');
  return input.opinion;
};

/** One transition inside `tx`: guarded update (optimistic lock), event, audit, side effects. */
async function applyTransition(
  tx: Tx,
  ctx: Ctx,
  row: any,
  t: Transition,
  opts: {
    reason?: string | null;
    expectedVersion?: number;
    input?: ActInput;
    item?: CatalogItem;
    /** The form was checked as complete against `item` by the caller (a new case submitted at once). */
    formChecked?: boolean;
  },
): Promise<void> {
  const now = new Date();
  const today = dayOf(now);
  const input: ActInput = opts.input ?? { action: t.action, expectedVersion: row.version };
  const set: Record<string, unknown> = { state: t.to, updated_at: now.toISOString() };
  const detail: Record<string, unknown> = {};
  if (t.outcome) set.outcome = t.outcome;
  let cal: WorkCalendar | null = null;
  const calendar = async () => {
    cal ??= await loadCalendar(tx);
    return cal;
  };
  // The caller may already hold the case's item version (a new case): no need to read it again.
  let item: CatalogItem | null = opts.item ?? null;
  const itemNow = async () => {
    item ??= await itemOf(tx, row);
    return item;
  };
  const materials = json<ProvidedMaterial[]>(row.materials, []);
  const countersign = json<Countersign | null>(row.countersign, null);
  const countersignOpen = !!countersign && !countersign.completedAt;
  const deadlines: { warnDay: string; dueDay: string }[] = [];

  switch (t.action) {
    case 'submit':
      // A bundle child's data was checked against the bundle's one form at application.
      if (!row.bundle_case_id && !opts.formChecked) validateForm(await itemNow(), json(row.form_data, {}));
      requireComplete(materials);
      break;
    case 'resubmit': {
      if (input.formData) {
        validateForm(await itemNow(), input.formData);
        set.form_data = JSON.stringify(input.formData);
      }
      const next = input.materials?.length
        ? await resolveMaterials(tx, ctx, await itemNow(), input.materials, materials)
        : materials;
      requireComplete(next);
      set.materials = JSON.stringify(next);
      break;
    }
    case 'receive':
      set.received_at = now.toISOString();
      break;
    case 'request_supplement': {
      const items = input.supplementItems ?? [];
      if (!items.length)
        throw badRequest(
          'VALIDATION',
          '补正告知须一次性列明全部需补正的材料',
          'The supplement notice must list every material to supplement',
          'supplementItems',
        );
      const seen = new Set<string>();
      items.forEach((i, n) => {
        if (!materials.some((m) => m.name === i.material))
          throw badRequest(
            'VALIDATION',
            `事项没有材料“${i.material}”`,
            `The item has no material "${i.material}"`,
            `supplementItems.${n}.material`,
          );
        if (seen.has(i.material))
          throw badRequest('VALIDATION', '材料重复', 'Material listed twice', `supplementItems.${n}.material`);
        seen.add(i.material);
      });
      const notice: SupplementNotice = {
        items: items.map((i) => ({ material: i.material, note: i.note?.trim() ?? '' })),
        requestedAt: now.toISOString(),
      };
      set.supplement = JSON.stringify(notice);
      detail.supplementItems = notice.items;
      break;
    }
    case 'supplement': {
      const notice = json<SupplementNotice | null>(row.supplement, null);
      const given = input.materials ?? [];
      for (const i of notice?.items ?? [])
        if (!given.some((g) => g.name === i.material))
          throw badRequest(
            'MATERIAL_MISSING',
            `请补正材料：${i.material}`,
            `Supplement the material "${i.material}"`,
            `materials.${i.material}`,
          );
      const next = await resolveMaterials(tx, ctx, await itemNow(), given, materials, { supplemented: true });
      set.materials = JSON.stringify(next);
      set.supplement = null;
      detail.supplemented = given.map((g) => g.name);
      break;
    }
    case 'accept':
    case 'auto_accept': {
      let next = materials;
      if (t.action === 'accept' && input.tolerated?.length) {
        next = materials.map((m) => ({ ...m }));
        input.tolerated.forEach((tol, n) => {
          // A missing material, or one the window judges defective, may be tolerated.
          const m = next.find((x) => x.name === tol.material);
          if (!m)
            throw badRequest(
              'VALIDATION',
              `事项没有材料“${tol.material}”`,
              `The item has no material "${tol.material}"`,
              `tolerated.${n}.material`,
            );
          if (!validDay(tol.dueDay) || tol.dueDay < today)
            throw badRequest(
              'VALIDATION',
              '容缺材料的补齐日期须为今天或以后的日期',
              'The due day of a tolerated material must be today or later',
              `tolerated.${n}.dueDay`,
            );
          m.status = 'tolerated';
          m.toleratedUntil = tol.dueDay;
        });
        detail.tolerated = input.tolerated;
      }
      if (t.action === 'accept') requireComplete(next);
      set.materials = JSON.stringify(next);
      // §32: an automatic acceptance counts from the day of receipt.
      const start = t.action === 'auto_accept' && row.received_at ? new Date(row.received_at) : now;
      const c = await calendar();
      set.accepted_at = start.toISOString();
      set.due_day = limitEnd(c, start, row.promised_limit, row.promised_unit);
      set.statutory_due_day = limitEnd(c, start, row.statutory_limit, row.statutory_unit);
      set.warn_day = warnDayOf(c, dayOf(start), set.due_day as string, row.promised_unit);
      deadlines.push({ warnDay: set.warn_day as string, dueDay: set.due_day as string });
      detail.dueDay = set.due_day;
      break;
    }
    case 'provide_materials': {
      const given = input.materials ?? [];
      if (!given.length) throw badRequest('VALIDATION', '请提供材料', 'Provide at least one material', 'materials');
      given.forEach((g, n) => {
        if (materials.find((m) => m.name === g.name)?.status !== 'tolerated')
          throw badRequest(
            'VALIDATION',
            `材料“${g.name}”不是容缺材料`,
            `"${g.name}" is not a tolerated material`,
            `materials.${n}.name`,
          );
      });
      set.materials = JSON.stringify(
        await resolveMaterials(tx, ctx, await itemNow(), given, materials, { supplemented: true }),
      );
      detail.provided = given.map((g) => g.name);
      break;
    }
    case 'suspend': {
      const type = input.procedure?.type;
      if (!type || !(PROCEDURE_TYPES as readonly string[]).includes(type))
        throw badRequest(
          'VALIDATION',
          '请选择特别程序类型',
          `Choose a special procedure type: ${PROCEDURE_TYPES.join(', ')}`,
          'procedure.type',
        );
      const procedures = json<SpecialProcedure[]>(row.procedures, []);
      // §45: the applicant is told in writing; the notification below is that notice.
      procedures.push({
        type: type as ProcedureType,
        reason: opts.reason ?? null,
        start: now.toISOString(),
        end: null,
        notifiedAt: now.toISOString(),
      });
      set.procedures = JSON.stringify(procedures);
      set.suspended_since = now.toISOString();
      detail.procedure = type;
      break;
    }
    case 'resume': {
      const c = await calendar();
      const from = dayOf(new Date(row.suspended_since ?? now));
      const to = today;
      // Working days that passed while suspended (after the day of suspension, up to today).
      const paused = c.workingDaysBetween(from, to);
      const pauses = [...json<Pause[]>(row.pauses, []), { from, to }];
      const procedures = json<SpecialProcedure[]>(row.procedures, []);
      const open = procedures.findLast((x) => x.end === null);
      if (open) open.end = now.toISOString();
      set.procedures = JSON.stringify(procedures);
      set.pauses = JSON.stringify(pauses);
      set.suspended_since = null;
      if (row.due_day && paused > 0) set.due_day = c.addWorkingDays(row.due_day, paused);
      if (row.statutory_due_day && paused > 0) set.statutory_due_day = c.addWorkingDays(row.statutory_due_day, paused);
      if (row.warn_day && paused > 0) set.warn_day = c.addWorkingDays(row.warn_day, paused);
      if (set.due_day)
        deadlines.push({ warnDay: (set.warn_day ?? row.warn_day) as string, dueDay: set.due_day as string });
      detail.pausedWorkingDays = paused;
      detail.dueDay = set.due_day ?? row.due_day;
      break;
    }
    case 'extend': {
      const n = input.extendDays;
      if (!Number.isInteger(n) || n! < 1 || n! > MAX_EXTENSION_DAYS)
        throw badRequest(
          'VALIDATION',
          `延长期限须为 1 至 ${MAX_EXTENSION_DAYS} 个工作日`,
          `The extension must be 1 to ${MAX_EXTENSION_DAYS} working days`,
          'extendDays',
        );
      if ((row.extended_days ?? 0) > 0)
        throw conflict(
          'ALREADY_EXTENDED',
          '办理期限只能延长一次',
          'The time limit can be extended only once',
          'extendDays',
        );
      const c = await calendar();
      set.extended_days = n;
      if (row.due_day) set.due_day = c.addWorkingDays(row.due_day, n!);
      if (row.statutory_due_day) set.statutory_due_day = c.addWorkingDays(row.statutory_due_day, n!);
      if (row.accepted_at && set.due_day)
        set.warn_day = warnDayOf(c, dayOf(new Date(row.accepted_at)), set.due_day as string, 1);
      if (set.due_day) deadlines.push({ warnDay: set.warn_day as string, dueDay: set.due_day as string });
      detail.extendDays = n;
      detail.dueDay = set.due_day;
      break;
    }
    case 'complete_step': {
      const steps = json<CaseStep[]>(row.steps, []);
      const i = row.current_step as number | null;
      if (i === null || i === undefined || !steps[i])
        throw conflict('NO_STEP_PENDING', '没有待办理的环节', 'No review step is pending', 'action');
      const step = steps[i]!;
      if (step.role && ctx.caller.accountId !== 'system') {
        const roles = await roleCodesOfAccount(tx as unknown as Db, ctx.caller.accountId!);
        if (!roles.includes(step.role))
          throw forbidden(
            'STEP_ROLE',
            `环节“${step.name}”须由角色 ${step.role} 办理`,
            `Step "${step.name}" must be done by role ${step.role}`,
          );
      }
      step.done = {
        by: ctx.caller.name,
        at: now.toISOString(),
        opinion: opinionOf(input),
        comment: input.comment?.trim() || null,
      };
      const next = steps.findIndex((x, k) => k > i && !x.done);
      set.steps = JSON.stringify(steps);
      set.current_step = next === -1 ? null : next;
      detail.step = step.name;
      detail.opinion = step.done.opinion;
      break;
    }
    case 'countersign_start': {
      if (countersignOpen) throw conflict('COUNTERSIGN_OPEN', '会签尚未结束', 'A countersign is still open', 'action');
      const ids = [...new Set(input.departments ?? [])];
      if (!ids.length)
        throw badRequest('VALIDATION', '请选择会签部门', 'Choose the departments to countersign', 'departments');
      const departments: Countersign['departments'] = [];
      for (const [n, id] of ids.entries()) {
        const d = await getDepartment(tx as unknown as Db, id);
        if (!d || id === row.department_id)
          throw badRequest('VALIDATION', '会签部门无效', 'Invalid countersign department', `departments.${n}`);
        departments.push({
          departmentId: d.id,
          departmentName: d.name,
          opinion: null,
          comment: null,
          by: null,
          at: null,
        });
      }
      set.countersign = JSON.stringify({ startedAt: now.toISOString(), completedAt: null, departments });
      detail.departments = departments.map((d) => d.departmentName);
      break;
    }
    case 'countersign': {
      const dep = canCountersign(ctx, row, true);
      if (!countersignOpen || !dep)
        throw conflict('NO_COUNTERSIGN', '没有待您会签的事项', 'There is no open countersign for you', 'action');
      const cs = countersign!;
      const d = cs.departments.find((x) => x.departmentId === dep)!;
      d.opinion = opinionOf(input);
      d.comment = input.comment?.trim() || null;
      d.by = ctx.caller.name;
      d.at = now.toISOString();
      if (cs.departments.every((x) => x.opinion !== null)) cs.completedAt = now.toISOString();
      set.countersign = JSON.stringify(cs);
      detail.department = d.departmentName;
      detail.opinion = d.opinion;
      break;
    }
    case 'approve':
    case 'deny':
      if (countersignOpen)
        throw conflict('COUNTERSIGN_OPEN', '会签尚未结束，不能作出决定', 'A countersign is still open', 'action');
      if (t.action === 'approve') {
        const pending = materials.find((m) => m.status === 'tolerated');
        if (pending)
          throw conflict(
            'TOLERATED_PENDING',
            `容缺材料尚未补齐：${pending.name}`,
            `A tolerated material is still missing: ${pending.name}`,
            `materials.${pending.name}`,
          );
      }
      break;
  }
  if (t.vendorStatus) detail.vendorStatus = t.vendorStatus;
  if (CLOCK_STATES.includes(t.to) || t.to === 'DECIDED') {
    // A flag set by a deadline job describes the old deadline only.
    if (deadlines.length || !CLOCK_STATES.includes(t.to)) set.deadline_flag = null;
  }

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
  if (t.action === 'receive' || t.action === 'supplement') {
    // §32 counts from receipt, and again from the receipt of the supplemented materials.
    const c = await calendar();
    const lastDay = c.addWorkingDays(today, SUPPLEMENT_NOTICE_DAYS);
    await enqueue(
      tx,
      AUTO_ACCEPT_QUEUE,
      { caseId: row.id },
      { runAt: endOfDay(lastDay), uniqueKey: `auto_accept:${row.id}:${expected + 1}` },
    );
  }
  for (const d of deadlines) {
    await enqueue(
      tx,
      DEADLINE_QUEUE,
      { caseId: row.id, kind: 'warning', dueDay: d.dueDay },
      { runAt: parseDay(d.warnDay), uniqueKey: `deadline:${row.id}:warning:${d.dueDay}` },
    );
    await enqueue(
      tx,
      DEADLINE_QUEUE,
      { caseId: row.id, kind: 'overdue', dueDay: d.dueDay },
      { runAt: endOfDay(d.dueDay), uniqueKey: `deadline:${row.id}:overdue:${d.dueDay}` },
    );
  }
  for (const tol of (detail.tolerated ?? []) as { material: string; dueDay: string }[]) {
    const key = `tolerated:${row.id}:${expected + 1}:${tol.material}`;
    const dayBefore = new Date(parseDay(tol.dueDay).getTime() - 86_400_000);
    await enqueue(
      tx,
      TOLERATED_QUEUE,
      { caseId: row.id, kind: 'reminder', material: tol.material, dueDay: tol.dueDay },
      { runAt: dayBefore > now ? dayBefore : now, uniqueKey: `${key}:reminder` },
    );
    await enqueue(
      tx,
      TOLERATED_QUEUE,
      { caseId: row.id, kind: 'overdue', material: tol.material, dueDay: tol.dueDay },
      { runAt: endOfDay(tol.dueDay), uniqueKey: `${key}:overdue` },
    );
  }
  await afterTransition(tx, row, t, opts.reason ?? null, detail as { supplementItems?: SupplementNotice['items'] });
  for (const h of transitionHooks)
    if (wants(h.filter, row, t.action)) await h.hook(tx, ctx, { ...row, state: t.to }, t);
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

/**
 * Job handler of 'cases.deadline': flags the case 'warning' (80 % of the time limit used) or
 * 'overdue' when its clock still runs towards the same due day, audits it and tells the staff
 * who last handled it. A job for a due day that moved (suspension, extension) does nothing.
 */
export async function deadlineReached(
  p: Platform,
  ctx: Ctx,
  payload: { caseId: string; kind: 'warning' | 'overdue'; dueDay: string },
): Promise<boolean> {
  return p.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', payload.caseId)
      .forUpdate()
      .executeTakeFirst();
    if (!row || !RUNNING_STATES.includes(row.state) || row.due_day !== payload.dueDay) return false;
    if (row.deadline_flag === payload.kind || (row.deadline_flag === 'overdue' && payload.kind === 'warning'))
      return false;
    await tx.updateTable('cases').set({ deadline_flag: payload.kind }).where('id', '=', row.id).execute();
    await writeAudit(tx, ctx, {
      action: `cases.deadline_${payload.kind}`,
      objectType: 'case',
      objectId: row.id,
      detail: { dueDay: row.due_day },
    });
    await deadlineNotice(tx, row, payload.kind);
    return true;
  });
}

/** States in which a tolerated material can still be handed in (the case is open). */
const TOLERATED_OPEN: readonly string[] = ['ACCEPTED', 'REVIEWING', 'SUSPENDED'];

/**
 * Job handler of 'cases.tolerated': if the material is still tolerated with that due day and the
 * case is open, reminds the applicant (the day before) or tells the applicant and the staff member
 * who last acted that it is overdue. Answers whether it told anyone.
 */
export async function toleratedDue(
  p: Platform,
  ctx: Ctx,
  payload: { caseId: string; kind: 'reminder' | 'overdue'; material: string; dueDay: string },
): Promise<boolean> {
  return p.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('cases').selectAll().where('id', '=', payload.caseId).executeTakeFirst();
    if (!row || !TOLERATED_OPEN.includes(row.state)) return false;
    const m = json<ProvidedMaterial[]>(row.materials, []).find((x) => x.name === payload.material);
    if (m?.status !== 'tolerated' || m.toleratedUntil !== payload.dueDay) return false;
    await writeAudit(tx, ctx, {
      action: `cases.tolerated_${payload.kind}`,
      objectType: 'case',
      objectId: row.id,
      detail: { material: payload.material, dueDay: payload.dueDay },
    });
    await toleratedNotice(tx, row, payload.kind, payload.material, payload.dueDay);
    return true;
  });
}

// ---------- reading ----------

const maskAddress = (a: string) => {
  const m = a.match(/^.*?(区|县|旗|市辖区)/);
  return m ? `${m[0]}****` : `${a.slice(0, 6)}****`;
};

/** Personal fields of an application form, by property name, and how each is masked (GB/T 37964 suppression). */
const PERSONAL_FIELDS: [RegExp, (v: string) => string][] = [
  [/id_?(number|no|card)|cert_?no|证件号|身份证/i, maskIdNumber],
  [/bank_?account|account_?no|卡号|账号/i, (v) => (v.length < 8 ? '****' : `${v.slice(0, 4)}****${v.slice(-4)}`)],
  [/phone|mobile|tel|电话|手机/i, maskPhone],
  [/address|addr|premises|location|residence|住址|地址|场所/i, maskAddress],
  // Birth dates keep the year only (a quasi-identifier with the name and the district).
  [/birth_?date|birthday|出生/i, (v) => (/^\d{4}/.test(v) ? `${v.slice(0, 4)}-**-**` : '****')],
  // A person's name under any of the forms' names for one (applicant, legal person, parents, spouse…);
  // names of enterprises, shops, schools or projects are not personal data.
  [
    /^((applicant|contact|legal_?representative|legal_?person|agent|child|baby|father|mother|guardian|person|operator|spouse|investor|owner)_?(name)?|name)$/i,
    maskName,
  ],
];

export function maskFormData(formData: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(formData)) {
    const rule = typeof v === 'string' ? PERSONAL_FIELDS.find(([re]) => re.test(k)) : undefined;
    out[k] = rule ? rule[1](v as string) : v;
  }
  return out;
}

/** The view for this caller: staff see personal data masked (unmasking is a separate, audited call). */
function viewFor(ctx: Ctx, row: any): CaseView & { masked: boolean } {
  const v = toView(row);
  if (row.applicant_account_id === ctx.caller.accountId) return { ...v, masked: false };
  return { ...v, applicantName: maskName(v.applicantName), formData: maskFormData(v.formData), masked: true };
}

/** The actions this caller may take on the case now (what the UI offers as buttons). */
export function allowedActions(ctx: Ctx, row: any): string[] {
  const out: string[] = [];
  const isApplicant = row.applicant_account_id === ctx.caller.accountId;
  const cs = json<Countersign | null>(row.countersign, null);
  const csOpen = !!cs && !cs.completedAt;
  const materials = json<ProvidedMaterial[]>(row.materials, []);
  for (const t of TRANSITIONS) {
    if (!t.from.includes(row.state) || out.includes(t.action)) continue;
    if (t.actor === 'applicant') {
      if (!isApplicant) continue;
    } else if (t.actor === 'staff') {
      if (ctx.caller.accountType !== 'staff') continue;
      if (t.action === 'countersign') {
        if (!csOpen || !canCountersign(ctx, row, true)) continue;
      } else if (!can(ctx.caller, t.permission ?? HANDLE, target(row))) continue;
    } else continue;
    if (t.action === 'submit' && json<string[]>(row.waiting_for, []).length) continue;
    if (t.action === 'countersign_start' && csOpen) continue;
    if ((t.action === 'approve' || t.action === 'deny') && csOpen) continue;
    if (t.action === 'approve' && materials.some((m) => m.status === 'tolerated')) continue;
    if (t.action === 'complete_step' && (row.current_step === null || row.current_step === undefined)) continue;
    if (t.action === 'extend' && (row.extended_days ?? 0) > 0) continue;
    if (t.action === 'provide_materials' && !materials.some((m) => m.status === 'tolerated')) continue;
    out.push(t.action);
  }
  return out;
}

export async function get(p: Platform, ctx: Ctx, id: string) {
  const row = await loadRow(p.db, id);
  if (!row) {
    requireSignedIn(ctx);
    throw notFound('Case', '办件');
  }
  checkVisible(ctx, row);
  const view = viewFor(ctx, row);
  const cal = await loadCalendar(p.db);
  const dep = await getDepartment(p.db, row.department_id);
  return {
    ...view,
    departmentName: dep?.name ?? null,
    deadlineStatus: deadlineStatusOf(cal, view, dayOf(new Date())),
    allowedActions: allowedActions(ctx, row),
    rating: await ratingForCase(p.db, id),
  };
}

/** The form schema and materials of the item version the case was filed under (for anyone who may see the case). */
export async function caseItem(p: Platform, ctx: Ctx, id: string) {
  const row = await loadRow(p.db, id);
  if (!row) {
    requireSignedIn(ctx);
    throw notFound('Case', '办件');
  }
  checkVisible(ctx, row);
  const item = await itemOf(p.db, row);
  return {
    taskCode: item.taskCode,
    taskVersion: item.taskVersion,
    name: item.name,
    formSchema: item.formSchema,
    materials: item.materials,
    steps: item.steps,
  };
}

/** Departments a case may be sent to for countersign (all departments; staff with cases.handle). */
export async function countersignDepartmentList(p: Platform, ctx: Ctx) {
  requireSignedIn(ctx);
  const scopes = scopesOf(ctx.caller, HANDLE);
  if (scopes !== null && scopes.length === 0) authorize(ctx, HANDLE);
  const deps = await listAllDepartments(p.db, { scopes: null });
  return { items: deps.map((d) => ({ id: d.id, name: d.name, regionCode: d.regionCode })) };
}

/** Applicant data and form in clear, for staff whose role may see it; every call is audited. */
export async function unmask(p: Platform, ctx: Ctx, id: string) {
  requireSignedIn(ctx);
  const row = await loadRow(p.db, id);
  if (!row) throw notFound('Case', '办件');
  checkVisible(ctx, row);
  if (row.applicant_account_id !== ctx.caller.accountId) authorize(ctx, UNMASK, target(row));
  await p.db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      action: 'cases.unmask',
      objectType: 'case',
      objectId: id,
      detail: { serialNo: row.serial_no },
    }),
  );
  return { applicantName: row.applicant_name as string, formData: json<Record<string, unknown>>(row.form_data, {}) };
}

/** A material file: its uploader, or staff who may see a case that holds it (audited). */
export async function readFile(p: Platform, ctx: Ctx, fileId: string) {
  requireSignedIn(ctx);
  const f: any = await fileRow(p.db, fileId);
  if (!f) throw fileNotFound();
  if (f.owner_account_id !== ctx.caller.accountId) {
    const holders = await casesWithFile(p.db, fileId);
    const visible = holders.find((r) => {
      try {
        checkVisible(ctx, r);
        return true;
      } catch {
        return false;
      }
    });
    if (!visible) throw fileNotFound();
    await p.db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        action: 'cases.file.read',
        objectType: 'case_file',
        objectId: fileId,
        detail: { caseId: visible.id },
      }),
    );
  }
  return { name: f.name as string, mime: f.mime as string, content: Buffer.from(f.content) };
}

export async function timeline(p: Platform, ctx: Ctx, id: string) {
  const row = await loadRow(p.db, id);
  if (!row) {
    requireSignedIn(ctx);
    throw notFound('Case', '办件');
  }
  checkVisible(ctx, row);
  const rows = await p.db.selectFrom('case_events').selectAll().where('case_id', '=', id).orderBy('seq').execute();
  const staffView = row.applicant_account_id !== ctx.caller.accountId;
  return {
    items: rows.map((r) => {
      const e = toEvent(r);
      // The applicant's name is personal data: masked for staff like the rest of the case.
      return staffView && r.actor_id === row.applicant_account_id && e.actorName
        ? { ...e, actorName: maskName(e.actorName) }
        : e;
    }),
  };
}

/** Which cases the inbox lists: open ones (待办, the web inbox's default), terminal ones (已结束), or both. */
export type InboxView = 'open' | 'closed' | 'all';

export interface InboxQuery {
  /** Absent: all. */
  view?: InboxView;
  state?: string;
  q?: string;
  deadline?: DeadlineStatus;
  departmentId?: string;
  page?: number;
  pageSize?: number;
}

/** The inbox's query: the caller's scopes and the filters of `q` (paging aside). */
function inboxScope(p: Platform, ctx: Ctx, q: Omit<InboxQuery, 'page' | 'pageSize'>, today = dayOf(new Date())) {
  requireSignedIn(ctx);
  const read = scopesOf(ctx.caller, READ);
  const handle = scopesOf(ctx.caller, HANDLE);
  const scopes = read === null || handle === null ? null : [...read, ...handle];
  if (scopes !== null && scopes.length === 0) authorize(ctx, READ);
  let base = p.db.selectFrom('cases').where('state', '<>', 'DRAFT');
  // The literal list matches the partial indexes of 0070 (cases_inbox_active, cases_inbox_active_due).
  if (q.view === 'open') base = base.where('state', 'not in', TERMINAL_STATES as State[]);
  else if (q.view === 'closed') base = base.where('state', 'in', TERMINAL_STATES as State[]);
  if (q.state) base = base.where('state', '=', q.state);
  if (q.departmentId) base = base.where('department_id', '=', q.departmentId);
  const kw = q.q?.trim();
  if (kw)
    base = base.where((eb) =>
      eb.or([eb('serial_no', '=', kw), eb('item_name', 'like', `%${kw.replace(/[%_\\]/g, '\\$&')}%`)]),
    );
  if (q.deadline) {
    const clock = RUNNING_STATES as State[];
    // overdue, warning and normal split the inbox in three (normal = the rest; `inboxCounts` relies on it).
    if (q.deadline === 'overdue') base = base.where('state', 'in', clock).where('due_day', '<', today);
    else if (q.deadline === 'warning')
      base = base.where('state', 'in', clock).where('due_day', '>=', today).where('warn_day', '<=', today);
    else
      base = base.where((eb) =>
        eb.or([
          eb('state', 'not in', clock),
          eb('due_day', 'is', null),
          eb.and([eb('due_day', '>=', today), eb.or([eb('warn_day', 'is', null), eb('warn_day', '>', today)])]),
        ]),
      );
  }
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
  return { base, today };
}

/**
 * How many cases of the inbox are overdue, in warning and normal (the web inbox's three cards), in
 * one request: the total and the two small counts run at once, and normal is the rest (the three
 * filters of `inboxScope` split the inbox), so the large normal count is never run itself.
 */
export async function inboxCounts(
  p: Platform,
  ctx: Ctx,
  q: Omit<InboxQuery, 'page' | 'pageSize' | 'deadline'> = {},
): Promise<Record<DeadlineStatus, number> & { total: number }> {
  const today = dayOf(new Date());
  const count = async (deadline?: DeadlineStatus) => {
    const { base } = inboxScope(p, ctx, { ...q, deadline }, today);
    const r = (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()) as { n: string };
    return Number(r.n);
  };
  const [total, overdue, warning] = await Promise.all([count(), count('overdue'), count('warning')]);
  return { total, overdue, warning, normal: total - overdue - warning };
}

/** Cases of the caller's departments/regions (cases.read or cases.handle), nearest deadline first. */
export async function inbox(p: Platform, ctx: Ctx, q: InboxQuery) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { base, today } = inboxScope(p, ctx, q);
  type Base = typeof base;
  const countOf = (b: Base) =>
    (b.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow() as Promise<{ n: string }>).then((r) =>
      Number(r.n),
    );
  // Only the list's columns (no form data, materials or history: less to read, parse and send, and
  // no personal data but the masked applicant name).
  const pageOf = (b: Base, offset: number, limit: number) =>
    b
      .select(SUMMARY_COLUMNS)
      .orderBy(sql`due_day asc nulls last`)
      .orderBy('created_at')
      .limit(limit)
      .offset(offset)
      .execute();
  const from = (page - 1) * pageSize;
  let total: number;
  let rows: Awaited<ReturnType<typeof pageOf>>;
  if (q.view === 'open' && !q.state) {
    // 待办, most urgent first: the cases whose clock runs, nearest due day first, then the other
    // open ones (before acceptance, awaiting a supplement, decided or concluded awaiting delivery).
    // One due-day order over all of them put long-concluded cases awaiting delivery first.
    const clock = CLOCK_STATES as State[];
    const running = base.where('state', 'in', clock);
    const waiting = base.where('state', 'not in', clock);
    const [all, onClock] = await Promise.all([countOf(base), countOf(running)]);
    const first = from < onClock ? await pageOf(running, from, pageSize) : [];
    const rest = pageSize - first.length;
    const second =
      rest > 0 && from + first.length < all ? await pageOf(waiting, Math.max(0, from - onClock), rest) : [];
    total = all;
    rows = [...first, ...second];
  } else {
    // The count and the page at once, on two connections.
    [total, rows] = await Promise.all([countOf(base), pageOf(base, from, pageSize)]);
  }
  const cal = await displayCalendar(p.db);
  return {
    items: rows.map((r) => {
      const v = inboxItem(ctx, r);
      return { ...v, deadlineStatus: deadlineStatusOf(cal, v, today) };
    }),
    total,
    page,
    pageSize,
  };
}

/** One row of the inbox: the case's summary, the applicant's name masked unless it is the caller's own case. */
export type InboxItem = CaseSummary & { masked: boolean };

function inboxItem(ctx: Ctx, r: any): InboxItem {
  const v = toSummary(r);
  const own = r.applicant_account_id === ctx.caller.accountId;
  return { ...v, applicantName: own ? v.applicantName : maskName(v.applicantName), masked: !own };
}

export async function mine(p: Platform, ctx: Ctx, q: { state?: string; page?: number; pageSize?: number }) {
  requireSignedIn(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  let base = p.db.selectFrom('cases').where('applicant_account_id', '=', ctx.caller.accountId);
  if (q.state) base = base.where('state', '=', q.state);
  const { n } = (await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()) as any;
  // Latest change first, as the list shows 更新时间 (an applicant has few cases: the index on the
  // account narrows them, the sort is in memory).
  const rows = await base
    .selectAll()
    .orderBy('updated_at', 'desc')
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
