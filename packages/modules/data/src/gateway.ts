/**
 * The exchange gateway (/api/v1/exchange): OAuth2 client credentials per grant, queries by key or
 * filter returning only granted fields masked by grade and grant, "usable but invisible" predicate
 * and aggregate answers, quotas and rate limits per grant, objections back to the provider. Every
 * answered call is recorded (data_calls) and audited with the SHA-256 of the exact answer bytes.
 */
import { accountsHolding } from '@yiwang/org';
import {
  AppError,
  anonymous,
  authorize,
  badRequest,
  type Ctx,
  can,
  conflict,
  type Db,
  dayOf,
  forbidden,
  notFound,
  notify,
  type Platform,
  randomToken,
  requireSignedIn,
  safeEqual,
  sha256,
  type Tx,
  writeAudit,
  writeAuditGrouped,
} from '@yiwang/platform';
import { divisionLevel, isInDivisionSubtree } from '@yiwang/shared';
import { sql } from 'kysely';
import { listLevels, listMaskRules, requireResource } from './catalog.ts';
import { hasQueryThrough, queryThrough } from './connectors.ts';
import { applyRule, type Shown, showField } from './masking.ts';
import { fromStored, isSealed, keyText, type Values, valueHash } from './rows.ts';
import { loadRequest, onRevoke, type RequestView, requestView } from './sharing.ts';
import type { Resource } from './types.ts';

const TOKEN_SECONDS = 3600;
/** Aggregates over identifying filters below this count are suppressed (small-cell rule). */
const MIN_CELL = 3;

export interface Grant {
  request: RequestView;
  resource: Resource;
  clientId: string | null;
  /** The applicant an internal call is made for (no-proof services), else null. */
  onBehalfOf?: string | null;
  /** Run inside this transaction (a call made while filing a case), not in one of its own. */
  tx?: Tx;
  /** What an internal call is for (the item and material of a no-proof fulfilment). */
  tags?: { taskCode: string; material: string; via: 'application' | 'preview' };
}

function gatewayError(status: number, code: string, zh: string, en: string, field?: string, requestId?: string) {
  const e = new AppError(status, code, zh, en, field);
  (e as any).auditAction = 'data.gateway.denied';
  (e as any).auditObject = requestId ?? null;
  return e;
}

onRevoke(async (tx, requestId) => {
  await tx
    .updateTable('data_clients')
    .set({ revoked_at: new Date().toISOString() })
    .where('request_id', '=', requestId)
    .where('revoked_at', 'is', null)
    .execute();
  await tx.updateTable('data_tokens').set({ revoked: true }).where('request_id', '=', requestId).execute();
});

function activeOrThrow(req: RequestView) {
  const today = dayOf(new Date());
  if (req.status !== 'granted')
    throw gatewayError(403, 'GRANT_NOT_ACTIVE', '共享授权未生效或已撤销', 'The grant is not active', undefined, req.id);
  if (today < req.periodFrom || today > req.periodTo)
    throw gatewayError(
      403,
      'GRANT_OUT_OF_PERIOD',
      '不在授权使用期限内',
      'Outside the period of the grant',
      undefined,
      req.id,
    );
}

// ---------- credentials (consumer side, under /api/v1/data) ----------

export async function createClient(p: Platform, ctx: Ctx, requestId: string, input: { name: string }) {
  const req = await loadRequest(p.db, requestId);
  if (!req) throw notFound('Sharing request', '共享申请');
  authorize(ctx, 'data.request', { departmentId: req.consumerDepartmentId });
  if (req.status !== 'granted')
    throw req.status === 'revoked'
      ? conflict('NOT_GRANTED', '该共享授权已撤销，不能签发凭证', 'The grant was revoked; no credentials can be issued')
      : req.status === 'refused'
        ? conflict(
            'NOT_GRANTED',
            '该共享申请未获批准，不能签发凭证',
            'The request was refused; no credentials can be issued',
          )
        : conflict('NOT_GRANTED', '申请尚未获批，不能签发凭证', 'The request is not granted yet');
  const clientId = `ywc_${randomToken(12)}`;
  const clientSecret = `yws_${randomToken(32)}`;
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('data_clients')
      .values({
        client_id: clientId,
        request_id: req.id,
        name: input.name.trim() || '接口凭证',
        secret_hash: sha256(clientSecret),
        created_by: ctx.caller.accountId,
      })
      .execute();
    await writeAudit(tx, ctx, {
      action: 'data.client.create',
      objectType: 'data_request',
      objectId: req.id,
      detail: { clientId },
    });
  });
  return {
    clientId,
    clientSecret,
    tokenUrl: '/api/v1/exchange/token',
    note: '密钥只显示这一次 / The secret is shown only once',
  };
}

export async function listClients(p: Platform, ctx: Ctx, requestId: string) {
  const req = await loadRequest(p.db, requestId);
  if (!req) throw notFound('Sharing request', '共享申请');
  requireSignedIn(ctx);
  if (
    !can(ctx.caller, 'data.request', { departmentId: req.consumerDepartmentId }) &&
    !can(ctx.caller, 'data.approve', { departmentId: req.providerDepartmentId })
  )
    throw forbidden();
  const rows = await p.db
    .selectFrom('data_clients')
    .select(['client_id', 'name', 'created_at', 'revoked_at'])
    .where('request_id', '=', req.id)
    .orderBy('created_at')
    .execute();
  return {
    items: rows.map((r: any) => ({
      clientId: r.client_id,
      name: r.name,
      createdAt: new Date(r.created_at).toISOString(),
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    })),
  };
}

export async function revokeClient(p: Platform, ctx: Ctx, clientId: string) {
  const c = await p.db.selectFrom('data_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  if (!c) throw notFound('Client', '接口凭证');
  const req = (await loadRequest(p.db, c.request_id))!;
  authorize(ctx, 'data.request', { departmentId: req.consumerDepartmentId });
  await p.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('data_clients')
      .set({ revoked_at: new Date().toISOString() })
      .where('client_id', '=', clientId)
      .execute();
    await tx.updateTable('data_tokens').set({ revoked: true }).where('client_id', '=', clientId).execute();
    await writeAudit(tx, ctx, {
      action: 'data.client.revoke',
      objectType: 'data_request',
      objectId: req.id,
      detail: { clientId },
    });
  });
  return { clientId, revoked: true };
}

