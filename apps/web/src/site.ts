import { useQuery } from '@tanstack/react-query';
import { api, type Lang } from './api.ts';

/** What `GET /org/site` answers: the division this platform serves (public). */
export interface Site {
  division: { code: string; name: string; level: string; parentCode: string | null } | null;
  nameEn: string | null;
}

export const SITE_KEY = ['org', 'site'] as const;

/** The division this deployment serves and its name in the page's language (null before one is set). */
export function useSite(lang: Lang) {
  const q = useQuery({
    queryKey: SITE_KEY,
    queryFn: () => api.get<Site>('/org/site'),
    staleTime: 10 * 60_000,
    retry: false,
  });
  const d = q.data?.division ?? null;
  return { ...q, code: d?.code ?? null, name: d ? (lang === 'en' ? (q.data?.nameEn ?? d.name) : d.name) : null };
}
