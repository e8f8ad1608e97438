import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx } from './context.ts';
import type { Db, Tx } from './db.ts';
import type { Migrations } from './migrate.ts';

export interface AuditEntry {
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome?: 'success' | 'denied' | 'failure';
  /** Non-personal details (never raw personal data). */
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord {
  seq: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: string;
  requestId: string | null;
  sourceIp: string | null;
  detail: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((value as any)[k])}`).join(',')}}`;
}

export function recordHash(r: Omit<AuditRecord, 'hash' | 'seq'>): string {
  const body = stable({
    at: r.at,
    actorId: r.actorId,
    actorName: r.actorName,
    action: r.action,
    objectType: r.objectType,
    objectId: r.objectId,
    outcome: r.outcome,
    requestId: r.requestId,
    sourceIp: r.sourceIp,
    detail: r.detail,
  });
  return createHash('sha256').update(r.prevHash).update('\n').update(body).digest('hex');
}

export const auditMigrations: Migrations = {
  '0001_platform_audit': {
    async up(db) {
      await sql`
        create table audit_log (
          seq bigserial primary key,
          at timestamptz not null,
          actor_id text,
          actor_name text,
          action text not null,
          object_type text,
          object_id text,
          outcome text not null,
          request_id text,
          source_ip text,
          detail jsonb,
          prev_hash text not null,
          hash text not null
        );
        create index audit_log_at on audit_log (at);
        create index audit_log_actor on audit_log (actor_id, at);
        create index audit_log_object on audit_log (object_type, object_id);
        create table audit_head (id int primary key check (id = 1), seq bigint not null, hash text not null);
        insert into audit_head values (1, 0, '${sql.raw(GENESIS)}');
        create function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_log is append-only'; end $$;
        create trigger audit_log_no_change before update or delete on audit_log
          for each row execute function audit_log_append_only();
      `.execute(db);
    },
  },
};

/**
 * Appends a hash-chained record in the caller's transaction, so the record exists exactly
 * when the change it records does. Chain order is serialised by locking the head row.
 */
export async function writeAudit(tx: Tx | Db, ctx: Ctx, entry: AuditEntry): Promise<void> {
  const head = await tx
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const rec = {
    at: new Date().toISOString(),
    actorId: ctx.caller.accountId,
    actorName: ctx.caller.name,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    outcome: entry.outcome ?? 'success',
    requestId: ctx.requestId,
    sourceIp: ctx.ip,
    detail: entry.detail ?? null,
    prevHash: head.hash as string,
  };
  const hash = recordHash(rec);
  const inserted = await tx
    .insertInto('audit_log')
    .values({
      at: rec.at,
      actor_id: rec.actorId,
      actor_name: rec.actorName,
      action: rec.action,
      object_type: rec.objectType,
      object_id: rec.objectId,
      outcome: rec.outcome,
      request_id: rec.requestId,
      source_ip: rec.sourceIp,
      detail: rec.detail === null ? null : JSON.stringify(rec.detail),
      prev_hash: rec.prevHash,
      hash,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  await tx.updateTable('audit_head').set({ seq: inserted.seq, hash }).where('id', '=', 1).execute();
}

function toRecord(row: any): AuditRecord {
  return {
    seq: String(row.seq),
    at: new Date(row.at).toISOString(),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    outcome: row.outcome,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    detail: row.detail ?? null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export async function queryAudit(db: Db, q: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
  let base = db.selectFrom('audit_log');
  if (q.actorId) base = base.where('actor_id', '=', q.actorId);
  if (q.action) base = base.where('action', 'like', `${q.action}%`);
  if (q.objectType) base = base.where('object_type', '=', q.objectType);
  if (q.objectId) base = base.where('object_id', '=', q.objectId);
  if (q.outcome) base = base.where('outcome', '=', q.outcome);
  if (q.from) base = base.where('at', '>=', q.from);
  if (q.to) base = base.where('at', '<', q.to);
  const [{ n }] = (await base.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const rows = await base
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return { items: rows.map(toRecord), total: Number(n) };
}

export type VerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenSeq: string; reason: string };

/** Walks the chain from the start; names the first record whose link or content does not match. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<VerifyResult> {
  let prev = GENESIS;
  let lastSeq = '0';
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where(sql`seq`, '>', sql`${lastSeq}::bigint`)
      .orderBy('seq')
      .limit(batch)
      .execute();
    for (const row of rows) {
      const r = toRecord(row);
      if (r.prevHash !== prev)
        return {
          ok: false,
          count,
          brokenSeq: r.seq,
          reason: 'link to previous record broken (a record was removed or reordered)',
        };
      if (recordHash(r) !== r.hash)
        return { ok: false, count, brokenSeq: r.seq, reason: 'content does not match its hash (record was altered)' };
      prev = r.hash;
      lastSeq = r.seq;
      count++;
    }
    if (rows.length < batch) break;
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  if (String(head.seq) !== lastSeq || head.hash !== prev) {
    return {
      ok: false,
      count,
      brokenSeq: String(head.seq),
      reason: 'chain head does not match the last record (records were removed at the end)',
    };
  }
  return { ok: true, count };
}
