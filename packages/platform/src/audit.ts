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
  /** Null while the record waits to be linked into the chain (a fraction of a second). */
  prevHash: string | null;
  hash: string | null;
}

export const GENESIS = '0'.repeat(64);

function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((value as any)[k])}`).join(',')}}`;
}

export function recordHash(r: Omit<AuditRecord, 'hash' | 'seq' | 'prevHash'> & { prevHash: string }): string {
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
  // Writers no longer serialise on the chain head: a record is inserted (with a row in
  // audit_pending) in the caller's transaction, and the chainer links committed records into
  // audit_chain in batches, in the order it finds them (see chainPending). Existing records keep
  // their hashes: they are copied into the chain at their own position.
  '0002_platform_audit_chain': {
    async up(db) {
      await sql`
        alter table audit_log alter column prev_hash drop not null;
        alter table audit_log alter column hash drop not null;
        create table audit_chain (
          pos bigint primary key,
          seq bigint not null unique references audit_log (seq),
          prev_hash text not null,
          hash text not null
        );
        insert into audit_chain (pos, seq, prev_hash, hash) select seq, seq, prev_hash, hash from audit_log order by seq;
        create table audit_pending (seq bigint primary key references audit_log (seq));
        alter table audit_head add column pos bigint not null default 0;
        update audit_head set pos = seq;
        create trigger audit_chain_no_change before update or delete on audit_chain
          for each row execute function audit_log_append_only();
      `.execute(db);
    },
  },
};

/**
 * Appends a record in the caller's transaction, so the record exists exactly when the change it
 * records does. It is linked into the hash chain by `chainPending` shortly after it commits (the
 * runtime's chainer runs every few hundred milliseconds; `verifyAuditChain` links what is pending
 * first), so concurrent writers never wait for each other on the chain head.
 */
export async function writeAudit(tx: Tx | Db, ctx: Ctx, entry: AuditEntry): Promise<void> {
  // One round trip: the record and its pending link in one statement.
  await sql`
    with rec as (
      insert into audit_log (at, actor_id, actor_name, action, object_type, object_id, outcome, request_id, source_ip, detail)
      values (${new Date().toISOString()}, ${ctx.caller.accountId}, ${ctx.caller.name}, ${entry.action},
        ${entry.objectType ?? null}, ${entry.objectId ?? null}, ${entry.outcome ?? 'success'}, ${ctx.requestId},
        ${ctx.ip}, ${entry.detail == null ? null : JSON.stringify(entry.detail)}::jsonb)
      returning seq
    )
    insert into audit_pending (seq) select seq from rec`.execute(tx);
}

/** A row written in the same statement as a grouped audit record (e.g. the call row it describes). */
export interface AuditCompanion {
  table: string;
  values: Record<string, unknown>;
}

interface QueuedAudit {
  ctx: Ctx;
  entry: AuditEntry;
  at: string;
  companions: AuditCompanion[];
  done: (err?: unknown) => void;
}

const auditRow = ({ ctx, entry, at }: QueuedAudit) => ({
  at,
  actor_id: ctx.caller.accountId,
  actor_name: ctx.caller.name,
  action: entry.action,
  object_type: entry.objectType ?? null,
  object_id: entry.objectId ?? null,
  outcome: entry.outcome ?? 'success',
  request_id: ctx.requestId,
  source_ip: ctx.ip,
  detail: entry.detail == null ? null : JSON.stringify(entry.detail),
  prev_hash: null,
  hash: null,
});

/**
 * One autocommit statement for a batch: the audit records, their pending links and the companion
 * rows of every table, as data-modifying CTEs (all or nothing, one commit).
 */
async function insertBatch(db: Db, batch: QueuedAudit[]): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const q of batch)
    for (const c of q.companions) {
      const rows = byTable.get(c.table) ?? [];
      rows.push(c.values);
      byTable.set(c.table, rows);
    }
  let query: any = db.with('rec', (qb) => qb.insertInto('audit_log').values(batch.map(auditRow)).returning('seq'));
  let n = 0;
  for (const [table, rows] of byTable) query = query.with(`c${n++}`, (qb: Db) => qb.insertInto(table).values(rows));
  await query
    .insertInto('audit_pending')
    .columns(['seq'])
    .expression((eb: any) => eb.selectFrom('rec').select('seq'))
    .execute();
}

