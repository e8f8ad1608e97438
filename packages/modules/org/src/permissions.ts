/** Every permission the platform knows so far ('*' is the platform administrator's). */
export const PERMISSIONS: readonly string[] = Object.freeze([
  'org.read',
  'org.division.manage',
  'org.grid.manage',
  'org.department.manage',
  'org.staff.manage',
  'org.role.manage',
  'identity.client.manage',
  'audit.read',
  'catalog.manage',
  'calendar.manage',
  'cases.handle',
  'cases.read',
  'cases.unmask',
  'evaluation.manage',
  'notifications.outbox',
  'licences.manage',
  'licences.issue',
  'licences.read',
  'data.manage',
  'data.request',
  'data.approve',
  'data.audit',
]);

export const ALL_PERMISSIONS = '*';

export function isKnownPermission(p: string): boolean {
  return p === ALL_PERMISSIONS || PERMISSIONS.includes(p);
}
