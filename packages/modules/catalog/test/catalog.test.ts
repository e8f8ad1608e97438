import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { searchPublished } from '../src/published.ts';
import { searchItems } from '../src/repository.ts';
import { buildSearchText } from '../src/search.ts';

let rt: TestRuntime;
let admin: string;
let district: string;
let market: { id: string; credit_code: string; name: string };
let police: { id: string; credit_code: string };

const totp = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();

async function login(username: string, password: string, secret?: string): Promise<string> {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, ...(secret ? { totp: totp(secret) } : {}), tokenType: 'bearer' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

async function api(token: string | null, method: string, url: string, payload?: unknown) {
  const res = await rt.app.inject({
    method: method as any,
    url: `/api/v1/catalog${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : null };
}

const countRows = async (table: string) =>
  Number(
    (
      await rt.platform.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function auditRows(action: string, objectId: string) {
  return rt.platform.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('object_id', '=', objectId)
    .execute();
}

function validInput(catalogCode = 'TEST00000001', overrides: Record<string, unknown> = {}) {
  return {
    taskCode: `${market.credit_code}3${catalogCode}`,
    catalogCode,
    name: '测试小餐饮登记',
    taskType: '07',
    useLevel: '3',
    departmentId: market.id,
    projectType: 2,
    statutoryLimit: 10,
    statutoryUnit: 1,
    promisedLimit: 5,
    promisedUnit: 1,
    visitsRequired: 0,
    isOnline: true,
    onlineDepth: [1, 2, 3, 4],
    serviceObject: ['person'],
    conditions: '有固定经营场所',
    legalBasis: '《广东省食品生产加工小作坊和食品摊贩管理条例》',
    themes: ['餐饮', '测试主题'],
    formSchema: { type: 'object', properties: { name: { type: 'string', title: '经营者姓名' } } },
    materials: [
      { name: '登记申请表', type: 'original', required: true, copies: 1, fulfilment: 'UPLOAD' },
      { name: '健康证明', type: 'copy', required: true, copies: 1, fulfilment: 'COMMITMENT' },
    ],
    steps: [
      { name: '受理', days: 1, unit: 1 },
      { name: '决定', days: 4, unit: 1 },
    ],
    ...overrides,
  };
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login('admin', 'Yiwang@2026', 'JBSWY3DPEHPK3PXPYIWANGDEMO');
  district = await login('chancheng_admin', 'Yiwang@2026', 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA');
  market = (await rt.platform.db
    .selectFrom('departments')
    .select(['id', 'credit_code', 'name'])
    .where('name', '=', '佛山市市场监督管理局')
    .executeTakeFirstOrThrow()) as any;
  police = (await rt.platform.db
    .selectFrom('departments')
    .select(['id', 'credit_code'])
    .where('name', '=', '佛山市公安局')
    .executeTakeFirstOrThrow()) as any;
});
afterAll(async () => {
  await rt?.close();
});

describe('seed', () => {
  it('holds at least 30 items across at least 8 departments, with valid task codes', async () => {
    const rows = await rt.platform.db
      .selectFrom('catalog_items')
      .innerJoin('departments', 'departments.id', 'catalog_items.department_id')
      .select([
        'catalog_items.task_code',
        'catalog_items.catalog_code',
        'catalog_items.use_level',
        'catalog_items.promised_limit',
        'catalog_items.statutory_limit',
        'catalog_items.promised_unit',
        'catalog_items.statutory_unit',
        'departments.credit_code',
      ])
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(new Set(rows.map((r: any) => r.credit_code)).size).toBeGreaterThanOrEqual(8);
    for (const r of rows as any[]) {
      expect(r.task_code).toBe(`${r.credit_code}${r.use_level}${r.catalog_code}`);
      expect(r.task_code).toHaveLength(31);
      if (r.promised_unit === r.statutory_unit) expect(r.promised_limit).toBeLessThanOrEqual(r.statutory_limit);
    }
    expect(await countRows('catalog_basic_items')).toBe(rows.length);
  });

  it('builds a lower-case search text with pinyin and initials', () => {
    const t = buildSearchText('食品经营许可', '佛山市市场监督管理局', ['餐饮']);
    expect(t).toContain('食品经营许可');
    expect(t).toContain('shipinjingyingxuke');
    expect(t).toContain('spjyxk');
    expect(t).toContain('餐饮');
    expect(t).toBe(t.toLowerCase());
  });
});

describe('public search', () => {
  it('finds by Chinese keyword, without sign-in', async () => {
    const r = await api(null, 'GET', `/items?q=${encodeURIComponent('食品')}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: any) => i.name)).toContain('食品经营许可');
    const it = r.body.items.find((i: any) => i.name === '食品经营许可');
    expect(Object.keys(it).sort()).toEqual(
      [
        'taskCode',
        'catalogCode',
        'name',
        'taskType',
        'departmentId',
        'departmentName',
        'promisedLimit',
        'promisedUnit',
        'visitsRequired',
        'isOnline',
        'themes',
      ].sort(),
    );
    expect(it.departmentName).toBe('佛山市市场监督管理局');
  });

  it('finds by pinyin initials and full pinyin, case-insensitively', async () => {
    for (const q of ['spjy', 'SPJYXK', 'shipin', 'shi pin', '食品 许可', ' 许可　食品 ', 'spjy 市场监督']) {
      const r = await api(null, 'GET', `/items?q=${encodeURIComponent(q)}`);
      expect(r.status).toBe(200);
      expect(
        r.body.items.map((i: any) => i.name),
        q,
      ).toContain('食品经营许可');
    }
    // Every word must match: a second word found nowhere finds nothing.
    const both = await api(null, 'GET', `/items?q=${encodeURIComponent('食品 zzzzqqq')}`);
    expect(both.body.total).toBe(0);
    const none = await api(null, 'GET', '/items?q=zzzzqqq');
    expect(none.body).toEqual({ items: [], total: 0 });
    const literal = await api(null, 'GET', `/items?q=${encodeURIComponent('%')}`);
    expect(literal.body.total).toBe(0);
  });

  it('filters by department, theme and service object', async () => {
    const byDep = await api(null, 'GET', `/items?departmentId=${police.id}&pageSize=100`);
    expect(byDep.body.total).toBeGreaterThanOrEqual(3);
    expect(byDep.body.items.every((i: any) => i.departmentId === police.id)).toBe(true);
    const byTheme = await api(null, 'GET', `/items?theme=${encodeURIComponent('生育')}&pageSize=100`);
    expect(byTheme.body.total).toBeGreaterThanOrEqual(3);
    expect(byTheme.body.items.every((i: any) => i.themes.includes('生育'))).toBe(true);
    expect(byTheme.body.items.map((i: any) => i.name)).toContain('生育登记');
    const both = await api(null, 'GET', `/items?theme=${encodeURIComponent('开办企业')}&departmentId=${market.id}`);
    expect(both.body.total).toBeGreaterThanOrEqual(2);
    const enterprise = await api(null, 'GET', '/items?serviceObject=enterprise&pageSize=100');
    const person = await api(null, 'GET', '/items?serviceObject=person&pageSize=100');
    expect(enterprise.body.total).toBeGreaterThan(0);
    expect(person.body.total).toBeGreaterThan(0);
    expect(person.body.items.map((i: any) => i.name)).not.toContain('建筑工程施工许可');
    expect((await api(null, 'GET', '/items?serviceObject=alien')).status).toBe(400);
  });

  it('pages through the results', async () => {
    const all = await api(null, 'GET', '/items?pageSize=100');
    const total = all.body.total as number;
    expect(total).toBeGreaterThanOrEqual(30);
    const p1 = await api(null, 'GET', '/items?page=1&pageSize=10');
    const p2 = await api(null, 'GET', '/items?page=2&pageSize=10');
    const last = await api(null, 'GET', `/items?page=${Math.ceil(total / 10)}&pageSize=10`);
    expect(p1.body.items).toHaveLength(10);
    expect(p2.body.items).toHaveLength(10);
    expect(p1.body.total).toBe(total);
    expect(last.body.items).toHaveLength(total % 10 || 10);
    const codes = new Set([...p1.body.items, ...p2.body.items].map((i: any) => i.taskCode));
    expect(codes.size).toBe(20);
    expect((await api(null, 'GET', '/items?pageSize=1000')).status).toBe(400);
  });

  it('lists themes with counts', async () => {
    const r = await api(null, 'GET', '/themes');
    expect(r.status).toBe(200);
    const birth = r.body.items.find((t: any) => t.theme === '生育');
    expect(birth.count).toBeGreaterThanOrEqual(3);
    const counts = r.body.items.map((t: any) => t.count);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
  });

  it('lists the departments implementing published items, each count equal to its filtered search', async () => {
    const r = await api(null, 'GET', '/departments');
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThanOrEqual(8);
    const counts = r.body.items.map((d: any) => d.count);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    const all = await api(null, 'GET', '/items?pageSize=100');
    expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(all.body.total);
    const ps = r.body.items.find((d: any) => d.id === police.id);
    expect(ps.name).toBe('佛山市公安局');
    const byDep = await api(null, 'GET', `/items?departmentId=${police.id}&pageSize=100`);
    expect(ps.count).toBe(byDep.body.total);
  });
});

