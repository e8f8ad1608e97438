import ExcelJS from 'exceljs';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { demoCreditCode } from '../src/seed.ts';

let rt: TestRuntime;
let admin: string;
let district: string;

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

async function api(token: string, method: string, url: string, payload?: unknown) {
  const res = await rt.app.inject({
    method: method as any,
    url: `/api/v1/org${url}`,
    headers: { authorization: `Bearer ${token}` },
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : null };
}

async function auditRows(where: { action?: string; objectId?: string; outcome?: string }) {
  let q = rt.platform.db.selectFrom('audit_log').selectAll();
  if (where.action) q = q.where('action', '=', where.action);
  if (where.objectId) q = q.where('object_id', '=', where.objectId);
  if (where.outcome) q = q.where('outcome', '=', where.outcome);
  return q.execute();
}

const square = (lng: number, lat: number, d = 0.001) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng, lat],
      [lng + d, lat],
      [lng + d, lat + d],
      [lng, lat + d],
      [lng, lat],
    ],
  ],
});

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login('admin', 'Yiwang@2026', 'JBSWY3DPEHPK3PXPYIWANGDEMO');
  district = await login('chancheng_admin', 'Yiwang@2026', 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA');
});
afterAll(async () => {
  await rt?.close();
});

describe('divisions', () => {
  it('lists the seeded tree', async () => {
    const roots = await api(admin, 'GET', '/divisions');
    expect(roots.body.items).toEqual([{ code: '440000', name: '广东省', level: 'province', parentCode: null }]);
    const districts = await api(admin, 'GET', '/divisions?parent=440600');
    expect(districts.body.items.map((d: any) => d.code)).toEqual(['440604', '440605', '440606', '440607', '440608']);
    const one = await api(admin, 'GET', '/divisions/440604');
    expect(one.body.children).toBeGreaterThan(0);
  });

  it('validates codes by level and stores nothing on a bad code', async () => {
    for (const code of ['44060', '4406041', '000000', '990000', '440604999000', '440604001999', 'abcdef']) {
      const r = await api(admin, 'POST', '/divisions', { code, name: '坏代码' });
      expect(r.status, code).toBe(400);
      expect(r.body.field).toBe('code');
      expect(r.body.message).toBeTruthy();
      expect(r.body.messageEn).toBeTruthy();
    }
    const missingParent = await api(admin, 'POST', '/divisions', { code: '440604777001', name: '无上级' });
    expect(missingParent.status).toBe(400);
    expect(missingParent.body.field).toBe('code');
    const n = await rt.platform.db
      .selectFrom('divisions')
      .select('code')
      .where('name', 'in', ['坏代码', '无上级'])
      .execute();
    expect(n).toHaveLength(0);
  });

  it('creates, renames and deletes a division with audit', async () => {
    const c = await api(admin, 'POST', '/divisions', { code: '440604200000', name: '测试镇' });
    expect(c.status).toBe(201);
    expect(c.body.level).toBe('township');
    expect(c.body.parentCode).toBe('440604');
    const dup = await api(admin, 'POST', '/divisions', { code: '440604200000', name: '测试镇' });
    expect(dup.status).toBe(409);
    expect((await api(admin, 'PATCH', '/divisions/440604200000', { name: '测试镇2' })).status).toBe(200);
    expect((await api(admin, 'DELETE', '/divisions/440604')).status).toBe(409);
    expect((await api(admin, 'DELETE', '/divisions/440604200000')).status).toBe(204);
    for (const action of ['org.division.create', 'org.division.update', 'org.division.delete'])
      expect(await auditRows({ action, objectId: '440604200000' })).toHaveLength(1);
  });
});

