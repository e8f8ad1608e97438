/**
 * Catalog administration: items with child tables and versions, form-schema and workflow-step
 * checks, XLSX/JSON export and import (round trip, all or nothing), basic catalog, power and
 * responsibility lists, and who may do what.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogInputOf, dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { bearerLogin, PERSON, totpNow } from '../../identity/test/helpers.ts';

const ADMIN_TOTP = 'JBSWY3DPEHPK3PXPYIWANGDEMO';

type Headers = Record<string, string>;
interface Dep {
  id: string;
  credit_code: string;
  name: string;
}

let rt: TestRuntime;
let admin: Headers;
let citizen: Headers;
let market: Dep;
let police: Dep;
let health: Dep;

async function call(rtx: TestRuntime, h: Headers | null, method: string, url: string, payload?: unknown) {
  const res = await rtx.app.inject({
    method: method as any,
    url: `/api/v1/catalog${url}`,
    headers: h ?? {},
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  const json = res.headers['content-type']?.toString().includes('json') && res.body ? JSON.parse(res.body) : null;
  return { status: res.statusCode, body: json as any, raw: res.rawPayload, headers: res.headers };
}
const api = (h: Headers | null, method: string, url: string, payload?: unknown) => call(rt, h, method, url, payload);

/** A multipart/form-data body with one file field, as a browser sends it. */
function multipart(filename: string, content: Buffer, type: string) {
  const boundary = `----yiwang${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  return {
    payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function importFile(rtx: TestRuntime, h: Headers, filename: string, content: Buffer) {
  const m = multipart(filename, content, filename.endsWith('.json') ? 'application/json' : XLSX_TYPE);
  const res = await rtx.app.inject({
    method: 'POST',
    url: '/api/v1/catalog/import',
    headers: { ...h, ...m.headers },
    payload: m.payload,
  });
  return { status: res.statusCode, body: res.json() as any };
}

const count = async (rtx: TestRuntime, table: string) =>
  Number(
    (
      await rtx.platform.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const department = async (rtx: TestRuntime, name: string) =>
  (await rtx.platform.db
    .selectFrom('departments')
    .select(['id', 'credit_code', 'name'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow()) as Dep;

async function taskCodeOf(name: string) {
  const r = await api(null, 'GET', `/items?q=${encodeURIComponent(name)}`);
  const it = r.body.items.find((i: any) => i.name === name);
  expect(it, name).toBeTruthy();
  return it.taskCode as string;
}

function fullInput(catalogCode: string, overrides: Record<string, unknown> = {}) {
  return {
    taskCode: `${market.credit_code}3${catalogCode}`,
    catalogCode,
    parentCatalogCode: null,
    name: '测试食品小作坊登记',
    taskType: '01',
    useLevel: '3',
    departmentId: market.id,
    projectType: 2,
    statutoryLimit: 20,
    statutoryUnit: 1,
    promisedLimit: 10,
    promisedUnit: 1,
    visitsRequired: 1,
    isOnline: true,
    onlineDepth: [4, 1, 2],
    serviceObject: ['person', 'enterprise'],
    conditions: '有固定生产场所',
    legalBasis: '《广东省食品生产加工小作坊和食品摊贩管理条例》第十条',
    address: '佛山市民服务中心 A 区',
    officeHours: '工作日 9:00–17:00',
    contact: '0757-12345',
    fee: {
      isFee: true,
      basis: '粤价〔2026〕1号',
      items: [{ name: '工本费', standard: '10 元/证', basis: null }],
      waiver: '小微企业免收',
    },
    themes: ['餐饮', '开办企业'],
    formSchema: {
      type: 'object',
      required: ['entityName', 'openDate'],
      properties: {
        entityName: { type: 'string', title: '作坊名称', minLength: 2, maxLength: 50 },
        openDate: { type: 'string', title: '开业日期', format: 'date' },
        staffCount: { type: 'integer', title: '从业人数', minimum: 1 },
        kind: { type: 'string', title: '类别', enum: ['糕点', '酱菜', '米粉'] },
        hasLicence: { type: 'boolean', title: '已有健康证' },
      },
    },
    materials: [
      {
        name: '登记申请书',
        type: 'original',
        required: true,
        copies: 1,
        fulfilment: 'UPLOAD',
        format: 'pdf',
        maxSizeMb: 5,
        acceptanceStandard: '签名清晰',
      },
      {
        name: '场所使用证明',
        type: 'copy',
        required: false,
        copies: 2,
        fulfilment: 'COMMITMENT',
        format: null,
        maxSizeMb: null,
        acceptanceStandard: '申请人签署告知承诺书',
      },
    ],
    steps: [
      { name: '受理', days: 1, unit: 1, role: 'window_staff', countersign: [] },
      { name: '审查', days: 5, unit: 1, role: 'approver', countersign: [health.id] },
      { name: '决定', days: 2, unit: 1, role: 'approver', countersign: [] },
      { name: '送达', days: 1, unit: 1, role: 'window_staff', countersign: [] },
    ],
    results: [{ name: '食品小作坊登记证', type: '证照' }],
    faqs: [{ q: '可以网上办理吗？', a: '可以，全程网办。' }],
    duties: '负责本市食品小作坊登记及监督管理',
    accountability: '不依法受理、审查或超期办理的，依法追究责任',
    ...overrides,
  };
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await bearerLogin(rt.app, 'admin', 'Yiwang@2026', totpNow(ADMIN_TOTP));
  const reg = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: PERSON });
  expect(reg.statusCode, reg.body).toBe(201);
  citizen = await bearerLogin(rt.app, PERSON.idNumber, PERSON.password);
  market = await department(rt, '佛山市市场监督管理局');
  police = await department(rt, '佛山市公安局');
  health = await department(rt, '佛山市卫生健康局');
});
afterAll(async () => {
  await rt?.close();
});

describe(`catalog administration (${dbLabel})`, () => {
  it('creates an item with every field and child table, re-versions it, and lists its versions with dates', async () => {
    const input = fullInput('TESTADM00001');
    const c = await api(admin, 'POST', '/items', input);
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const g1 = (await api(null, 'GET', `/items/${input.taskCode}`)).body;
    const { taskCode: _tc, ...expectedFields } = { ...input, onlineDepth: [1, 2, 4] };
    const { parentCatalogCode: _p, ...guideExpected } = expectedFields;
    expect(catalogInputOf(g1)).toEqual({ taskCode: input.taskCode, ...guideExpected });
    expect(g1.taskVersion).toBe(1);
    // the form's fields keep the order the designer gave them
    expect(Object.keys(g1.formSchema.properties)).toEqual([
      'entityName',
      'openDate',
      'staffCount',
      'kind',
      'hasLicence',
    ]);

    const v2 = {
      ...input,
      name: '测试食品小作坊登记（2.0）',
      materials: [...input.materials, { ...input.materials[0], name: '从业人员健康证明', required: false }],
      steps: input.steps.map((s) => (s.name === '审查' ? { ...s, days: 4, countersign: [health.id, police.id] } : s)),
      faqs: [],
    };
    const u = await api(admin, 'PUT', `/items/${input.taskCode}`, v2);
    expect(u.status, JSON.stringify(u.body)).toBe(200);
    expect(u.body.taskVersion).toBe(2);
    expect(u.body.materials).toHaveLength(3);
    expect(u.body.steps[1]).toEqual({
      name: '审查',
      days: 4,
      unit: 1,
      role: 'approver',
      countersign: [health.id, police.id],
    });

    const versions = await api(admin, 'GET', `/items/${input.taskCode}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.items.map((v: any) => [v.taskVersion, v.name, v.status])).toEqual([
      [2, '测试食品小作坊登记（2.0）', 'published'],
      [1, '测试食品小作坊登记', 'published'],
    ]);
    for (const v of versions.body.items) expect(Number.isNaN(Date.parse(v.createdAt))).toBe(false);
    // a case filed under version 1 still reads version 1
    const old = await api(admin, 'GET', `/items/${input.taskCode}/versions/1`);
    expect(old.body.name).toBe('测试食品小作坊登记');
    expect(old.body.materials).toHaveLength(2);
    expect(old.body.faqs).toHaveLength(1);
    expect(old.body.parentCatalogCode).toBeNull();
    expect((await api(admin, 'GET', `/items/${input.taskCode}/versions/9`)).status).toBe(404);

    // the admin list shows the newest version of each item in any state, and filters
    const listed = await api(admin, 'GET', `/admin/items?q=${encodeURIComponent('测试食品小作坊')}`);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ taskVersion: 2, status: 'published', departmentId: market.id });
    expect((await api(admin, 'GET', `/admin/items?q=${input.taskCode}`)).body.total).toBe(1);
    const byDep = await api(admin, 'GET', `/admin/items?departmentId=${police.id}&pageSize=100`);
    expect(byDep.body.total).toBeGreaterThan(0);
    expect(byDep.body.items.every((i: any) => i.departmentId === police.id)).toBe(true);

    expect((await api(admin, 'POST', `/items/${input.taskCode}/cancel`)).status).toBe(200);
    const cancelled = await api(admin, 'GET', '/admin/items?status=cancelled&pageSize=100');
    expect(cancelled.body.items.map((i: any) => i.taskCode)).toContain(input.taskCode);
    expect(cancelled.body.items.every((i: any) => i.status === 'cancelled')).toBe(true);
    const published = await api(admin, 'GET', '/admin/items?status=published&pageSize=100');
    expect(published.body.items.map((i: any) => i.taskCode)).not.toContain(input.taskCode);
  });

  it('offers the roles and departments the editor needs', async () => {
    const o = await api(admin, 'GET', '/admin/options');
    expect(o.status).toBe(200);
    expect(o.body.roles.map((r: any) => r.code)).toEqual(expect.arrayContaining(['window_staff', 'approver']));
    expect(o.body.departments.find((d: any) => d.id === market.id)?.creditCode).toBe(market.credit_code);
  });

  it('lists and edits the basic catalog (基本目录), refusing cycles', async () => {
    const list = await api(admin, 'GET', '/basic-items?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThanOrEqual(37);
    const food = list.body.items.find((b: any) => b.name === '食品经营许可');
    expect(food).toMatchObject({ taskType: '01', taskTypeName: '行政许可', implementations: 1 });

    const parent = await api(admin, 'PUT', '/basic-items/TESTBASIC001', {
      name: '测试主项',
      taskType: '01',
      parentCode: null,
      legalBasis: '《测试条例》',
    });
    expect(parent.status, JSON.stringify(parent.body)).toBe(200);
    const child = await api(admin, 'PUT', '/basic-items/TESTBASIC002', {
      name: '测试子项',
      taskType: '01',
      parentCode: 'TESTBASIC001',
    });
    expect(child.status).toBe(200);
    expect(child.body.parentCode).toBe('TESTBASIC001');
    const cycle = await api(admin, 'PUT', '/basic-items/TESTBASIC001', {
      name: '测试主项',
      taskType: '01',
      parentCode: 'TESTBASIC002',
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.field).toBe('parentCode');
    const badType = await api(admin, 'PUT', '/basic-items/TESTBASIC003', { name: '坏', taskType: '99' });
    expect(badType.body.field).toBe('taskType');
    expect((await api(admin, 'PUT', '/basic-items/bad', { name: '坏', taskType: '01' })).body.field).toBe(
      'catalogCode',
    );
    const found = await api(admin, 'GET', '/basic-items?q=TESTBASIC002');
    expect(found.body.items).toEqual([
      expect.objectContaining({ catalogCode: 'TESTBASIC002', name: '测试子项', parentCode: 'TESTBASIC001' }),
    ]);
    const audits = await rt.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', 'in', ['TESTBASIC001', 'TESTBASIC002'])
      .execute();
    expect(audits.map((a: any) => a.action).sort()).toEqual(['catalog.basic.create', 'catalog.basic.create']);
    // an item can now name the entry as its parent
    const item = await api(admin, 'POST', '/items', fullInput('TESTADM00009', { parentCatalogCode: 'TESTBASIC001' }));
    expect(item.status, JSON.stringify(item.body)).toBe(201);
    const v = await api(admin, 'GET', `/items/${item.body.taskCode}/versions/1`);
    expect(v.body.parentCatalogCode).toBe('TESTBASIC001');
  });

  it('refuses a malformed form schema, naming the place in it, and stores nothing', async () => {
    const before = await count(rt, 'catalog_items');
    const props = (p: Record<string, unknown>) => ({ type: 'object', properties: p });
    const cases: [string, unknown][] = [
      ['formSchema.type', { type: 'array', items: {} }],
      ['formSchema.items', { type: 'object', properties: {}, items: {} }],
      ['formSchema.properties.age.type', props({ age: { type: 'date' } })],
      ['formSchema.properties.tags.type', props({ tags: { type: 'array' } })],
      ['formSchema.properties.when.format', props({ when: { type: 'string', format: 'weekday' } })],
      ['formSchema.properties.n.format', props({ n: { type: 'number', format: 'date' } })],
      ['formSchema.properties.kind.enum', props({ kind: { type: 'string', enum: [] } })],
      ['formSchema.properties.kind.enum', props({ kind: { type: 'string', enum: ['a', 1] } })],
      ['formSchema.properties.code.pattern', props({ code: { type: 'string', pattern: '([' } })],
      ['formSchema.properties.name.minLength', props({ name: { type: 'string', minLength: 5, maxLength: 2 } })],
      ['formSchema.properties.name.maxLength', props({ name: { type: 'string', maxLength: -1 } })],
      ['formSchema.properties.1st', props({ '1st': { type: 'string' } })],
      ['formSchema.properties.x', props({ x: 'string' })],
      ['formSchema.required', { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] }],
      ['formSchema.required', { type: 'object', properties: { a: { type: 'string' } }, required: 'a' }],
    ];
    for (const [field, formSchema] of cases) {
      const r = await api(admin, 'POST', '/items', fullInput('TESTADM00002', { formSchema }));
      expect(r.status, JSON.stringify(formSchema)).toBe(400);
      expect(r.body.field, JSON.stringify(formSchema)).toBe(field);
      expect(r.body.code).toBe('INVALID_FORM_SCHEMA');
      expect(r.body.message).toBeTruthy();
      expect(r.body.messageEn).toBeTruthy();
    }
    expect(await count(rt, 'catalog_items')).toBe(before);
    const ok = await api(admin, 'POST', '/items', fullInput('TESTADM00002'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.formSchema.properties.openDate).toEqual({ type: 'string', title: '开业日期', format: 'date' });
  });

  it('checks the workflow steps: known role, existing countersign departments, days, total within the promise', async () => {
    const before = await count(rt, 'catalog_items');
    const base = fullInput('TESTADM00003');
    const step = (s: Record<string, unknown>) => ({
      name: '审查',
      days: 1,
      unit: 1,
      role: null,
      countersign: [],
      ...s,
    });
    const cases: [string, unknown[], Record<string, unknown>?][] = [
      ['steps.0.role', [step({ role: 'no_such_role' })]],
      ['steps.1.countersign', [step({}), step({ countersign: ['no-such-department'] })]],
      ['steps.0.countersign', [step({ countersign: [police.id, police.id] })]],
      ['steps.0.days', [step({ days: -1 })]],
      ['steps', [step({ days: 6 }), step({ days: 5 })]],
      ['steps', [step({ unit: 9 })]],
      ['steps.0.name', [step({ name: '  ' })]],
    ];
    for (const [field, steps] of cases) {
      const r = await api(admin, 'POST', '/items', { ...base, steps });
      expect(r.status, JSON.stringify(steps)).toBe(400);
      expect(r.body.field, JSON.stringify(steps)).toBe(field);
    }
    const sum = await api(admin, 'POST', '/items', { ...base, steps: [step({ days: 6 }), step({ days: 5 })] });
    expect(sum.body.message).toContain('11');
    expect(await count(rt, 'catalog_items')).toBe(before);
    // hours do not count against a working-day promise, and a promise in months is not summed
    const hours = await api(admin, 'POST', '/items', {
      ...base,
      steps: [step({ days: 10 }), step({ name: '送达', days: 48, unit: 3 })],
    });
    expect(hours.status, JSON.stringify(hours.body)).toBe(201);
    const months = await api(admin, 'POST', '/items', {
      ...fullInput('TESTADM00004'),
      statutoryLimit: 1,
      statutoryUnit: 5,
      promisedLimit: 1,
      promisedUnit: 5,
      steps: [step({ days: 30 })],
    });
    expect(months.status, JSON.stringify(months.body)).toBe(201);
  });
});