// ---------- OAuth2 token endpoint ----------

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
  body() {
    return {
      error: this.error,
      error_description: this.en,
      code: this.error.toUpperCase(),
      message: this.zh,
      messageEn: this.en,
    };
  }
}

export async function issueToken(
  p: Platform,
  ctx: Ctx,
  body: { grant_type?: string; client_id?: string; client_secret?: string },
  basic: string | undefined,
) {
  let id = body.client_id;
  let secret = body.client_secret;
  if (basic?.startsWith('Basic ')) {
    const [u, s] = Buffer.from(basic.slice(6), 'base64').toString('utf8').split(':');
    id = decodeURIComponent(u ?? '');
    secret = decodeURIComponent(s ?? '');
  }
  if (body.grant_type !== 'client_credentials')
    throw new OAuthError(
      400,
      'unsupported_grant_type',
      '仅支持 client_credentials',
      'Only grant_type=client_credentials is supported',
    );
  if (!id || !secret) throw new OAuthError(401, 'invalid_client', '缺少客户端凭证', 'Client credentials are missing');
  const c = await p.db.selectFrom('data_clients').selectAll().where('client_id', '=', id).executeTakeFirst();
  if (!c || c.revoked_at || !safeEqual(c.secret_hash, sha256(secret))) {
    await p.db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        action: 'data.token.denied',
        objectType: 'data_client',
        objectId: id ?? null,
        outcome: 'denied',
      }),
    );
    throw new OAuthError(401, 'invalid_client', '客户端凭证无效', 'Invalid client credentials');
  }
  const req = (await loadRequest(p.db, c.request_id))!;
  try {
    activeOrThrow(req);
  } catch {
    throw new OAuthError(400, 'invalid_grant', '共享授权未生效、已撤销或已过期', 'The grant is not active');
  }
  const token = `ywt_${randomToken(32)}`;
  const expires = new Date(Date.now() + TOKEN_SECONDS * 1000);
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('data_tokens')
      .values({
        token_hash: sha256(token),
        client_id: c.client_id,
        request_id: req.id,
        expires_at: expires.toISOString(),
      })
      .execute();
    await writeAudit(
      tx,
      { ...ctx, caller: { ...anonymous, accountId: `client:${c.client_id}`, name: req.consumerDepartmentName } },
      {
        action: 'data.token.issue',
        objectType: 'data_request',
        objectId: req.id,
      },
    );
  });
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS, scope: req.resourceCode };
}

/** 401 for a token that is unknown or expired, or (`revoked`) that ended with its grant or client. */
function invalidToken(revoked?: boolean) {
  return revoked
    ? new AppError(
        401,
        'INVALID_TOKEN',
        '访问令牌已失效：共享授权或凭证已撤销',
        'The token is no longer valid: its grant or client was revoked',
      )
    : new AppError(401, 'INVALID_TOKEN', '访问令牌无效或已过期', 'The token is invalid or expired');
}

/** The grant behind a bearer token of the gateway. */
export async function grantOfToken(p: Platform, authorization: string | undefined): Promise<Grant> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  if (!token)
    throw new AppError(401, 'INVALID_TOKEN', '缺少访问令牌', 'A bearer token from /api/v1/exchange/token is required');
  const t = await p.db.selectFrom('data_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!t || t.revoked || new Date(t.expires_at).getTime() < Date.now()) throw invalidToken(t?.revoked);
  return activeGrant(p, (await loadRequest(p.db, t.request_id))!, t.client_id);
}

/** The grant of an active request (granted, within its period), for calls by `clientId` (null: in the web app). */
async function activeGrant(p: Platform, request: RequestView, clientId: string | null): Promise<Grant> {
  activeOrThrow(request);
  return { request, resource: await requireResource(p.db, request.resourceId), clientId };
}

/** The standing grant of a consumer department to a resource (used for calls made on someone's behalf). */
/**
 * The consumer department's current grants on a resource (granted and within their period), newest
 * first: the standing grants an internal call (no-proof services) may be made under. Which of them
 * fits a given use is the caller's choice (`no-proof.ts` picks the one that covers its source).
 */
export async function standingGrants(
  p: Platform,
  consumerDepartmentId: string,
  resource: Resource,
  db: Db | Tx = p.db,
): Promise<Grant[]> {
  const today = dayOf(new Date());
  const rows = await db
    .selectFrom('data_requests')
    .select('id')
    .where('resource_id', '=', resource.id)
    .where('consumer_department_id', '=', consumerDepartmentId)
    .where('status', '=', 'granted')
    .where('period_from', '<=', today)
    .where('period_to', '>=', today)
    .orderBy('created_at', 'desc')
    .execute();
  const grants: Grant[] = [];
  for (const r of rows) {
    const request = await loadRequest(db, r.id);
    if (request) grants.push({ request, resource, clientId: null });
  }
  return grants;
}

export const gatewayCtx = (base: Ctx, g: Grant): Ctx => ({
  ...base,
  caller: {
    ...anonymous,
    accountId: g.clientId ? `client:${g.clientId}` : (base.caller.accountId ?? 'system'),
    name: g.request.consumerDepartmentName,
  },
});

// ---------- calls ----------

export interface Answer {
  bytes: string;
  hash: string;
  body: Record<string, unknown>;
}

interface CallSpec {
  kind: 'query' | 'predicate' | 'aggregate';
  fields: string[];
  key?: string | null;
}

/** The grant's state as the call found it: read in the call's own statement (authoritative). */
interface Limits {
  status: string;
  daily_quota: number;
  rate_per_minute: number;
}

