/** What the catalog administration pages share: API types, code tables, small hooks and helpers. */
import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd';
import { ApiError, csrfToken, request } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

// The catalog API's own types (type-only: nothing of the server is bundled).
export type Guide = import('@yiwang/catalog').CatalogItem;
export type ItemInput = import('@yiwang/catalog').ItemInput;
export type Step = import('@yiwang/catalog').Step;
export type Material = import('@yiwang/catalog').Material;
export type AdminItemSummary = import('@yiwang/catalog').AdminItemSummary;
export type ItemVersionInfo = import('@yiwang/catalog').ItemVersionInfo;
export type BasicItem = import('@yiwang/catalog').BasicItem;

export type ItemStatus = AdminItemSummary['status'];
export const STATUSES: ItemStatus[] = ['published', 'draft', 'cancelled'];

/** Code tables of domain reference §1 (values are standard codes; names come from i18n). */
export const TASK_TYPE_CODES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '20'] as const;
export const POWER_TYPE_CODES = TASK_TYPE_CODES.filter((c) => c !== '20');
export const USE_LEVEL_CODES = ['1', '2', '3', '4', '5', '6'] as const;
export const UNIT_CODES = [1, 2, 3, 4, 5] as const;
export const PROJECT_TYPE_CODES = [1, 2] as const;
export const ONLINE_DEPTHS = [1, 2, 3, 4, 5, 6, 7] as const;
export const MATERIAL_TYPES = ['original', 'copy', 'electronic'] as const;
export const FULFILMENTS = ['UPLOAD', 'COMMITMENT', 'ECERT', 'SHARED_DATA'] as const;

export interface RoleOption {
  code: string;
  name: string;
  nameEn: string | null;
}
export interface DepartmentOption {
  id: string;
  name: string;
  creditCode: string;
  regionCode: string;
}

/** Roles and departments offered by the editor (GET /catalog/admin/options). */
export function useCatalogOptions() {
  return useQuery({
    queryKey: ['catalog', 'admin', 'options'],
    queryFn: () => request<{ roles: RoleOption[]; departments: DepartmentOption[] }>('GET', '/catalog/admin/options'),
    staleTime: 5 * 60_000,
  });
}

export function useCodeNames() {
  const { t } = usePrefs();
  return {
    taskType: (c: string) => t(`catalogAdmin.taskType.${c}` as MessageKey),
    unit: (u: number) => t(`catalogAdmin.unit.${u}` as MessageKey),
    level: (c: string) => t(`catalogAdmin.useLevel.${c}` as MessageKey),
    projectType: (c: number) => t(`catalogAdmin.projectType.${c}` as MessageKey),
    onlineDepth: (c: number) => t(`catalogAdmin.onlineDepth.${c}` as MessageKey),
    status: (s: string) => t(`catalogAdmin.status.${s}` as MessageKey),
  };
}

/** Status as a word (never colour alone). */
export function StatusTag({ status }: { status: string }) {
  const names = useCodeNames();
  const color = status === 'published' ? 'green' : status === 'cancelled' ? 'default' : 'gold';
  return <Tag color={color}>{names.status(status)}</Tag>;
}

export const put = <T,>(path: string, body: unknown) => request<T>('PUT', path, body);

/** Posts one file as multipart/form-data (field "file"), with the CSRF header like every other write. */
export async function uploadFile<T>(path: string, file: File): Promise<T> {
  const body = new FormData();
  body.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = csrfToken();
  if (token) headers['x-csrf-token'] = token;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method: 'POST', headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, {
      code: 'NETWORK',
      message: '网络错误，请稍后重试',
      messageEn: 'Network error, please retry',
    });
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, (data ?? {}) as Record<string, unknown>);
  return data as T;
}

/** 'steps.0.role' → ['steps', 0, 'role'] (an antd Form name path). */
export function namePath(field: string): (string | number)[] {
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
