/**
 * Sharing requests (供需对接): a consumer department asks for fields of a resource with purpose,
 * legal basis, period and expected volume; unconditional resources are granted at once, conditional
 * ones wait for the provider within a working-day deadline (reminders as durable jobs); the provider
 * approves fully or partly, refuses with a reason, revokes, and re-reviews grants periodically.
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
  formatDay,
  loadCalendar,
  notFound,
  notify,
  type Platform,
  parseDay,
  requireSignedIn,
  type Tx,
  writeAudit,
} from '@yiwang/platform';
import { requireResource } from './catalog.ts';
import type { Resource } from './types.ts';

export const REMIND_QUEUE = 'data.request.remind';
export const REVIEW_QUEUE = 'data.grant.review';
export const REQUEST = 'data.request';
const APPROVE = 'data.approve';

export type RequestStatus = 'pending' | 'granted' | 'refused' | 'revoked';

export interface RequestInput {
  resourceId: string;
  purpose: string;
  legalBasis: string;
  mode?: 'rows' | 'predicate';
  fields: string[];
  clearFields?: string[];
  periodFrom: string;
  periodTo: string;
  expectedVolume: number;
  /** Only for callers who may request on behalf of another department (platform administrators, seeds). */
  consumerDepartmentId?: string;
}

export interface RequestView {
  id: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerDepartmentId: string;
  consumerDepartmentId: string;
  consumerDepartmentName: string;
  requesterName: string | null;
  purpose: string;
  legalBasis: string;
  mode: 'rows' | 'predicate';
  fields: string[];
  clearFields: string[];
  periodFrom: string;
  periodTo: string;
  expectedVolume: number;
  status: RequestStatus;
  partial: boolean;
  grantedFields: string[] | null;
  grantedClearFields: string[] | null;
  dueDay: string | null;
  overdue: boolean;
  decidedByName: string | null;
  decidedAt: string | null;
  reason: string | null;
  dailyQuota: number;
  ratePerMinute: number;
  reviewDue: string | null;
  version: number;
  createdAt: string;
}

const json = <T>(v: unknown, fb: T): T => (v == null ? fb : typeof v === 'string' ? JSON.parse(v) : (v as T));
const day = (v: unknown) => (v == null ? null : typeof v === 'string' ? v.slice(0, 10) : dayOf(new Date(v as Date)));
const bad = (field: string, zh: string, en: string) => badRequest('INVALID_REQUEST', zh, en, field);

export async function setting(db: Db | Tx, key: string, fallback: number): Promise<number> {
  const r = await db.selectFrom('data_settings').select('value').where('key', '=', key).executeTakeFirst();
  const v = r ? json<number>(r.value, fallback) : fallback;
  return Number.isFinite(Number(v)) ? Number(v) : fallback;
}

