import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTest, personResource } from './helpers.ts';

let t: DataTest;
let police: { token: string; departmentId: string };
let market: { token: string; departmentId: string };
let consumer: { token: string; departmentId: string };

beforeAll(async () => {
  t = await DataTest.start();
  police = await t.officer('police_data', '公安局', ['data.manage', 'data.approve']);
  market = await t.officer('market_data', '市场监管局', ['data.manage', 'data.approve']);
  consumer = await t.officer('civil_req', '民政局', ['data.request']);
});
afterAll(() => t?.close());

describe('data catalog', () => {
  it('registers a resource with its fields, grades and the resource grade taken from its highest field', async () => {
    const r = await t.call(police.token, 'POST', '/resources', personResource(police.departmentId));
    expect(r.status, r.raw).toBe(201);
    expect(r.body.code).toBe('101001001/000101');
    expect(r.body.providerDepartmentName).toBe('佛山市公安局');
    expect(r.body.nationalLabel).toBe('重要');
    expect(r.body.fields.map((f: any) => f.name)).toEqual([
      'id_number',
      'name',
      'phone',
      'address',
      'residence_division',
      'birth_date',
      'updated_at',
    ]);
    expect(r.body.fields[0]).toMatchObject({ identifier: 'direct', level: 'L4', format: 'ID_NUMBER', unique: true });
    expect(await t.auditCount('data.resource.create')).toBeGreaterThanOrEqual(1);

    const got = await t.call(consumer.token, 'GET', `/resources/${encodeURIComponent(r.body.code)}`);
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(r.body.id);
  });

  it('refuses bad codes, classifications, cycles, share types, grades and fields with the field at fault', async () => {
    const base = personResource(police.departmentId, '000102');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ code: '101001001-000102' }, 'code', 'INVALID_RESOURCE'],
      [{ code: '201001001/000102' }, 'code', 'INVALID_RESOURCE'],
      [{ code: '101001001/000000' }, 'code', 'INVALID_RESOURCE'],
      [
        { classification: { class: 1, item: '1', catalog: '001', detail: '001' } },
        'classification.item',
        'INVALID_RESOURCE',
      ],
      [
        { classification: { class: 4, item: '01', catalog: '001', detail: '001' } },
        'classification.class',
        'VALIDATION',
      ],
      [{ updateCycle: '每两天' }, 'updateCycle', 'INVALID_RESOURCE'],
      [{ shareType: '随便共享' }, 'shareType', 'INVALID_RESOURCE'],
      [{ shareConditions: null }, 'shareConditions', 'INVALID_RESOURCE'],
      [{ openType: '开放' }, 'openType', 'INVALID_RESOURCE'],
      [{ openType: '有条件开放' }, 'openConditions', 'INVALID_RESOURCE'],
      [{ keyField: 'nope' }, 'keyField', 'INVALID_RESOURCE'],
      [{ providerDepartmentId: 'nope' }, 'providerDepartmentId', 'INVALID_RESOURCE'],
      [{ fields: [] }, 'fields', 'VALIDATION'],
    ];
    for (const [patch, field, code] of cases) {
      const r = await t.call(police.token, 'POST', '/resources', { ...base, ...patch });
      expect(r.status, JSON.stringify(patch)).toBe(400);
      expect(r.body.code, JSON.stringify(patch)).toBe(code);
      expect(r.body.field, JSON.stringify(patch)).toBe(field);
      expect(r.body.message).toBeTruthy();
      expect(r.body.messageEn).toBeTruthy();
    }
    const fieldCases: [Record<string, unknown>, string][] = [
      [{ level: 'L9' }, 'fields.0.level'],
      [{ nationalLabel: '机密' }, 'fields.0.nationalLabel'],
      [{ identifier: 'maybe' }, 'fields.0.identifier'],
      [{ type: 'blob' }, 'fields.0.type'],
      [{ format: 'EMAIL' }, 'fields.0.format'],
      [{ maskRule: 'ROT13' }, 'fields.0.maskRule'],
      [{ name: 'ID Number' }, 'fields.0.name'],
      [{ level: 'L1' }, 'fields.0.level'], // a direct identifier cannot be public
      [{ element: 'Person' }, 'fields.0.element'],
    ];
    for (const [patch, field] of fieldCases) {
      const fields = [{ ...base.fields[0], ...patch }, ...base.fields.slice(1)];
      const r = await t.call(police.token, 'POST', '/resources', { ...base, fields });
      expect(r.status, JSON.stringify(patch)).toBe(400);
      expect(r.body.field, JSON.stringify(patch)).toBe(field);
    }
    const dup = await t.call(police.token, 'POST', '/resources', { ...base, fields: [base.fields[0], base.fields[0]] });
    expect(dup.body.field).toBe('fields.1.name');
    // Nothing was stored by any refused request.
    const stored = await t.rt.platform.db
      .selectFrom('data_resources')
      .select('id')
      .where('code', 'like', '%000102')
      .execute();
    expect(stored).toHaveLength(0);
    // A taken code is a conflict.
    const again = await t.call(police.token, 'POST', '/resources', personResource(police.departmentId));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RESOURCE_CODE_TAKEN');
  });

  it('lets only the provider department register and change its resources (403 audited)', async () => {
    const before = await t.auditCount('denied:data.manage');
    const r = await t.call(market.token, 'POST', '/resources', personResource(police.departmentId, '000103'));
    expect(r.status).toBe(403);
    const c = await t.call(consumer.token, 'POST', '/resources', personResource(consumer.departmentId, '000103'));
    expect(c.status).toBe(403);
    expect(await t.auditCount('denied:data.manage')).toBe(before + 2);
    const own = await t.call(police.token, 'GET', '/resources?q=000101');
    const id = own.body.items[0].id;
    const body = { ...personResource(police.departmentId), name: '人口基本信息（改）' } as any;
    delete body.providerDepartmentId;
    const u = await t.call(market.token, 'PUT', `/resources/${id}`, body);
    expect(u.status).toBe(403);
    const ok = await t.call(police.token, 'PUT', `/resources/${id}`, { ...body, expectedVersion: 1 });
    expect(ok.status, ok.raw).toBe(200);
    expect(ok.body.version).toBe(2);
    const stale = await t.call(police.token, 'PUT', `/resources/${id}`, { ...body, expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('CONCURRENT_UPDATE');
  });

  it('searches by keyword, pinyin and code, and filters by provider, class, share type and cycle', async () => {
    const legal = {
      ...personResource(market.departmentId, '000201'),
      code: '102001001/000201',
      name: '法人基本信息',
      abstract: '市场主体登记信息',
      classification: { class: 1, item: '02', catalog: '001', detail: '001' },
      shareType: '无条件共享',
      shareConditions: null,
      updateCycle: '每周',
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
          required: true,
          unique: true,
        },
        { name: 'name', label: '名称', type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般' },
      ],
    };
    const r = await t.call(market.token, 'POST', '/resources', legal);
    expect(r.status, r.raw).toBe(201);
    const byName = await t.call(consumer.token, 'GET', `/resources?q=${encodeURIComponent('法人')}`);
    // (the demo seed's 法人基础信息 is found too)
    expect(byName.body.items.map((i: any) => i.code)).toContain('102001001/000201');
    expect(byName.body.items.every((i: any) => i.name.includes('法人'))).toBe(true);
    const byPinyin = await t.call(consumer.token, 'GET', '/resources?q=faren');
    expect(byPinyin.body.items.map((i: any) => i.code)).toContain('102001001/000201');
    const byCode = await t.call(consumer.token, 'GET', '/resources?q=000201');
    expect(byCode.body.items.map((i: any) => i.code)).toEqual(['102001001/000201']);
    const filtered = await t.call(
      consumer.token,
      'GET',
      `/resources?shareType=${encodeURIComponent('无条件共享')}&class=1`,
    );
    expect(filtered.body.items.every((i: any) => i.shareType === '无条件共享')).toBe(true);
    const byDept = await t.call(consumer.token, 'GET', `/resources?providerDepartmentId=${police.departmentId}`);
    expect(byDept.body.items.every((i: any) => i.providerDepartmentId === police.departmentId)).toBe(true);
    expect(byDept.body.total).toBeGreaterThanOrEqual(1);
    const weekly = await t.call(consumer.token, 'GET', `/resources?updateCycle=${encodeURIComponent('每周')}`);
    expect(weekly.body.items.map((i: any) => i.code)).toContain('102001001/000201');
    const anon = await t.call(null, 'GET', '/resources');
    expect(anon.status).toBe(401);
  });

  it('keeps the level table configurable: platform administrators add levels, department officers may not', async () => {
    const add = await t.call(t.adminToken, 'PUT', '/levels/L5', {
      name: '绝密',
      nameEn: 'Top',
      rank: 5,
      seal: true,
      maskAction: 'suppress',
    });
    expect(add.status, add.raw).toBe(200);
    const list = await t.call(consumer.token, 'GET', '/levels');
    expect(list.body.levels.map((l: any) => l.name)).toEqual(['公开', '内部', '敏感', '高敏感', '绝密']);
    expect(list.body.maskRules.map((m: any) => m.code)).toContain('ID_NUMBER');
    const clash = await t.call(t.adminToken, 'PUT', '/levels/L6', {
      name: 'x',
      nameEn: 'x',
      rank: 5,
      seal: true,
      maskAction: 'mask',
    });
    expect(clash.status).toBe(409);
    const officer = await t.call(police.token, 'PUT', '/levels/L6', {
      name: 'x',
      nameEn: 'x',
      rank: 6,
      seal: true,
      maskAction: 'mask',
    });
    expect(officer.status).toBe(403);
  });
});