/** The data_calls row and the audit entry of one answered call (the same for every path). */
/** `rowKeys`: the keys (HMACs) of the rows a filter query answered, so 溯源 by key finds the call. */
function callRecord(p: Platform, ctx: Ctx, g: Grant, spec: CallSpec, rows: number, hash: string, rowKeys?: string[]) {
  const values = {
    request_id: g.request.id,
    client_id: g.clientId,
    consumer_department_id: g.request.consumerDepartmentId,
    resource_id: g.resource.id,
    kind: spec.kind,
    purpose: g.request.purpose,
    fields: JSON.stringify(spec.fields),
    key_hash: spec.key ? valueHash(p.config.secretKey, spec.key) : null,
    row_keys: rowKeys?.length ? JSON.stringify(rowKeys) : null,
    rows,
    answer_hash: hash,
    request_uid: ctx.requestId,
    on_behalf_of: g.onBehalfOf ?? null,
    task_code: g.tags?.taskCode ?? null,
    material: g.tags?.material ?? null,
    via: g.tags?.via ?? 'gateway',
  };
  const entry = {
    action: `data.gateway.${spec.kind}`,
    objectType: 'data_resource',
    objectId: g.resource.id,
    detail: {
      consumer: g.request.consumerDepartmentId,
      grant: g.request.id,
      client: g.clientId,
      purpose: g.request.purpose,
      resource: g.resource.code,
      fields: spec.fields,
      rows,
      answerHash: hash,
      ...(g.onBehalfOf ? { onBehalfOf: 'applicant' } : {}),
      ...(g.tags ? { taskCode: g.tags.taskCode, material: g.tags.material, via: g.tags.via } : {}),
    },
  };
  return { values, entry };
}

const notActive = (requestId: string) =>
  gatewayError(403, 'GRANT_NOT_ACTIVE', '共享授权未生效或已撤销', 'The grant is not active', undefined, requestId);

/**
 * Runs one call: the grant's status is checked, quota and rate are counted, the answer is built
 * and serialised, and the call row and its audit record (with the answer's hash) are committed
 * before the answer leaves.
 *
 * - Inside a case's transaction (`g.tx`, a no-proof fulfilment) everything goes with that
 *   transaction, counters included, so a case that is not filed leaves no trace.
 * - A call of its own counts against the process's quota lease (`takeQuota`), reads without a
 *   transaction, and writes the call row and the audit record in one statement shared with the
 *   concurrent calls of this process (group commit, `writeAuditGrouped`); a call that fails after
 *   counting gives its count back. `limits` is the grant's state when the caller has just read it
 *   in its own statement (the fast key path), else it is read here.
 */
async function call(
  p: Platform,
  ctx: Ctx,
  g: Grant,
  spec: CallSpec,
  build: (db: Db | Tx) => Promise<{ body: Record<string, unknown>; rows: number; rowKeys?: string[] }>,
  limits?: Limits,
): Promise<Answer> {
  // A retired resource answers nobody, whatever grants remain (its metadata generation changes on
  // retiring, so the check below sees it at the next call).
  if (g.resource.status !== 'active')
    throw gatewayError(
      403,
      'RESOURCE_RETIRED',
      `数据资源“${g.resource.name}”已停用，不再提供共享`,
      `The data resource "${g.resource.name}" is retired and no longer shared`,
      undefined,
      g.request.id,
    );
  const answer = async (db: Db | Tx) => {
    const { body, rows, rowKeys } = await build(db);
    const full = { ...body, requestId: ctx.requestId };
    const bytes = JSON.stringify(full);
    const hash = sha256(bytes);
    return { answer: { bytes, hash, body: full }, rows, rowKeys };
  };
  if (g.tx) {
    const tx = g.tx;
    const req = await tx
      .selectFrom('data_requests')
      .select(['status', 'daily_quota', 'rate_per_minute'])
      .where('id', '=', g.request.id)
      .executeTakeFirstOrThrow();
    if (req.status !== 'granted') throw notActive(g.request.id);
    await reserve(tx, g.request.id, req.rate_per_minute, req.daily_quota);
    const { answer: a, rows, rowKeys } = await answer(tx);
    const rec = callRecord(p, ctx, g, spec, rows, a.hash, rowKeys);
    await tx.insertInto('data_calls').values(rec.values).execute();
    await writeAudit(tx, ctx, rec.entry);
    return a;
  }
  const lim =
    limits ??
    (await p.db
      .selectFrom('data_requests')
      .select(['status', 'daily_quota', 'rate_per_minute'])
      .where('id', '=', g.request.id)
      .executeTakeFirstOrThrow());
  if (lim.status !== 'granted') throw notActive(g.request.id);
  const giveBack = await takeQuota(p.db, g.request.id, lim.rate_per_minute, lim.daily_quota);
  try {
    const { answer: a, rows, rowKeys } = await answer(p.db);
    const rec = callRecord(p, ctx, g, spec, rows, a.hash, rowKeys);
    await writeAuditGrouped(p.db, ctx, rec.entry, [{ table: 'data_calls', values: rec.values }]);
    return a;
  } catch (err) {
    giveBack();
    throw err;
  }
}

/** Seconds until the next minute (rate) or the next day, China time (quota). */
function secondsToNextMinute(): number {
  return 60 - (Math.floor(Date.now() / 1000) % 60);
}
function secondsToChinaMidnight(): number {
  const cst = Date.now() + 8 * 3_600_000;
  return Math.ceil((86_400_000 - (cst % 86_400_000)) / 1000);
}

/** 429 of a grant's limit, with the seconds until it frees up (sent as Retry-After). */
function limitReached(requestId: string, code: string, zh: string, en: string, retryAfterSeconds: number) {
  const e = gatewayError(429, code, zh, en, undefined, requestId);
  (e as any).retryAfterSeconds = retryAfterSeconds;
  return e;
}
const rateLimited = (requestId: string) =>
  limitReached(
    requestId,
    'RATE_LIMITED',
    '调用过于频繁，超过每分钟限速',
    'Rate limit of the grant exceeded',
    secondsToNextMinute(),
  );
const quotaExceeded = (requestId: string) =>
  limitReached(
    requestId,
    'QUOTA_EXCEEDED',
    '已达到今日调用限额',
    'Daily quota of the grant used up',
    secondsToChinaMidnight(),
  );

/** The current periods of a grant's limits: this minute and this day (China time). */
function periodsNow(): [minute: string, day: string, minuteNo: number] {
  const minute = Math.floor(Date.now() / 60_000);
  return [`m:${minute}`, `d:${dayOf(new Date())}`, minute];
}

/**
 * Adds `n` calls to a grant's counter for `period` if that keeps it within `limit` (one upsert;
 * the counter row is locked for this statement only). Answers whether it did.
 */
async function bump(db: Db | Tx, requestId: string, period: string, n: number, limit: number): Promise<boolean> {
  if (limit <= 0 || n > limit) return false;
  const r = await sql<{ calls: number }>`
    insert into data_grant_usage (request_id, period, calls) values (${requestId}, ${period}, ${n})
    on conflict (request_id, period) do update set calls = data_grant_usage.calls + ${n}
      where data_grant_usage.calls + ${n} <= ${limit}
    returning calls`.execute(db);
  return r.rows.length === 1;
}