describe(`power and responsibility lists (${dbLabel})`, () => {
  it('lists administrative powers (01–10) only, with department and legal basis, filtered by region and department', async () => {
    const all = await api(null, 'GET', '/power-list?pageSize=200');
    expect(all.status).toBe(200);
    const rows = await rt.platform.db
      .selectFrom('catalog_items')
      .select(['task_code', 'task_type', 'status', 'task_version'])
      .execute();
    const latest = new Map<string, any>();
    for (const r of rows as any[])
      if (
        r.status === 'published' &&
        (!latest.has(r.task_code) || latest.get(r.task_code).task_version < r.task_version)
      )
        latest.set(r.task_code, r);
    const powers = [...latest.values()].filter((r) => r.task_type !== '20');
    expect(all.body.total).toBe(powers.length);
    expect(all.body.total).toBeGreaterThan(0);
    expect(all.body.items.every((i: any) => i.taskType !== '20')).toBe(true);
    const food = all.body.items.find((i: any) => i.name === '食品经营许可');
    expect(food).toMatchObject({ taskType: '01', taskTypeName: '行政许可', departmentName: market.name });
    expect(food.legalBasis).toContain('食品安全法');
    // a public service (20) is not a power
    const services = [...latest.values()].filter((r) => r.task_type === '20').map((r) => r.task_code);
    expect(services.length).toBeGreaterThan(0);
    for (const code of services) expect(all.body.items.map((i: any) => i.taskCode)).not.toContain(code);

    const byDep = await api(null, 'GET', `/power-list?departmentId=${market.id}&pageSize=200`);
    expect(byDep.body.total).toBeGreaterThan(0);
    expect(byDep.body.items.every((i: any) => i.departmentId === market.id)).toBe(true);
    const foshan = await api(null, 'GET', '/power-list?regionCode=440600&pageSize=200');
    expect(foshan.body.total).toBe(all.body.total);
    const elsewhere = await api(null, 'GET', '/power-list?regionCode=440100');
    expect(elsewhere.body).toEqual({ items: [], total: 0 });
    expect((await api(null, 'GET', '/power-list?regionCode=44x')).body.field).toBe('regionCode');
    const licences = await api(null, 'GET', '/power-list?taskType=01&pageSize=200');
    expect(licences.body.items.every((i: any) => i.taskType === '01')).toBe(true);
    expect((await api(null, 'GET', '/power-list?taskType=20')).status).toBe(400);
  });

  it('derives each power item’s responsibilities from its steps, with duties and accountability', async () => {
    const r = await api(null, 'GET', `/responsibility-list?q=${encodeURIComponent('测试食品小作坊')}&pageSize=200`);
    expect(r.status).toBe(200);
    const it = r.body.items.find((i: any) => i.taskCode === `${market.credit_code}3TESTADM00002`);
    expect(it).toBeTruthy();
    expect(it.duties).toBe('负责本市食品小作坊登记及监督管理');
    expect(it.accountability).toContain('依法追究责任');
    expect(it.legalBasis).toContain('第十条');
    expect(it.responsibilities.map((x: any) => x.link)).toEqual(['accept', 'review', 'decide', 'deliver']);
    const byLink = Object.fromEntries(it.responsibilities.map((x: any) => [x.link, x]));
    expect(byLink.accept.steps).toEqual([{ name: '受理', days: 1, unit: 1, role: 'window_staff' }]);
    expect(byLink.review.steps.map((s: any) => s.name)).toEqual(['审查']);
    expect(byLink.decide.steps.map((s: any) => s.name)).toEqual(['决定']);
    expect(byLink.deliver.steps.map((s: any) => s.name)).toEqual(['送达']);
    for (const x of it.responsibilities) {
      expect(x.content).toBeTruthy();
      expect(x.contentEn).toBeTruthy();
    }
    const all = await api(null, 'GET', '/responsibility-list?pageSize=200');
    const powers = await api(null, 'GET', '/power-list?pageSize=200');
    expect(all.body.total).toBe(powers.body.total);
    // seeded items have no duties text yet: the links still come from their steps
    const food = all.body.items.find((i: any) => i.name === '食品经营许可');
    expect(food.duties).toBeNull();
    expect(food.responsibilities.find((x: any) => x.link === 'accept').steps.length).toBe(1);
  });
});

