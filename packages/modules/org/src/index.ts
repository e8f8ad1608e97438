/** Public surface of the org module (divisions, grids, departments, staff, roles). */
import type { Db, Grant, YiwangModule } from '@yiwang/platform';
import { orgMigrations } from './migrations.ts';
import { roleGrantsOfAccount } from './repository.ts';
import { routes } from './routes.ts';
import { seed } from './seed.ts';

/** Read by the cases module (supervision notices of the evaluation loop). */
export { accountsHolding } from './holders.ts';
export { orgMigrations } from './migrations.ts';
export { isKnownPermission, PERMISSIONS } from './permissions.ts';
export type { Department, Division, GeoPolygon, Grid, Role, StaffGrant, StaffRow } from './repository.ts';
/** Read by the catalog module (implementing departments, countersign departments, step roles). */
export {
  getDepartment,
  getDivision,
  getStaff,
  listDepartments,
  listRoles,
  roleByCode,
  roleCodesOfAccount,
  staffByAccount,
} from './repository.ts';
export { DEMO_ADMIN_TOTP, DEMO_CHANCHENG_TOTP, DEMO_PASSWORD } from './seed.ts';
/** Used by other modules' demo seeds to create their roles and staff the way an administrator would. */
export { createRole, createStaff, grantRole, locateGrid } from './service.ts';

export const orgModule: YiwangModule = { name: 'org', migrations: orgMigrations, routes, seed };

/**
 * The grants of a staff account (one per permission of each held role, with the role
 * assignment's scope), the staff member's department, and whether any held role is an
 * administrator role (which requires a second factor at sign-in). An unknown or inactive
 * staff account gets no grants.
 */
export async function loadGrants(
  db: Db,
  accountId: string,
): Promise<{ grants: Grant[]; departmentId: string | null; departmentName: string | null; requiresMfa: boolean }> {
  const r = await roleGrantsOfAccount(db, accountId);
  if (!r) return { grants: [], departmentId: null, departmentName: null, requiresMfa: false };
  const grants: Grant[] = [];
  const seen = new Set<string>();
  for (const g of r.grants)
    for (const permission of g.permissions) {
      const key = `${permission}|${g.regionCode ?? ''}|${g.departmentId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      grants.push({ permission, regionCode: g.regionCode, departmentId: g.departmentId });
    }
  return {
    grants,
    departmentId: r.departmentId,
    departmentName: r.departmentName,
    requiresMfa: r.grants.some((g) => g.isAdmin),
  };
}