/** Minute counters older than a day are of no use; dropped now and then. */
async function dropOldMinutes(db: Db | Tx, requestId: string, minute: number) {
  await sql`delete from data_grant_usage where request_id = ${requestId} and period like 'm:%'
    and period < ${`m:${minute - 1440}`}`.execute(db);
}

/**
 * Counts the call against the grant's rate per minute and daily quota exactly, inside `tx` (a
 * call made within a case's transaction): a call that fails is not counted.
 */
async function reserve(tx: Tx, requestId: string, ratePerMinute: number, dailyQuota: number): Promise<void> {
  const [minute, day, minuteNo] = periodsNow();
  if (!(await bump(tx, requestId, minute, 1, ratePerMinute))) throw rateLimited(requestId);
  if (!(await bump(tx, requestId, day, 1, dailyQuota))) throw quotaExceeded(requestId);
  if (minuteNo % 97 === 0) await dropOldMinutes(tx, requestId, minuteNo);
}

/**
 * Calls a process may make before it counts again: a small share of the limit (1 for small
 * limits, so those are exact), at most 100.
 */
export const leaseSize = (limit: number) => Math.max(1, Math.min(100, Math.floor(limit / 100)));

interface Lease {
  period: string;
  left: number;
}
const leases = new WeakMap<Db, Map<string, Lease>>();

/**
 * Quota leases: a process counts a grant's calls in the database `leaseSize(limit)` at a time
 * (one upsert per lease, never past the limit; the last lease of a period may be a single call)
 * and spends the lease locally, so a busy grant does not update one hot counter row per call.
 * The limits hold across processes: what a process has leased is counted as used, so all
 * processes together never exceed a limit; a lease left unspent when its minute or day ends
 * (or its process stops) is lost, so near a limit a grant may be refused up to (processes ×
 * lease) calls early. Answers a function that gives the call back (the call failed).
 */
async function takeQuota(db: Db, requestId: string, ratePerMinute: number, dailyQuota: number): Promise<() => void> {
  let byKey = leases.get(db);
  if (!byKey) {
    byKey = new Map();
    leases.set(db, byKey);
  }
  const [minute, day, minuteNo] = periodsNow();
  const take = async (kind: 'm' | 'd', period: string, limit: number): Promise<Lease> => {
    const key = `${requestId}|${kind}`;
    let l = byKey.get(key);
    if (!l || l.period !== period) {
      l = { period, left: 0 };
      byKey.set(key, l);
    }
    if (l.left > 0) {
      l.left--;
      return l;
    }
    const n = leaseSize(limit);
    const got = (await bump(db, requestId, period, n, limit))
      ? n
      : n > 1 && (await bump(db, requestId, period, 1, limit))
        ? 1
        : 0;
    if (!got) throw kind === 'm' ? rateLimited(requestId) : quotaExceeded(requestId);
    if (kind === 'm' && minuteNo % 97 === 0) await dropOldMinutes(db, requestId, minuteNo);
    // Another call of this process may have leased meanwhile: leases add up.
    l.left += got - 1;
    return l;
  };
  const m = await take('m', minute, ratePerMinute);
  let d: Lease;
  try {
    d = await take('d', day, dailyQuota);
  } catch (err) {
    m.left++;
    throw err;
  }
  return () => {
    m.left++;
    d.left++;
  };
}

const grantedFields = (g: Grant) => g.request.grantedFields ?? [];

function requireGranted(g: Grant, fields: string[], field: string) {
  const granted = grantedFields(g);
  const f = fields.find((x) => !granted.includes(x));
  if (f)
    throw gatewayError(
      403,
      'FIELD_NOT_GRANTED',
      `数据项 ${f} 未获授权`,
      `Field ${f} is not granted`,
      field,
      g.request.id,
    );
}

function whereFilter(
  p: Platform,
  g: Grant,
  levels: Awaited<ReturnType<typeof listLevels>>,
  filter: Record<string, unknown>,
) {
  const parts = Object.entries(filter).map(([name, v]) => {
    const f = g.resource.fields.find((x) => x.name === name);
    if (!f)
      throw badRequest(
        'UNKNOWN_FIELD',
        `资源没有数据项 ${name}`,
        `The resource has no field ${name}`,
        `filter.${name}`,
      );
    if (v === null || typeof v === 'object')
      throw badRequest(
        'INVALID_FILTER',
        '条件值应为文字、数字或是/否',
        'Filter values must be text, numbers or booleans',
        `filter.${name}`,
      );
    return isSealed(f, levels)
      ? sql`hashes->>${name} = ${valueHash(p.config.secretKey, v)}`
      : sql`clear->>${name} = ${typeof v === 'string' ? v.trim() : String(v)}`;
  });
  return parts.length ? sql<boolean>`(${sql.join(parts, sql` and `)})` : sql<boolean>`true`;
}

/** The stored row of `key` in the grant's resource (sealed), or null. */
async function rowByKey(p: Platform, db: Db | Tx, g: Grant, key: string) {
  const row = await db
    .selectFrom('data_rows')
    .select(['clear', 'sealed'])
    .where('resource_id', '=', g.resource.id)
    .where('key_hash', '=', valueHash(p.config.secretKey, key))
    .executeTakeFirst();
  return (row as { clear: unknown; sealed: string | null } | undefined) ?? null;
}

export interface QueryInput {
  key?: string;
  filter?: Record<string, unknown>;
  fields?: string[];
  page?: number;
  pageSize?: number;
}

/** What the fast key path has already read in its one statement (see `keyCall`). */
interface Prefetched {
  row: { clear: unknown; sealed: string | null } | null;
  meta: Meta;
  limits: Limits;
}

