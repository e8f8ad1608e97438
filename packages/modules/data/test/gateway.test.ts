import { createHash } from 'node:crypto';
import { dayOf, verifyAuditChain } from '@yiwang/platform';
import { creditCodeCheckChar, idNumberCheckDigit } from '@yiwang/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as gw from '../src/gateway.ts';
import { DataTest, personResource } from './helpers.ts';

const id = (body17: string) => body17 + idNumberCheckDigit(body17);
const P1 = id('44060419880312102');
const P2 = id('44060519790521113');
const P3 = id('44060619920807124');
const uscc = (n: number) => {
  const body = `91440604MA${String(n).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
};

let t: DataTest;
let police: { token: string; departmentId: string; accountId: string };
let market: { token: string; departmentId: string; accountId: string };
let civil: { token: string; departmentId: string; accountId: string };
let population: any;
let legal: any;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function upload(token: string, resourceId: string, lines: string[]) {
  const c = await t.call(token, 'POST', `/resources/${resourceId}/connectors`, {
    name: 'CSV',
    kind: 'file',
    config: { format: 'csv' },
    syncMode: 'full',
  });
  const up = await t.call(token, 'POST', `/connectors/${c.body.id}/upload`, {
    filename: 'x.csv',
    contentBase64: Buffer.from(lines.join('\n')).toString('base64'),
  });
  expect(up.body.status, up.raw).toBe('succeeded');
}

/** Files a request as 民政局, has the provider approve it (if needed), issues a client and a token. */
async function grant(
  resource: any,
  providerToken: string,
  req: Record<string, unknown>,
  decision: Record<string, unknown> = {},
) {
  const r = await t.call(civil.token, 'POST', '/requests', {
    resourceId: resource.id,
    purpose: '最低生活保障审核',
    legalBasis: '《社会救助暂行办法》',
    expectedVolume: 100,
    periodFrom: dayOf(new Date()),
    periodTo: '2030-12-31',
    ...req,
  });
  expect(r.status, r.raw).toBe(201);
  if (r.body.status === 'pending') {
    const d = await t.call(providerToken, 'POST', `/requests/${r.body.id}/decision`, {
      decision: 'approve',
      expectedVersion: 1,
      ...decision,
    });
    expect(d.status, d.raw).toBe(200);
  }
  const c = await t.call(civil.token, 'POST', `/requests/${r.body.id}/clients`, { name: '低保系统' });
  expect(c.status, c.raw).toBe(201);
  const tok = await t.call(null, 'POST', '/api/v1/exchange/token', {
    grant_type: 'client_credentials',
    client_id: c.body.clientId,
    client_secret: c.body.clientSecret,
  });
  expect(tok.status, tok.raw).toBe(200);
  return { requestId: r.body.id as string, token: tok.body.access_token as string, client: c.body };
}

const ex = (token: string, path: string, body: unknown) => t.call(token, 'POST', `/api/v1/exchange${path}`, body);

beforeAll(async () => {
  t = await DataTest.start();
  police = await t.officer('police_g', '公安局', ['data.manage', 'data.approve']);
  market = await t.officer('market_g', '市场监管局', ['data.manage', 'data.approve']);
  civil = await t.officer('civil_g', '民政局', ['data.request']);
  population = (await t.call(police.token, 'POST', '/resources', personResource(police.departmentId, '000601'))).body;
  await upload(police.token, population.id, [
    'id_number,name,phone,address,residence_division,birth_date,updated_at',
    `${P1},陈美玲,13800138000,广东省佛山市禅城区岭南大道1号,440604001000,1988-03-12,2026-11-01T08:00:00Z`,
    `${P2},梁家豪,13900139001,广东省佛山市南海区桂城街道2号,440605001000,1979-05-21,2026-11-01T08:00:00Z`,
    `${P3},何晓燕,13700137002,广东省佛山市禅城区祖庙街道3号,440604002000,1992-08-07,2026-11-01T08:00:00Z`,
  ]);
  legal = (
    await t.call(market.token, 'POST', '/resources', {
      ...personResource(market.departmentId, '000602'),
      code: '102001001/000602',
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
          format: 'CREDIT_CODE',
        },
        { name: 'name', label: '名称', type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般' },
        { name: 'category', label: '行业门类', type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般' },
        {
          name: 'capital',
          label: '注册资本（万元）',
          type: 'number',
          identifier: 'none',
          level: 'L2',
          nationalLabel: '一般',
        },
      ],
    })
  ).body;
  await upload(market.token, legal.id, [
    'credit_code,name,category,capital',
    `${uscc(1)},佛山市禅城区甲餐饮店,H,10`,
    `${uscc(2)},佛山市禅城区乙餐饮店,H,20`,
    `${uscc(3)},佛山市丙制造有限公司,C,500`,
  ]);
});
afterAll(() => t?.close());

describe('OAuth2 client credentials', () => {
  it('issues bearer tokens for valid client credentials only, and staff sessions are not gateway tokens', async () => {
    const g = await grant(population, police.token, { fields: ['id_number', 'name'] });
    const unsupported = await t.call(null, 'POST', '/api/v1/exchange/token', {
      grant_type: 'password',
      client_id: g.client.clientId,
      client_secret: g.client.clientSecret,
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error).toBe('unsupported_grant_type');
    const wrong = await t.call(null, 'POST', '/api/v1/exchange/token', {
      grant_type: 'client_credentials',
      client_id: g.client.clientId,
      client_secret: 'nope',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_client', message: '客户端凭证无效' });
    // form-encoded with HTTP Basic, as OAuth2 libraries send it
    const res = await t.rt.app.inject({
      method: 'POST',
      url: '/api/v1/exchange/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${g.client.clientId}:${g.client.clientSecret}`).toString('base64')}`,
      },
      payload: 'grant_type=client_credentials',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: population.code });
    const stored = await t.rt.platform.db.selectFrom('data_clients').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(g.client.clientSecret);
    const staff = await ex(civil.token, '/query', { key: P1 });
    expect(staff.status).toBe(401);
    expect(staff.body.code).toBe('INVALID_TOKEN');
    const info = await t.call(g.token, 'GET', '/api/v1/exchange/grant');
    expect(info.body).toMatchObject({
      resource: population.code,
      fields: ['id_number', 'name'],
      purpose: '最低生活保障审核',
    });
  });
});

describe('queries', () => {
  it('answers only granted fields, masked by grade (ID 4+4, name first character, phone 3+4, address to district)', async () => {
    const g = await grant(population, police.token, {
      fields: ['id_number', 'name', 'phone', 'address', 'residence_division'],
    });
    const r = await ex(g.token, '/query', { key: P1 });
    expect(r.status, r.raw).toBe(200);
    expect(r.body.rows).toEqual([
      {
        id_number: `${P1.slice(0, 4)}**********${P1.slice(-4)}`,
        name: '陈**',
        phone: '138****8000',
        address: '广东省佛山市禅城区',
        residence_division: '440604001000',
      },
    ]);
    expect(r.raw).not.toContain(P1);
    expect(r.raw).not.toContain('陈美玲');
    expect(r.raw).not.toContain('岭南大道');
    expect(r.raw).not.toContain('1988-03-12');
    const notGranted = await ex(g.token, '/query', { key: P1, fields: ['birth_date'] });
    expect(notGranted.status).toBe(403);
    expect(notGranted.body.code).toBe('FIELD_NOT_GRANTED');
    // filter on a sealed field (by its HMAC) with paging
    const page = await ex(g.token, '/query', { filter: { residence_division: '440604001000' }, pageSize: 1 });
    expect(page.body).toMatchObject({ total: 1, page: 1 });
    const none = await ex(g.token, '/query', { key: id('11010519491231002') });
    expect(none.body).toMatchObject({ total: 0, rows: [] });
    // Neither no filter nor an empty one pages through the whole resource; nothing is recorded.
    const callsBefore = (await t.rt.platform.db.selectFrom('data_calls').select('id').execute()).length;
    for (const [body, field] of [
      [{ pageSize: 2 }, 'key'],
      [{ filter: {}, pageSize: 2 }, 'filter'],
    ] as const) {
      const all = await ex(g.token, '/query', body);
      expect(all.status, all.raw).toBe(400);
      expect(all.body).toMatchObject({ code: 'KEY_OR_FILTER', field });
      expect(all.raw).not.toContain('rows');
    }
    expect((await t.rt.platform.db.selectFrom('data_calls').select('id').execute()).length).toBe(callsBefore);
  });

  it('follows the masking policy table: a changed rule changes the answers, department officers may not change it', async () => {
    const officer = await t.call(police.token, 'PUT', '/mask-rules/PHONE', {
      name: 'x',
      technique: 'keep',
      params: { head: 0, tail: 4 },
    });
    expect(officer.status).toBe(403);
    const bad = await t.call(t.adminToken, 'PUT', '/mask-rules/PHONE', {
      name: 'x',
      technique: 'keep',
      params: { head: 30, tail: 4 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('params');
    const ok = await t.call(t.adminToken, 'PUT', '/mask-rules/PHONE', {
      name: '手机号：仅保留后4位',
      technique: 'keep',
      params: { head: 0, tail: 4 },
    });
    expect(ok.status, ok.raw).toBe(200);
    const g = await grant(population, police.token, { fields: ['phone'] });
    const r = await ex(g.token, '/query', { key: P1 });
    expect(r.body.rows[0].phone).toBe('*******8000');
    await t.call(t.adminToken, 'PUT', '/mask-rules/PHONE', {
      name: '手机号：保留前3位和后4位',
      technique: 'keep',
      params: { head: 3, tail: 4 },
    });
  });

  it('lets fields through in clear only when the provider granted them in clear', async () => {
    const g = await grant(
      population,
      police.token,
      { fields: ['id_number', 'name'], clearFields: ['id_number', 'name'] },
      { clearFields: ['name'] },
    );
    const r = await ex(g.token, '/query', { key: P3 });
    expect(r.body.rows[0]).toEqual({ id_number: `${P3.slice(0, 4)}**********${P3.slice(-4)}`, name: '何晓燕' });
  });

  it('answers "usable but invisible" predicates and aggregates without the raw values in the bytes', async () => {
    const g = await grant(population, police.token, {
      mode: 'predicate',
      fields: ['residence_division', 'birth_date', 'name'],
    });
    const yes = await ex(g.token, '/predicate', {
      key: P1,
      field: 'residence_division',
      op: 'within',
      value: '440604',
    });
    expect(yes.status, yes.raw).toBe(200);
    expect(yes.body).toMatchObject({ found: true, result: true });
    const no = await ex(g.token, '/predicate', { key: P2, field: 'residence_division', op: 'within', value: '440604' });
    expect(no.body).toMatchObject({ found: true, result: false });
    const older = await ex(g.token, '/predicate', { key: P2, field: 'birth_date', op: 'lte', value: '1986-12-01' });
    expect(older.body.result).toBe(true);
    for (const a of [yes, no, older]) {
      for (const raw of [P1, P2, '440604001000', '440605001000', '1979-05-21', '陈美玲', '梁家豪', '岭南大道'])
        expect(a.raw).not.toContain(raw);
      expect(Object.keys(a.body).sort()).toEqual(['found', 'requestId', 'resource', 'result']);
    }
    const rows = await ex(g.token, '/query', { key: P1 });
    expect(rows.status).toBe(403);
    expect(rows.body.code).toBe('PREDICATE_ONLY');
    const badOp = await ex(g.token, '/predicate', { key: P1, field: 'residence_division', op: 'within', value: 'x' });
    expect(badOp.status).toBe(400);
    expect(badOp.body.field).toBe('value');
    const small = await ex(g.token, '/aggregate', { op: 'count', filter: { residence_division: '440604001000' } });
    expect(small.body).toMatchObject({ value: null, suppressed: true });

    const lg = await grant(legal, market.token, { mode: 'predicate', fields: ['category', 'capital'] });
    const count = await ex(lg.token, '/aggregate', { op: 'count', filter: { category: 'H' } });
    expect(count.body).toMatchObject({ op: 'count', value: 2, suppressed: false });
    const sum = await ex(lg.token, '/aggregate', { op: 'sum', field: 'capital', filter: { category: 'H' } });
    expect(sum.body.value).toBe(30);
    for (const raw of ['甲餐饮店', uscc(1), uscc(2)]) expect(count.raw + sum.raw).not.toContain(raw);
  });
});

describe('quotas, rate limits and the audit trail', () => {
  it('stops a grant at its daily quota and its rate per minute; refused calls record nothing but the refusal', async () => {
    const q = await grant(population, police.token, { fields: ['name'] }, { dailyQuota: 2 });
    expect((await ex(q.token, '/query', { key: P1 })).status).toBe(200);
    expect((await ex(q.token, '/query', { key: P2 })).status).toBe(200);
    const denied = await t.auditCount('data.gateway.denied');
    const third = await ex(q.token, '/query', { key: P3 });
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('QUOTA_EXCEEDED');
    // Retry after China's midnight, when the day's quota starts again.
    const untilMidnight = Number(third.headers['retry-after']);
    expect(untilMidnight).toBeGreaterThan(0);
    expect(untilMidnight).toBeLessThanOrEqual(86_400);
    expect(new Date(Date.now() + untilMidnight * 1000 + 8 * 3_600_000).toISOString().slice(11, 16)).toMatch(
      /^00:0[0-1]$/,
    );
    expect(await t.auditCount('data.gateway.denied')).toBe(denied + 1);
    const calls = await t.rt.platform.db
      .selectFrom('data_calls')
      .select('id')
      .where('request_id', '=', q.requestId)
      .execute();
    expect(calls).toHaveLength(2);

    const r = await grant(population, police.token, { fields: ['name'] }, { ratePerMinute: 1 });
    expect((await ex(r.token, '/query', { key: P1 })).status).toBe(200);
    const fast = await ex(r.token, '/query', { key: P1 });
    expect(fast.status).toBe(429);
    expect(fast.body.code).toBe('RATE_LIMITED');
    const untilMinute = Number(fast.headers['retry-after']);
    expect(untilMinute).toBeGreaterThan(0);
    expect(untilMinute).toBeLessThanOrEqual(60);
  });

  it('audits every call with consumer, purpose, resource, fields, rows and the SHA-256 of the answer bytes (溯源)', async () => {
    const g = await grant(population, police.token, { fields: ['name', 'address'] });
    const r = await ex(g.token, '/query', { key: P2 });
    const hash = sha(r.raw);
    expect(r.headers['x-answer-sha256']).toBe(hash);
    const audit = await t.rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'data.gateway.query')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({
      consumer: civil.departmentId,
      purpose: '最低生活保障审核',
      resource: population.code,
      fields: ['name', 'address'],
      rows: 1,
      answerHash: hash,
      grant: g.requestId,
    });
    expect(JSON.stringify(audit)).not.toContain(P2);
    expect(JSON.stringify(audit)).not.toContain('梁家豪');
    // Any disclosed answer is traced back to its call; any person to the calls about them.
    const byHash = await t.call(t.adminToken, 'GET', `/calls?answerHash=${hash}`);
    expect(byHash.body.items).toHaveLength(1);
    expect(byHash.body.items[0]).toMatchObject({
      requestId: g.requestId,
      consumerDepartmentName: '佛山市民政局',
      rows: 1,
    });
    const byKey = await t.call(t.adminToken, 'POST', '/calls/trace', { key: P2 });
    expect(byKey.body.items.map((c: any) => c.answerHash)).toContain(hash);
    expect(await t.auditCount('data.trace.key')).toBe(1);
    // The provider sees calls to its resources, the consumer its own, others nothing.
    const prov = await t.call(police.token, 'GET', `/calls?requestId=${g.requestId}`);
    expect(prov.body.items).toHaveLength(1);
    const cons = await t.call(civil.token, 'GET', `/calls?requestId=${g.requestId}`);
    expect(cons.body.items).toHaveLength(1);
    const other = await t.call(market.token, 'GET', `/calls?requestId=${g.requestId}`);
    expect(other.body.items).toHaveLength(0);
    const use = await t.call(civil.token, 'GET', `/requests/${g.requestId}/usage`);
    expect(use.body).toMatchObject({ today: 1, byDay: [{ day: dayOf(new Date()), calls: 1, rows: 1 }] });
  });

  it('traces a person to the filter queries whose answer held their row and to aggregates filtered on their key', async () => {
    const g = await grant(population, police.token, { fields: ['id_number', 'name'] });
    const byName = await ex(g.token, '/query', { filter: { name: '梁家豪' } });
    expect(byName.status, byName.raw).toBe(200);
    expect(byName.body.total).toBeGreaterThan(0);
    const agg = await ex(g.token, '/aggregate', { op: 'count', filter: { id_number: P2 } });
    expect(agg.status, agg.raw).toBe(200);
    // A filter that did not return the person's row is not about them.
    const other = await ex(g.token, '/query', { filter: { name: '不存在的人' } });
    expect(other.body.total).toBe(0);
    const trace = await t.call(t.adminToken, 'POST', '/calls/trace', { key: P2 });
    const hashes = trace.body.items.map((c: any) => c.answerHash);
    expect(hashes).toContain(sha(byName.raw));
    expect(hashes).toContain(sha(agg.raw));
    expect(hashes).not.toContain(sha(other.raw));
    // The call row keeps the rows' HMACs, never the key itself.
    const rows = await t.rt.platform.db
      .selectFrom('data_calls')
      .select(['row_keys', 'key_hash'])
      .where('request_id', '=', g.requestId)
      .execute();
    expect(JSON.stringify(rows)).not.toContain(P2);
  });

  it('stops tokens and clients of a revoked grant at once', async () => {
    const g = await grant(population, police.token, { fields: ['name'] });
    expect((await ex(g.token, '/query', { key: P1 })).status).toBe(200);
    const req = await t.call(police.token, 'GET', `/requests/${g.requestId}`);
    await t.call(police.token, 'POST', `/requests/${g.requestId}/revoke`, {
      reason: '停止使用',
      expectedVersion: req.body.version,
    });
    const after = await ex(g.token, '/query', { key: P1 });
    expect(after.status).toBe(401);
    expect(after.body.messageEn).toContain('revoked');
    const filtered = await ex(g.token, '/query', { filter: { name: '陈美玲' } });
    expect(filtered.status).toBe(401);
    expect(filtered.body.message).toContain('已撤销');
    // No new credentials on a revoked grant, and the refusal says why.
    const client = await t.call(civil.token, 'POST', `/requests/${g.requestId}/clients`, { name: '低保系统 2' });
    expect(client.status).toBe(409);
    expect(client.body.message).toContain('已撤销');
    const tok = await t.call(null, 'POST', '/api/v1/exchange/token', {
      grant_type: 'client_credentials',
      client_id: g.client.clientId,
      client_secret: g.client.clientSecret,
    });
    expect(tok.status).toBe(401);
  });
});

describe('a retired resource', () => {
  it('answers nobody, takes no sync and no edit, and is retired once', async () => {
    const r = (await t.call(police.token, 'POST', '/resources', personResource(police.departmentId, '000699'))).body;
    await upload(police.token, r.id, [
      'id_number,name,phone,address,residence_division,birth_date,updated_at',
      `${P1},陈美玲,13800138000,广东省佛山市禅城区岭南大道1号,440604001000,1988-03-12,2026-11-01T08:00:00Z`,
    ]);
    const g = await grant(r, police.token, { fields: ['name'] });
    expect((await ex(g.token, '/query', { key: P1 })).status).toBe(200);
    const retired = await t.call(police.token, 'POST', `/resources/${r.id}/retire`);
    expect(retired.status, retired.raw).toBe(200);
    expect(retired.body.status).toBe('retired');
    const calls = async () =>
      (await t.rt.platform.db.selectFrom('data_calls').select('id').where('resource_id', '=', r.id).execute()).length;
    const before = await calls();
    // The grant is still granted, but the resource answers nothing, by key (the fast path) or by filter.
    for (const [path, body] of [
      ['/query', { key: P1 }],
      ['/query', { filter: { name: '陈美玲' } }],
      ['/predicate', { key: P1, field: 'name', op: 'exists' }],
    ] as const) {
      const a = await ex(g.token, path, body);
      expect(a.status, `${path} ${a.raw}`).toBe(403);
      expect(a.body.code).toBe('RESOURCE_RETIRED');
      expect(a.raw).not.toContain('陈');
    }
    expect(await calls()).toBe(before);
    // No second retirement, no edit, no sync.
    const again = await t.call(police.token, 'POST', `/resources/${r.id}/retire`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RESOURCE_RETIRED');
    const { providerDepartmentId: _provider, ...input } = personResource(police.departmentId, '000699');
    const edit = await t.call(police.token, 'PUT', `/resources/${r.id}`, {
      ...input,
      expectedVersion: retired.body.version,
    });
    expect(edit.status, edit.raw).toBe(409);
    expect(edit.body.code).toBe('RESOURCE_RETIRED');
    const connector = (await t.call(police.token, 'GET', `/resources/${r.id}/connectors`)).body.items[0];
    const sync = await t.call(police.token, 'POST', `/connectors/${connector.id}/upload`, {
      filename: 'x.csv',
      contentBase64: Buffer.from('id_number,name\n').toString('base64'),
    });
    expect(sync.status).toBe(409);
    expect(sync.body.code).toBe('RESOURCE_RETIRED');
  });
});

describe('objections (数据异议)', () => {
  it('sends an objection to the provider, who answers it', async () => {
    const g = await grant(population, police.token, { fields: ['name', 'address'] });
    const o = await ex(g.token, '/objections', { key: P3, field: 'address', description: '该居民已迁至南海区' });
    expect(o.status, o.raw).toBe(201);
    const list = await t.call(police.token, 'GET', '/objections?side=provider&status=open');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      field: 'address',
      consumerDepartmentName: '佛山市民政局',
      key: `${P3.slice(0, 4)}**********${P3.slice(-4)}`,
    });
    expect(list.raw).not.toContain(P3);
    const n = await t.rt.platform.db
      .selectFrom('notifications')
      .select('id')
      .where('recipient_account_id', '=', police.accountId)
      .where('kind', '=', 'data.objection')
      .execute();
    expect(n).toHaveLength(1);
    const other = await t.call(market.token, 'POST', `/objections/${o.body.id}/answer`, {
      decision: 'accepted',
      reply: 'x',
    });
    expect(other.status).toBe(403);
    // A decision outside the set names the values it may take.
    const bad = await t.call(police.token, 'POST', `/objections/${o.body.id}/answer`, {
      decision: 'accept',
      reply: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION', field: 'decision' });
    expect(bad.body.message).toContain('accepted、rejected');
    expect(bad.body.messageEn).toContain('must be one of accepted, rejected');
    const a = await t.call(police.token, 'POST', `/objections/${o.body.id}/answer`, {
      decision: 'accepted',
      reply: '已核实并更正',
    });
    expect(a.body).toMatchObject({ status: 'accepted', reply: '已核实并更正' });
    const mine = await t.call(civil.token, 'GET', '/objections?side=consumer');
    expect(mine.body.items[0].status).toBe('accepted');
  });

  it('lets a consumer officer file an objection in the web app, for the grants of their own department only', async () => {
    const g = await grant(population, police.token, { fields: ['name', 'phone'] });
    const countObjections = async () =>
      Number(
        (
          await t.rt.platform.db
            .selectFrom('data_objections')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countObjections();
    const path = `/requests/${g.requestId}/objections`;
    const empty = await t.call(civil.token, 'POST', path, { description: '  ' });
    expect([empty.status, empty.body.code, empty.body.field]).toEqual([400, 'DESCRIPTION_REQUIRED', 'description']);
    const ungranted = await t.call(civil.token, 'POST', path, { field: 'address', description: '地址有误' });
    expect([ungranted.status, ungranted.body.field]).toEqual([403, 'field']);
    // The provider's officer is not the consumer: refused, and audited as a denial.
    const foreign = await t.call(police.token, 'POST', path, { description: '电话有误' });
    expect(foreign.status).toBe(403);
    expect(await countObjections()).toBe(before);
    const o = await t.call(civil.token, 'POST', path, { key: P2, field: 'phone', description: '电话号码已停用' });
    expect(o.status, o.raw).toBe(201);
    const mine = await t.call(civil.token, 'GET', '/objections?side=consumer&status=open');
    const row = mine.body.items.find((i: any) => i.id === o.body.id);
    expect(row).toMatchObject({ field: 'phone', description: '电话号码已停用', status: 'open' });
    expect(mine.raw).not.toContain(P2);
    const audit = await t.rt.platform.db
      .selectFrom('audit_log')
      .select(['actor_id', 'actor_name'])
      .where('action', '=', 'data.objection.file')
      .where('object_id', '=', o.body.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_id: civil.accountId, actor_name: '佛山市民政局' });
    const provider = await t.call(police.token, 'GET', '/objections?side=provider&status=open');
    expect(provider.body.items.map((i: any) => i.id)).toContain(o.body.id);
  });
});

describe('the fast key path (one statement per call, per-process metadata, quota leases, group commit)', () => {
  const withoutRequestId = (raw: string) => {
    const { requestId: _id, ...rest } = JSON.parse(raw);
    return rest;
  };
  const ctx = { caller: { accountId: null, name: null } as any, requestId: 'test-general-path', ip: '127.0.0.1' };

  it('answers a key query and a predicate exactly as the general path does', async () => {
    const g = await grant(population, police.token, {
      fields: ['id_number', 'name', 'phone', 'address', 'birth_date'],
    });
    const general = await gw.grantOfToken(t.rt.platform, `Bearer ${g.token}`);
    for (const key of [P1, P2, id('44060419000101999')]) {
      const fast = await ex(g.token, '/query', { key });
      expect(fast.status, fast.raw).toBe(200);
      const slow = await gw.query(t.rt.platform, ctx, general, { key });
      expect(withoutRequestId(fast.raw)).toEqual(withoutRequestId(slow.bytes));
      const fastP = await ex(g.token, '/predicate', { key, field: 'address', op: 'exists' });
      const slowP = await gw.predicate(t.rt.platform, ctx, general, { key, field: 'address', op: 'exists' });
      expect(withoutRequestId(fastP.raw)).toEqual(withoutRequestId(slowP.bytes));
    }
    const one = await ex(g.token, '/query', { key: P1 });
    expect(one.body.rows[0]).toMatchObject({ name: '陈**', id_number: `${P1.slice(0, 4)}**********${P1.slice(-4)}` });
    expect(one.body.total).toBe(1);
    expect((await ex(g.token, '/query', { key: P1, page: 2 })).body).toMatchObject({ total: 1, rows: [] });
  });

  it('uses a change of the masking policy or the catalog at once (the cached metadata is never stale)', async () => {
    const g = await grant(population, police.token, { fields: ['name'] });
    expect((await ex(g.token, '/query', { key: P3 })).body.rows[0].name).toBe('何**');
    const put = await t.call(t.adminToken, 'PUT', '/mask-rules/NAME', {
      name: '姓名：保留末字',
      technique: 'keep',
      params: { head: 0, tail: 1 },
    });
    expect(put.status, put.raw).toBe(200);
    try {
      expect((await ex(g.token, '/query', { key: P3 })).body.rows[0].name).toBe('**燕');
    } finally {
      await t.call(t.adminToken, 'PUT', '/mask-rules/NAME', {
        name: '姓名：保留首字',
        technique: 'keep',
        params: { head: 1, tail: 0 },
      });
    }
    expect((await ex(g.token, '/query', { key: P3 })).body.rows[0].name).toBe('何**');
    // Any statement on the cached tables bumps the generation, whoever runs it.
    const gen = async () =>
      Number((await t.rt.platform.db.selectFrom('data_meta_generation').select('n').executeTakeFirstOrThrow()).n);
    const before = await gen();
    await t.rt.platform.db
      .updateTable('data_fields')
      .set({ label: '姓名' })
      .where('resource_id', '=', population.id)
      .where('name', '=', 'name')
      .execute();
    expect(await gen()).toBeGreaterThan(before);
  });

  it('applies any change to the grant row at the next call (the process keeps a copy per row version)', async () => {
    const g = await grant(population, police.token, { fields: ['name', 'phone'] });
    expect((await ex(g.token, '/query', { key: P1 })).body.fields).toEqual(['name', 'phone']);
    const db = t.rt.platform.db;
    const row = await db
      .selectFrom('data_requests')
      .select(['granted_fields'])
      .where('id', '=', g.requestId)
      .executeTakeFirstOrThrow();
    // Changes made behind the services' back too: every update gives the row a new version (xmin).
    await db
      .updateTable('data_requests')
      .set({ granted_fields: JSON.stringify(['name']) })
      .where('id', '=', g.requestId)
      .execute();
    const narrowed = await ex(g.token, '/query', { key: P1 });
    expect(narrowed.body.fields).toEqual(['name']);
    expect((await ex(g.token, '/query', { key: P1, fields: ['phone'] })).status).toBe(403);
    await db.updateTable('data_requests').set({ period_to: '2020-12-31' }).where('id', '=', g.requestId).execute();
    const late = await ex(g.token, '/query', { key: P1 });
    expect([late.status, late.body.code]).toEqual([403, 'GRANT_OUT_OF_PERIOD']);
    await db
      .updateTable('data_requests')
      .set({
        granted_fields: row.granted_fields == null ? null : JSON.stringify(row.granted_fields),
        period_to: '2030-12-31',
      })
      .where('id', '=', g.requestId)
      .execute();
    expect((await ex(g.token, '/query', { key: P1 })).body.fields).toEqual(['name', 'phone']);
  });

  it('group-commits concurrent calls: each answer is recorded once with its own hash, and the chain verifies', async () => {
    const g = await grant(population, police.token, { fields: ['name', 'address'] });
    const keys = Array.from({ length: 24 }, (_, i) => [P1, P2, P3][i % 3]!);
    const answers = await Promise.all(keys.map((key) => ex(g.token, '/query', { key })));
    for (const a of answers) expect(a.status, a.raw).toBe(200);
    const hashes = answers.map((a) => sha(a.raw)).sort();
    expect(answers.map((a) => a.headers['x-answer-sha256']).sort()).toEqual(hashes);
    const calls = await t.rt.platform.db
      .selectFrom('data_calls')
      .select(['answer_hash', 'rows', 'key_hash'])
      .where('request_id', '=', g.requestId)
      .execute();
    expect(calls.map((c: any) => c.answer_hash).sort()).toEqual(hashes);
    expect(calls.every((c: any) => c.rows === 1 && c.key_hash)).toBe(true);
    const audited = await t.rt.platform.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'data.gateway.query')
      .execute();
    const mine = audited.filter((a: any) => a.detail.grant === g.requestId).map((a: any) => a.detail.answerHash);
    expect(mine.sort()).toEqual(hashes);
    expect(await verifyAuditChain(t.rt.platform.db)).toMatchObject({ ok: true });
  });

  it('leases quota in small shares and never lets a grant past its limit', async () => {
    expect([gw.leaseSize(1), gw.leaseSize(199), gw.leaseSize(600), gw.leaseSize(10_000), gw.leaseSize(1e8)]).toEqual([
      1, 1, 6, 100, 100,
    ]);
    const g = await grant(population, police.token, { fields: ['name'] }, { dailyQuota: 250 });
    let ok = 0;
    for (let i = 0; i < 250; i++) if ((await ex(g.token, '/query', { key: P1 })).status === 200) ok++;
    expect(ok).toBe(250);
    const over = await ex(g.token, '/query', { key: P1 });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('QUOTA_EXCEEDED');
    const day = await t.rt.platform.db
      .selectFrom('data_grant_usage')
      .select('calls')
      .where('request_id', '=', g.requestId)
      .where('period', '=', `d:${dayOf(new Date())}`)
      .executeTakeFirstOrThrow();
    expect(day.calls).toBe(250);
  });
});
