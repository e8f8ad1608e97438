import { DEMO_CITIZENS } from '@yiwang/cases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_CODE_RESOURCE, LEGAL_CODE, LICENCE_CODE_RESOURCE, POPULATION_CODE } from '../src/seed.ts';
import { DataTest } from './helpers.ts';

let t: DataTest;
beforeAll(async () => {
  t = await DataTest.start();
});
afterAll(() => t?.close());

describe('demo seed: base libraries', () => {
  it('loads population and legal persons through the CSV connector, reporting the rows it rejected', async () => {
    const officer = await t.login('data_police');
    const pop = await t.call(officer, 'GET', `/resources/${encodeURIComponent(POPULATION_CODE)}`);
    expect(pop.body.providerDepartmentName).toBe('佛山市公安局');
    const conns = await t.call(officer, 'GET', `/resources/${pop.body.id}/connectors`);
    expect(conns.body.items[0]).toMatchObject({ kind: 'file' });
    const runs = await t.call(officer, 'GET', `/connectors/${conns.body.items[0].id}/runs`);
    expect(runs.body.items[0]).toMatchObject({
      status: 'succeeded',
      trigger: 'upload',
      rowsRead: 2002,
      rowsWritten: 2000,
      rowsRejected: 2,
    });
    expect(runs.body.items[0].rejections.map((r: any) => r.reason).sort()).toEqual(['DUPLICATE_KEY', 'KEY_MISSING']);
    const stats = await t.call(officer, 'GET', `/resources/${pop.body.id}/stats`);
    expect(stats.body.rows).toBe(2000);
    // The demo citizens are in the population library (sealed, found by HMAC of their ID numbers).
    const { valueHash } = await import('../src/rows.ts');
    for (const c of DEMO_CITIZENS) {
      const row = await t.rt.platform.db
        .selectFrom('data_rows')
        .select('key_hash')
        .where('resource_id', '=', pop.body.id)
        .where('key_hash', '=', valueHash(t.rt.platform.config.secretKey, c.idNumber))
        .executeTakeFirst();
      expect(row, c.name).toBeTruthy();
    }
  });

  it('loads the credit library (red and black lists) through the CSV connector', async () => {
    const zsj = await t.login('data_zsj');
    const res = await t.call(zsj, 'GET', `/resources/${encodeURIComponent(CREDIT_CODE_RESOURCE)}`);
    const conns = await t.call(zsj, 'GET', `/resources/${res.body.id}/connectors`);
    const runs = await t.call(zsj, 'GET', `/connectors/${conns.body.items[0].id}/runs`);
    expect(runs.body.items[0]).toMatchObject({ status: 'succeeded', rowsRead: 66, rowsWritten: 66, rowsRejected: 0 });
    const stats = await t.call(zsj, 'GET', `/resources/${res.body.id}/stats`);
    expect(stats.body.rows).toBe(66);
  });

  it('loads the licence library from the licences module through the CSV connector', async () => {
    const zsj = await t.login('data_zsj');
    const res = await t.call(zsj, 'GET', `/resources/${encodeURIComponent(LICENCE_CODE_RESOURCE)}`);
    expect(res.status, res.raw).toBe(200);
    const conns = await t.call(zsj, 'GET', `/resources/${res.body.id}/connectors`);
    const runs = await t.call(zsj, 'GET', `/connectors/${conns.body.items[0].id}/runs`);
    const issued = await t.rt.platform.db.selectFrom('licences').select('identifier').execute();
    expect(issued.length).toBeGreaterThan(0);
    expect(runs.body.items[0]).toMatchObject({ status: 'succeeded', rowsWritten: issued.length, rowsRejected: 0 });
    // Each licence is in the library under its identifier (the key), holder codes sealed.
    const { valueHash } = await import('../src/rows.ts');
    for (const l of issued) {
      const row = await t.rt.platform.db
        .selectFrom('data_rows')
        .selectAll()
        .where('resource_id', '=', res.body.id)
        .where('key_hash', '=', valueHash(t.rt.platform.config.secretKey, l.identifier))
        .executeTakeFirst();
      expect(row, l.identifier).toBeTruthy();
      expect(JSON.stringify(row)).not.toContain(DEMO_CITIZENS[0]!.idNumber);
    }
  });

  it('shows findings in the quality reports of the seeded libraries', async () => {
    const police = await t.login('data_police');
    const pop = await t.call(police, 'GET', `/resources/${encodeURIComponent(POPULATION_CODE)}/quality`);
    expect(pop.status, pop.raw).toBe(200);
    const f = Object.fromEntries(pop.body.fields.map((x: any) => [x.field, x]));
    expect(f.id_number.invalid).toBe(5);
    expect(f.name.missing).toBe(4);
    expect(f.birth_date.problems.date).toBe(3);
    expect(f.phone.invalid).toBe(3);
    expect(pop.body.freshness.stale).toBe(false);
    // 15 findings in 2,000 rows: the score shows them (it rounded to 100 when it counted cells).
    expect(pop.body.rowsWithFindings).toBeGreaterThan(0);
    expect(pop.body.rowsWithFindings).toBeLessThanOrEqual(15);
    expect(pop.body.score).toBe(Math.floor(1000 * (1 - pop.body.rowsWithFindings / pop.body.rows)) / 10);
    expect(pop.body.score).toBeLessThan(100);
    const market = await t.login('data_market');
    const legal = await t.call(market, 'GET', `/resources/${encodeURIComponent(LEGAL_CODE)}/quality`);
    const g = Object.fromEntries(legal.body.fields.map((x: any) => [x.field, x]));
    expect(legal.body.rows).toBe(500);
    expect(g.credit_code.invalid).toBe(3);
    expect(g.name.duplicateGroups).toBe(1);
    expect(g.reg_date.missing).toBe(2);
  });

  it('declares credit and licence libraries, and grants 民政局 its standing population grant', async () => {
    const civil = await t.login('data_civil');
    const list = await t.call(civil, 'GET', '/resources?class=1');
    expect(list.body.items.map((i: any) => i.name)).toEqual([
      '人口基础信息',
      '法人基础信息',
      '公共信用信息（红黑名单）',
      '电子证照目录信息',
    ]);
    const mine = await t.call(civil, 'GET', '/requests?side=consumer&status=granted');
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ resourceCode: POPULATION_CODE, consumerDepartmentName: '佛山市民政局' });
    const zsj = await t.login('data_zsj');
    const conflicts = await t.call(zsj, 'GET', '/quality/one-source');
    expect(conflicts.status, conflicts.raw).toBe(200);
  });
});