export async function query(p: Platform, base: Ctx, g: Grant, input: QueryInput, pre?: Prefetched): Promise<Answer> {
  const ctx = gatewayCtx(base, g);
  if (g.request.mode !== 'rows')
    throw gatewayError(
      403,
      'PREDICATE_ONLY',
      '该授权仅可用于核验（可用不可见），不能返回数据',
      'This grant answers predicates only',
      undefined,
      g.request.id,
    );
  const fields = input.fields?.length ? [...new Set(input.fields)] : grantedFields(g);
  requireGranted(g, fields, 'fields');
  // An empty filter is no filter: it would page through the whole resource.
  if (!input.key && !Object.keys(input.filter ?? {}).length)
    throw badRequest(
      'KEY_OR_FILTER',
      '请按主键或至少一个条件查询',
      'Query by key or by a filter of at least one field',
      input.filter ? 'filter' : 'key',
    );
  requireGranted(g, Object.keys(input.filter ?? {}), 'filter');
  const db = g.tx ?? p.db;
  const [levels, rules] = pre ? [pre.meta.levels, pre.meta.rules] : [await listLevels(db), await listMaskRules(db)];
  const page = input.page ?? 1;
  const pageSize = input.pageSize ?? 20;
  const live =
    !pre && input.key && (await hasQueryThrough(db, g.resource.id))
      ? await queryThrough(p, g.resource, input.key, db)
      : undefined;
  const mctx = {
    levels,
    rules,
    clearFields: g.request.grantedClearFields ?? [],
    key: p.config.secretKey,
    consumer: g.request.consumerDepartmentId,
  };
  const shape = (v: Values) =>
    Object.fromEntries(
      fields.map((name) => [
        name,
        showField(g.resource.fields.find((f) => f.name === name)!, (v[name] ?? null) as Shown, mctx),
      ]),
    );
  const build = async (tx: Db | Tx) => {
    let values: Values[];
    let total: number;
    let rowKeys: string[] | undefined;
    if (live !== undefined) {
      values = live ? [live] : [];
      total = values.length;
    } else if (input.key && !input.filter) {
      // The key is the primary key: at most one row, so no count and no paging query.
      const row = pre ? pre.row : await rowByKey(p, tx, g, input.key);
      total = row ? 1 : 0;
      values = row && page === 1 ? [fromStored(p.config.secretKey, row)] : [];
    } else {
      let q = tx
        .selectFrom('data_rows')
        .select(['key_hash', 'clear', 'sealed'])
        .where('resource_id', '=', g.resource.id);
      if (input.key) q = q.where('key_hash', '=', valueHash(p.config.secretKey, input.key));
      if (input.filter) q = q.where(whereFilter(p, g, levels, input.filter));
      const [{ n }] = (await q
        .clearSelect()
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .execute()) as any[];
      total = Number(n);
      const rows = await q
        .orderBy('key_hash')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      values = rows.map((r: any) => fromStored(p.config.secretKey, r));
      if (!input.key) rowKeys = rows.map((r: any) => r.key_hash as string);
    }
    const out = values.map(shape);
    return {
      body: {
        resource: g.resource.code,
        source: live !== undefined ? 'live' : 'synced',
        fields,
        page,
        pageSize,
        total,
        rows: out,
      },
      rows: out.length,
      rowKeys,
    };
  };
  return call(p, ctx, g, { kind: 'query', fields, key: input.key ?? null }, build, pre?.limits);
}

export type PredicateOp = 'eq' | 'ne' | 'in' | 'within' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
export const PREDICATE_OPS: PredicateOp[] = ['eq', 'ne', 'in', 'within', 'gt', 'gte', 'lt', 'lte', 'exists'];

export function evaluate(op: PredicateOp, actual: unknown, expected: unknown): boolean {
  if (op === 'exists') return actual !== null && actual !== undefined && actual !== '';
  if (actual === null || actual === undefined) return false;
  const a = keyText(actual);
  switch (op) {
    case 'eq':
      return a === keyText(expected);
    case 'ne':
      return a !== keyText(expected);
    case 'in':
      return (expected as unknown[]).some((e) => a === keyText(e));
    case 'within':
      return isInDivisionSubtree(String(expected), a);
    default: {
      const x = Number(actual);
      const y = Number(expected);
      const cmp =
        Number.isFinite(x) && Number.isFinite(y) && typeof actual !== 'string'
          ? x - y
          : a < keyText(expected)
            ? -1
            : a > keyText(expected)
              ? 1
              : 0;
      return op === 'gt' ? cmp > 0 : op === 'gte' ? cmp >= 0 : op === 'lt' ? cmp < 0 : cmp <= 0;
    }
  }
}

/** "Usable but invisible": answers whether the row of `key` satisfies `field op value`, never the value. */
export async function predicate(
  p: Platform,
  base: Ctx,
  g: Grant,
  input: { key: string; field: string; op: PredicateOp; value?: unknown },
  pre?: Prefetched,
): Promise<Answer> {
  const ctx = gatewayCtx(base, g);
  requireGranted(g, [input.field], 'field');
  if (!PREDICATE_OPS.includes(input.op))
    throw badRequest('INVALID_OP', '不支持的比较方式', 'Unsupported operator', 'op');
  if (input.op !== 'exists' && input.value === undefined)
    throw badRequest('VALUE_REQUIRED', '请给出比较值', 'A value to compare with is required', 'value');
  if (input.op === 'in' && !Array.isArray(input.value))
    throw badRequest('INVALID_VALUE', 'in 须给出列表', 'in needs a list', 'value');
  if (input.op === 'within' && (typeof input.value !== 'string' || !divisionLevel(input.value)))
    throw badRequest('INVALID_VALUE', 'within 须给出行政区划代码', 'within needs a division code', 'value');
  const db = g.tx ?? p.db;
  const live =
    !pre && (await hasQueryThrough(db, g.resource.id)) ? await queryThrough(p, g.resource, input.key, db) : undefined;
  const build = async (tx: Db | Tx) => {
    let values: Values | null;
    if (live !== undefined) values = live;
    else {
      const row = pre ? pre.row : await rowByKey(p, tx, g, input.key);
      values = row ? fromStored(p.config.secretKey, row) : null;
    }
    const found = values !== null;
    const result = found ? evaluate(input.op, values![input.field], input.value) : false;
    return { body: { resource: g.resource.code, found, result }, rows: found ? 1 : 0 };
  };
  return call(p, ctx, g, { kind: 'predicate', fields: [input.field], key: input.key }, build, pre?.limits);
}

// ---------- the fast key path ----------

/**
 * What the gateway keeps per process about a resource: its fields, the level table, the mask
 * rules and whether it is answered live. Valid for one generation of data_meta_generation, which
 * every change to these tables bumps (triggers of migration 0066); each call reads the generation
 * in its own statement, so a stale copy is never used.
 */
