import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Result, Spin } from 'antd';
import { type ReactNode, useCallback } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, api, csrfToken, setCsrfToken } from './api.ts';
import { useT } from './i18n/index.tsx';

export type AccountType = 'person' | 'enterprise' | 'staff';

export interface Account {
  id: string;
  type: AccountType;
  username: string;
  name: string;
  realNameLevel?: number | string | null;
  phoneMasked?: string | null;
  idNumberMasked?: string | null;
  creditCode?: string | null;
  totpEnabled?: boolean;
  departmentId?: string | null;
  departmentName?: string | null;
}

export interface Grant {
  permission: string;
  regionCode: string | null;
  departmentId: string | null;
}

export interface Me {
  account: Account;
  grants: Grant[];
  mfaEnrollmentRequired: boolean;
}

export const ME_KEY = ['me'] as const;

/** The signed-in account; `data` is null when not signed in. */
export function useMe() {
  return useQuery<Me | null>({
    queryKey: ME_KEY,
    queryFn: async () => {
      // A browser session always comes with its CSRF cookie (same expiry, readable by scripts): without
      // one there is no session to ask about, and asking would only log a 401 in the console.
      if (!csrfToken()) return null;
      try {
        return await api.get<Me>('/identity/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** The caller's own identity in clear (`GET /identity/me/profile`, audited): only for pre-filling their forms. */
export interface Profile {
  type: 'person' | 'enterprise' | 'staff';
  name: string;
  idNumber: string | null;
  phone: string | null;
  creditCode: string | null;
}

export function useProfile(enabled: boolean) {
  return useQuery<Profile>({
    queryKey: [...ME_KEY, 'profile'],
    queryFn: () => api.get<Profile>('/identity/me/profile'),
    enabled,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useCallback(
    async (all = false) => {
      try {
        await api.post(all ? '/identity/logout-all' : '/identity/logout');
      } finally {
        setCsrfToken(null);
        qc.setQueryData(ME_KEY, null);
        qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      }
    },
    [qc],
  );
}

/** Admin console sections and the permission prefixes that unlock them. */
export const ADMIN_SECTIONS = [
  { key: 'regions', prefixes: ['org.division', 'org.region'] },
  { key: 'grids', prefixes: ['org.grid'] },
  { key: 'departments', prefixes: ['org.department'] },
  { key: 'staff', prefixes: ['org.staff', 'org.role'] },
  { key: 'sso-clients', prefixes: ['identity.client', 'identity.oidc'] },
  { key: 'audit', prefixes: ['audit'] },
  { key: 'catalog', prefixes: ['catalog.'] },
  { key: 'bundles', prefixes: ['catalog.manage'] },
  { key: 'calendar', prefixes: ['calendar.'] },
  { key: 'outbox', prefixes: ['notifications.outbox'] },
  { key: 'seals', prefixes: ['licences.manage'] },
  { key: 'licence-types', prefixes: ['licences.manage'] },
  { key: 'trust-list', prefixes: ['licences.manage'] },
] as const;

export type AdminSection = (typeof ADMIN_SECTIONS)[number]['key'];

export function hasPermission(me: Me | null | undefined, prefixes: readonly string[]): boolean {
  if (!me) return false;
  return me.grants.some((g) => g.permission === '*' || prefixes.some((p) => g.permission.startsWith(p)));
}

export function adminSectionsOf(me: Me | null | undefined): AdminSection[] {
  return ADMIN_SECTIONS.filter((s) => hasPermission(me, s.prefixes)).map((s) => s.key);
}

export function Loading() {
  const t = useT();
  return (
    <div className="yw-center" role="status" aria-live="polite">
      <Spin />
      <span className="yw-sr-only">{t('common.loading')}</span>
    </div>
  );
}

/** Renders children only for a signed-in account; otherwise redirects to /login?returnTo=… */
export function RequireAuth({
  children,
  staff,
  allowMfaPending,
}: {
  children: ReactNode;
  staff?: boolean;
  allowMfaPending?: boolean;
}) {
  const me = useMe();
  const loc = useLocation();
  const t = useT();
  if (me.isPending) return <Loading />;
  if (me.isError) return <Result status="error" title={t('common.loadFailed')} />;
  if (!me.data) {
    const returnTo = `${loc.pathname}${loc.search}`;
    return <Navigate to={`/login?returnTo=${encodeURIComponent(returnTo)}`} replace />;
  }
  if (me.data.mfaEnrollmentRequired && !allowMfaPending) return <Navigate to="/account/security" replace />;
  if (staff && me.data.account.type !== 'staff') {
    return <Result status="403" title="403" subTitle={t('common.forbidden')} />;
  }
  return <>{children}</>;
}