/** A request row (with its resource's `code` and `resource_name`) as the API shows it. */
export function requestView(r: any): RequestView {
  const due = day(r.due_day);
  return {
    id: r.id,
    resourceId: r.resource_id,
    resourceCode: r.code,
    resourceName: r.resource_name,
    providerDepartmentId: r.provider_department_id,
    consumerDepartmentId: r.consumer_department_id,
    consumerDepartmentName: r.consumer_department_name,
    requesterName: r.requester_name,
    purpose: r.purpose,
    legalBasis: r.legal_basis,
    mode: r.mode,
    fields: json(r.fields, []),
    clearFields: json(r.clear_fields, []),
    periodFrom: day(r.period_from)!,
    periodTo: day(r.period_to)!,
    expectedVolume: r.expected_volume,
    status: r.status,
    partial: r.partial,
    grantedFields: r.granted_fields ? json(r.granted_fields, []) : null,
    grantedClearFields: r.granted_clear_fields ? json(r.granted_clear_fields, []) : null,
    dueDay: due,
    overdue: r.status === 'pending' && !!due && dayOf(new Date()) > due,
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    reason: r.reason,
    dailyQuota: r.daily_quota,
    ratePerMinute: r.rate_per_minute,
    reviewDue: day(r.review_due),
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const selectRequests = (db: Db | Tx) =>
  db
    .selectFrom('data_requests as q')
    .innerJoin('data_resources as r', 'r.id', 'q.resource_id')
    .selectAll('q')
    .select(['r.code', 'r.name as resource_name']);

export async function loadRequest(db: Db | Tx, id: string): Promise<RequestView | null> {
  const r = await selectRequests(db).where('q.id', '=', id).executeTakeFirst();
  return r ? requestView(r) : null;
}

async function requireRequest(db: Db | Tx, id: string): Promise<RequestView> {
  const r = await loadRequest(db, id);
  if (!r) throw notFound('Sharing request', '共享申请');
  return r;
}

/** The provider's data officers (who approve) and the consumer's requesters. */
async function tellProvider(
  tx: Tx,
  req: RequestView,
  notice: { kind: string; title: string; titleEn: string; body: string; bodyEn: string },
) {
  for (const accountId of await accountsHolding(tx, APPROVE, { departmentId: req.providerDepartmentId }, { limit: 20 }))
    await notify(tx, {
      recipientAccountId: accountId,
      ...notice,
      link: '/data?tab=incoming',
      channels: ['inapp'],
    });
}
async function tellConsumer(
  tx: Tx,
  req: RequestView,
  notice: { kind: string; title: string; titleEn: string; body: string; bodyEn: string },
) {
  const to = new Set(await accountsHolding(tx, REQUEST, { departmentId: req.consumerDepartmentId }, { limit: 20 }));
  for (const accountId of to)
    await notify(tx, {
      recipientAccountId: accountId,
      ...notice,
      link: '/data?tab=requests',
      channels: ['inapp'],
    });
}

function checkFields(resource: Resource, fields: string[], field: string) {
  const unknown = fields.find((f) => !resource.fields.some((x) => x.name === f));
  if (unknown) throw bad(field, `资源没有数据项 ${unknown}`, `The resource has no field ${unknown}`);
}

export async function fileRequest(p: Platform, ctx: Ctx, input: RequestInput): Promise<RequestView> {
  requireSignedIn(ctx);
  const consumerId = input.consumerDepartmentId ?? ctx.caller.departmentId;
  if (!consumerId) throw bad('consumerDepartmentId', '请选择申请部门', 'The requesting department is required');
  const consumer = await getDepartment(p.db, consumerId);
  if (!consumer) throw bad('consumerDepartmentId', '申请部门不存在', 'The requesting department does not exist');
  authorize(ctx, REQUEST, { departmentId: consumer.id, regionCode: consumer.regionCode });
  const resource = await requireResource(p.db, input.resourceId);
  if (resource.status !== 'active')
    throw conflict('RESOURCE_RETIRED', '资源已停用', 'The resource is retired', 'resourceId');
  if (resource.shareType === '不予共享')
    throw conflict('NOT_SHARED', '该资源不予共享', 'This resource is not shared', 'resourceId');
  if (!input.purpose.trim()) throw bad('purpose', '请填写用途', 'Purpose is required');
  if (!input.legalBasis.trim()) throw bad('legalBasis', '请填写依据', 'Legal basis is required');
  const fields = [...new Set(input.fields)];
  if (!fields.length) throw bad('fields', '请至少选择一个数据项', 'Choose at least one field');
  checkFields(resource, fields, 'fields');
  const clearFields = [...new Set(input.clearFields ?? [])];
  const notRequested = clearFields.find((f) => !fields.includes(f));
  if (notRequested)
    throw bad(
      'clearFields',
      `明文数据项 ${notRequested} 不在申请的数据项中`,
      `Clear field ${notRequested} is not among the requested fields`,
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.periodFrom) || Number.isNaN(parseDay(input.periodFrom).getTime()))
    throw bad('periodFrom', '起始日期不正确', 'Bad start date');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.periodTo) || Number.isNaN(parseDay(input.periodTo).getTime()))
    throw bad('periodTo', '截止日期不正确', 'Bad end date');
  if (input.periodTo < input.periodFrom)
    throw bad('periodTo', '截止日期不能早于起始日期', 'The end must not be before the start');
  if (input.periodTo < dayOf(new Date())) throw bad('periodTo', '使用期限已过', 'The period is already over');
  if (!Number.isInteger(input.expectedVolume) || input.expectedVolume < 1)
    throw bad('expectedVolume', '预计调用量应为正整数', 'expectedVolume must be a positive integer');
  const atOnce = resource.shareType === '无条件共享' && clearFields.length === 0;
  const today = dayOf(new Date());
  const cal = await loadCalendar(p.db);
  const decisionDays = await setting(p.db, 'decision_days', 10);
  const remindBefore = await setting(p.db, 'remind_before_days', 2);
  const reviewDays = await setting(p.db, 'review_days', 365);
  const dueDay = atOnce ? null : cal.addWorkingDays(today, decisionDays);
  const id = crypto.randomUUID();
  return p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('data_requests')
      .values({
        id,
        resource_id: resource.id,
        provider_department_id: resource.providerDepartmentId,
        consumer_department_id: consumer.id,
        consumer_department_name: consumer.name,
        requested_by: ctx.caller.accountId,
        requester_name: ctx.caller.name,
        purpose: input.purpose.trim(),
        legal_basis: input.legalBasis.trim(),
        mode: input.mode ?? 'rows',
        fields: JSON.stringify(fields),
        clear_fields: JSON.stringify(clearFields),
        period_from: input.periodFrom,
        period_to: input.periodTo,
        expected_volume: input.expectedVolume,
        status: atOnce ? 'granted' : 'pending',
        granted_fields: atOnce ? JSON.stringify(fields) : null,
        granted_clear_fields: atOnce ? '[]' : null,
        due_day: dueDay,
        decided_at: atOnce ? new Date().toISOString() : null,
        decided_by_name: atOnce ? '无条件共享（自动）' : null,
        review_due: atOnce ? shiftDays(today, reviewDays) : null,
      })
      .execute();
    const view = (await loadRequest(tx, id))!;
    if (atOnce) {
      await enqueue(
        tx,
        REVIEW_QUEUE,
        { requestId: id, reviewDue: view.reviewDue },
        { runAt: parseDay(view.reviewDue!), uniqueKey: `${REVIEW_QUEUE}:${id}:${view.reviewDue}` },
      );
      await tellProvider(tx, view, {
        kind: 'data.request.granted',
        title: `${consumer.name}已获得“${resource.name}”的无条件共享`,
        titleEn: `${consumer.name} was granted ${resource.code} (unconditional sharing)`,
        body: `用途：${view.purpose}`,
        bodyEn: `Purpose: ${view.purpose}`,
      });
    } else {
      const remindDay = cal.addWorkingDays(today, Math.max(0, decisionDays - remindBefore));
      if (remindDay > today && remindDay < dueDay!)
        await enqueue(
          tx,
          REMIND_QUEUE,
          { requestId: id, kind: 'reminder' },
          { runAt: parseDay(remindDay), uniqueKey: `${REMIND_QUEUE}:${id}:reminder` },
        );
      await enqueue(
        tx,
        REMIND_QUEUE,
        { requestId: id, kind: 'overdue' },
        {
          runAt: parseDay(shiftDays(dueDay!, 1)),
          uniqueKey: `${REMIND_QUEUE}:${id}:overdue`,
        },
      );
      await tellProvider(tx, view, {
        kind: 'data.request.filed',
        title: `${consumer.name}申请共享“${resource.name}”`,
        titleEn: `${consumer.name} asks for ${resource.code}`,
        body: `请在 ${dueDay} 前答复。用途：${view.purpose}`,
        bodyEn: `Please decide by ${dueDay}. Purpose: ${view.purpose}`,
      });
    }
    await writeAudit(tx, ctx, {
      action: 'data.request.file',
      objectType: 'data_request',
      objectId: id,
      detail: { resource: resource.code, consumer: consumer.id, fields, clearFields, status: view.status },
    });
    return view;
  });
}

