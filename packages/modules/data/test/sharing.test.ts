import { dayOf, loadCalendar } from '@yiwang/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTest, personResource } from './helpers.ts';

let t: DataTest;
let police: { token: string; departmentId: string; accountId: string };
let market: { token: string; departmentId: string; accountId: string };
let civil: { token: string; departmentId: string; accountId: string };
let population: any;
let legal: any;
let secret: any;

const period = { periodFrom: dayOf(new Date()), periodTo: '2030-12-31' };
const ask = (resourceId: string, extra: Record<string, unknown> = {}) => ({
  resourceId,
  purpose: '办理最低生活保障审核',
  legalBasis: '《社会救助暂行办法》第十一条',
  fields: ['id_number', 'name', 'address'],
  expectedVolume: 5000,
  ...period,
  ...extra,
});

async function notices(accountId: string, kind: string) {
  return t.rt.platform.db
    .selectFrom('notifications')
    .selectAll()
    .where('recipient_account_id', '=', accountId)
    .where('kind', '=', kind)
    .execute();
}

beforeAll(async () => {
  t = await DataTest.start();
  police = await t.officer('police_s', '公安局', ['data.manage', 'data.approve']);
  market = await t.officer('market_s', '市场监管局', ['data.manage', 'data.approve']);
  civil = await t.officer('civil_s', '民政局', ['data.request']);
  population = (await t.call(police.token, 'POST', '/resources', personResource(police.departmentId, '000501'))).body;
  legal = (
    await t.call(market.token, 'POST', '/resources', {
      ...personResource(market.departmentId, '000502'),
      code: '102001001/000502',
      classification: { class: 1, item: '02', catalog: '001', detail: '001' },
      shareType: '无条件共享',
      shareConditions: null,
      keyField: 'credit_code',
      fields: [
        {
          name: 'credit_code',
          label: '统一社会信用代码',
          type: 'string',
          identifier: 'none',
          level: 'L1',
          nationalLabel: '一般',
        },
        { name: 'name', label: '名称', type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般' },
        {
          name: 'legal_rep_id',
          label: '法定代表人身份证号',
          type: 'string',
          identifier: 'direct',
          level: 'L4',
          nationalLabel: '重要',
        },
      ],
    })
  ).body;
  secret = (
    await t.call(police.token, 'POST', '/resources', {
      ...personResource(police.departmentId, '000503'),
      shareType: '不予共享',
      shareConditions: '涉及国家秘密',
    })
  ).body;
  expect(legal.id && population.id && secret.id).toBeTruthy();
});
afterAll(() => t?.close());

describe('sharing requests', () => {
  it('grants an unconditional resource at once, but asks the provider for fields in clear', async () => {
    const r = await t.call(civil.token, 'POST', '/requests', ask(legal.id, { fields: ['credit_code', 'name'] }));
    expect(r.status, r.raw).toBe(201);
    expect(r.body).toMatchObject({ status: 'granted', grantedFields: ['credit_code', 'name'], dueDay: null });
    expect(r.body.consumerDepartmentId).toBe(civil.departmentId);
    expect(r.body.reviewDue).toBeTruthy();
    expect(await notices(market.accountId, 'data.request.granted')).toHaveLength(1);
    const clear = await t.call(
      civil.token,
      'POST',
      '/requests',
      ask(legal.id, { fields: ['credit_code', 'legal_rep_id'], clearFields: ['legal_rep_id'] }),
    );
    expect(clear.body.status).toBe('pending');
  });

  it('makes a conditional request wait for the provider within 10 working days, with reminder jobs', async () => {
    const r = await t.call(civil.token, 'POST', '/requests', ask(population.id));
    expect(r.status, r.raw).toBe(201);
    const cal = await loadCalendar(t.rt.platform.db);
    expect(r.body).toMatchObject({
      status: 'pending',
      dueDay: cal.addWorkingDays(dayOf(new Date()), 10),
      overdue: false,
    });
    const filed = await notices(police.accountId, 'data.request.filed');
    expect(filed).toHaveLength(1);
    // The notice opens a page the web app has (the provider's tab of /data).
    expect(filed[0].link).toBe('/data?tab=incoming');
    const jobs = await t.rt.platform.db
      .selectFrom('jobs')
      .select(['unique_key', 'run_at'])
      .where('queue', '=', 'data.request.remind')
      .where('unique_key', 'like', `%${r.body.id}%`)
      .execute();
    expect(jobs.map((j: any) => j.unique_key).sort()).toEqual([
      `data.request.remind:${r.body.id}:overdue`,
      `data.request.remind:${r.body.id}:reminder`,
    ]);
    // When the reminder is due, the provider's officers are reminded (nothing happens once decided).
    await t.rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where('unique_key', 'like', `data.request.remind:${r.body.id}:%`)
      .execute();
    await t.rt.platform.jobs.runDue();
    expect(await notices(police.accountId, 'data.request.reminder')).toHaveLength(1);
    expect(await notices(police.accountId, 'data.request.overdue')).toHaveLength(1);
    expect(await notices(civil.accountId, 'data.request.overdue')).toHaveLength(1);
    // The consumer's list shows it; the provider's list shows it as incoming.
    const mine = await t.call(civil.token, 'GET', '/requests?side=consumer&status=pending');
    expect(mine.body.items.map((i: any) => i.id)).toContain(r.body.id);
    const incoming = await t.call(police.token, 'GET', '/requests?side=provider&status=pending');
    expect(incoming.body.items.map((i: any) => i.id)).toEqual([r.body.id]);
    const notMine = await t.call(market.token, 'GET', '/requests?side=provider');
    expect(notMine.body.items.map((i: any) => i.id)).not.toContain(r.body.id);
  });

  it('refuses a department officer deciding on another department’s resource (403, audited, nothing changed)', async () => {
    const r = await t.call(civil.token, 'POST', '/requests', ask(population.id));
    const before = await t.auditCount('denied:data.approve');
    const other = await t.call(market.token, 'POST', `/requests/${r.body.id}/decision`, {
      decision: 'approve',
      expectedVersion: 1,
    });
    expect(other.status).toBe(403);
    const self = await t.call(civil.token, 'POST', `/requests/${r.body.id}/decision`, {
      decision: 'approve',
      expectedVersion: 1,
    });
    expect(self.status).toBe(403);
    expect(await t.auditCount('denied:data.approve')).toBe(before + 2);
    const still = await t.call(civil.token, 'GET', `/requests/${r.body.id}`);
    expect(still.body).toMatchObject({ status: 'pending', version: 1 });
    const outsider = await t.call(market.token, 'GET', `/requests/${r.body.id}`);
    expect(outsider.status).toBe(403);
  });

  it('approves partly (fewer fields), refuses with a reason, revokes, and re-reviews', async () => {
    const approvals = await t.auditCount('data.request.approve');
    const refusals = await t.auditCount('data.request.refuse');
    const a = await t.call(civil.token, 'POST', '/requests', ask(population.id, { clearFields: ['name'] }));
    const wrong = await t.call(police.token, 'POST', `/requests/${a.body.id}/decision`, {
      decision: 'approve',
      fields: ['id_number', 'phone'],
      expectedVersion: 1,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('fields');
    const stale = await t.call(police.token, 'POST', `/requests/${a.body.id}/decision`, {
      decision: 'approve',
      expectedVersion: 7,
    });
    expect(stale.status).toBe(409);
    const part = await t.call(police.token, 'POST', `/requests/${a.body.id}/decision`, {
      decision: 'approve',
      fields: ['id_number', 'address'],
      clearFields: [],
      dailyQuota: 100,
      ratePerMinute: 10,
      expectedVersion: 1,
    });
    expect(part.status, part.raw).toBe(200);
    expect(part.body).toMatchObject({
      status: 'granted',
      partial: true,
      grantedFields: ['id_number', 'address'],
      grantedClearFields: [],
      dailyQuota: 100,
      ratePerMinute: 10,
    });
    expect(await notices(civil.accountId, 'data.request.granted')).toHaveLength(1);
    const again = await t.call(police.token, 'POST', `/requests/${a.body.id}/decision`, {
      decision: 'refuse',
      reason: 'x',
      expectedVersion: 2,
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NOT_PENDING');

    const rev = await t.call(police.token, 'POST', `/requests/${a.body.id}/review`, { expectedVersion: 2 });
    expect(rev.status, rev.raw).toBe(200);
    expect(rev.body.version).toBe(3);
    const gone = await t.call(police.token, 'POST', `/requests/${a.body.id}/revoke`, {
      reason: '用途已结束',
      expectedVersion: 3,
    });
    expect(gone.body).toMatchObject({ status: 'revoked', reason: '用途已结束' });
    expect(await notices(civil.accountId, 'data.request.revoked')).toHaveLength(1);
    const twice = await t.call(police.token, 'POST', `/requests/${a.body.id}/revoke`, {
      reason: 'x',
      expectedVersion: 4,
    });
    expect(twice.status).toBe(409);

    const b = await t.call(civil.token, 'POST', '/requests', ask(population.id));
    const noReason = await t.call(police.token, 'POST', `/requests/${b.body.id}/decision`, {
      decision: 'refuse',
      expectedVersion: 1,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    const refused = await t.call(police.token, 'POST', `/requests/${b.body.id}/decision`, {
      decision: 'refuse',
      reason: '申请用途与所需数据项不符',
      expectedVersion: 1,
    });
    expect(refused.body).toMatchObject({ status: 'refused', reason: '申请用途与所需数据项不符', grantedFields: null });
    expect(await t.auditCount('data.request.refuse')).toBe(refusals + 1);
    expect(await t.auditCount('data.request.approve')).toBe(approvals + 1);
  });

  it('refuses bad requests with the field at fault, and non-shared resources', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ fields: ['nope'] }, 'fields'],
      [{ clearFields: ['phone'] }, 'clearFields'],
      [{ periodTo: '2020-01-01', periodFrom: '2019-01-01' }, 'periodTo'],
      [{ periodFrom: '2027-02-01', periodTo: '2027-01-01' }, 'periodTo'],
      [{ periodFrom: '2027-02-31x' }, 'periodFrom'],
      [{ purpose: '   ' }, 'purpose'],
      [{ expectedVolume: 0 }, 'expectedVolume'],
    ];
    const before = await t.rt.platform.db.selectFrom('data_requests').select('id').execute();
    for (const [patch, field] of cases) {
      const r = await t.call(civil.token, 'POST', '/requests', ask(population.id, patch));
      expect(r.status, JSON.stringify(patch)).toBe(400);
      expect(r.body.field, JSON.stringify(patch)).toBe(field);
    }
    const no = await t.call(civil.token, 'POST', '/requests', ask(secret.id));
    expect(no.status).toBe(409);
    expect(no.body.code).toBe('NOT_SHARED');
    const noPerm = await t.call(police.token, 'POST', '/requests', ask(legal.id, { fields: ['name'] }));
    expect(noPerm.status).toBe(403);
    expect(await t.rt.platform.db.selectFrom('data_requests').select('id').execute()).toHaveLength(before.length);
  });

  it('keeps the decision deadline configurable', async () => {
    const bad = await t.call(t.adminToken, 'PUT', '/settings', { decisionDays: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('decisionDays');
    const officer = await t.call(police.token, 'PUT', '/settings', { decisionDays: 5 });
    expect(officer.status).toBe(403);
    const ok = await t.call(t.adminToken, 'PUT', '/settings', { decisionDays: 5 });
    expect(ok.body.decisionDays).toBe(5);
    const r = await t.call(civil.token, 'POST', '/requests', ask(population.id));
    const cal = await loadCalendar(t.rt.platform.db);
    expect(r.body.dueDay).toBe(cal.addWorkingDays(dayOf(new Date()), 5));
  });
});
