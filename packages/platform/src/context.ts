import { isInDivisionSubtree } from '@yiwang/shared';
import { forbidden, unauthorized } from './errors.ts';

/** A permission granted through a role, limited to a region subtree and/or one department. */
export interface Grant {
  permission: string;
  regionCode: string | null;
  departmentId: string | null;
}

export type AccountType = 'person' | 'enterprise' | 'staff';

export interface Caller {
  accountId: string | null;
  accountType: AccountType | null;
  name: string | null;
  /** Department of a staff member. */
  departmentId: string | null;
  grants: Grant[];
  sessionId: string | null;
  /** Signed in with a second factor. */
  mfa: boolean;
}

/** What a service gets first: who is calling, and the request that carries it. */
export interface Ctx {
  caller: Caller;
  requestId: string;
  ip: string;
}

export const anonymous: Caller = {
  accountId: null,
  accountType: null,
  name: null,
  departmentId: null,
  grants: [],
  sessionId: null,
  mfa: false,
};

export function systemCtx(requestId = 'system'): Ctx {
  return {
    caller: {
      ...anonymous,
      accountId: 'system',
      name: 'system',
      grants: [{ permission: '*', regionCode: null, departmentId: null }],
    },
    requestId,
    ip: '127.0.0.1',
  };
}

export interface Target {
  regionCode?: string | null;
  departmentId?: string | null;
}

function grantCovers(g: Grant, permission: string, target: Target): boolean {
  if (g.permission !== permission && g.permission !== '*') return false;
  if (g.regionCode) {
    if (!target.regionCode || !isInDivisionSubtree(g.regionCode, target.regionCode)) return false;
  }
  if (g.departmentId) {
    if (!target.departmentId || target.departmentId !== g.departmentId) return false;
  }
  return true;
}

export function can(caller: Caller, permission: string, target: Target = {}): boolean {
  return caller.grants.some((g) => grantCovers(g, permission, target));
}

/** Grants of `permission` for listing: null means unrestricted, else the scopes to filter by. */
export function scopesOf(caller: Caller, permission: string): Grant[] | null {
  const gs = caller.grants.filter((g) => g.permission === permission || g.permission === '*');
  if (gs.some((g) => !g.regionCode && !g.departmentId)) return null;
  return gs;
}

export function requireSignedIn(ctx: Ctx): asserts ctx is Ctx & { caller: Caller & { accountId: string } } {
  if (!ctx.caller.accountId) throw unauthorized();
}

/** Throws 403 FORBIDDEN (the error handler audits the refusal) unless a grant covers the target. */
export function authorize(ctx: Ctx, permission: string, target: Target = {}): void {
  requireSignedIn(ctx);
  if (!can(ctx.caller, permission, target)) {
    const e = forbidden();
    (e as any).auditAction = `denied:${permission}`;
    (e as any).auditObject = target.regionCode ?? target.departmentId ?? null;
    throw e;
  }
}