describe('site', () => {
  it('names the seeded demo city to anyone, and only a platform administrator changes it', async () => {
    const anon = await rt.app.inject({ method: 'GET', url: '/api/v1/org/site' });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).toEqual({
      division: { code: '440600', name: '佛山市', level: 'prefecture', parentCode: '440000' },
      nameEn: 'Foshan',
    });

    // bad input and callers without the platform-wide grant change nothing
    const unknown = await api(admin, 'PUT', '/site', { divisionCode: '440699' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'DIVISION_NOT_FOUND', field: 'divisionCode' });
    expect(unknown.body.messageEn).toBeTruthy();
    expect((await api(admin, 'PUT', '/site', {})).status).toBe(400);
    const scoped = await api(district, 'PUT', '/site', { divisionCode: '440604' });
    expect(scoped.status).toBe(403);
    const anonPut = await rt.app.inject({
      method: 'PUT',
      url: '/api/v1/org/site',
      payload: { divisionCode: '440604' },
    });
    expect(anonPut.statusCode).toBe(401);
    expect((await api(admin, 'GET', '/site')).body.division.code).toBe('440600');

    const set = await api(admin, 'PUT', '/site', { divisionCode: '440604' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ division: { code: '440604', name: '禅城区' }, nameEn: 'Chancheng' });
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/org/site' })).json().nameEn).toBe('Chancheng');
    expect(await auditRows({ action: 'org.site.update', objectId: '440604' })).toHaveLength(1);

    // the division the platform serves cannot be deleted from under it
    const c = await api(admin, 'POST', '/divisions', { code: '440604201000', name: '站点镇' });
    expect(c.status).toBe(201);
    expect((await api(admin, 'PUT', '/site', { divisionCode: '440604201000' })).status).toBe(200);
    const del = await api(admin, 'DELETE', '/divisions/440604201000');
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('DIVISION_IS_SITE');

    expect((await api(admin, 'PUT', '/site', { divisionCode: '440600' })).status).toBe(200);
    expect((await api(admin, 'DELETE', '/divisions/440604201000')).status).toBe(204);
  });
});

describe("a staff member's own department", () => {
  it('comes with the signed-in profile, named, without any org grant', async () => {
    const token = await login('approver01', 'Yiwang@2026');
    const me = await rt.app.inject({
      method: 'GET',
      url: '/api/v1/identity/me',
      headers: { authorization: `Bearer ${token}` },
    });
    const account = me.json().account;
    const dep = await rt.platform.db
      .selectFrom('departments')
      .select('name')
      .where('id', '=', account.departmentId)
      .executeTakeFirstOrThrow();
    expect(account.departmentName).toBe(dep.name);
  });
});

describe('grids', () => {
  it('validates code and polygon', async () => {
    const g = await api(admin, 'GET', '/grids?divisionCode=440604&pageSize=1');
    const community = g.body.items[0].divisionCode as string;
    const bad = [
      { code: '44060401000100', polygon: square(113.5, 23.5) },
      { code: `${community.slice(0, 9)}000001`, polygon: square(113.5, 23.5) },
      { code: '440604999999001', polygon: square(113.5, 23.5) },
      { code: `${community}000`, polygon: square(113.5, 23.5) },
    ];
    for (const b of bad) {
      const r = await api(admin, 'POST', '/grids', { ...b, name: '坏网格' });
      expect(r.status, b.code).toBe(400);
      expect(r.body.field).toBe('code');
    }
    const open = square(113.5, 23.5);
    open.coordinates[0].pop();
    for (const polygon of [
      open,
      { type: 'Point', coordinates: [113, 23] },
      'x',
      { type: 'Polygon', coordinates: [[[200, 0]]] },
    ]) {
      const r = await api(admin, 'POST', '/grids', { code: `${community}901`, name: '坏网格', polygon });
      expect(r.status).toBe(400);
      expect(r.body.field).toBe('polygon');
    }
    expect(await rt.platform.db.selectFrom('grids').select('code').where('name', '=', '坏网格').execute()).toHaveLength(
      0,
    );
  });

  it('creates a grid and locates points', async () => {
    const list = await api(admin, 'GET', '/grids?divisionCode=440605');
    expect(list.body.total).toBeGreaterThan(0);
    const seeded = list.body.items[0];
    const ring = seeded.polygon.coordinates[0];
    const cx = (ring[0][0] + ring[2][0]) / 2;
    const cy = (ring[0][1] + ring[2][1]) / 2;
    const hit = await api(admin, 'GET', `/grids/locate?lng=${cx}&lat=${cy}`);
    expect(hit.body.grid).toEqual({ code: seeded.code, name: seeded.name, divisionCode: seeded.divisionCode });
    const miss = await api(admin, 'GET', '/grids/locate?lng=100&lat=30');
    expect(miss.body.grid).toBeNull();

    const community = seeded.divisionCode as string;
    const created = await api(admin, 'POST', '/grids', {
      code: `${community}901`,
      name: '新网格',
      polygon: square(113.6, 23.6, 0.01),
    });
    expect(created.status).toBe(201);
    expect((await api(admin, 'GET', '/grids/locate?lng=113.605&lat=23.605')).body.grid.code).toBe(`${community}901`);
    expect((await api(admin, 'GET', '/grids/locate?lng=113.62&lat=23.605')).body.grid).toBeNull();
    const patched = await api(admin, 'PATCH', `/grids/${community}901`, { name: '新网格改' });
    expect(patched.body.name).toBe('新网格改');
    expect(await auditRows({ action: 'org.grid.create', objectId: `${community}901` })).toHaveLength(1);
    expect(await auditRows({ action: 'org.grid.update', objectId: `${community}901` })).toHaveLength(1);
  });
});