function shiftDays(d: string, n: number): string {
  return formatDay(new Date(parseDay(d).getTime() + n * 86_400_000));
}

export interface Decision {
  decision: 'approve' | 'refuse';
  fields?: string[];
  clearFields?: string[];
  reason?: string | null;
  dailyQuota?: number;
  ratePerMinute?: number;
  expectedVersion: number;
}

/** The provider's answer: approve (all or fewer fields, the clear fields it allows, quotas) or refuse with a reason. */
export async function decide(p: Platform, ctx: Ctx, id: string, d: Decision): Promise<RequestView> {
  const req = await requireRequest(p.db, id);
  authorize(ctx, APPROVE, { departmentId: req.providerDepartmentId });
  if (req.status !== 'pending') throw conflict('NOT_PENDING', '该申请已答复', 'The request has already been answered');
  const resource = await requireResource(p.db, req.resourceId);
  let fields = req.fields;
  let clear: string[] = [];
  if (d.decision === 'approve') {
    fields = [...new Set(d.fields ?? req.fields)];
    if (!fields.length)
      throw bad('fields', '至少批准一个数据项；不批准请拒绝', 'Approve at least one field, or refuse');
    const extra = fields.find((f) => !req.fields.includes(f));
    if (extra) throw bad('fields', `数据项 ${extra} 不在申请范围内`, `Field ${extra} was not requested`);
    checkFields(resource, fields, 'fields');
    clear = [...new Set(d.clearFields ?? req.clearFields)];
    const badClear = clear.find((f) => !req.clearFields.includes(f) || !fields.includes(f));
    if (badClear)
      throw bad(
        'clearFields',
        `数据项 ${badClear} 未申请明文或未批准`,
        `Field ${badClear} was not asked in clear or is not approved`,
      );
    if (d.dailyQuota !== undefined && (!Number.isInteger(d.dailyQuota) || d.dailyQuota < 1))
      throw bad('dailyQuota', '每日限额应为正整数', 'dailyQuota must be a positive integer');
    if (d.ratePerMinute !== undefined && (!Number.isInteger(d.ratePerMinute) || d.ratePerMinute < 1))
      throw bad('ratePerMinute', '每分钟限速应为正整数', 'ratePerMinute must be a positive integer');
  } else if (!d.reason?.trim()) throw bad('reason', '拒绝须说明理由', 'A refusal needs its reason');
  const partial =
    d.decision === 'approve' && (fields.length < req.fields.length || clear.length < req.clearFields.length);
  const reviewDays = await setting(p.db, 'review_days', 365);
  const reviewDue = d.decision === 'approve' ? shiftDays(dayOf(new Date()), reviewDays) : null;
  return p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('data_requests')
      .set({
        status: d.decision === 'approve' ? 'granted' : 'refused',
        partial,
        granted_fields: d.decision === 'approve' ? JSON.stringify(fields) : null,
        granted_clear_fields: d.decision === 'approve' ? JSON.stringify(clear) : null,
        reason: d.reason?.trim() || null,
        decided_by: ctx.caller.accountId,
        decided_by_name: ctx.caller.name,
        decided_at: new Date().toISOString(),
        ...(d.dailyQuota ? { daily_quota: d.dailyQuota } : {}),
        ...(d.ratePerMinute ? { rate_per_minute: d.ratePerMinute } : {}),
        review_due: reviewDue,
        version: req.version + 1,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('version', '=', d.expectedVersion)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict(
        'CONCURRENT_UPDATE',
        '申请已被他人处理，请刷新后重试',
        'The request was changed meanwhile; reload and retry',
      );
    const view = (await loadRequest(tx, id))!;
    if (reviewDue)
      await enqueue(
        tx,
        REVIEW_QUEUE,
        { requestId: id, reviewDue },
        { runAt: parseDay(reviewDue), uniqueKey: `${REVIEW_QUEUE}:${id}:${reviewDue}` },
      );
    await tellConsumer(tx, view, {
      kind: `data.request.${view.status}`,
      title:
        d.decision === 'approve'
          ? `“${resource.name}”共享申请已${partial ? '部分' : ''}批准`
          : `“${resource.name}”共享申请未获批准`,
      titleEn:
        d.decision === 'approve'
          ? `Request for ${resource.code} ${partial ? 'partly ' : ''}approved`
          : `Request for ${resource.code} refused`,
      body: d.decision === 'approve' ? `批准数据项：${fields.join('、')}` : `理由：${view.reason}`,
      bodyEn: d.decision === 'approve' ? `Approved fields: ${fields.join(', ')}` : `Reason: ${view.reason}`,
    });
    await writeAudit(tx, ctx, {
      action: `data.request.${d.decision}`,
      objectType: 'data_request',
      objectId: id,
      detail: { resource: resource.code, fields: d.decision === 'approve' ? fields : [], clear, partial },
    });
    return view;
  });
}

