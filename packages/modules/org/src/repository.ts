/** SQL of the org module (Kysely only; no rules here). */
import type { Db, Tx } from '@yiwang/platform';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';

type Q = Db | Tx;

export interface Division {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}
export interface Grid {
  code: string;
  name: string;
  divisionCode: string;
  polygon: GeoPolygon;
  workerStaffId: string | null;
}
export interface GeoPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}
export interface Department {
  id: string;
  name: string;
  shortName: string | null;
  creditCode: string;
  regionCode: string;
  parentId: string | null;
  kind: string;
}
export interface StaffRow {
  id: string;
  accountId: string;
  username: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  regionCode: string;
  title: string | null;
  active: boolean;
}
export interface StaffGrant {
  grantId: string;
  roleId: string;
  roleCode: string;
  roleName: string;
  regionCode: string | null;
  departmentId: string | null;
}
export interface Role {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  permissions: string[];
  isAdmin: boolean;
}

/** A listing filter: null = unrestricted; else OR over the scopes (each an AND of prefix and department). */
export type ScopeFilter = { prefix: string | null; departmentId: string | null }[] | null;

const like = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const toDivision = (r: any): Division => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent_code });
const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const toGrid = (r: any): Grid => ({
  code: r.code,
  name: r.name,
  divisionCode: r.division_code,
  polygon: parseJson(r.polygon),
  workerStaffId: r.worker_staff_id,
});
const toDepartment = (r: any): Department => ({
  id: r.id,
  name: r.name,
  shortName: r.short_name,
  creditCode: r.credit_code,
  regionCode: r.region_code,
  parentId: r.parent_id,
  kind: r.kind,
});
const toRole = (r: any): Role => ({
  id: r.id,
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  permissions: parseJson(r.permissions) ?? [],
  isAdmin: r.is_admin,
});

// ---------- divisions ----------

export async function listDivisions(
  db: Q,
  parent: string | null,
  visible: (code: string) => boolean,
): Promise<Division[]> {
  let q = db.selectFrom('divisions').selectAll();
  q = parent ? q.where('parent_code', '=', parent) : q.where('parent_code', 'is', null);
  const rows = await q.orderBy('code').execute();
  return rows.map(toDivision).filter((d) => visible(d.code));
}

export async function getDivision(db: Q, code: string): Promise<Division | null> {
  const r = await db.selectFrom('divisions').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? toDivision(r) : null;
}

/** The division this deployment serves, or null before one is set. */
export async function siteDivision(db: Q): Promise<Division | null> {
  const r = await db
    .selectFrom('org_site')
    .innerJoin('divisions', 'divisions.code', 'org_site.division_code')
    .selectAll('divisions')
    .executeTakeFirst();
  return r ? toDivision(r) : null;
}

export async function setSiteDivision(db: Q, code: string): Promise<void> {
  await db
    .insertInto('org_site')
    .values({ id: 1, division_code: code, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('id').doUpdateSet({ division_code: code, updated_at: new Date().toISOString() }))
    .execute();
}

export async function existingDivisionCodes(db: Q, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('divisions').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r: any) => r.code));
}

export async function countDivisionChildren(db: Q, code: string): Promise<number> {
  const r: any = await db
    .selectFrom('divisions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('parent_code', '=', code)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function divisionUsage(
  db: Q,
  code: string,
): Promise<{ children: number; grids: number; departments: number }> {
  const r: any = await sql`
    select (select count(*) from divisions where parent_code = ${code}) as children,
           (select count(*) from grids where division_code = ${code}) as grids,
           (select count(*) from departments where region_code = ${code}) as departments
  `.execute(db);
  const row = r.rows[0];
  return { children: Number(row.children), grids: Number(row.grids), departments: Number(row.departments) };
}

export async function insertDivisions(db: Q, rows: Division[]): Promise<void> {
  if (rows.length === 0) return;
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('divisions')
      .values(
        rows.slice(i, i + 500).map((d) => ({ code: d.code, name: d.name, level: d.level, parent_code: d.parentCode })),
      )
      .execute();
  }
}

export async function updateDivisionName(db: Q, code: string, name: string): Promise<void> {
  await db.updateTable('divisions').set({ name }).where('code', '=', code).execute();
}

export async function deleteDivision(db: Q, code: string): Promise<void> {
  await db.deleteFrom('divisions').where('code', '=', code).execute();
}

