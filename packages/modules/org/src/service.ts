/** Rules of the org module: validation, permission checks, transactions and audit. */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import { createStaffAccount } from '@yiwang/identity';
import {
  authorize,
  badRequest,
  type Ctx,
  can,
  conflict,
  type Db,
  forbidden,
  notFound,
  type Platform,
  requireSignedIn,
  type Target,
  writeAudit,
} from '@yiwang/platform';
import {
  checkCreditCode,
  checkGridCode,
  type DivisionLevel,
  divisionLevel,
  divisionParent,
  divisionPrefix,
} from '@yiwang/shared';
import { pinyin } from 'pinyin-pro';
import { isKnownPermission } from './permissions.ts';
import { normalizePolygon, validPolygon } from './polygon.ts';
import type { Department, Division, GeoPolygon, Grid, Role, ScopeFilter } from './repository.ts';
import * as repo from './repository.ts';
import { ImportInvalid, type RowProblem, readSheet } from './sheet.ts';

const newId = () => crypto.randomUUID();

// ---------- scopes ----------

/** Read scopes under /org: any org.* grant (or '*'); null = unrestricted. */
function readScopes(ctx: Ctx): NonNullable<ScopeFilter> | null {
  requireSignedIn(ctx);
  const gs = ctx.caller.grants.filter((g) => g.permission === '*' || g.permission.startsWith('org.'));
  if (gs.length === 0) authorize(ctx, 'org.read');
  if (gs.some((g) => !g.regionCode && !g.departmentId)) return null;
  return gs.map((g) => ({ prefix: g.regionCode ? divisionPrefix(g.regionCode) : null, departmentId: g.departmentId }));
}

/** Geography (divisions, grids) is limited by region only; a department-only grant sees all of it. */
function geoScopes(ctx: Ctx): string[] | null {
  const s = readScopes(ctx);
  if (!s || s.some((x) => !x.prefix)) return null;
  return s.map((x) => x.prefix!);
}

function divisionVisible(prefixes: string[] | null, code: string): boolean {
  if (!prefixes) return true;
  const own = divisionPrefix(code);
  // inside a scope, or an ancestor of one (so the tree can be walked down to it)
  return prefixes.some((p) => code.startsWith(p) || p.startsWith(own));
}

function deny(permission: string, target: Target) {
  const e = forbidden();
  (e as any).auditAction = `denied:${permission}`;
  (e as any).auditObject = target.regionCode ?? target.departmentId ?? null;
  return e;
}

const LEVEL_ORDER: Record<DivisionLevel, number> = { province: 0, prefecture: 1, county: 2, township: 3, village: 4 };

// ---------- divisions ----------

export async function listDivisions(p: Platform, ctx: Ctx, parent: string | undefined) {
  const prefixes = geoScopes(ctx);
  const items = await repo.listDivisions(p.db, parent ?? null, (code) => divisionVisible(prefixes, code));
  return { items };
}

export async function getDivision(p: Platform, ctx: Ctx, code: string) {
  const prefixes = geoScopes(ctx);
  const d = await repo.getDivision(p.db, code);
  if (!d || !divisionVisible(prefixes, code)) throw notFound('Division', '行政区划');
  return { ...d, children: await repo.countDivisionChildren(p.db, code) };
}

// ---------- site ----------

export interface Site {
  /** The division this deployment serves (e.g. the demo city 佛山市), or null before one is set. */
  division: Division | null;
  /** Its name in English: the pinyin of the name without its level suffix (佛山市 → Foshan). */
  nameEn: string | null;
}

const LEVEL_SUFFIX = /(特别行政区|自治区|自治州|自治县|地区|街道|省|市|区|县|盟|旗|镇|乡)$/;