/** Ends a grant (the provider, or the consumer giving it up); its clients and tokens stop working at once. */
export async function revoke(p: Platform, ctx: Ctx, id: string, input: { reason: string; expectedVersion: number }) {
  const req = await requireRequest(p.db, id);
  requireSignedIn(ctx);
  const provider = can(ctx.caller, APPROVE, { departmentId: req.providerDepartmentId });
  if (!provider) authorize(ctx, REQUEST, { departmentId: req.consumerDepartmentId });
  if (req.status !== 'granted') throw conflict('NOT_GRANTED', '该申请未处于已授权状态', 'The request is not granted');
  if (!input.reason.trim()) throw bad('reason', '请说明撤销理由', 'A revocation needs its reason');
  return p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('data_requests')
      .set({
        status: 'revoked',
        reason: input.reason.trim(),
        version: req.version + 1,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict(
        'CONCURRENT_UPDATE',
        '申请已被他人处理，请刷新后重试',
        'The request was changed meanwhile; reload and retry',
      );
    await revokeCredentials(tx, id);
    const view = (await loadRequest(tx, id))!;
    const notice = {
      kind: 'data.request.revoked',
      title: `“${view.resourceName}”的共享授权已撤销`,
      titleEn: `Grant of ${view.resourceCode} revoked`,
      body: `理由：${view.reason}`,
      bodyEn: `Reason: ${view.reason}`,
    };
    await (provider ? tellConsumer(tx, view, notice) : tellProvider(tx, view, notice));
    await writeAudit(tx, ctx, {
      action: 'data.request.revoke',
      objectType: 'data_request',
      objectId: id,
      detail: { by: provider ? 'provider' : 'consumer' },
    });
    return view;
  });
}