export async function countDivisions(db: Q): Promise<number> {
  const r: any = await db
    .selectFrom('divisions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

// ---------- grids ----------

function prefixScope(column: string, scopes: ScopeFilter) {
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    if (!scopes) return sql<SqlBool>`true`;
    const parts = scopes.filter((s) => s.prefix).map((s) => eb(column as any, 'like', like(s.prefix!)));
    return parts.length ? eb.or(parts) : sql<SqlBool>`false`;
  };
}

export async function listGrids(
  db: Q,
  f: { divisionPrefix?: string; q?: string; page: number; pageSize: number; scopes: ScopeFilter },
): Promise<{ items: Grid[]; total: number }> {
  let base = db.selectFrom('grids').where(prefixScope('code', f.scopes));
  if (f.divisionPrefix) base = base.where('division_code', 'like', like(f.divisionPrefix));
  if (f.q) base = base.where((eb) => eb.or([eb('name', 'like', `%${f.q}%`), eb('code', 'like', `${f.q}%`)]));
  const c: any = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const rows = await base
    .selectAll()
    .orderBy('code')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { items: rows.map(toGrid), total: Number(c?.n ?? 0) };
}

export async function getGrid(db: Q, code: string): Promise<Grid | null> {
  const r = await db.selectFrom('grids').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? toGrid(r) : null;
}

function bboxOf(p: GeoPolygon) {
  let minLng = Infinity;
  let minLat = Infinity;
  let maxLng = -Infinity;
  let maxLat = -Infinity;
  for (const ring of p.coordinates)
    for (const [lng, lat] of ring) {
      minLng = Math.min(minLng, lng);
      maxLng = Math.max(maxLng, lng);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
  return { min_lng: minLng, min_lat: minLat, max_lng: maxLng, max_lat: maxLat };
}

export async function insertGrids(db: Q, grids: Grid[]): Promise<void> {
  for (let i = 0; i < grids.length; i += 500) {
    await db
      .insertInto('grids')
      .values(
        grids.slice(i, i + 500).map((g) => ({
          code: g.code,
          name: g.name,
          division_code: g.divisionCode,
          polygon: JSON.stringify(g.polygon),
          ...bboxOf(g.polygon),
          worker_staff_id: g.workerStaffId,
        })),
      )
      .execute();
  }
}

export async function updateGrid(
  db: Q,
  code: string,
  patch: { name?: string; polygon?: GeoPolygon; workerStaffId?: string | null },
): Promise<void> {
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.polygon !== undefined)
    Object.assign(set, { polygon: JSON.stringify(patch.polygon), ...bboxOf(patch.polygon) });
  if (patch.workerStaffId !== undefined) set.worker_staff_id = patch.workerStaffId;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('grids').set(set).where('code', '=', code).execute();
}

export async function deleteGrid(db: Q, code: string): Promise<void> {
  await db.deleteFrom('grids').where('code', '=', code).execute();
}

/** Grids whose bounding box contains the point (index-backed prefilter). */
export async function gridsByPoint(db: Q, lng: number, lat: number): Promise<Grid[]> {
  const rows = await db
    .selectFrom('grids')
    .selectAll()
    .where('min_lng', '<=', lng)
    .where('max_lng', '>=', lng)
    .where('min_lat', '<=', lat)
    .where('max_lat', '>=', lat)
    .orderBy('code')
    .execute();
  return rows.map(toGrid);
}

// ---------- departments ----------

function departmentScope(scopes: ScopeFilter, regionCol: string, deptCol: string) {
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    if (!scopes) return sql<SqlBool>`true`;
    if (scopes.length === 0) return sql<SqlBool>`false`;
    return eb.or(
      scopes.map((s) => {
        const parts: Expression<SqlBool>[] = [];
        if (s.prefix) parts.push(eb(regionCol as any, 'like', like(s.prefix)));
        if (s.departmentId) parts.push(eb(deptCol as any, '=', s.departmentId));
        return parts.length ? eb.and(parts) : sql<SqlBool>`true`;
      }),
    );
  };
}

export async function listDepartments(
  db: Q,
  f: { regionPrefix?: string; q?: string; scopes: ScopeFilter },
): Promise<Department[]> {
  let q = db
    .selectFrom('departments')
    .selectAll()
    .where(departmentScope(f.scopes, 'region_code', 'id'));
  if (f.regionPrefix) q = q.where('region_code', 'like', like(f.regionPrefix));
  if (f.q)
    q = q.where((eb) =>
      eb.or([
        eb('name', 'like', `%${f.q}%`),
        eb('short_name', 'like', `%${f.q}%`),
        eb('credit_code', '=', f.q!.toUpperCase()),
      ]),
    );
  const rows = await q.orderBy('region_code').orderBy('name').execute();
  return rows.map(toDepartment);
}

export async function getDepartment(db: Q, id: string): Promise<Department | null> {
  const r = await db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toDepartment(r) : null;
}

