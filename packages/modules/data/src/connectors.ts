/** Connectors of resources to their source systems, sync runs and their schedule. */
import {
  authorize,
  badRequest,
  type Ctx,
  conflict,
  type Db,
  enqueue,
  notFound,
  type Platform,
  seal,
  type Tx,
  unseal,
  writeAudit,
} from '@yiwang/platform';
import { listLevels, loadResource, requireResource, retiredResource } from './catalog.ts';
import {
  keyText,
  REJECTION_TEXT,
  type Rejection,
  type StoredRow,
  toStored,
  toValues,
  upsertRows,
  type Values,
} from './rows.ts';
import {
  type ConnectorConfig,
  type ConnectorKind,
  IDENT,
  laterWatermark,
  lookupSource,
  readSource,
  type Secret,
  TABLE,
  type Watermark,
  watermarkOf,
} from './sources.ts';
import type { Resource } from './types.ts';

export const SYNC_QUEUE = 'data.sync';
const MANAGE = 'data.manage';
const KINDS: ConnectorKind[] = ['postgres', 'mysql', 'file', 'http'];
const MAX_REJECTIONS_KEPT = 1000;
const BATCH = 500;

export interface ConnectorInput {
  name: string;
  kind: ConnectorKind;
  config: ConnectorConfig;
  secret?: Secret | null;
  syncMode: 'full' | 'incremental';
  changeColumn?: string | null;
  scheduleMinutes?: number | null;
  queryThrough?: boolean;
}