describe('search from the per-process list', () => {
  it('answers exactly what the SQL search answers, for every filter and page', async () => {
    const db = rt.platform.db;
    const filters = [
      {},
      { q: '食品' },
      { q: 'spjy' },
      { q: 'SHIPIN' },
      { q: '登记' },
      { q: '100%_' },
      { departmentId: police.id },
      { theme: '生育' },
      { serviceObject: 'enterprise' },
      { theme: '开办企业', departmentId: market.id },
      { q: 'dj', serviceObject: 'person' },
      { q: '食品 许可' },
      { q: 'dj 公安' },
    ];
    for (const f of filters)
      for (const [page, pageSize] of [
        [1, 20],
        [2, 7],
        [9, 50],
      ] as const) {
        const q = { ...f, page, pageSize };
        const sqlAnswer = await searchItems(db, q);
        const listAnswer = await searchPublished(db, q);
        expect(listAnswer, JSON.stringify(q)).toEqual(sqlAnswer);
      }
  });
});

describe('guide', () => {
  it('returns the whole guide of an item', async () => {
    const s = await api(null, 'GET', `/items?q=${encodeURIComponent('公共场所卫生许可')}`);
    const taskCode = s.body.items[0].taskCode;
    const g = await api(null, 'GET', `/items/${taskCode}`);
    expect(g.status).toBe(200);
    expect(g.body.taskCode).toBe(taskCode);
    expect(g.body.taskVersion).toBe(1);
    expect(g.body.materials.length).toBeGreaterThanOrEqual(2);
    for (const m of g.body.materials) {
      expect(m.name).toBeTruthy();
      expect(['UPLOAD', 'COMMITMENT']).toContain(m.fulfilment);
    }
    expect(g.body.steps.length).toBeGreaterThanOrEqual(2);
    expect(g.body.promisedLimit).toBeLessThanOrEqual(g.body.statutoryLimit);
    expect(g.body.conditions).toBeTruthy();
    expect(g.body.legalBasis).toContain('公共场所卫生管理条例');
    expect(g.body.fee.isFee).toBe(false);
    expect(g.body.results[0].name).toBe('公共场所卫生许可证');
    expect(g.body.formSchema.type).toBe('object');
    expect(Object.keys(g.body.formSchema.properties).length).toBeGreaterThan(0);
    expect(g.body.faqs).toEqual([]);
    expect(g.body.serviceObject).toContain('enterprise');
    expect(g.body.status).toBe('published');
    expect(g.body.id).toBeUndefined();
  });

  it('answers 404 for an unknown and 400 for a malformed task code', async () => {
    const unknown = await api(null, 'GET', `/items/${market.credit_code}3ZZZZZZZZZZZZ`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const short = await api(null, 'GET', '/items/12345');
    expect(short.status).toBe(400);
    expect(short.body.field).toBe('taskCode');
  });
});

describe('administration', () => {
  it('refuses anonymous callers and a district admin without catalog.manage (audited)', async () => {
    const before = await countRows('catalog_items');
    expect((await api(null, 'POST', '/items', validInput())).status).toBe(401);
    const d = await api(district, 'POST', '/items', validInput());
    expect(d.status).toBe(403);
    const seeded = await api(null, 'GET', `/items?q=${encodeURIComponent('食品经营许可')}`);
    const code = seeded.body.items[0].taskCode;
    expect((await api(district, 'PUT', `/items/${code}`, validInput())).status).toBe(403);
    expect((await api(district, 'POST', `/items/${code}/cancel`)).status).toBe(403);
    expect(await countRows('catalog_items')).toBe(before);
    const denied = await rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'denied:catalog.manage')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses bad input, naming the field, and stores nothing', async () => {
    const items = await countRows('catalog_items');
    const basics = await countRows('catalog_basic_items');
    const audits = await countRows('audit_log');
    const good = validInput();
    const cases: [string, Record<string, unknown>][] = [
      ['catalogCode', { catalogCode: 'test0000001x' }],
      ['catalogCode', { catalogCode: 'TEST0001' }],
      ['taskCode', { taskCode: `${market.credit_code}3TEST0000000` }],
      ['taskCode', { taskCode: `${market.credit_code}4TEST00000001` }],
      ['taskCode', { taskCode: `${police.credit_code}3TEST00000001` }],
      ['taskCode', { taskCode: `${market.credit_code.slice(0, 17)}Z3TEST00000001` }],
      ['taskCode', { taskCode: `${market.credit_code}3TEST0000001` }],
      ['taskType', { taskType: '99' }],
      ['useLevel', { useLevel: '7' }],
      ['departmentId', { departmentId: 'no-such-department' }],
      ['projectType', { projectType: 3 }],
      ['statutoryUnit', { statutoryUnit: 6 }],
      ['promisedUnit', { promisedUnit: 0 }],
      ['promisedLimit', { promisedLimit: 11 }],
      ['serviceObject', { serviceObject: ['alien'] }],
      ['serviceObject', { serviceObject: [] }],
      ['onlineDepth', { onlineDepth: [8] }],
      ['materials', { materials: [{ name: ' ', type: 'original', required: true, copies: 1, fulfilment: 'UPLOAD' }] }],
      [
        'materials',
        { materials: [{ name: '申请表', type: 'original', required: true, copies: 1, fulfilment: 'ECERT' }] },
      ],
      ['materials', { materials: [{ name: '申请表', type: 'scan', required: true, copies: 1, fulfilment: 'UPLOAD' }] }],
      ['steps', { steps: [{ name: '受理', days: 1, unit: 9 }] }],
      ['name', { name: undefined }],
    ];
    for (const [field, o] of cases) {
      const r = await api(admin, 'POST', '/items', { ...good, ...o });
      expect(r.status, JSON.stringify(o)).toBe(400);
      expect(r.body.field, JSON.stringify(o)).toBe(field);
      expect(r.body.message).toBeTruthy();
      expect(r.body.messageEn).toBeTruthy();
    }
    expect(await countRows('catalog_items')).toBe(items);
    expect(await countRows('catalog_basic_items')).toBe(basics);
    expect(await countRows('audit_log')).toBe(audits);
  });

  it('refuses a promised limit over the statutory one only when the units are equal', async () => {
    const over = await api(
      admin,
      'POST',
      '/items',
      validInput('TEST00000002', { statutoryLimit: 3, promisedLimit: 5 }),
    );
    expect(over.status).toBe(400);
    expect(over.body.field).toBe('promisedLimit');
    const otherUnit = await api(
      admin,
      'POST',
      '/items',
      validInput('TEST00000002', { statutoryLimit: 2, statutoryUnit: 5, promisedLimit: 20, promisedUnit: 1 }),
    );
    expect(otherUnit.status, JSON.stringify(otherUnit.body)).toBe(201);
  });

  it('creates version 1, re-versions on PUT keeping version 1, and cancels, all audited', async () => {
    const input = validInput('TEST00000003', { name: '测试摊贩登记' });
    const c = await api(admin, 'POST', '/items', input);
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body.taskVersion).toBe(1);
    expect(c.body.departmentName).toBe(market.name);
    const taskCode = input.taskCode;
    expect((await api(admin, 'POST', '/items', input)).status).toBe(409);

    const found = await api(null, 'GET', `/items?q=${encodeURIComponent('cstfdj')}`);
    expect(found.body.items.map((i: any) => i.taskCode)).toEqual([taskCode]);

    const { taskCode: _t, ...rest } = input;
    const u = await api(admin, 'PUT', `/items/${taskCode}`, {
      ...rest,
      name: '测试摊贩登记（新版）',
      promisedLimit: 3,
      // the working-day steps must fit in the promised limit
      steps: [
        { name: '受理', days: 1, unit: 1 },
        { name: '决定', days: 2, unit: 1 },
      ],
    });
    expect(u.status, JSON.stringify(u.body)).toBe(200);
    expect(u.body.taskVersion).toBe(2);
    const versions = await rt.platform.db
      .selectFrom('catalog_items')
      .select(['task_version', 'name', 'promised_limit'])
      .where('task_code', '=', taskCode)
      .orderBy('task_version')
      .execute();
    expect(versions.map((v: any) => [v.task_version, v.name, v.promised_limit])).toEqual([
      [1, '测试摊贩登记', 5],
      [2, '测试摊贩登记（新版）', 3],
    ]);
    const g = await api(null, 'GET', `/items/${taskCode}`);
    expect(g.body.taskVersion).toBe(2);
    expect(g.body.promisedLimit).toBe(3);
    const listed = await api(null, 'GET', `/items?q=${encodeURIComponent('测试摊贩')}`);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0].name).toBe('测试摊贩登记（新版）');

    const badPut = await api(admin, 'PUT', `/items/${taskCode}`, { ...rest, promisedLimit: 50 });
    expect(badPut.status).toBe(400);
    expect(badPut.body.field).toBe('promisedLimit');
    const changedCode = await api(admin, 'PUT', `/items/${taskCode}`, {
      ...input,
      taskCode: `${taskCode.slice(0, 30)}9`,
    });
    expect(changedCode.status).toBe(400);
    expect(changedCode.body.field).toBe('taskCode');
    expect((await api(admin, 'PUT', `/items/${market.credit_code}3ZZZZZZZZZZZZ`, rest)).status).toBe(404);

    const x = await api(admin, 'POST', `/items/${taskCode}/cancel`);
    expect(x.status).toBe(200);
    expect(x.body.status).toBe('cancelled');
    expect((await api(null, 'GET', `/items/${taskCode}`)).status).toBe(404);
    expect((await api(null, 'GET', `/items?q=${encodeURIComponent('测试摊贩')}`)).body.total).toBe(0);
    expect((await api(admin, 'POST', `/items/${taskCode}/cancel`)).status).toBe(409);
    expect((await api(admin, 'PUT', `/items/${taskCode}`, rest)).status).toBe(409);
    // the rows stay for the cases filed under them
    expect(
      await rt.platform.db.selectFrom('catalog_items').select('id').where('task_code', '=', taskCode).execute(),
    ).toHaveLength(2);

    for (const action of ['catalog.item.create', 'catalog.item.update', 'catalog.item.cancel'])
      expect(await auditRows(action, taskCode), action).toHaveLength(1);
    const upd = await auditRows('catalog.item.update', taskCode);
    expect((upd[0] as any).detail).toMatchObject({ taskVersion: 2, previousVersion: 1 });
  });

  it('a catalog.manage grant scoped to another region is refused', async () => {
    // a role holding catalog.manage only in 禅城区 cannot manage a municipal (440600) item
    const role = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/org/roles',
      headers: { authorization: `Bearer ${admin}` },
      payload: { code: 'catalog_editor', name: '事项管理员', permissions: ['catalog.manage'] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const staff = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/org/staff',
      headers: { authorization: `Bearer ${admin}` },
      payload: { username: 'cc_catalog', name: '事项员', password: 'Catalog@2026x', departmentId: market.id },
    });
    expect(staff.statusCode, staff.body).toBe(201);
    const grant = await rt.app.inject({
      method: 'POST',
      url: `/api/v1/org/staff/${staff.json().id}/grants`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { roleId: role.json().id, regionCode: '440604' },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const token = await login('cc_catalog', 'Catalog@2026x');
    const before = await countRows('catalog_items');
    const r = await api(token, 'POST', '/items', validInput('TEST00000004'));
    expect(r.status).toBe(403);
    expect(await countRows('catalog_items')).toBe(before);
  });
});