export function englishName(name: string): string {
  const base = name.replace(LEVEL_SUFFIX, '') || name;
  const word = pinyin(base, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Public: which city (or province) this platform is, for the portal's title and footer. */
export async function getSite(p: Platform): Promise<Site> {
  const division = await repo.siteDivision(p.db);
  return { division, nameEn: division ? englishName(division.name) : null };
}

/** Sets the division this deployment serves (platform administrators: org.division.manage everywhere). */
export async function setSite(p: Platform, ctx: Ctx, input: { divisionCode: string }): Promise<Site> {
  authorize(ctx, 'org.division.manage', {});
  const code = input.divisionCode.trim();
  const d = await repo.getDivision(p.db, code);
  if (!d) throw badRequest('DIVISION_NOT_FOUND', '没有这个行政区划', 'No such division', 'divisionCode');
  await p.db.transaction().execute(async (tx) => {
    await repo.setSiteDivision(tx, code);
    await writeAudit(tx, ctx, { action: 'org.site.update', objectType: 'division', objectId: code });
  });
  return { division: d, nameEn: englishName(d.name) };
}

function invalidDivisionCode() {
  return badRequest(
    'INVALID_DIVISION_CODE',
    '区划代码不正确：应为 6 位（省、市、县）或 12 位（街道乡镇、社区村）代码',
    'Invalid division code: 6 digits (province, prefecture, county) or 12 digits (township, village)',
    'code',
  );
}

export async function createDivision(p: Platform, ctx: Ctx, input: { code: string; name: string }) {
  const code = input.code.trim();
  const level = divisionLevel(code);
  if (!level) throw invalidDivisionCode();
  authorize(ctx, 'org.division.manage', { regionCode: code });
  const parentCode = divisionParent(code);
  return p.db.transaction().execute(async (tx) => {
    if (await repo.getDivision(tx, code))
      throw conflict('DIVISION_EXISTS', '区划代码已存在', 'Division code already exists', 'code');
    if (parentCode && !(await repo.getDivision(tx, parentCode)))
      throw badRequest(
        'PARENT_NOT_FOUND',
        `上级区划 ${parentCode} 不存在`,
        `Parent division ${parentCode} does not exist`,
        'code',
      );
    const d: Division = { code, name: input.name.trim(), level, parentCode };
    await repo.insertDivisions(tx, [d]);
    await writeAudit(tx, ctx, { action: 'org.division.create', objectType: 'division', objectId: code });
    return d;
  });
}

export async function renameDivision(p: Platform, ctx: Ctx, code: string, input: { name: string }) {
  const d = await repo.getDivision(p.db, code);
  if (!d) throw notFound('Division', '行政区划');
  authorize(ctx, 'org.division.manage', { regionCode: code });
  return p.db.transaction().execute(async (tx) => {
    await repo.updateDivisionName(tx, code, input.name.trim());
    await writeAudit(tx, ctx, { action: 'org.division.update', objectType: 'division', objectId: code });
    return { ...d, name: input.name.trim() };
  });
}

export async function deleteDivision(p: Platform, ctx: Ctx, code: string) {
  const d = await repo.getDivision(p.db, code);
  if (!d) throw notFound('Division', '行政区划');
  authorize(ctx, 'org.division.manage', { regionCode: code });
  await p.db.transaction().execute(async (tx) => {
    if ((await repo.siteDivision(tx))?.code === code)
      throw conflict(
        'DIVISION_IS_SITE',
        '该区划是本平台所在地区，不能删除；请先更改本平台所在地区',
        'The division is the one this platform serves; set another one first',
        'code',
      );
    const u = await repo.divisionUsage(tx, code);
    if (u.children || u.grids || u.departments)
      throw conflict(
        'DIVISION_IN_USE',
        `该区划下还有 ${u.children} 个下级区划、${u.grids} 个网格、${u.departments} 个部门，不能删除`,
        `The division still has ${u.children} children, ${u.grids} grids and ${u.departments} departments`,
        'code',
      );
    await repo.deleteDivision(tx, code);
    await writeAudit(tx, ctx, { action: 'org.division.delete', objectType: 'division', objectId: code });
  });
}

// ---------- grids ----------

function invalidPolygon() {
  return badRequest(
    'INVALID_POLYGON',
    '网格边界应为闭合的 GeoJSON 多边形（经纬度，首尾点相同）',
    'The boundary must be a closed GeoJSON Polygon (lng/lat, first position = last)',
    'polygon',
  );
}

export async function listGrids(
  p: Platform,
  ctx: Ctx,
  q: { divisionCode?: string; q?: string; page?: number; pageSize?: number },
) {
  const prefixes = geoScopes(ctx);
  return repo.listGrids(p.db, {
    divisionPrefix: q.divisionCode ? divisionPrefix(q.divisionCode) : undefined,
    q: q.q?.trim() || undefined,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 20,
    scopes: prefixes ? prefixes.map((prefix) => ({ prefix, departmentId: null })) : null,
  });
}

export async function createGrid(p: Platform, ctx: Ctx, input: { code: string; name: string; polygon: unknown }) {
  const code = input.code.trim();
  if (!checkGridCode(code))
    throw badRequest(
      'INVALID_GRID_CODE',
      '网格编码应为 15 位：12 位社区代码 + 3 位网格序号',
      'Grid code must be 15 digits: a 12-digit community code + a 3-digit number',
      'code',
    );
  if (!validPolygon(input.polygon)) throw invalidPolygon();
  const divisionCode = code.slice(0, 12);
  authorize(ctx, 'org.grid.manage', { regionCode: divisionCode });
  return p.db.transaction().execute(async (tx) => {
    const d = await repo.getDivision(tx, divisionCode);
    if (d?.level !== 'village')
      throw badRequest(
        'DIVISION_NOT_FOUND',
        `社区 ${divisionCode} 不存在`,
        `Community ${divisionCode} does not exist`,
        'code',
      );
    if (await repo.getGrid(tx, code))
      throw conflict('GRID_EXISTS', '网格编码已存在', 'Grid code already exists', 'code');
    const g: Grid = {
      code,
      name: input.name.trim(),
      divisionCode,
      polygon: normalizePolygon(input.polygon as GeoPolygon),
      workerStaffId: null,
    };
    await repo.insertGrids(tx, [g]);
    await writeAudit(tx, ctx, { action: 'org.grid.create', objectType: 'grid', objectId: code });
    return g;
  });
}

export async function updateGrid(
  p: Platform,
  ctx: Ctx,
  code: string,
  input: { name?: string; polygon?: unknown; workerStaffId?: string | null },
) {
  const g = await repo.getGrid(p.db, code);
  if (!g) throw notFound('Grid', '网格');
  authorize(ctx, 'org.grid.manage', { regionCode: g.divisionCode });
  if (input.polygon !== undefined && !validPolygon(input.polygon)) throw invalidPolygon();
  return p.db.transaction().execute(async (tx) => {
    if (input.workerStaffId && !(await repo.getStaff(tx, input.workerStaffId)))
      throw badRequest('STAFF_NOT_FOUND', '网格员不存在', 'Staff member not found', 'workerStaffId');
    const patch = {
      name: input.name?.trim(),
      polygon: input.polygon !== undefined ? normalizePolygon(input.polygon as GeoPolygon) : undefined,
      workerStaffId: input.workerStaffId,
    };
    await repo.updateGrid(tx, code, patch);
    await writeAudit(tx, ctx, {
      action: 'org.grid.update',
      objectType: 'grid',
      objectId: code,
      detail: { fields: Object.keys(input) },
    });
    return (await repo.getGrid(tx, code))!;
  });
}

export async function deleteGrid(p: Platform, ctx: Ctx, code: string) {
  const g = await repo.getGrid(p.db, code);
  if (!g) throw notFound('Grid', '网格');
  authorize(ctx, 'org.grid.manage', { regionCode: g.divisionCode });
  await p.db.transaction().execute(async (tx) => {
    await repo.deleteGrid(tx, code);
    await writeAudit(tx, ctx, { action: 'org.grid.delete', objectType: 'grid', objectId: code });
  });
}

/** The grid containing a point (bbox prefilter in SQL, then exact point-in-polygon). Public for other modules. */
export async function locateGrid(db: Db, lng: number, lat: number): Promise<Grid | null> {
  const candidates = await repo.gridsByPoint(db, lng, lat);
  const pt = point([lng, lat]);
  return candidates.find((g) => booleanPointInPolygon(pt, g.polygon as any)) ?? null;
}

export async function locate(p: Platform, ctx: Ctx, lng: number, lat: number) {
  readScopes(ctx);
  const g = await locateGrid(p.db, lng, lat);
  return { grid: g ? { code: g.code, name: g.name, divisionCode: g.divisionCode } : null };
}

// ---------- departments ----------

function creditCodeProblem() {
  return badRequest(
    'INVALID_CREDIT_CODE',
    '统一社会信用代码不正确（18 位，校验位须正确）',
    'Invalid unified social credit code (18 characters with a valid check character)',
    'creditCode',
  );
}
const creditCodeTaken = () =>
  conflict(
    'CREDIT_CODE_EXISTS',
    '该统一社会信用代码已被其他部门使用',
    'Another department has this credit code',
    'creditCode',
  );

export async function listDepartments(p: Platform, ctx: Ctx, q: { regionCode?: string; q?: string }) {
  const scopes = readScopes(ctx);
  const items = await repo.listDepartments(p.db, {
    regionPrefix: q.regionCode ? divisionPrefix(q.regionCode) : undefined,
    q: q.q?.trim() || undefined,
    scopes,
  });
  return { items };
}

interface DepartmentInput {
  name: string;
  shortName?: string | null;
  creditCode: string;
  regionCode: string;
  parentId?: string | null;
  kind: string;
}

export async function createDepartment(p: Platform, ctx: Ctx, input: DepartmentInput) {
  const creditCode = input.creditCode.trim().toUpperCase();
  if (checkCreditCode(creditCode)) throw creditCodeProblem();
  const parentId = input.parentId || null;
  authorize(ctx, 'org.department.manage', { regionCode: input.regionCode, departmentId: parentId });
  return p.db.transaction().execute(async (tx) => {
    if (!(await repo.getDivision(tx, input.regionCode)))
      throw badRequest('REGION_NOT_FOUND', '所属区划不存在', 'Region does not exist', 'regionCode');
    if (parentId && !(await repo.getDepartment(tx, parentId)))
      throw badRequest('PARENT_NOT_FOUND', '上级部门不存在', 'Parent department does not exist', 'parentId');
    if (await repo.departmentByCreditCode(tx, creditCode)) throw creditCodeTaken();
    const d: Department = {
      id: newId(),
      name: input.name.trim(),
      shortName: input.shortName?.trim() || null,
      creditCode,
      regionCode: input.regionCode,
      parentId,
      kind: input.kind,
    };
    await repo.insertDepartments(tx, [d]);
    await writeAudit(tx, ctx, { action: 'org.department.create', objectType: 'department', objectId: d.id });
    return d;
  });
}

export async function updateDepartment(p: Platform, ctx: Ctx, id: string, input: Partial<DepartmentInput>) {
  const old = await repo.getDepartment(p.db, id);
  if (!old) throw notFound('Department', '部门');
  authorize(ctx, 'org.department.manage', { regionCode: old.regionCode, departmentId: old.id });
  const next: Department = {
    ...old,
    name: input.name?.trim() ?? old.name,
    shortName: input.shortName === undefined ? old.shortName : input.shortName?.trim() || null,
    creditCode: input.creditCode?.trim().toUpperCase() ?? old.creditCode,
    regionCode: input.regionCode ?? old.regionCode,
    parentId: input.parentId === undefined ? old.parentId : input.parentId || null,
    kind: input.kind ?? old.kind,
  };
  if (next.creditCode !== old.creditCode && checkCreditCode(next.creditCode)) throw creditCodeProblem();
  if (next.regionCode !== old.regionCode)
    authorize(ctx, 'org.department.manage', { regionCode: next.regionCode, departmentId: old.id });
  if (next.parentId === id)
    throw badRequest('INVALID_PARENT', '部门不能以自己为上级', 'A department cannot be its own parent', 'parentId');
  return p.db.transaction().execute(async (tx) => {
    if (next.regionCode !== old.regionCode && !(await repo.getDivision(tx, next.regionCode)))
      throw badRequest('REGION_NOT_FOUND', '所属区划不存在', 'Region does not exist', 'regionCode');
    if (next.parentId && next.parentId !== old.parentId && !(await repo.getDepartment(tx, next.parentId)))
      throw badRequest('PARENT_NOT_FOUND', '上级部门不存在', 'Parent department does not exist', 'parentId');
    if (next.creditCode !== old.creditCode) {
      const other = await repo.departmentByCreditCode(tx, next.creditCode);
      if (other && other.id !== id) throw creditCodeTaken();
    }
    await repo.updateDepartment(tx, id, next);
    await writeAudit(tx, ctx, {
      action: 'org.department.update',
      objectType: 'department',
      objectId: id,
      detail: { fields: Object.keys(input) },
    });
    return next;
  });
}

export async function deleteDepartment(p: Platform, ctx: Ctx, id: string) {
  const d = await repo.getDepartment(p.db, id);
  if (!d) throw notFound('Department', '部门');
  authorize(ctx, 'org.department.manage', { regionCode: d.regionCode, departmentId: d.id });
  await p.db.transaction().execute(async (tx) => {
    const u = await repo.departmentUsage(tx, id);
    if (u.staff || u.children)
      throw conflict(
        'DEPARTMENT_IN_USE',
        `该部门还有 ${u.staff} 名工作人员、${u.children} 个下级部门，不能删除`,
        `The department still has ${u.staff} staff and ${u.children} sub-departments`,
        'id',
      );
    await repo.deleteDepartment(tx, id);
    await writeAudit(tx, ctx, { action: 'org.department.delete', objectType: 'department', objectId: id });
  });
}

// ---------- staff ----------

export async function listStaff(
  p: Platform,
  ctx: Ctx,
  q: { departmentId?: string; regionCode?: string; q?: string; page?: number; pageSize?: number },
) {
  const scopes = readScopes(ctx);
  const { items, total } = await repo.listStaff(p.db, {
    departmentId: q.departmentId,
    regionPrefix: q.regionCode ? divisionPrefix(q.regionCode) : undefined,
    q: q.q?.trim() || undefined,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 20,
    scopes,
  });
  const grants = await repo.grantsOfStaff(
    p.db,
    items.map((s) => s.id),
  );
  return { items: items.map((s) => ({ ...s, roles: grants.get(s.id) ?? [] })), total };
}

export async function createStaff(
  p: Platform,
  ctx: Ctx,
  input: {
    username: string;
    name: string;
    password: string;
    departmentId: string;
    regionCode?: string | null;
    title?: string | null;
    phone?: string | null;
  },
) {
  const dep = await repo.getDepartment(p.db, input.departmentId);
  if (!dep) throw badRequest('DEPARTMENT_NOT_FOUND', '部门不存在', 'Department does not exist', 'departmentId');
  const regionCode = input.regionCode || dep.regionCode;
  authorize(ctx, 'org.staff.manage', { regionCode, departmentId: dep.id });
  return p.db.transaction().execute(async (tx) => {
    if (regionCode !== dep.regionCode && !(await repo.getDivision(tx, regionCode)))
      throw badRequest('REGION_NOT_FOUND', '所属区划不存在', 'Region does not exist', 'regionCode');
    const username = input.username.trim().toLowerCase();
    const accountId = await createStaffAccount(p, tx, ctx, {
      username,
      name: input.name.trim(),
      password: input.password,
      phone: input.phone ?? null,
    });
    const id = newId();
    await repo.insertStaff(tx, {
      id,
      accountId,
      username,
      name: input.name.trim(),
      departmentId: dep.id,
      regionCode,
      title: input.title?.trim() || null,
    });
    await writeAudit(tx, ctx, { action: 'org.staff.create', objectType: 'staff', objectId: id });
    return { id, accountId };
  });
}

export async function updateStaff(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { name?: string; title?: string | null; active?: boolean; departmentId?: string },
) {
  const s = await repo.getStaff(p.db, id);
  if (!s) throw notFound('Staff member', '工作人员');
  authorize(ctx, 'org.staff.manage', { regionCode: s.regionCode, departmentId: s.departmentId });
  if (input.departmentId && input.departmentId !== s.departmentId) {
    const dep = await repo.getDepartment(p.db, input.departmentId);
    if (!dep) throw badRequest('DEPARTMENT_NOT_FOUND', '部门不存在', 'Department does not exist', 'departmentId');
    authorize(ctx, 'org.staff.manage', { regionCode: s.regionCode, departmentId: dep.id });
  }
  return p.db.transaction().execute(async (tx) => {
    await repo.updateStaff(tx, id, {
      name: input.name?.trim(),
      title: input.title === undefined ? undefined : input.title?.trim() || null,
      active: input.active,
      departmentId: input.departmentId,
    });
    await writeAudit(tx, ctx, {
      action: 'org.staff.update',
      objectType: 'staff',
      objectId: id,
      detail: { fields: Object.keys(input) },
    });
    const after = (await repo.getStaff(tx, id))!;
    const grants = await repo.grantsOfStaff(tx, [id]);
    return { ...after, roles: grants.get(id) ?? [] };
  });
}

export async function grantRole(
  p: Platform,
  ctx: Ctx,
  staffId: string,
  input: { roleId: string; regionCode?: string | null; departmentId?: string | null },
) {
  const s = await repo.getStaff(p.db, staffId);
  if (!s) throw notFound('Staff member', '工作人员');
  authorize(ctx, 'org.staff.manage', { regionCode: s.regionCode, departmentId: s.departmentId });
  const role = await repo.getRole(p.db, input.roleId);
  if (!role) throw badRequest('ROLE_NOT_FOUND', '角色不存在', 'Role does not exist', 'roleId');
  const regionCode = input.regionCode || null;
  const departmentId = input.departmentId || null;
  if (regionCode && !(await repo.getDivision(p.db, regionCode)))
    throw badRequest('REGION_NOT_FOUND', '区划不存在', 'Region does not exist', 'regionCode');
  if (departmentId && !(await repo.getDepartment(p.db, departmentId)))
    throw badRequest('DEPARTMENT_NOT_FOUND', '部门不存在', 'Department does not exist', 'departmentId');
  // No escalation: the granter must hold every permission of the role over the granted scope.
  const target = { regionCode, departmentId };
  for (const perm of role.permissions) if (!can(ctx.caller, perm, target)) throw deny(perm, target);
  return p.db.transaction().execute(async (tx) => {
    const grantId = newId();
    await repo.insertStaffRole(tx, { id: grantId, staffId, roleId: role.id, regionCode, departmentId });
    await writeAudit(tx, ctx, {
      action: 'org.staff.grant',
      objectType: 'staff',
      objectId: staffId,
      detail: { grantId, role: role.code, regionCode, departmentId },
    });
    return { grantId };
  });
}

export async function revokeRole(p: Platform, ctx: Ctx, staffId: string, grantId: string) {
  const s = await repo.getStaff(p.db, staffId);
  if (!s) throw notFound('Staff member', '工作人员');
  const g = await repo.getStaffRole(p.db, grantId);
  if (!g || g.staffId !== staffId) throw notFound('Grant', '授权');
  authorize(ctx, 'org.staff.manage', { regionCode: s.regionCode, departmentId: s.departmentId });
  await p.db.transaction().execute(async (tx) => {
    await repo.deleteStaffRole(tx, grantId);
    await writeAudit(tx, ctx, {
      action: 'org.staff.revoke',
      objectType: 'staff',
      objectId: staffId,
      detail: { grantId },
    });
  });
}

// ---------- roles ----------

export async function listRoles(p: Platform, ctx: Ctx) {
  readScopes(ctx);
  return { items: await repo.listRoles(p.db) };
}

function checkPermissions(ctx: Ctx, permissions: string[]) {
  const unknown = permissions.filter((x) => !isKnownPermission(x));
  if (unknown.length)
    throw badRequest(
      'INVALID_PERMISSION',
      `未知权限：${unknown.join(', ')}`,
      `Unknown permission(s): ${unknown.join(', ')}`,
      'permissions',
    );
  for (const perm of permissions) if (!can(ctx.caller, perm, {})) throw deny(perm, {});
}

export async function createRole(
  p: Platform,
  ctx: Ctx,
  input: { code: string; name: string; nameEn?: string | null; permissions: string[]; isAdmin?: boolean },
) {
  authorize(ctx, 'org.role.manage');
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(input.code))
    throw badRequest(
      'INVALID_ROLE_CODE',
      '角色代码只能包含小写字母、数字和下划线',
      'Role code: lowercase letters, digits and underscores',
      'code',
    );
  const permissions = [...new Set(input.permissions)];
  checkPermissions(ctx, permissions);
  return p.db.transaction().execute(async (tx) => {
    if (await repo.roleByCode(tx, input.code))
      throw conflict('ROLE_EXISTS', '角色代码已存在', 'Role code already exists', 'code');
    const r: Role = {
      id: newId(),
      code: input.code,
      name: input.name.trim(),
      nameEn: input.nameEn?.trim() || null,
      permissions,
      isAdmin: input.isAdmin ?? false,
    };
    await repo.insertRole(tx, r);
    await writeAudit(tx, ctx, {
      action: 'org.role.create',
      objectType: 'role',
      objectId: r.id,
      detail: { code: r.code, permissions },
    });
    return r;
  });
}

export async function updateRole(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: { name?: string; nameEn?: string | null; permissions?: string[]; isAdmin?: boolean },
) {
  authorize(ctx, 'org.role.manage');
  const old = await repo.getRole(p.db, id);
  if (!old) throw notFound('Role', '角色');
  const permissions = input.permissions ? [...new Set(input.permissions)] : old.permissions;
  if (input.permissions)
    checkPermissions(
      ctx,
      permissions.filter((x) => !old.permissions.includes(x)),
    );
  const next: Role = {
    ...old,
    name: input.name?.trim() ?? old.name,
    nameEn: input.nameEn === undefined ? old.nameEn : input.nameEn?.trim() || null,
    permissions,
    isAdmin: input.isAdmin ?? old.isAdmin,
  };
  return p.db.transaction().execute(async (tx) => {
    await repo.updateRole(tx, next);
    await writeAudit(tx, ctx, {
      action: 'org.role.update',
      objectType: 'role',
      objectId: id,
      detail: { code: old.code, permissions },
    });
    return next;
  });
}

// ---------- import ----------

export async function importDivisions(p: Platform, ctx: Ctx, file: { filename: string; contentBase64: string }) {
  requireSignedIn(ctx);
  if (!ctx.caller.grants.some((g) => g.permission === '*' || g.permission === 'org.division.manage'))
    authorize(ctx, 'org.division.manage');
  const rows = await readSheet(file.filename, file.contentBase64, ['code', 'name'], ['code', 'name']);
  const problems: RowProblem[] = [];
  const inFile = new Map<string, number>();
  const existing = await repo.existingDivisionCodes(p.db, [
    ...new Set(rows.flatMap((r) => [r.values.code, divisionParent(r.values.code) ?? ''].filter(Boolean))),
  ]);
  const good: Division[] = [];
  for (const r of rows) {
    const { code, name } = r.values;
    const level = divisionLevel(code);
    if (!level) {
      problems.push({ row: r.row, field: 'code', code: 'INVALID_DIVISION_CODE' });
      continue;
    }
    if (!name) problems.push({ row: r.row, field: 'name', code: 'REQUIRED' });
    if (!can(ctx.caller, 'org.division.manage', { regionCode: code }))
      problems.push({ row: r.row, field: 'code', code: 'FORBIDDEN' });
    if (inFile.has(code)) problems.push({ row: r.row, field: 'code', code: 'DUPLICATE' });
    else if (existing.has(code)) problems.push({ row: r.row, field: 'code', code: 'DIVISION_EXISTS' });
    inFile.set(code, r.row);
    good.push({ code, name, level, parentCode: divisionParent(code) });
  }
  for (const d of good) {
    if (d.parentCode && !existing.has(d.parentCode) && !inFile.has(d.parentCode))
      problems.push({ row: inFile.get(d.code)!, field: 'code', code: 'PARENT_NOT_FOUND' });
  }
  if (rows.length === 0) throw badRequest('EMPTY_FILE', '文件没有数据行', 'The file has no data rows', 'file');
  if (problems.length) throw new ImportInvalid(problems.sort((a, b) => a.row - b.row));
  good.sort(
    (a, b) =>
      LEVEL_ORDER[a.level as DivisionLevel] - LEVEL_ORDER[b.level as DivisionLevel] || a.code.localeCompare(b.code),
  );
  await p.db.transaction().execute(async (tx) => {
    await repo.insertDivisions(tx, good);
    await writeAudit(tx, ctx, {
      action: 'org.division.import',
      objectType: 'division',
      objectId: null,
      detail: { filename: file.filename, count: good.length, codes: good.slice(0, 100).map((d) => d.code) },
    });
  });
  return { imported: good.length };
}

const DEPARTMENT_COLUMNS = ['name', 'shortName', 'creditCode', 'regionCode', 'kind'] as const;

export async function importDepartments(p: Platform, ctx: Ctx, file: { filename: string; contentBase64: string }) {
  requireSignedIn(ctx);
  if (!ctx.caller.grants.some((g) => g.permission === '*' || g.permission === 'org.department.manage'))
    authorize(ctx, 'org.department.manage');
  const rows = await readSheet(file.filename, file.contentBase64, DEPARTMENT_COLUMNS, [
    'name',
    'creditCode',
    'regionCode',
  ]);
  const problems: RowProblem[] = [];
  const codes = rows.map((r) => r.values.creditCode.toUpperCase());
  const taken = await repo.existingCreditCodes(p.db, [...new Set(codes.filter(Boolean))]);
  const regions = await repo.existingDivisionCodes(p.db, [
    ...new Set(rows.map((r) => r.values.regionCode).filter(Boolean)),
  ]);
  const seen = new Set<string>();
  const good: Department[] = [];
  for (const r of rows) {
    const v = r.values;
    const creditCode = v.creditCode.toUpperCase();
    if (!v.name) problems.push({ row: r.row, field: 'name', code: 'REQUIRED' });
    if (!creditCode || checkCreditCode(creditCode))
      problems.push({ row: r.row, field: 'creditCode', code: 'INVALID_CREDIT_CODE' });
    else if (seen.has(creditCode)) problems.push({ row: r.row, field: 'creditCode', code: 'DUPLICATE' });
    else if (taken.has(creditCode)) problems.push({ row: r.row, field: 'creditCode', code: 'CREDIT_CODE_EXISTS' });
    seen.add(creditCode);
    if (!regions.has(v.regionCode)) problems.push({ row: r.row, field: 'regionCode', code: 'REGION_NOT_FOUND' });
    else if (!can(ctx.caller, 'org.department.manage', { regionCode: v.regionCode }))
      problems.push({ row: r.row, field: 'regionCode', code: 'FORBIDDEN' });
    good.push({
      id: newId(),
      name: v.name,
      shortName: v.shortName || null,
      creditCode,
      regionCode: v.regionCode,
      parentId: null,
      kind: v.kind || 'bureau',
    });
  }
  if (rows.length === 0) throw badRequest('EMPTY_FILE', '文件没有数据行', 'The file has no data rows', 'file');
  if (problems.length) throw new ImportInvalid(problems);
  await p.db.transaction().execute(async (tx) => {
    await repo.insertDepartments(tx, good);
    await writeAudit(tx, ctx, {
      action: 'org.department.import',
      objectType: 'department',
      objectId: null,
      detail: { filename: file.filename, count: good.length, ids: good.slice(0, 100).map((d) => d.id) },
    });
  });
  return { imported: good.length };
}