describe(`export and import (${dbLabel})`, () => {
  /** An item as comparable across installations: departments by credit code, no ids or dates. */
  function comparable(g: any, creditOf: Map<string, string>) {
    const { taskVersion: _v, createdAt: _c, updatedAt: _u, departmentId, ...rest } = g;
    return {
      ...rest,
      department: creditOf.get(departmentId),
      fee: {
        isFee: g.fee.isFee,
        basis: g.fee.basis ?? null,
        items: g.fee.items.map((f: any) => ({ basis: null, ...f })),
        waiver: g.fee.waiver ?? null,
      },
      materials: g.materials.map((m: any) => ({ format: null, maxSizeMb: null, acceptanceStandard: null, ...m })),
      steps: g.steps.map((s: any) => ({
        ...s,
        role: s.role ?? null,
        countersign: (s.countersign ?? []).map((d: string) => creditOf.get(d)),
      })),
      duties: g.duties ?? null,
      accountability: g.accountability ?? null,
    };
  }
  const creditMap = async (rtx: TestRuntime) =>
    new Map(
      ((await rtx.platform.db.selectFrom('departments').select(['id', 'credit_code']).execute()) as any[]).map((d) => [
        d.id,
        d.credit_code,
      ]),
    );

  it('exports XLSX and JSON, and a fresh installation imports them to equal items (round trip)', async () => {
    // changes on this side: a re-versioned seeded item with a workflow, a new item, a cancelled item
    const food = await taskCodeOf('食品经营许可');
    const g = (await api(null, 'GET', `/items/${food}`)).body;
    const edited = {
      ...catalogInputOf(g),
      steps: [
        { name: '受理', days: 1, unit: 1, role: 'window_staff', countersign: [] },
        { name: '审查', days: 2, unit: 1, role: 'approver', countersign: [health.id, police.id] },
        { name: '决定', days: 1, unit: 1, role: 'approver', countersign: [] },
      ],
      fee: {
        isFee: true,
        basis: null,
        items: [{ name: '证书工本费', standard: '5 元', basis: '物价文件' }],
        waiver: null,
      },
      faqs: [{ q: '多久办结？', a: '5 个工作日内。' }],
      duties: '负责食品经营许可',
      accountability: '违法许可的依法追责',
    };
    expect((await api(admin, 'PUT', `/items/${food}`, edited)).status).toBe(200);
    const cancelled = await taskCodeOf('公共场所卫生许可');
    expect((await api(admin, 'POST', `/items/${cancelled}/cancel`)).status).toBe(200);

    const x = await api(admin, 'GET', '/export?format=xlsx');
    expect(x.status).toBe(200);
    expect(String(x.headers['content-type'])).toContain('spreadsheetml');
    expect(String(x.headers['content-disposition'])).toMatch(/attachment; filename="catalog-\d{8}\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['事项', '材料', '收费', '环节', '结果', '常见问题', '基本目录']);
    const header = (wb.getWorksheet('事项')!.getRow(1).values as unknown[]).filter(Boolean);
    expect(header).toEqual(expect.arrayContaining(['实施编码', '事项名称', '承诺时限', '申请表单', '追责依据']));
    const exported = await api(null, 'GET', '/items?pageSize=100');
    expect(wb.getWorksheet('事项')!.actualRowCount - 1).toBe(exported.body.total);

    const j = await api(admin, 'GET', '/export?format=json');
    expect(j.status).toBe(200);
    expect(j.body).toHaveLength(exported.body.total);
    expect(j.body.map((i: any) => i.taskCode)).not.toContain(cancelled);
    const jf = j.body.find((i: any) => i.taskCode === food);
    expect(jf.steps[1].countersign).toEqual([health.credit_code, police.credit_code]);
    expect(jf.departmentCreditCode).toBe(market.credit_code);

    // a fresh installation (its own department ids) takes the XLSX file
    const other = await startTestRuntime({ seed: true });
    try {
      const otherAdmin = await bearerLogin(other.app, 'admin', 'Yiwang@2026', totpNow(ADMIN_TOTP));
      const imp = await importFile(other, otherAdmin, 'catalog.xlsx', x.raw);
      expect(imp.status, JSON.stringify(imp.body).slice(0, 2000)).toBe(200);
      const created = exported.body.items.filter((i: any) => i.taskCode.includes('TESTADM')).length;
      expect(imp.body.created).toBe(created);
      expect(imp.body.versioned).toBe(exported.body.total - created);

      const here = await creditMap(rt);
      const there = await creditMap(other);
      const compareAll = async () => {
        for (const s of exported.body.items) {
          const a = (await api(null, 'GET', `/items/${s.taskCode}`)).body;
          const b = (await call(other, null, 'GET', `/items/${s.taskCode}`)).body;
          expect(comparable(b, there), s.name).toEqual(comparable(a, here));
        }
      };
      await compareAll();
      const fb = (await call(other, null, 'GET', `/items/${food}`)).body;
      expect(fb.taskVersion).toBe(2);
      const otherHealth = await department(other, '佛山市卫生健康局');
      expect(fb.steps[1].countersign[0]).toBe(otherHealth.id);
      // not in the file: the other side's item stays as it was
      expect((await call(other, null, 'GET', `/items/${cancelled}`)).body.taskVersion).toBe(1);
      const audit = await other.platform.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'catalog.import')
        .execute();
      expect(audit).toHaveLength(1);

      // and the JSON file: every item gets one more version, still equal
      const ji = await importFile(other, otherAdmin, 'catalog.json', Buffer.from(JSON.stringify(j.body)));
      expect(ji.status, JSON.stringify(ji.body).slice(0, 2000)).toBe(200);
      expect(ji.body).toMatchObject({ created: 0, versioned: exported.body.total });
      expect((await call(other, null, 'GET', `/items/${food}`)).body.taskVersion).toBe(3);
      await compareAll();
    } finally {
      await other.close();
    }
  });

  it('refuses a file with bad rows, listing sheet, row and field, and stores nothing', async () => {
    const x = await api(admin, 'GET', '/export?format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw as any);
    const items = wb.getWorksheet('事项')!;
    const col = (ws: ExcelJS.Worksheet, h: string) => (ws.getRow(1).values as unknown[]).indexOf(h);
    // row 2: promised limit over the statutory one; row 3: renamed (must not be stored); row 4: not a number
    items.getRow(2).getCell(col(items, '承诺时限')).value = 999;
    const renamedCode = String(items.getRow(3).getCell(col(items, '实施编码')).value);
    items.getRow(3).getCell(col(items, '事项名称')).value = '不应保存的名称';
    items.getRow(4).getCell(col(items, '法定时限')).value = '二十';
    // a material of the fifth item with an unknown way of fulfilment
    const fifth = String(items.getRow(5).getCell(col(items, '实施编码')).value);
    const materials = wb.getWorksheet('材料')!;
    let materialRow = 0;
    materials.eachRow((row, n) => {
      if (!materialRow && n > 1 && String(row.getCell(col(materials, '实施编码')).value) === fifth) materialRow = n;
    });
    materials.getRow(materialRow).getCell(col(materials, '提交方式')).value = 'ECERT';
    // a step of an item that is not in the file
    const steps = wb.getWorksheet('环节')!;
    const stray = steps.addRow([]);
    stray.getCell(col(steps, '实施编码')).value = `${market.credit_code}3ZZZZZZZZZZZZ`;
    stray.getCell(col(steps, '环节名称')).value = '受理';
    stray.getCell(col(steps, '时限')).value = 1;
    stray.getCell(col(steps, '时限单位')).value = '工作日';
    const bad = Buffer.from(await wb.xlsx.writeBuffer());

    const before = await count(rt, 'catalog_items');
    const audits = await count(rt, 'audit_log');
    const r = await importFile(rt, admin, 'bad.xlsx', bad);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('IMPORT_INVALID');
    const rows = r.body.rows as any[];
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sheet: '事项', row: 2, field: 'promisedLimit', column: '承诺时限' }),
        expect.objectContaining({
          sheet: '事项',
          row: 4,
          field: 'statutoryLimit',
          column: '法定时限',
          code: 'INVALID_VALUE',
        }),
        expect.objectContaining({ sheet: '材料', row: materialRow, field: 'materials' }),
        expect.objectContaining({ sheet: '环节', row: stray.number, code: 'UNKNOWN_ITEM', column: '实施编码' }),
      ]),
    );
    expect(rows, JSON.stringify(rows)).toHaveLength(4);
    for (const p of rows) {
      expect(p.message).toBeTruthy();
      expect(p.messageEn).toBeTruthy();
    }
    expect(await count(rt, 'catalog_items')).toBe(before);
    expect(await count(rt, 'audit_log')).toBe(audits);
    expect((await api(null, 'GET', `/items/${renamedCode}`)).body.name).not.toBe('不应保存的名称');

    // a problem found only while storing (an item cancelled here) also leaves everything as it was
    const j = (await api(admin, 'GET', '/export?format=json')).body as any[];
    const cancelled = `${market.credit_code}3TESTADM00001`;
    const renamed = j.map((i, n) => (n === 0 ? { ...i, name: '也不应保存' } : i));
    const withCancelled = [...renamed, { ...fullInput('TESTADM00001'), name: '已取消的事项' }];
    const r2 = await importFile(rt, admin, 'bad.json', Buffer.from(JSON.stringify(withCancelled)));
    expect(r2.status).toBe(400);
    expect(r2.body.rows).toEqual([
      expect.objectContaining({ sheet: 'json', row: withCancelled.length, field: 'taskCode', code: 'ITEM_CANCELLED' }),
    ]);
    expect(await count(rt, 'catalog_items')).toBe(before);
    expect((await api(null, 'GET', `/items/${j[0].taskCode}`)).body.name).toBe(j[0].name);
    expect((await api(admin, 'GET', `/items/${cancelled}/versions`)).body.items[0].status).toBe('cancelled');

    // shape errors in JSON name the item and the field
    const r3 = await importFile(
      rt,
      admin,
      'bad.json',
      Buffer.from(
        JSON.stringify([
          { ...j[0], materials: [{ ...j[0].materials[0], copies: -1 }] },
          { ...j[1], extra: 1 },
        ]),
      ),
    );
    expect(r3.status).toBe(400);
    expect(r3.body.rows).toEqual([
      expect.objectContaining({ sheet: 'json', row: 1, field: 'materials.0.copies' }),
      expect.objectContaining({ sheet: 'json', row: 2, field: 'extra' }),
    ]);
    const unreadable = await importFile(rt, admin, 'x.json', Buffer.from('{not json'));
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.field).toBe('file');
    const wrongKind = await importFile(rt, admin, 'x.csv', Buffer.from('a,b'));
    expect(wrongKind.body.code).toBe('UNSUPPORTED_FILE');
    expect(await count(rt, 'catalog_items')).toBe(before);
  });
});