export async function departmentByCreditCode(db: Q, creditCode: string): Promise<Department | null> {
  const r = await db.selectFrom('departments').selectAll().where('credit_code', '=', creditCode).executeTakeFirst();
  return r ? toDepartment(r) : null;
}

export async function existingCreditCodes(db: Q, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('departments').select('credit_code').where('credit_code', 'in', codes).execute();
  return new Set(rows.map((r: any) => r.credit_code));
}

export async function insertDepartments(db: Q, deps: Department[]): Promise<void> {
  for (let i = 0; i < deps.length; i += 500) {
    await db
      .insertInto('departments')
      .values(
        deps.slice(i, i + 500).map((d) => ({
          id: d.id,
          name: d.name,
          short_name: d.shortName,
          credit_code: d.creditCode,
          region_code: d.regionCode,
          parent_id: d.parentId,
          kind: d.kind,
        })),
      )
      .execute();
  }
}

export async function updateDepartment(db: Q, id: string, d: Department): Promise<void> {
  await db
    .updateTable('departments')
    .set({
      name: d.name,
      short_name: d.shortName,
      credit_code: d.creditCode,
      region_code: d.regionCode,
      parent_id: d.parentId,
      kind: d.kind,
    })
    .where('id', '=', id)
    .execute();
}

export async function departmentUsage(db: Q, id: string): Promise<{ staff: number; children: number }> {
  const r: any = await sql`
    select (select count(*) from staff where department_id = ${id}) as staff,
           (select count(*) from departments where parent_id = ${id}) as children
  `.execute(db);
  return { staff: Number(r.rows[0].staff), children: Number(r.rows[0].children) };
}

export async function deleteDepartment(db: Q, id: string): Promise<void> {
  await db.deleteFrom('staff_roles').where('department_id', '=', id).execute();
  await db.deleteFrom('departments').where('id', '=', id).execute();
}

// ---------- staff ----------

const staffSelect = (db: Q) =>
  db
    .selectFrom('staff as s')
    .leftJoin('departments as d', 'd.id', 's.department_id')
    .select([
      's.id',
      's.account_id',
      's.username',
      's.name',
      's.department_id',
      'd.name as department_name',
      's.region_code',
      's.title',
      's.active',
    ]);

const toStaff = (r: any): StaffRow => ({
  id: r.id,
  accountId: r.account_id,
  username: r.username,
  name: r.name,
  departmentId: r.department_id,
  departmentName: r.department_name,
  regionCode: r.region_code,
  title: r.title,
  active: r.active,
});

export async function listStaff(
  db: Q,
  f: { departmentId?: string; regionPrefix?: string; q?: string; page: number; pageSize: number; scopes: ScopeFilter },
): Promise<{ items: StaffRow[]; total: number }> {
  let base = db
    .selectFrom('staff as s')
    .leftJoin('departments as d', 'd.id', 's.department_id')
    .where(departmentScope(f.scopes, 's.region_code', 's.department_id'));
  if (f.departmentId) base = base.where('s.department_id', '=', f.departmentId);
  if (f.regionPrefix) base = base.where('s.region_code', 'like', like(f.regionPrefix));
  if (f.q) base = base.where((eb) => eb.or([eb('s.name', 'like', `%${f.q}%`), eb('s.username', 'like', `%${f.q}%`)]));
  const c: any = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const rows = await base
    .select([
      's.id',
      's.account_id',
      's.username',
      's.name',
      's.department_id',
      'd.name as department_name',
      's.region_code',
      's.title',
      's.active',
    ])
    .orderBy('s.username')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { items: rows.map(toStaff), total: Number(c?.n ?? 0) };
}

export async function getStaff(db: Q, id: string): Promise<StaffRow | null> {
  const r = await staffSelect(db).where('s.id', '=', id).executeTakeFirst();
  return r ? toStaff(r) : null;
}

export async function staffByAccount(db: Q, accountId: string): Promise<StaffRow | null> {
  const r = await staffSelect(db).where('s.account_id', '=', accountId).executeTakeFirst();
  return r ? toStaff(r) : null;
}

export async function insertStaff(
  db: Q,
  s: {
    id: string;
    accountId: string;
    username: string;
    name: string;
    departmentId: string;
    regionCode: string;
    title: string | null;
  },
): Promise<void> {
  await db
    .insertInto('staff')
    .values({
      id: s.id,
      account_id: s.accountId,
      username: s.username,
      name: s.name,
      department_id: s.departmentId,
      region_code: s.regionCode,
      title: s.title,
      active: true,
    })
    .execute();
}

export async function updateStaff(
  db: Q,
  id: string,
  patch: { name?: string; title?: string | null; active?: boolean; departmentId?: string },
): Promise<void> {
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.active !== undefined) set.active = patch.active;
  if (patch.departmentId !== undefined) set.department_id = patch.departmentId;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('staff').set(set).where('id', '=', id).execute();
}