describe('departments', () => {
  it('validates credit codes with the reference vectors', async () => {
    const ok = await api(admin, 'POST', '/departments', {
      name: '测试单位',
      creditCode: '91350100M000100Y43',
      regionCode: '440604',
      kind: 'bureau',
    });
    expect(ok.status).toBe(201);
    expect(await auditRows({ action: 'org.department.create', objectId: ok.body.id })).toHaveLength(1);
    const bad = await api(admin, 'POST', '/departments', {
      name: '测试单位2',
      creditCode: '91350100M000100Y44',
      regionCode: '440604',
      kind: 'bureau',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'creditCode' });
    const dup = await api(admin, 'POST', '/departments', {
      name: '测试单位3',
      creditCode: '91350100M000100Y43',
      regionCode: '440604',
      kind: 'bureau',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.field).toBe('creditCode');
    const noRegion = await api(admin, 'POST', '/departments', {
      name: '测试单位4',
      creditCode: '91110000600037341L',
      regionCode: '449999',
      kind: 'bureau',
    });
    expect(noRegion.status).toBe(400);
    expect(noRegion.body.field).toBe('regionCode');
  });

  it('lists the seeded municipal departments', async () => {
    const r = await api(admin, 'GET', '/departments?regionCode=440600');
    expect(r.body.items.length).toBeGreaterThanOrEqual(20);
    expect(r.body.items[0]).toHaveProperty('creditCode');
  });
});

describe('district admin scope', () => {
  it('cannot create or patch a department or grid in another district', async () => {
    const before = await rt.platform.db.selectFrom('departments').select('id').execute();
    const create = await api(district, 'POST', '/departments', {
      name: '南海越权单位',
      creditCode: demoCreditCode('440605', 99),
      regionCode: '440605',
      kind: 'bureau',
    });
    expect(create.status).toBe(403);
    expect(await rt.platform.db.selectFrom('departments').select('id').execute()).toHaveLength(before.length);

    const nanhaiDep = await api(admin, 'POST', '/departments', {
      name: '南海区测试局',
      creditCode: demoCreditCode('440605', 1),
      regionCode: '440605',
      kind: 'bureau',
    });
    const patch = await api(district, 'PATCH', `/departments/${nanhaiDep.body.id}`, { name: '被改名' });
    expect(patch.status).toBe(403);
    const still = await rt.platform.db
      .selectFrom('departments')
      .select('name')
      .where('id', '=', nanhaiDep.body.id)
      .executeTakeFirst();
    expect(still?.name).toBe('南海区测试局');

    const nanhaiGrids = await api(admin, 'GET', '/grids?divisionCode=440605');
    const g = nanhaiGrids.body.items[0];
    const gridPatch = await api(district, 'PATCH', `/grids/${g.code}`, { name: '被改名' });
    expect(gridPatch.status).toBe(403);
    const gridCreate = await api(district, 'POST', '/grids', {
      code: `${g.divisionCode}902`,
      name: '越权网格',
      polygon: square(113.7, 23.7),
    });
    expect(gridCreate.status).toBe(403);
    expect(
      (await rt.platform.db.selectFrom('grids').select('name').where('code', '=', g.code).executeTakeFirst())?.name,
    ).toBe(g.name);
    expect(
      await rt.platform.db.selectFrom('grids').select('code').where('code', '=', `${g.divisionCode}902`).execute(),
    ).toHaveLength(0);

    const denied = await auditRows({ outcome: 'denied' });
    expect(denied.length).toBeGreaterThanOrEqual(4);
    expect(denied.some((r: any) => r.action === 'denied:org.department.manage' && r.object_id === '440605')).toBe(true);
    expect(denied.some((r: any) => r.action === 'denied:org.grid.manage')).toBe(true);
  });

  it('can work inside its own district and sees only it', async () => {
    const own = await api(district, 'POST', '/departments', {
      name: '禅城区测试局',
      creditCode: demoCreditCode('440604', 7),
      regionCode: '440604',
      kind: 'bureau',
    });
    expect(own.status).toBe(201);
    const deps = await api(district, 'GET', '/departments');
    expect(deps.body.items.length).toBeGreaterThan(0);
    expect(deps.body.items.every((d: any) => d.regionCode.startsWith('440604'))).toBe(true);
    const grids = await api(district, 'GET', '/grids?pageSize=500');
    expect(grids.body.items.every((g: any) => g.code.startsWith('440604'))).toBe(true);
    const districts = await api(district, 'GET', '/divisions?parent=440600');
    expect(districts.body.items.map((d: any) => d.code)).toEqual(['440604']);
  });

  it('cannot grant a role beyond its own scope', async () => {
    const roles = (await api(admin, 'GET', '/roles')).body.items;
    const platformAdmin = roles.find((r: any) => r.code === 'platform_admin');
    const staff = (await api(district, 'GET', '/staff?q=window01')).body.items[0];
    const r = await api(district, 'POST', `/staff/${staff.id}/grants`, { roleId: platformAdmin.id });
    expect(r.status).toBe(403);
  });
});

describe('staff and roles', () => {
  it('creates a staff member, grants and revokes a role', async () => {
    const deps = (await api(admin, 'GET', '/departments?q=市场监督管理局')).body.items;
    const dep = deps[0];
    const created = await api(admin, 'POST', '/staff', {
      username: 'clerk01',
      name: '王小明',
      password: 'Clerk@2026pass',
      departmentId: dep.id,
      title: '科员',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.accountId).toBeTruthy();
    const roles = (await api(admin, 'GET', '/roles')).body.items;
    expect(roles.map((r: any) => r.code)).toEqual(
      expect.arrayContaining(['platform_admin', 'district_admin', 'window_staff', 'approver']),
    );
    const approver = roles.find((r: any) => r.code === 'approver');
    const grant = await api(admin, 'POST', `/staff/${created.body.id}/grants`, {
      roleId: approver.id,
      departmentId: dep.id,
    });
    expect(grant.status).toBe(201);
    const listed = (await api(admin, 'GET', '/staff?q=clerk01')).body;
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ username: 'clerk01', departmentName: dep.name, active: true });
    expect(listed.items[0].roles).toEqual([
      {
        grantId: grant.body.grantId,
        roleId: approver.id,
        roleCode: 'approver',
        roleName: approver.name,
        regionCode: null,
        departmentId: dep.id,
      },
    ]);
    // the new staff member can sign in and read org data of their department
    const clerk = await login('clerk01', 'Clerk@2026pass');
    const seen = await api(clerk, 'GET', '/departments');
    expect(seen.body.items.map((d: any) => d.id)).toEqual([dep.id]);
    expect((await api(clerk, 'POST', '/divisions', { code: '440604201000', name: 'x' })).status).toBe(403);

    const patched = await api(admin, 'PATCH', `/staff/${created.body.id}`, { title: '副科长' });
    expect(patched.body.title).toBe('副科长');
    expect((await api(admin, 'DELETE', `/staff/${created.body.id}/grants/${grant.body.grantId}`)).status).toBe(204);
    for (const action of ['org.staff.create', 'org.staff.grant', 'org.staff.update', 'org.staff.revoke'])
      expect(await auditRows({ action, objectId: created.body.id })).toHaveLength(1);
  });

  it('creates roles and rejects unknown permissions', async () => {
    const bad = await api(admin, 'POST', '/roles', {
      code: 'bad_role',
      name: '坏角色',
      permissions: ['org.read', 'nope.x'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('permissions');
    const ok = await api(admin, 'POST', '/roles', {
      code: 'grid_worker',
      name: '网格员',
      nameEn: 'Grid worker',
      permissions: ['org.read'],
    });
    expect(ok.status).toBe(201);
    const patched = await api(admin, 'PATCH', `/roles/${ok.body.id}`, { permissions: ['org.read', 'org.grid.manage'] });
    expect(patched.body.permissions).toEqual(['org.read', 'org.grid.manage']);
    expect(await auditRows({ action: 'org.role.create', objectId: ok.body.id })).toHaveLength(1);
    expect(await auditRows({ action: 'org.role.update', objectId: ok.body.id })).toHaveLength(1);
  });

  it('refuses anonymous callers', async () => {
    const r = await rt.app.inject({ method: 'GET', url: '/api/v1/org/divisions' });
    expect(r.statusCode).toBe(401);
  });
});

describe('import', () => {
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

  it('imports divisions from CSV', async () => {
    const csv = 'code,name\n440604210000,导入镇\n440604210001,导入社区\n';
    const r = await api(admin, 'POST', '/import/divisions', { filename: 'd.csv', contentBase64: b64(csv) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ imported: 2 });
    const d = await api(admin, 'GET', '/divisions/440604210001');
    expect(d.body).toMatchObject({ name: '导入社区', level: 'village', parentCode: '440604210000' });
  });

  it('imports departments from XLSX', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('departments');
    ws.addRow(['name', 'shortName', 'creditCode', 'regionCode', 'kind']);
    ws.addRow(['佛山市禅城区导入局一', '导入一', demoCreditCode('440604', 501), '440604', 'bureau']);
    ws.addRow(['佛山市禅城区导入局二', '导入二', demoCreditCode('440604', 502), '440604', 'bureau']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await api(admin, 'POST', '/import/departments', { filename: 'deps.xlsx', contentBase64: b64(buf) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ imported: 2 });
    const listed = await api(admin, 'GET', '/departments?q=导入局');
    expect(listed.body.items).toHaveLength(2);
  });

  it('stores nothing when one row is bad', async () => {
    const csv = `name,shortName,creditCode,regionCode,kind\n好单位,好,${demoCreditCode('440604', 601)},440604,bureau\n坏单位,坏,91350100M000100Y44,440604,bureau\n`;
    const r = await api(admin, 'POST', '/import/departments', { filename: 'deps.csv', contentBase64: b64(csv) });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'IMPORT_INVALID', field: 'file' });
    expect(r.body.rows).toEqual([{ row: 3, field: 'creditCode', code: 'INVALID_CREDIT_CODE' }]);
    expect((await api(admin, 'GET', '/departments?q=好单位')).body.items).toHaveLength(0);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('d');
    ws.addRow(['code', 'name']);
    ws.addRow(['440604220000', '好镇']);
    ws.addRow(['440604220', '坏码']);
    const bad = await api(admin, 'POST', '/import/divisions', {
      filename: 'd.xlsx',
      contentBase64: b64(Buffer.from(await wb.xlsx.writeBuffer())),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.rows).toEqual([{ row: 3, field: 'code', code: 'INVALID_DIVISION_CODE' }]);
    expect((await api(admin, 'GET', '/divisions/440604220000')).status).toBe(404);
  });
});