interface Meta {
  gen: string;
  resource: Resource;
  levels: Awaited<ReturnType<typeof listLevels>>;
  rules: Awaited<ReturnType<typeof listMaskRules>>;
  queryThrough: boolean;
}
const metas = new WeakMap<Db, Map<string, Meta>>();

async function metaOf(db: Db, resourceId: string, gen: string): Promise<Meta> {
  let byResource = metas.get(db);
  if (!byResource) {
    byResource = new Map();
    metas.set(db, byResource);
  }
  const hit = byResource.get(resourceId);
  if (hit?.gen === gen) return hit;
  // Read after the generation was: at least as new as `gen` (a newer state only means the next
  // call, seeing a newer generation, reads again).
  const meta: Meta = {
    gen,
    resource: await requireResource(db, resourceId),
    levels: await listLevels(db),
    rules: await listMaskRules(db),
    queryThrough: await hasQueryThrough(db, resourceId),
  };
  byResource.set(resourceId, meta);
  return meta;
}

/**
 * The one statement of a key call: the token, its grant now, the metadata generation and the row,
 * through `data_key_call` (migrations 0067/0068, a PL/pgSQL function whose plan is cached). The
 * grant row comes as jsonb only when `known` is not its current version (`xmin`).
 */
export const keyCallStatement = (tokenHash: string, keyHash: string, known: string | null = null) =>
  sql<any>`select * from data_key_call(${tokenHash}, ${keyHash}, ${known})`;

/** Per process and database: the grant row last answered for a token, with its version (xmin). */
const grantRows = new WeakMap<
  Db,
  Map<string, { version: string; row: any; view?: { gen: string; request: RequestView } }>
>();
const GRANT_ROWS_MAX = 10_000;

/**
 * A call by key (query or predicate) in one statement: the token, its grant as it is now
 * (status, period, fields, limits), the metadata generation and the row itself are read
 * together; the rest is the same code as the general path (`query`, `predicate`, `call`).
 * The grant row is sent only when this process has no copy of its current version, so a change
 * to the grant (revocation, fields, period, limits) applies to the very next call.
 * Answers null when the general path must answer (a live, query-through resource).
 */
async function keyCall(
  p: Platform,
  authorization: string | undefined,
  key: string,
  answer: (g: Grant, pre: Prefetched) => Promise<Answer>,
): Promise<Answer | null> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
  if (!token)
    throw new AppError(401, 'INVALID_TOKEN', '缺少访问令牌', 'A bearer token from /api/v1/exchange/token is required');
  let cache = grantRows.get(p.db);
  if (!cache) {
    cache = new Map();
    grantRows.set(p.db, cache);
  }
  const tokenHash = sha256(token);
  const cached = cache.get(tokenHash);
  const found = (
    await keyCallStatement(tokenHash, valueHash(p.config.secretKey, key), cached?.version ?? null).execute(p.db)
  ).rows[0];
  if (!found || found.t_revoked || found.t_expires_ms < Date.now()) throw invalidToken(found?.t_revoked);
  // No row came back only when the copy sent (`cached.version`) is the row's current version.
  let entry = cached!;
  if (found.q != null) {
    entry = { version: found.r_version, row: typeof found.q === 'string' ? JSON.parse(found.q) : found.q };
    if (cache.size >= GRANT_ROWS_MAX) cache.clear();
    cache.set(tokenHash, entry);
  }
  const grantRow = entry.row;
  const gen = String(found.meta_gen);
  const meta = await metaOf(p.db, grantRow.resource_id, gen);
  if (meta.queryThrough) return null;
  // The view of this version of the grant row with this generation's resource name (status and
  // period are checked on every call: the period ends by the clock, not by an update).
  if (entry.view?.gen !== gen)
    entry.view = {
      gen,
      request: requestView({ ...grantRow, code: meta.resource.code, resource_name: meta.resource.name }),
    };
  const request = entry.view.request;
  activeOrThrow(request);
  const g: Grant = { request, resource: meta.resource, clientId: found.t_client_id };
  const row = found.d_key_hash ? { clear: found.d_clear, sealed: found.d_sealed } : null;
  return answer(g, {
    row,
    meta,
    limits: { status: grantRow.status, daily_quota: grantRow.daily_quota, rate_per_minute: grantRow.rate_per_minute },
  });
}

/** `POST /exchange/query`: a query by key alone takes the fast path, anything else the general one. */
export async function queryByToken(
  p: Platform,
  base: Ctx,
  authorization: string | undefined,
  input: QueryInput,
): Promise<Answer> {
  if (input.key && !input.filter) {
    const a = await keyCall(p, authorization, input.key, (g, pre) => query(p, base, g, input, pre));
    if (a) return a;
  }
  return query(p, base, await grantOfToken(p, authorization), input);
}

/** `POST /exchange/predicate`, by the fast key path where it can. */
export async function predicateByToken(
  p: Platform,
  base: Ctx,
  authorization: string | undefined,
  input: { key: string; field: string; op: PredicateOp; value?: unknown },
): Promise<Answer> {
  const a = await keyCall(p, authorization, input.key, (g, pre) => predicate(p, base, g, input, pre));
  return a ?? predicate(p, base, await grantOfToken(p, authorization), input);
}