/** Hook for the gateway's credentials (set by gateway.ts, which owns them). */
let revokeCredentials: (tx: Tx, requestId: string) => Promise<void> = async () => {};
export function onRevoke(fn: (tx: Tx, requestId: string) => Promise<void>) {
  revokeCredentials = fn;
}

/** Periodic re-review: the provider confirms a grant (next review in review_days) or revokes it. */
export async function review(p: Platform, ctx: Ctx, id: string, input: { expectedVersion: number }) {
  const req = await requireRequest(p.db, id);
  authorize(ctx, APPROVE, { departmentId: req.providerDepartmentId });
  if (req.status !== 'granted') throw conflict('NOT_GRANTED', '该申请未处于已授权状态', 'The request is not granted');
  const reviewDue = shiftDays(dayOf(new Date()), await setting(p.db, 'review_days', 365));
  return p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('data_requests')
      .set({
        review_due: reviewDue,
        reviewed_at: new Date().toISOString(),
        version: req.version + 1,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict(
        'CONCURRENT_UPDATE',
        '申请已被他人处理，请刷新后重试',
        'The request was changed meanwhile; reload and retry',
      );
    await enqueue(
      tx,
      REVIEW_QUEUE,
      { requestId: id, reviewDue },
      { runAt: parseDay(reviewDue), uniqueKey: `${REVIEW_QUEUE}:${id}:${reviewDue}` },
    );
    await writeAudit(tx, ctx, {
      action: 'data.request.review',
      objectType: 'data_request',
      objectId: id,
      detail: { reviewDue },
    });
    return (await loadRequest(tx, id))!;
  });
}

/** Reminder jobs: the provider before the deadline, provider and consumer once it has passed. */
export async function remind(p: Platform, payload: { requestId: string; kind: 'reminder' | 'overdue' }) {
  await p.db.transaction().execute(async (tx) => {
    const req = await loadRequest(tx, payload.requestId);
    if (req?.status !== 'pending') return;
    const notice =
      payload.kind === 'reminder'
        ? {
            kind: 'data.request.reminder',
            title: `请在 ${req.dueDay} 前答复“${req.resourceName}”的共享申请`,
            titleEn: `Decide on the request for ${req.resourceCode} by ${req.dueDay}`,
            body: `申请部门：${req.consumerDepartmentName}`,
            bodyEn: `Requested by ${req.consumerDepartmentName}`,
          }
        : {
            kind: 'data.request.overdue',
            title: `“${req.resourceName}”的共享申请已超过答复期限（${req.dueDay}）`,
            titleEn: `The request for ${req.resourceCode} is past its deadline (${req.dueDay})`,
            body: `申请部门：${req.consumerDepartmentName}`,
            bodyEn: `Requested by ${req.consumerDepartmentName}`,
          };
    await tellProvider(tx, req, notice);
    if (payload.kind === 'overdue') await tellConsumer(tx, req, notice);
  });
}