class AuditGroup {
  private queue: QueuedAudit[] = [];
  private flushing: Promise<void> | null = null;
  constructor(private readonly db: Db) {}

  add(ctx: Ctx, entry: AuditEntry, companions: AuditCompanion[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        ctx,
        entry,
        at: new Date().toISOString(),
        companions,
        done: (err) => (err ? reject(err) : resolve()),
      });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Let the requests of this turn of the event loop join the batch; while a batch is being
    // written, the next one gathers (group commit).
    await new Promise((r) => setImmediate(r));
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      try {
        await insertBatch(this.db, batch);
        for (const q of batch) q.done();
      } catch (err) {
        // One bad entry must not fail the others: write them one by one.
        if (batch.length === 1) batch[0]!.done(err);
        else
          for (const q of batch)
            await insertBatch(this.db, [q]).then(
              () => q.done(),
              (e) => q.done(e),
            );
      }
    }
    this.flushing = null;
  }
}

const groups = new WeakMap<Db, AuditGroup>();

/**
 * Records a standalone audit entry (one that belongs to no other write, e.g. a public
 * verification or a gateway read) and resolves once it is committed: concurrent callers share one
 * statement and one commit (group commit), so the record is durable before the answer is sent, as
 * with `writeAudit`, without a commit per request. `companions` are rows written atomically with
 * the record (in the same statement), such as the call record a gateway answer is traced by.
 */
export function writeAuditGrouped(
  db: Db,
  ctx: Ctx,
  entry: AuditEntry,
  companions: AuditCompanion[] = [],
): Promise<void> {
  let g = groups.get(db);
  if (!g) {
    g = new AuditGroup(db);
    groups.set(db, g);
  }
  return g.add(ctx, entry, companions);
}

/**
 * Links committed, not yet chained records into the hash chain (oldest first), at most `limit`,
 * under the chain head's lock; answers how many. Another process chaining at the same moment
 * makes this call answer 0 (it skips the locked head) rather than wait, unless `wait` is set.
 */
export async function chainPending(db: Db, limit = 2000, opts: { wait?: boolean } = {}): Promise<number> {
  // An idle chainer asks one cheap question instead of opening a transaction every tick.
  if (!(await db.selectFrom('audit_pending').select('seq').limit(1).executeTakeFirst())) return 0;
  return db.transaction().execute(async (tx) => {
    const head = opts.wait
      ? await sql<{ pos: string; hash: string }>`select pos, hash from audit_head where id = 1 for update`.execute(tx)
      : await sql<{ pos: string; hash: string }>`
          select pos, hash from audit_head where id = 1 for update skip locked`.execute(tx);
    const h = head.rows[0];
    if (!h) return 0;
    const rows = await tx
      .selectFrom('audit_pending')
      .innerJoin('audit_log', 'audit_log.seq', 'audit_pending.seq')
      .selectAll('audit_log')
      .orderBy('audit_pending.seq')
      .limit(limit)
      .execute();
    if (!rows.length) return 0;
    let prev = h.hash;
    let pos = BigInt(h.pos);
    const links: { pos: string; seq: string; prev_hash: string; hash: string }[] = [];
    for (const row of rows) {
      const r = toRecord(row);
      const hash = recordHash({ ...r, prevHash: prev });
      pos += 1n;
      links.push({ pos: pos.toString(), seq: r.seq, prev_hash: prev, hash });
      prev = hash;
    }
    for (let i = 0; i < links.length; i += 500)
      await tx
        .insertInto('audit_chain')
        .values(links.slice(i, i + 500))
        .execute();
    await tx
      .deleteFrom('audit_pending')
      .where(
        'seq',
        'in',
        links.map((l) => l.seq),
      )
      .execute();
    const last = links[links.length - 1]!;
    await tx
      .updateTable('audit_head')
      .set({ pos: last.pos, seq: last.seq, hash: last.hash })
      .where('id', '=', 1)
      .execute();
    return links.length;
  });
}