/** An aggregate over the rows matching `filter`: count, or sum/avg of a numeric field; small identifying cells suppressed. */
export async function aggregate(
  p: Platform,
  base: Ctx,
  g: Grant,
  input: { op: 'count' | 'sum' | 'avg'; field?: string; filter?: Record<string, unknown> },
): Promise<Answer> {
  const ctx = gatewayCtx(base, g);
  const filter = input.filter ?? {};
  requireGranted(g, Object.keys(filter), 'filter');
  if (input.op !== 'count') {
    if (!input.field) throw badRequest('FIELD_REQUIRED', '请指定汇总的数据项', 'Name the field to aggregate', 'field');
    requireGranted(g, [input.field], 'field');
    const f = g.resource.fields.find((x) => x.name === input.field);
    if (!f || (f.type !== 'integer' && f.type !== 'number'))
      throw badRequest('NOT_NUMERIC', '只能汇总数值型数据项', 'Only numeric fields can be summed', 'field');
  }
  const levels = await listLevels(g.tx ?? p.db);
  const identifying = Object.keys(filter).some((n) => {
    const f = g.resource.fields.find((x) => x.name === n);
    return !!f && isSealed(f, levels);
  });
  const fields = [...Object.keys(filter), ...(input.field ? [input.field] : [])];
  // An aggregate filtered on one person's key is about that person: 溯源 by the key finds it.
  const keyValue = filter[g.resource.keyField];
  const key = typeof keyValue === 'string' && keyValue ? keyValue : null;
  return call(p, ctx, g, { kind: 'aggregate', fields, key }, async (tx) => {
    const q = tx
      .selectFrom('data_rows')
      .where('resource_id', '=', g.resource.id)
      .where(whereFilter(p, g, levels, filter));
    const [{ n }] = (await q.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
    const count = Number(n);
    let value: number | null = count;
    if (input.op !== 'count') {
      let sum = 0;
      let k = 0;
      const rows = await q.select(['clear', 'sealed']).limit(200_000).execute();
      for (const r of rows) {
        const v = Number(fromStored(p.config.secretKey, r as any)[input.field!]);
        if (Number.isFinite(v)) {
          sum += v;
          k++;
        }
      }
      value = input.op === 'sum' ? sum : k ? sum / k : null;
    }
    const suppressed = identifying && count > 0 && count < MIN_CELL;
    return {
      body: {
        resource: g.resource.code,
        op: input.op,
        ...(input.field ? { field: input.field } : {}),
        value: suppressed ? null : value,
        suppressed,
      },
      rows: 0,
    };
  });
}

// ---------- objections (数据异议) ----------

export async function fileObjection(
  p: Platform,
  base: Ctx,
  g: Grant,
  input: { key?: string; field?: string; description: string },
) {
  const ctx = gatewayCtx(base, g);
  if (!input.description.trim())
    throw badRequest('DESCRIPTION_REQUIRED', '请说明异议内容', 'Describe the objection', 'description');
  if (input.field) requireGranted(g, [input.field], 'field');
  const [levels, rules] = await Promise.all([listLevels(p.db), listMaskRules(p.db)]);
  const keyField = g.resource.fields.find((f) => f.name === g.resource.keyField)!;
  const masked = input.key
    ? isSealed(keyField, levels)
      ? String(
          applyRule(
            rules.find((r) => r.code === keyField.maskRule) ?? rules.find((r) => r.code === 'SUPPRESS'),
            input.key,
            { key: p.config.secretKey, consumer: 'objection' },
          ) ?? '***',
        )
      : input.key
    : null;
  const id = crypto.randomUUID();
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('data_objections')
      .values({
        id,
        resource_id: g.resource.id,
        request_id: g.request.id,
        consumer_department_id: g.request.consumerDepartmentId,
        consumer_department_name: g.request.consumerDepartmentName,
        key_hash: input.key ? valueHash(p.config.secretKey, input.key) : null,
        key_masked: masked,
        field: input.field ?? null,
        description: input.description.trim(),
      })
      .execute();
    for (const accountId of await accountsHolding(
      tx,
      'data.manage',
      { departmentId: g.resource.providerDepartmentId },
      { limit: 20 },
    ))
      await notify(tx, {
        recipientAccountId: accountId,
        kind: 'data.objection',
        title: `${g.request.consumerDepartmentName}对“${g.resource.name}”提出数据异议`,
        titleEn: `${g.request.consumerDepartmentName} objects to data of ${g.resource.code}`,
        body: input.description.trim().slice(0, 200),
        bodyEn: input.description.trim().slice(0, 200),
        link: '/data?tab=objections',
        channels: ['inapp'],
      });
    await writeAudit(tx, ctx, {
      action: 'data.objection.file',
      objectType: 'data_objection',
      objectId: id,
      detail: { resource: g.resource.code, field: input.field ?? null },
    });
  });
  return { id, status: 'open' };
}

/**
 * An objection filed in the web app by an officer of the consumer department (data.request in
 * that department) about data received under one of its grants: the same record, notice and audit
 * as through the gateway, with the officer as the actor.
 */
export async function fileObjectionAsConsumer(
  p: Platform,
  ctx: Ctx,
  requestId: string,
  input: { key?: string; field?: string; description: string },
) {
  const request = await loadRequest(p.db, requestId);
  if (!request) throw notFound('Sharing request', '共享申请');
  authorize(ctx, 'data.request', { departmentId: request.consumerDepartmentId });
  return fileObjection(p, ctx, await activeGrant(p, request, null), input);
}

function objectionView(r: any) {
  return {
    id: r.id,
    resourceId: r.resource_id,
    resourceCode: r.code,
    resourceName: r.name,
    consumerDepartmentName: r.consumer_department_name,
    key: r.key_masked,
    field: r.field,
    description: r.description,
    status: r.status,
    reply: r.reply,
    filedAt: new Date(r.filed_at).toISOString(),
    answeredAt: r.answered_at ? new Date(r.answered_at).toISOString() : null,
    answeredByName: r.answered_by_name,
  };
}

export async function listObjections(p: Platform, ctx: Ctx, q: { side: 'provider' | 'consumer'; status?: string }) {
  requireSignedIn(ctx);
  const perm = q.side === 'provider' ? 'data.manage' : 'data.request';
  const grants = ctx.caller.grants.filter((x) => x.permission === perm || x.permission === '*');
  if (!grants.length) throw forbidden();
  const deps = grants.map((x) => x.departmentId).filter((d): d is string => !!d);
  let base = p.db
    .selectFrom('data_objections as o')
    .innerJoin('data_resources as r', 'r.id', 'o.resource_id')
    .selectAll('o')
    .select(['r.code', 'r.name']);
  if (!grants.some((x) => !x.departmentId)) {
    if (!deps.length) return { items: [] };
    base = base.where(q.side === 'provider' ? 'r.provider_department_id' : 'o.consumer_department_id', 'in', deps);
  }
  if (q.status) base = base.where('o.status', '=', q.status);
  const rows = await base.orderBy('o.filed_at', 'desc').limit(200).execute();
  return { items: rows.map(objectionView) };
}