/** Review-due jobs: tell the provider that a grant is due for re-review (unless reviewed since). */
export async function reviewDue(p: Platform, payload: { requestId: string; reviewDue: string }) {
  await p.db.transaction().execute(async (tx) => {
    const req = await loadRequest(tx, payload.requestId);
    if (req?.status !== 'granted' || req.reviewDue !== payload.reviewDue) return;
    await tellProvider(tx, req, {
      kind: 'data.grant.review',
      title: `“${req.resourceName}”对${req.consumerDepartmentName}的共享授权到期复核`,
      titleEn: `Grant of ${req.resourceCode} to ${req.consumerDepartmentName} is due for review`,
      body: '请确认继续共享或撤销授权',
      bodyEn: 'Confirm the grant or revoke it',
    });
  });
}

export async function getRequest(p: Platform, ctx: Ctx, id: string): Promise<RequestView> {
  const req = await requireRequest(p.db, id);
  requireSignedIn(ctx);
  const c = ctx.caller;
  if (
    !can(c, APPROVE, { departmentId: req.providerDepartmentId }) &&
    !can(c, 'data.manage', { departmentId: req.providerDepartmentId }) &&
    !can(c, REQUEST, { departmentId: req.consumerDepartmentId }) &&
    !can(c, 'data.audit', { departmentId: c.departmentId })
  )
    throw forbidden();
  return req;
}

export async function listRequests(
  p: Platform,
  ctx: Ctx,
  q: { side: 'provider' | 'consumer'; status?: RequestStatus; resourceId?: string; page?: number; pageSize?: number },
) {
  requireSignedIn(ctx);
  const perm = q.side === 'provider' ? APPROVE : REQUEST;
  const grants = ctx.caller.grants.filter((g) => g.permission === perm || g.permission === '*');
  if (!grants.length) throw forbidden();
  const unlimited = grants.some((g) => !g.departmentId);
  const deps = grants.map((g) => g.departmentId).filter((d): d is string => !!d);
  const col = q.side === 'provider' ? 'q.provider_department_id' : 'q.consumer_department_id';
  let base = selectRequests(p.db);
  if (!unlimited) {
    if (!deps.length) return { items: [] };
    base = base.where(col, 'in', deps);
  }
  if (q.status) base = base.where('q.status', '=', q.status);
  if (q.resourceId) base = base.where('q.resource_id', '=', q.resourceId);
  const pageSize = q.pageSize ?? 20;
  const rows = await base
    .orderBy('q.created_at', 'desc')
    .limit(pageSize)
    .offset(((q.page ?? 1) - 1) * pageSize)
    .execute();
  return { items: rows.map(requestView) };
}

export const SETTINGS = ['decision_days', 'review_days', 'remind_before_days'] as const;

export async function getSettings(db: Db | Tx) {
  return {
    decisionDays: await setting(db, 'decision_days', 10),
    reviewDays: await setting(db, 'review_days', 365),
    remindBeforeDays: await setting(db, 'remind_before_days', 2),
  };
}

/** Platform-wide deadlines of the request flow (data.manage without a department limit). */
export async function putSettings(
  p: Platform,
  ctx: Ctx,
  input: { decisionDays?: number; reviewDays?: number; remindBeforeDays?: number },
) {
  authorize(ctx, 'data.manage');
  const pairs: [string, number | undefined, number, number, string][] = [
    ['decision_days', input.decisionDays, 1, 60, 'decisionDays'],
    ['review_days', input.reviewDays, 30, 1830, 'reviewDays'],
    ['remind_before_days', input.remindBeforeDays, 0, 30, 'remindBeforeDays'],
  ];
  for (const [, v, min, max, field] of pairs)
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
      throw badRequest(
        'INVALID_SETTING',
        `${field} 应为 ${min}–${max} 的整数`,
        `${field} must be an integer ${min}–${max}`,
        field,
      );
  await p.db.transaction().execute(async (tx) => {
    for (const [key, v] of pairs)
      if (v !== undefined)
        await tx
          .insertInto('data_settings')
          .values({ key, value: JSON.stringify(v) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(v) }))
          .execute();
    await writeAudit(tx, ctx, { action: 'data.settings.put', objectType: 'data_settings', detail: input });
  });
  return getSettings(p.db);
}