describe(`permissions (${dbLabel})`, () => {
  it('refuses a citizen (403, audited) and an anonymous caller (401) on every administration route', async () => {
    const code = await taskCodeOf('食品经营许可');
    const routes: [string, string, unknown?][] = [
      ['GET', '/admin/items'],
      ['GET', '/admin/options'],
      ['GET', `/items/${code}/versions`],
      ['GET', `/items/${code}/versions/1`],
      ['GET', '/basic-items'],
      ['PUT', '/basic-items/TESTBASIC009', { name: '坏', taskType: '01' }],
      ['GET', '/export?format=json'],
      ['GET', '/export?format=xlsx'],
      ['POST', `/items/${code}/cancel`],
    ];
    const denied = await count(rt, 'audit_log');
    for (const [method, url, body] of routes) {
      expect((await api(citizen, method, url, body)).status, `${method} ${url}`).toBe(403);
      expect((await api(null, method, url, body)).status, `${method} ${url}`).toBe(401);
    }
    const before = await count(rt, 'catalog_items');
    const j = (await api(admin, 'GET', '/export?format=json')).body;
    const imp = await importFile(rt, citizen, 'catalog.json', Buffer.from(JSON.stringify(j)));
    expect(imp.status).toBe(403);
    expect(await count(rt, 'catalog_items')).toBe(before);
    expect(await count(rt, 'audit_log')).toBeGreaterThanOrEqual(denied + routes.length + 1);
    // the public lists need no sign-in
    expect((await api(null, 'GET', '/power-list')).status).toBe(200);
    expect((await api(null, 'GET', '/responsibility-list')).status).toBe(200);
  });
});
