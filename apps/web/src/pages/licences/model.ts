/**
 * Shapes of the licences API (/api/v1/licences, packages/modules/licences: LicenceView, SealView,
 * VerifyAnswer, copies, show tokens, trust anchors) as the pages read them, and small helpers.
 */
import { ApiError, type ApiErrorBody, csrfToken, type Lang, request } from '../../api.ts';
import type { MessageKey, TFunction } from '../../i18n/index.tsx';

/** The API's own shapes and code tables (type-only, plus the small constant lists of types.ts). */
export type {
  Disclosable,
  EffectiveStatus,
  LicenceStatus,
  LicenceType,
  LicenceView,
  SealAlgorithm,
  SealStatus,
  SealType,
  SealView,
  TemplateField,
  VerifyStatus,
} from '@yiwang/licences/types';
export { DISCLOSABLE, SEAL_ALGORITHMS, SEAL_TYPES } from '@yiwang/licences/types';

import type { VerifyAnswer as ApiVerifyAnswer, LicenceType } from '@yiwang/licences/types';
/** A verification answer; show tokens also say when the code stops working. */
export type VerifyAnswer = ApiVerifyAnswer & { expiresAt?: string };

export interface CopyView {
  id: string;
  purpose: string;
  recipient: string | null;
  validUntil: string;
  createdAt: string;
  revoked: boolean;
}

export interface CreatedCopy {
  id: string;
  purpose: string;
  recipient: string | null;
  validUntil: string;
  url: string;
  token: string;
}

export interface ShowToken {
  token: string;
  expiresAt: string;
  url: string;
}

export interface TrustAnchor {
  id: string;
  nodeName: string;
  regionCode: string | null;
  subject: string;
  fingerprint: string;
  notAfter: string;
  status: 'active' | 'removed' | string;
  createdAt: string;
}

export interface TrustList {
  node: string;
  publicUrl?: string;
  certificates: string[];
}

/** GET /licences/cases/:caseId — null when the case issues no licence. */
export interface CaseIssue {
  caseId: string;
  status: 'pending' | 'issued' | 'failed' | string;
  licenceId: string | null;
  identifier: string | null;
  error: string | null;
}

/** What the ECERT fulfilment stores on a case material. */
export interface EcertEvidence {
  kind: 'ECERT';
  at?: string;
  identifier?: string;
  licenceId?: string;
  typeCode?: string;
  typeName?: string;
  licenceNumber?: string;
  issuerName?: string;
  validTo?: string | null;
  status?: string;
}

export const isEcertEvidence = (e: unknown): e is EcertEvidence =>
  !!e && typeof e === 'object' && (e as { kind?: unknown }).kind === 'ECERT';

export const putJson = <T>(path: string, body: unknown) => request<T>('PUT', path, body);

/** A translated label, falling back to the raw code when there is no text for it. */
export function labelOf(t: TFunction, prefix: string, code: string | null | undefined): string {
  if (!code) return '';
  const key = `${prefix}.${code}` as MessageKey;
  const s = t(key);
  return s === key ? code : s;
}

export const typeNameOf = (l: { typeName?: string; typeNameEn?: string | null }, lang: Lang) =>
  (lang === 'en' && l.typeNameEn) || l.typeName || '';

export const licenceTypeName = (ty: Pick<LicenceType, 'name' | 'nameEn'>, lang: Lang) =>
  (lang === 'en' && ty.nameEn) || ty.name;

/** "2024-03-18 – 2029-04-01", or "from 2024-03-18 (long-term)". */
export function validityText(t: TFunction, from: string | undefined, to: string | null | undefined): string {
  if (!from) return '';
  return to ? t('licences.validity.range', { from, to }) : t('licences.validity.open', { from });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function dayOf(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.length >= 10 ? iso.slice(0, 10) : iso;
}

/** Labels of a licence type's data keys: the template's labels, else the schema's titles, else the key. */
export function dataLabels(ty: LicenceType | undefined, lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  const props = (ty?.metadataSchema?.properties ?? {}) as Record<string, { title?: string }>;
  for (const [k, v] of Object.entries(props)) if (v?.title) out[k] = v.title;
  for (const f of ty?.template.fields ?? []) out[f.key] = (lang === 'en' && f.labelEn) || f.label;
  return out;
}

/** Data keys in a sensible order: template fields first, then schema properties, then the rest. */
export function dataKeys(ty: LicenceType | undefined, data: Record<string, unknown>): string[] {
  const keys = [
    ...(ty?.template.fields ?? []).map((f) => f.key),
    ...Object.keys((ty?.metadataSchema?.properties ?? {}) as object),
    ...Object.keys(data),
  ];
  return [...new Set(keys)].filter((k) => data[k] !== undefined && data[k] !== null && data[k] !== '');
}

export function valueText(t: TFunction, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.map((x) => valueText(t, x)).join(t('licences.listSep'));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Saves a JSON value (or text) as a file in the browser. */
export function saveFile(name: string, content: string, mime = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies text to the clipboard; false when the browser refuses. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

/** POST /licences/verify with the raw PDF bytes (content-type application/pdf). */
export async function verifyPdfFile(file: File): Promise<VerifyAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/pdf' };
  const token = csrfToken();
  if (token) headers['x-csrf-token'] = token;
  let res: Response;
  try {
    res = await fetch('/api/v1/licences/verify', {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: await file.arrayBuffer(),
    });
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
  if (!res.ok) throw new ApiError(res.status, data && typeof data === 'object' ? (data as ApiErrorBody) : {});
  return data as VerifyAnswer;
}

export const pdfUrl = (id: string, download = false) =>
  `/api/v1/licences/${encodeURIComponent(id)}/pdf${download ? '?download=true' : ''}`;
export const verifyPath = (identifier: string) => `/verify/${encodeURIComponent(identifier)}`;
