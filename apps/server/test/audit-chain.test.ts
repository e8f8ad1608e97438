/**
 * The audit hash chain with deferred linking: concurrent writers do not wait for each other, the
 * chainer links committed records in order, and verification catches removed links, altered
 * records and records that bypassed the chain.
 */
import { chainPending, systemCtx, verifyAuditChain, writeAudit, writeAuditGrouped } from '@yiwang/platform';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../tests/harness.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

const count = async (table: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(rt.platform.db)).rows[0]!.n);

describe(`audit chain on ${dbLabel}`, () => {
  it('links records written by concurrent transactions, each exactly once, in a gap-free chain', async () => {
    const before = await verifyAuditChain(rt.platform.db);
    expect(before.ok).toBe(true);
    const ctx = systemCtx('audit-chain-test');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        rt.platform.db.transaction().execute(async (tx) => {
          await writeAudit(tx, ctx, { action: 'test.concurrent', objectId: String(i), detail: { i } });
          await writeAudit(tx, ctx, { action: 'test.concurrent.second', objectId: String(i) });
        }),
      ),
    );
    // A rolled-back transaction leaves no record and no pending link.
    await rt.platform.db
      .transaction()
      .execute(async (tx) => {
        await writeAudit(tx, ctx, { action: 'test.rolled_back' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    const after = await verifyAuditChain(rt.platform.db);
    expect(after).toMatchObject({ ok: true, count: (before as any).count + 80 });
    expect(await count('audit_pending')).toBe(0);
    expect(await count('audit_chain')).toBe(await count('audit_log'));
    const positions = await sql<{ gaps: string }>`
      select count(*) as gaps from audit_chain a
      where a.pos > 1 and not exists (select 1 from audit_chain b where b.pos = a.pos - 1)`.execute(rt.platform.db);
    expect(Number(positions.rows[0]!.gaps)).toBe(0);
    const rolled = await rt.platform.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'test.rolled_back')
      .execute();
    expect(rolled).toHaveLength(0);
    expect(await chainPending(rt.platform.db)).toBe(0);
  });

  it('group-commits standalone records: each is stored when its promise resolves, and chained', async () => {
    const ctx = systemCtx('audit-group-test');
    const before = await count('audit_log');
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        writeAuditGrouped(rt.platform.db, ctx, { action: 'test.grouped', objectId: String(i) }),
      ),
    );
    expect(await count('audit_log')).toBe(before + 60);
    const ids = await rt.platform.db
      .selectFrom('audit_log')
      .select('object_id')
      .where('action', '=', 'test.grouped')
      .execute();
    expect(new Set(ids.map((r: any) => r.object_id)).size).toBe(60);
    expect(await verifyAuditChain(rt.platform.db)).toMatchObject({ ok: true });
  });

  it('catches a record that bypassed the chain', async () => {
    await sql`insert into audit_log (at, action, outcome) values (now(), 'test.bypass', 'success')`.execute(
      rt.platform.db,
    );
    const r = await verifyAuditChain(rt.platform.db);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/not in the chain/) });
  });

  it('catches a removed link', async () => {
    const victim = await rt.platform.db
      .selectFrom('audit_chain')
      .select(['pos', 'seq'])
      .where('pos', '=', '5')
      .executeTakeFirstOrThrow();
    const del = await rt.platform.db
      .deleteFrom('audit_chain')
      .where('pos', '=', '5')
      .execute()
      .catch((e) => e);
    expect(String(del)).toMatch(/append-only/);
    await rt.platform.db.transaction().execute(async (tx) => {
      await sql`alter table audit_chain disable trigger audit_chain_no_change`.execute(tx);
      await tx.deleteFrom('audit_chain').where('pos', '=', victim.pos).execute();
      await sql`alter table audit_chain enable trigger audit_chain_no_change`.execute(tx);
    });
    const r = await verifyAuditChain(rt.platform.db);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ reason: expect.stringMatching(/skipped|not in the chain/) });
  });
});