export interface ConnectorView {
  id: string;
  resourceId: string;
  name: string;
  kind: ConnectorKind;
  config: ConnectorConfig;
  hasSecret: boolean;
  syncMode: 'full' | 'incremental';
  changeColumn: string | null;
  scheduleMinutes: number | null;
  queryThrough: boolean;
  watermark: Watermark | null;
  active: boolean;
  lastRunAt: string | null;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const bad = (field: string, zh: string, en: string) => badRequest('INVALID_CONNECTOR', zh, en, field);

function view(r: any): ConnectorView {
  return {
    id: r.id,
    resourceId: r.resource_id,
    name: r.name,
    kind: r.kind,
    config: json(r.config),
    hasSecret: !!r.secret_enc,
    syncMode: r.sync_mode,
    changeColumn: r.change_column,
    scheduleMinutes: r.schedule_minutes,
    queryThrough: r.query_through,
    watermark: r.watermark ? json(r.watermark) : null,
    active: r.active,
    lastRunAt: r.last_run_at ? new Date(r.last_run_at).toISOString() : null,
  };
}

function checkInput(input: ConnectorInput, resource: Resource) {
  if (!input.name.trim()) throw bad('name', '请填写连接器名称', 'Name is required');
  if (!KINDS.includes(input.kind))
    throw bad('kind', '类型应为 postgres、mysql、file 或 http', 'kind must be postgres, mysql, file or http');
  const c = input.config as any;
  const db = input.kind === 'postgres' || input.kind === 'mysql';
  if (db) {
    if (typeof c.host !== 'string' || !/^[A-Za-z0-9.\-:]{1,255}$/.test(c.host))
      throw bad('config.host', '主机名不正确', 'Bad host');
    if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535)
      throw bad('config.port', '端口应为 1–65535', 'port must be 1–65535');
    if (typeof c.database !== 'string' || !/^[A-Za-z0-9_$-]{1,63}$/.test(c.database))
      throw bad('config.database', '数据库名不正确', 'Bad database name');
    if (typeof c.user !== 'string' || !/^[A-Za-z0-9_.@-]{1,63}$/.test(c.user))
      throw bad('config.user', '用户名不正确', 'Bad user name');
    if (typeof c.table !== 'string' || !TABLE.test(c.table))
      throw bad('config.table', '表或视图名应形如 schema.table', 'table must look like schema.table');
  }
  if (input.kind === 'http') {
    let u: URL;
    try {
      u = new URL(String(c.url));
    } catch {
      throw bad('config.url', '地址不正确', 'Bad URL');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw bad('config.url', '仅支持 http(s) 地址', 'Only http(s) URLs');
    if (
      c.lookupUrl != null &&
      (typeof c.lookupUrl !== 'string' || !c.lookupUrl.includes('{key}') || !/^https?:\/\//.test(c.lookupUrl))
    )
      throw bad(
        'config.lookupUrl',
        '按主键查询地址须为 http(s) 地址并包含 {key}',
        'lookupUrl must be an http(s) URL containing {key}',
      );
  }
  if (input.kind === 'file' && c.format !== 'csv' && c.format !== 'xlsx')
    throw bad('config.format', '文件格式应为 csv 或 xlsx', 'format must be csv or xlsx');
  if (input.kind === 'file' && c.delimiter != null && (typeof c.delimiter !== 'string' || c.delimiter.length !== 1))
    throw bad('config.delimiter', '分隔符应为一个字符', 'delimiter must be one character');
  for (const [field, col] of Object.entries(c.columns ?? {})) {
    if (!resource.fields.some((f) => f.name === field))
      throw bad(`config.columns.${field}`, `资源没有数据项 ${field}`, `The resource has no field ${field}`);
    if (typeof col !== 'string' || (db ? !IDENT.test(col) : !col.trim() || col.length > 100))
      throw bad(`config.columns.${field}`, '源字段名不正确', 'Bad source column name');
  }
  if (input.syncMode !== 'full' && input.syncMode !== 'incremental')
    throw bad('syncMode', '同步方式应为 full 或 incremental', 'syncMode must be full or incremental');
  if (input.syncMode === 'incremental' && input.kind !== 'file') {
    if (!input.changeColumn || !IDENT.test(input.changeColumn))
      throw bad('changeColumn', '增量同步须指定变更时间列', 'Incremental sync needs a change column');
    if (input.kind === 'http' && !c.sinceParam)
      throw bad('config.sinceParam', 'HTTP 增量同步须指定起始参数名', 'Incremental HTTP sync needs sinceParam');
  }
  if (input.scheduleMinutes != null) {
    if (input.kind === 'file') throw bad('scheduleMinutes', '文件上传不能定时同步', 'An upload cannot be scheduled');
    if (!Number.isInteger(input.scheduleMinutes) || input.scheduleMinutes < 5 || input.scheduleMinutes > 43200)
      throw bad('scheduleMinutes', '同步间隔应为 5–43200 分钟', 'scheduleMinutes must be 5–43200');
  }
  if (input.queryThrough && (input.kind === 'file' || (input.kind === 'http' && !c.lookupUrl)))
    throw bad('queryThrough', '该连接器不支持实时查询', 'This connector cannot be queried through');
}

async function schedule(tx: Tx, id: string, seq: number, minutes: number | null) {
  if (!minutes) return;
  const runAt = new Date(Date.now() + minutes * 60_000);
  await enqueue(
    tx,
    SYNC_QUEUE,
    { connectorId: id, seq },
    { runAt, uniqueKey: `${SYNC_QUEUE}:${id}:${seq}:${runAt.getTime()}` },
  );
}

export async function createConnector(p: Platform, ctx: Ctx, resourceId: string, input: ConnectorInput) {
  const resource = await requireResource(p.db, resourceId);
  authorize(ctx, MANAGE, { departmentId: resource.providerDepartmentId });
  checkInput(input, resource);
  const id = crypto.randomUUID();
  return p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('data_connectors')
      .values({
        id,
        resource_id: resource.id,
        name: input.name.trim(),
        kind: input.kind,
        config: JSON.stringify(input.config),
        secret_enc:
          input.secret && Object.keys(input.secret).length
            ? seal(p.config.secretKey, JSON.stringify(input.secret))
            : null,
        sync_mode: input.syncMode,
        change_column: input.changeColumn ?? null,
        schedule_minutes: input.scheduleMinutes ?? null,
        query_through: input.queryThrough ?? false,
      })
      .execute();
    await schedule(tx, id, 0, input.scheduleMinutes ?? null);
    await writeAudit(tx, ctx, {
      action: 'data.connector.create',
      objectType: 'data_connector',
      objectId: id,
      detail: { resource: resource.code, kind: input.kind },
    });
    return view(await tx.selectFrom('data_connectors').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

async function requireConnector(db: Db | Tx, id: string) {
  const r = await db.selectFrom('data_connectors').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Connector', '连接器');
  return r as any;
}

/** Changes a connector; a secret left out is kept, a new one replaces it (sealed). */
export async function updateConnector(p: Platform, ctx: Ctx, id: string, input: ConnectorInput & { active?: boolean }) {
  const old = await requireConnector(p.db, id);
  const resource = await requireResource(p.db, old.resource_id);
  authorize(ctx, MANAGE, { departmentId: resource.providerDepartmentId });
  checkInput(input, resource);
  return p.db.transaction().execute(async (tx) => {
    const seq = old.schedule_seq + 1;
    await tx
      .updateTable('data_connectors')
      .set({
        name: input.name.trim(),
        kind: input.kind,
        config: JSON.stringify(input.config),
        ...(input.secret ? { secret_enc: seal(p.config.secretKey, JSON.stringify(input.secret)) } : {}),
        sync_mode: input.syncMode,
        change_column: input.changeColumn ?? null,
        schedule_minutes: input.scheduleMinutes ?? null,
        schedule_seq: seq,
        query_through: input.queryThrough ?? false,
        active: input.active ?? old.active,
        // A different source or change column starts incremental sync over.
        ...(input.changeColumn !== old.change_column ||
        JSON.stringify(input.config) !== JSON.stringify(json(old.config))
          ? { watermark: null }
          : {}),
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    if (input.active ?? old.active) await schedule(tx, id, seq, input.scheduleMinutes ?? null);
    await writeAudit(tx, ctx, { action: 'data.connector.update', objectType: 'data_connector', objectId: id });
    return view(await tx.selectFrom('data_connectors').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

export async function listConnectors(p: Platform, ctx: Ctx, resourceId: string) {
  const resource = await requireResource(p.db, resourceId);
  authorize(ctx, MANAGE, { departmentId: resource.providerDepartmentId });
  const rows = await p.db
    .selectFrom('data_connectors')
    .selectAll()
    .where('resource_id', '=', resource.id)
    .orderBy('created_at')
    .execute();
  return { items: rows.map(view) };
}

export interface RunView {
  id: string;
  connectorId: string;
  resourceId: string;
  trigger: string;
  mode: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rowsRead: number;
  rowsWritten: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rowsDeleted: number;
  rejections: (Rejection & { message: string; messageEn: string })[];
  error: string | null;
}

function runView(r: any): RunView {
  return {
    id: r.id,
    connectorId: r.connector_id,
    resourceId: r.resource_id,
    trigger: r.trigger,
    mode: r.mode,
    status: r.status,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    durationMs: r.duration_ms,
    rowsRead: r.rows_read,
    rowsWritten: r.rows_written,
    rowsUnchanged: r.rows_unchanged,
    rowsRejected: r.rows_rejected,
    rowsDeleted: r.rows_deleted,
    rejections: json<Rejection[]>(r.rejections).map((x) => ({
      ...x,
      message: REJECTION_TEXT[x.reason][0],
      messageEn: REJECTION_TEXT[x.reason][1],
    })),
    error: r.error,
  };
}

export async function listRuns(p: Platform, ctx: Ctx, connectorId: string, q: { page?: number; pageSize?: number }) {
  const c = await requireConnector(p.db, connectorId);
  const resource = await requireResource(p.db, c.resource_id);
  authorize(ctx, MANAGE, { departmentId: resource.providerDepartmentId });
  const pageSize = q.pageSize ?? 20;
  const rows = await p.db
    .selectFrom('data_sync_runs')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .orderBy('started_at', 'desc')
    .limit(pageSize)
    .offset(((q.page ?? 1) - 1) * pageSize)
    .execute();
  return { items: rows.map(runView) };
}

function secretOf(p: Platform, c: any): Secret {
  return c.secret_enc ? (JSON.parse(unseal(p.config.secretKey, c.secret_enc)) as Secret) : {};
}

/** Which source column carries a field. */
const sourceColumn = (config: ConnectorConfig, field: string) => config.columns?.[field] ?? field;

/**
 * One sync run: reads the source (only reads), stores new and changed rows, reports every
 * rejected row with its reason, and — in full mode — removes the rows the source no longer has.
 * The run row exists even when the run fails.
 */
export async function runSync(
  p: Platform,
  ctx: Ctx,
  connectorId: string,
  opts: { trigger: 'manual' | 'schedule' | 'upload'; mode?: 'full' | 'incremental'; upload?: Buffer },
): Promise<RunView> {
  const c = await requireConnector(p.db, connectorId);
  const resource = await requireResource(p.db, c.resource_id);
  authorize(ctx, MANAGE, { departmentId: resource.providerDepartmentId });
  if (c.kind === 'file' && !opts.upload)
    throw badRequest('FILE_REQUIRED', '文件连接器须上传文件', 'A file connector syncs an uploaded file', 'file');
  if (c.kind !== 'file' && opts.upload)
    throw badRequest('NOT_A_FILE_CONNECTOR', '该连接器不接受文件上传', 'This connector does not take uploads', 'file');
  if (!c.active) throw conflict('CONNECTOR_INACTIVE', '连接器已停用', 'The connector is inactive');
  if (resource.status !== 'active') throw retiredResource(resource);
  const levels = await listLevels(p.db);
  const config = json<ConnectorConfig>(c.config);
  const mode: 'full' | 'incremental' = opts.mode ?? c.sync_mode;
  const since: Watermark | null =
    mode === 'incremental' && c.change_column ? (c.watermark ? json(c.watermark) : null) : null;
  const runId = crypto.randomUUID();
  const started = Date.now();
  await p.db
    .insertInto('data_sync_runs')
    .values({
      id: runId,
      connector_id: c.id,
      resource_id: resource.id,
      trigger: opts.trigger,
      mode,
      status: 'running',
      started_at: new Date(started).toISOString(),
    })
    .execute();
  const key = p.config.secretKey;
  const keyField = resource.fields.find((f) => f.name === resource.keyField)!;
  const seen = new Set<string>();
  const rejections: Rejection[] = [];
  let read = 0;
  let written = 0;
  let unchanged = 0;
  let deleted = 0;
  let watermark: Watermark | null = since;
  try {
    const plan = {
      columns: resource.fields.map((f) => sourceColumn(config, f.name)),
      keyColumn: sourceColumn(config, resource.keyField),
      changeColumn: c.change_column,
      since,
      batch: BATCH,
    };
    for await (const batch of readSource(c.kind, config, secretOf(p, c), plan, opts.upload)) {
      const stored: StoredRow[] = [];
      for (const { rowNo, record, problem } of batch) {
        read++;
        if (!record) {
          rejections.push({ row: rowNo, reason: problem ?? 'COLUMN_COUNT' });
          continue;
        }
        if (c.change_column) watermark = laterWatermark(watermark, watermarkOf(record[c.change_column]));
        const got = toValues(resource.fields, (f) => record[sourceColumn(config, f.name)]);
        if ('problem' in got) {
          rejections.push({ row: rowNo, ...got.problem });
          continue;
        }
        const k = got.values[keyField.name];
        if (k == null) {
          rejections.push({ row: rowNo, reason: 'KEY_MISSING', field: keyField.name });
          continue;
        }
        const kt = keyText(k);
        if (seen.has(kt)) {
          rejections.push({ row: rowNo, reason: 'DUPLICATE_KEY', field: keyField.name });
          continue;
        }
        seen.add(kt);
        stored.push(toStored(key, resource, levels, got.values as Values));
      }
      const r = await p.db.transaction().execute((tx) => upsertRows(tx, resource.id, c.id, runId, stored));
      written += r.written;
      unchanged += r.unchanged;
    }
    await p.db.transaction().execute(async (tx) => {
      if (mode === 'full') {
        const del = await tx
          .deleteFrom('data_rows')
          .where('resource_id', '=', resource.id)
          .where('connector_id', '=', c.id)
          .where((eb) => eb.or([eb('run_id', '<>', runId), eb('run_id', 'is', null)]))
          .executeTakeFirst();
        deleted = Number(del.numDeletedRows);
      }
      const finished = Date.now();
      await tx
        .updateTable('data_sync_runs')
        .set({
          status: 'succeeded',
          finished_at: new Date(finished).toISOString(),
          duration_ms: finished - started,
          rows_read: read,
          rows_written: written,
          rows_unchanged: unchanged,
          rows_rejected: rejections.length,
          rows_deleted: deleted,
          rejections: JSON.stringify(rejections.slice(0, MAX_REJECTIONS_KEPT)),
          watermark_after: watermark ? JSON.stringify(watermark) : null,
        })
        .where('id', '=', runId)
        .execute();
      await tx
        .updateTable('data_connectors')
        .set({
          last_run_at: new Date(finished).toISOString(),
          ...(c.change_column ? { watermark: watermark ? JSON.stringify(watermark) : null } : {}),
        })
        .where('id', '=', c.id)
        .execute();
      await writeAudit(tx, ctx, {
        action: 'data.sync',
        objectType: 'data_resource',
        objectId: resource.id,
        detail: { connector: c.id, run: runId, mode, read, written, rejected: rejections.length, deleted },
      });
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await p.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('data_sync_runs')
        .set({
          status: 'failed',
          finished_at: new Date().toISOString(),
          duration_ms: Date.now() - started,
          rows_read: read,
          rows_written: written,
          rows_unchanged: unchanged,
          rows_rejected: rejections.length,
          rejections: JSON.stringify(rejections.slice(0, MAX_REJECTIONS_KEPT)),
          error: message.slice(0, 500),
        })
        .where('id', '=', runId)
        .execute();
      await writeAudit(tx, ctx, {
        action: 'data.sync',
        objectType: 'data_resource',
        objectId: resource.id,
        outcome: 'failure',
        detail: { connector: c.id, run: runId, mode },
      });
    });
  }
  return runView(await p.db.selectFrom('data_sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow());
}

/** The scheduled run of a connector; a job of an older schedule (changed since) does nothing. */
export async function scheduledSync(p: Platform, ctx: Ctx, payload: { connectorId: string; seq: number }) {
  const c = await p.db
    .selectFrom('data_connectors')
    .selectAll()
    .where('id', '=', payload.connectorId)
    .executeTakeFirst();
  if (!c?.active || c.schedule_seq !== payload.seq || !c.schedule_minutes) return null;
  // A retired resource's schedule ends: no run, and no next one.
  const resource = await loadResource(p.db, c.resource_id);
  if (resource?.status !== 'active') return null;
  const run = await runSync(p, ctx, c.id, { trigger: 'schedule' });
  await p.db.transaction().execute((tx) => schedule(tx, c.id, payload.seq, c.schedule_minutes));
  return run;
}

/** Query-through: the current values of one key read from the source (null when the source has none). */
export async function queryThrough(
  p: Platform,
  resource: Resource,
  key: string,
  db: Db | Tx = p.db,
): Promise<Values | null> {
  const c = await db
    .selectFrom('data_connectors')
    .selectAll()
    .where('resource_id', '=', resource.id)
    .where('query_through', '=', true)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!c) return null;
  const config = json<ConnectorConfig>(c.config);
  const rec = await lookupSource(
    c.kind,
    config,
    secretOf(p, c),
    resource.fields.map((f) => sourceColumn(config, f.name)),
    sourceColumn(config, resource.keyField),
    key,
  );
  if (!rec) return null;
  const got = toValues(resource.fields, (f) => rec[sourceColumn(config, f.name)]);
  return 'values' in got ? got.values : null;
}

export async function hasQueryThrough(db: Db | Tx, resourceId: string): Promise<boolean> {
  const c = await db
    .selectFrom('data_connectors')
    .select('id')
    .where('resource_id', '=', resourceId)
    .where('query_through', '=', true)
    .where('active', '=', true)
    .executeTakeFirst();
  return !!c;
}

/** Row count and last successful run of a resource. */
export async function resourceStats(p: Platform, ctx: Ctx, resourceId: string) {
  const resource = await requireResource(p.db, resourceId);
  authorize(ctx, MANAGE, { departmentId: resource.providerDepartmentId });
  const [{ n }] = (await p.db
    .selectFrom('data_rows')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('resource_id', '=', resource.id)
    .execute()) as any[];
  const last = await p.db
    .selectFrom('data_sync_runs')
    .selectAll()
    .where('resource_id', '=', resource.id)
    .where('status', '=', 'succeeded')
    .orderBy('finished_at', 'desc')
    .executeTakeFirst();
  return { rows: Number(n), lastRun: last ? runView(last) : null };
}