export async function grantsOfStaff(db: Q, staffIds: string[]): Promise<Map<string, StaffGrant[]>> {
  const out = new Map<string, StaffGrant[]>();
  if (staffIds.length === 0) return out;
  const rows = await db
    .selectFrom('staff_roles as sr')
    .innerJoin('roles as r', 'r.id', 'sr.role_id')
    .select(['sr.id', 'sr.staff_id', 'sr.role_id', 'r.code', 'r.name', 'sr.region_code', 'sr.department_id'])
    .where('sr.staff_id', 'in', staffIds)
    .orderBy('sr.created_at')
    .execute();
  for (const r of rows as any[]) {
    const list = out.get(r.staff_id) ?? [];
    list.push({
      grantId: r.id,
      roleId: r.role_id,
      roleCode: r.code,
      roleName: r.name,
      regionCode: r.region_code,
      departmentId: r.department_id,
    });
    out.set(r.staff_id, list);
  }
  return out;
}

export async function insertStaffRole(
  db: Q,
  g: { id: string; staffId: string; roleId: string; regionCode: string | null; departmentId: string | null },
): Promise<void> {
  await db
    .insertInto('staff_roles')
    .values({
      id: g.id,
      staff_id: g.staffId,
      role_id: g.roleId,
      region_code: g.regionCode,
      department_id: g.departmentId,
    })
    .execute();
}

export async function getStaffRole(db: Q, id: string): Promise<{ id: string; staffId: string; roleId: string } | null> {
  const r: any = await db.selectFrom('staff_roles').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { id: r.id, staffId: r.staff_id, roleId: r.role_id } : null;
}

export async function deleteStaffRole(db: Q, id: string): Promise<void> {
  await db.deleteFrom('staff_roles').where('id', '=', id).execute();
}

/** Role grants of an active staff member's account. */
export async function roleGrantsOfAccount(
  db: Q,
  accountId: string,
): Promise<{
  departmentId: string;
  departmentName: string | null;
  grants: { permissions: string[]; isAdmin: boolean; regionCode: string | null; departmentId: string | null }[];
} | null> {
  const s: any = await db
    .selectFrom('staff')
    .leftJoin('departments as d', 'd.id', 'staff.department_id')
    .select(['staff.id', 'staff.department_id', 'staff.active', 'd.name as department_name'])
    .where('staff.account_id', '=', accountId)
    .executeTakeFirst();
  if (!s?.active) return null;
  const rows = await db
    .selectFrom('staff_roles as sr')
    .innerJoin('roles as r', 'r.id', 'sr.role_id')
    .select(['r.permissions', 'r.is_admin', 'sr.region_code', 'sr.department_id'])
    .where('sr.staff_id', '=', s.id)
    .execute();
  return {
    departmentId: s.department_id,
    departmentName: s.department_name ?? null,
    grants: (rows as any[]).map((r) => ({
      permissions: parseJson(r.permissions) ?? [],
      isAdmin: r.is_admin,
      regionCode: r.region_code,
      departmentId: r.department_id,
    })),
  };
}

// ---------- roles ----------

export async function listRoles(db: Q): Promise<Role[]> {
  const rows = await db.selectFrom('roles').selectAll().orderBy('created_at').orderBy('code').execute();
  return rows.map(toRole);
}

export async function getRole(db: Q, id: string): Promise<Role | null> {
  const r = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRole(r) : null;
}

export async function roleByCode(db: Q, code: string): Promise<Role | null> {
  const r = await db.selectFrom('roles').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? toRole(r) : null;
}

export async function insertRole(db: Q, r: Role): Promise<void> {
  await db
    .insertInto('roles')
    .values({
      id: r.id,
      code: r.code,
      name: r.name,
      name_en: r.nameEn,
      permissions: JSON.stringify(r.permissions),
      is_admin: r.isAdmin,
    })
    .execute();
}

export async function updateRole(db: Q, r: Role): Promise<void> {
  await db
    .updateTable('roles')
    .set({ name: r.name, name_en: r.nameEn, permissions: JSON.stringify(r.permissions), is_admin: r.isAdmin })
    .where('id', '=', r.id)
    .execute();
}

/** Codes of the roles a staff account holds (any scope). */
export async function roleCodesOfAccount(db: Q, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('staff as s')
    .innerJoin('staff_roles as sr', 'sr.staff_id', 's.id')
    .innerJoin('roles as r', 'r.id', 'sr.role_id')
    .select('r.code')
    .where('s.account_id', '=', accountId)
    .where('s.active', '=', true)
    .execute();
  return [...new Set((rows as any[]).map((r) => r.code as string))];
}