describe('demo seed: no-proof (免证明) cases', () => {
  it('files two 高龄津贴申领 applications of elderly residents with 户籍证明 fetched, shown in the savings', async () => {
    const demo = await DataTest.start({ SEED_DEMO_CASES: 'true' });
    try {
      const saved = await demo.call(null, 'GET', '/no-proof/savings');
      expect(saved.status, saved.raw).toBe(200);
      expect(saved.body.items).toEqual([
        expect.objectContaining({
          name: '高龄津贴申领',
          departmentName: '佛山市民政局',
          materialsSaved: 2,
          visitsSaved: 2,
          materials: [{ name: '户籍证明', saved: 2 }],
        }),
      ]);
      const cases = await demo.rt.platform.db
        .selectFrom('cases')
        .selectAll()
        .where('item_name', '=', '高龄津贴申领')
        .where('applicant_name', 'in', ['冯明', '谢嘉'])
        .execute();
      expect(cases).toHaveLength(2);
      for (const c of cases) {
        expect(c.state).toBe('SUBMITTED');
        const materials = typeof c.materials === 'string' ? JSON.parse(c.materials) : c.materials;
        const proof = materials.find((m: any) => m.name === '户籍证明');
        expect(proof).toMatchObject({ fulfilment: 'SHARED_DATA', files: [], evidence: { result: true } });
        const calls = await demo.rt.platform.db
          .selectFrom('data_calls')
          .select('answer_hash')
          .where('request_uid', '=', proof.evidence.requestId)
          .execute();
        expect(calls.map((x: any) => x.answer_hash).sort()).toEqual([...proof.evidence.answerHashes].sort());
      }
      // The applicants can sign in with the demo citizens' password.
      const token = await demo.login('440606193902189452', 'Citizen#2026');
      const mine = await demo.call(token, 'GET', '/api/v1/cases/mine');
      expect(mine.body.items.map((i: any) => i.itemName)).toEqual(['高龄津贴申领']);
    } finally {
      await demo.close();
    }
  });
});