/** Links everything pending now (used before verification, and when a runtime stops). */
export async function flushAuditChain(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await chainPending(db, 2000, { wait: true });
    total += n;
    if (n < 2000) return total;
  }
}

/** Runs `chainPending` every `intervalMs` (and at once again after a full batch) until stopped. */
export function startAuditChainer(
  db: Db,
  opts: { intervalMs?: number; onError?: (err: unknown) => void } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped && (await chainPending(db)) === 2000);
      } catch (err) {
        opts.onError?.(err);
      }
    })().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 250);
    });
  };
  timer = setTimeout(tick, opts.intervalMs ?? 250);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
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
    .leftJoin('audit_chain', 'audit_chain.seq', 'audit_log.seq')
    .selectAll('audit_log')
    .select(['audit_chain.prev_hash as chain_prev_hash', 'audit_chain.hash as chain_hash'])
    .orderBy('audit_log.seq', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .execute();
  return {
    items: rows.map((r: any) => ({ ...toRecord(r), prevHash: r.chain_prev_hash ?? null, hash: r.chain_hash ?? null })),
    total: Number(n),
  };
}

export type VerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenSeq: string; reason: string };

/**
 * Links what is pending, then walks the chain from the start; names the first record whose link
 * or content does not match, a record missing from the chain, or a chain cut short at the end.
 */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<VerifyResult> {
  await flushAuditChain(db);
  let prev = GENESIS;
  let lastPos = 0n;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_chain')
      .leftJoin('audit_log', 'audit_log.seq', 'audit_chain.seq')
      .selectAll('audit_log')
      .select([
        'audit_chain.pos as chain_pos',
        'audit_chain.seq as chain_seq',
        'audit_chain.prev_hash as chain_prev_hash',
        'audit_chain.hash as chain_hash',
      ])
      .where(sql`audit_chain.pos`, '>', sql`${lastPos.toString()}::bigint`)
      .orderBy('audit_chain.pos')
      .limit(batch)
      .execute();
    for (const row of rows as any[]) {
      const pos = BigInt(row.chain_pos);
      const seq = String(row.chain_seq);
      if (pos !== lastPos + 1n)
        return { ok: false, count, brokenSeq: seq, reason: 'chain position skipped (a link was removed)' };
      if (row.seq == null) return { ok: false, count, brokenSeq: seq, reason: 'chained record is missing (removed)' };
      if (row.chain_prev_hash !== prev)
        return {
          ok: false,
          count,
          brokenSeq: seq,
          reason: 'link to previous record broken (a record was removed or reordered)',
        };
      const r = toRecord(row);
      if (recordHash({ ...r, prevHash: prev }) !== row.chain_hash)
        return { ok: false, count, brokenSeq: seq, reason: 'content does not match its hash (record was altered)' };
      prev = row.chain_hash;
      lastPos = pos;
      count++;
    }
    if (rows.length < batch) break;
  }
  const head = await db
    .selectFrom('audit_head')
    .select(['pos', 'seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  if (BigInt(head.pos) !== lastPos || head.hash !== prev) {
    return {
      ok: false,
      count,
      brokenSeq: String(head.seq),
      reason: 'chain head does not match the last record (records were removed at the end)',
    };
  }
  // Every committed record is in the chain or waiting for it (written after the flush above).
  const orphan = (
    await sql<{ seq: string }>`
      select l.seq from audit_log l
      where not exists (select 1 from audit_chain c where c.seq = l.seq)
        and not exists (select 1 from audit_pending p where p.seq = l.seq)
      order by l.seq limit 1`.execute(db)
  ).rows[0];
  if (orphan)
    return {
      ok: false,
      count,
      brokenSeq: String(orphan.seq),
      reason: 'record is not in the chain (it was never linked)',
    };
  return { ok: true, count };
}
