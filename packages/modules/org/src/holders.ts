/** Who holds a permission over a target: recipients of supervision notices (evaluation, deadlines). */
import { can, type Db, type Grant, type Target, type Tx } from '@yiwang/platform';

/**
 * Accounts of active staff whose role grants cover `permission` on `target` (same rule as
 * `authorize`: region subtree and/or department). The wildcard `*` of administrator roles counts
 * only when `includeWildcard` is set, so supervision notices do not flood platform administrators.
 */
export async function accountsHolding(
  db: Db | Tx,
  permission: string,
  target: Target,
  opts: { includeWildcard?: boolean; limit?: number } = {},
): Promise<string[]> {
  const rows = (await db
    .selectFrom('staff as s')
    .innerJoin('staff_roles as sr', 'sr.staff_id', 's.id')
    .innerJoin('roles as r', 'r.id', 'sr.role_id')
    .select(['s.account_id', 'r.permissions', 'sr.region_code', 'sr.department_id'])
    .where('s.active', '=', true)
    .orderBy('s.username')
    .execute()) as any[];
  const out: string[] = [];
  for (const r of rows) {
    const perms: string[] = typeof r.permissions === 'string' ? JSON.parse(r.permissions) : (r.permissions ?? []);
    const relevant = perms.filter((p) => p === permission || (opts.includeWildcard && p === '*'));
    const grants: Grant[] = relevant.map((p) => ({
      permission: p,
      regionCode: r.region_code,
      departmentId: r.department_id,
    }));
    const caller = { grants } as Parameters<typeof can>[0];
    if (grants.length && can(caller, permission, target) && !out.includes(r.account_id)) out.push(r.account_id);
    if (opts.limit && out.length >= opts.limit) break;
  }
  return out;
}