export async function answerObjection(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { decision: 'accepted' | 'rejected'; reply: string },
) {
  const o = await p.db
    .selectFrom('data_objections as o')
    .innerJoin('data_resources as r', 'r.id', 'o.resource_id')
    .selectAll('o')
    .select(['r.code', 'r.name', 'r.provider_department_id'])
    .where('o.id', '=', id)
    .executeTakeFirst();
  if (!o) throw notFound('Objection', '数据异议');
  authorize(ctx, 'data.manage', { departmentId: o.provider_department_id });
  if (o.status !== 'open') throw conflict('ALREADY_ANSWERED', '该异议已处理', 'The objection has been answered');
  if (!input.reply.trim()) throw badRequest('REPLY_REQUIRED', '请填写处理意见', 'A reply is required', 'reply');
  await p.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('data_objections')
      .set({
        status: input.decision,
        reply: input.reply.trim(),
        answered_at: new Date().toISOString(),
        answered_by_name: ctx.caller.name,
      })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .execute();
    for (const accountId of await accountsHolding(
      tx,
      'data.request',
      { departmentId: o.consumer_department_id },
      { limit: 20 },
    ))
      await notify(tx, {
        recipientAccountId: accountId,
        kind: 'data.objection.answered',
        title: `“${o.name}”的数据异议已${input.decision === 'accepted' ? '采纳' : '驳回'}`,
        titleEn: `Objection to ${o.code} ${input.decision}`,
        body: input.reply.trim().slice(0, 200),
        bodyEn: input.reply.trim().slice(0, 200),
        link: '/data?tab=my-objections',
        channels: ['inapp'],
      });
    await writeAudit(tx, ctx, {
      action: `data.objection.${input.decision}`,
      objectType: 'data_objection',
      objectId: id,
    });
  });
  const row = await p.db
    .selectFrom('data_objections as o')
    .innerJoin('data_resources as r', 'r.id', 'o.resource_id')
    .selectAll('o')
    .select(['r.code', 'r.name'])
    .where('o.id', '=', id)
    .executeTakeFirstOrThrow();
  return objectionView(row);
}

// ---------- usage and trace (溯源) ----------

function callView(r: any) {
  return {
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    requestId: r.request_id,
    clientId: r.client_id,
    consumerDepartmentId: r.consumer_department_id,
    consumerDepartmentName: r.consumer_department_name ?? null,
    resourceId: r.resource_id,
    resourceCode: r.code ?? null,
    kind: r.kind,
    purpose: r.purpose,
    fields: typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields,
    rows: r.rows,
    answerHash: r.answer_hash,
    callRequestId: r.request_uid,
    onBehalfOf: r.on_behalf_of ? 'applicant' : null,
  };
}

/**
 * Gateway calls: auditors (data.audit) see all; a provider sees calls to its resources, a consumer its own.
 * Filters: grant, resource, answer hash (which call disclosed this answer?), or a key such as an ID
 * number (who received data about this person? — looked up by its HMAC, the key is not stored).
 */
export async function listCalls(
  p: Platform,
  ctx: Ctx,
  q: { requestId?: string; resourceId?: string; answerHash?: string; key?: string; page?: number; pageSize?: number },
) {
  requireSignedIn(ctx);
  const c = ctx.caller;
  const auditor =
    can(c, 'data.audit', { departmentId: c.departmentId }) &&
    c.grants.some((g) => (g.permission === 'data.audit' || g.permission === '*') && !g.departmentId);
  let base = p.db
    .selectFrom('data_calls as c')
    .innerJoin('data_resources as r', 'r.id', 'c.resource_id')
    .innerJoin('data_requests as q', 'q.id', 'c.request_id')
    .selectAll('c')
    .select(['r.code', 'q.consumer_department_name']);
  if (!auditor) {
    const provider = c.grants
      .filter((g) => ['data.manage', 'data.approve', 'data.audit', '*'].includes(g.permission))
      .map((g) => g.departmentId);
    const consumer = c.grants.filter((g) => g.permission === 'data.request').map((g) => g.departmentId);
    const pd = provider.filter((d): d is string => !!d);
    const cd = consumer.filter((d): d is string => !!d);
    if (!pd.length && !cd.length) throw forbidden();
    base = base.where((eb) =>
      eb.or([
        ...(pd.length ? [eb('r.provider_department_id', 'in', pd)] : []),
        ...(cd.length ? [eb('c.consumer_department_id', 'in', cd)] : []),
      ]),
    );
  }
  if (q.requestId) base = base.where('c.request_id', '=', q.requestId);
  if (q.resourceId) base = base.where('c.resource_id', '=', q.resourceId);
  if (q.answerHash) base = base.where('c.answer_hash', '=', q.answerHash.toLowerCase());
  if (q.key) {
    // Calls made by the key, and filter queries whose answer held the key's row.
    const h = valueHash(p.config.secretKey, q.key);
    base = base.where((eb) =>
      eb.or([eb('c.key_hash', '=', h), sql<boolean>`c.row_keys @> ${JSON.stringify([h])}::jsonb`]),
    );
  }
  const pageSize = q.pageSize ?? 50;
  const rows = await base
    .orderBy('c.id', 'desc')
    .limit(pageSize)
    .offset(((q.page ?? 1) - 1) * pageSize)
    .execute();
  if (q.key)
    await p.db
      .transaction()
      .execute((tx) =>
        writeAudit(tx, ctx, { action: 'data.trace.key', objectType: 'data_calls', detail: { found: rows.length } }),
      );
  return { items: rows.map(callView) };
}

/** Usage of one grant: calls and rows per day (China time), today against the quota. */
export async function usage(p: Platform, ctx: Ctx, requestId: string) {
  const req = await loadRequest(p.db, requestId);
  if (!req) throw notFound('Sharing request', '共享申请');
  requireSignedIn(ctx);
  if (
    !can(ctx.caller, 'data.request', { departmentId: req.consumerDepartmentId }) &&
    !can(ctx.caller, 'data.approve', { departmentId: req.providerDepartmentId }) &&
    !can(ctx.caller, 'data.audit', { departmentId: ctx.caller.departmentId })
  )
    throw forbidden();
  const rows = await sql<{ day: string; calls: string; rows: string }>`
    select to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*) as calls, coalesce(sum(rows), 0) as rows
    from data_calls where request_id = ${req.id} group by 1 order by 1 desc limit 90`.execute(p.db);
  const byDay = rows.rows.map((r) => ({ day: r.day, calls: Number(r.calls), rows: Number(r.rows) }));
  const today = byDay.find((d) => d.day === dayOf(new Date()));
  return {
    requestId: req.id,
    dailyQuota: req.dailyQuota,
    ratePerMinute: req.ratePerMinute,
    today: today?.calls ?? 0,
    byDay,
  };
}
