/**
 * Shapes of the cases API as the applicant pages use them (docs/cases.md, docs/cases-api.md), and
 * small helpers shared by the pages. Fields the server may not send yet are optional.
 */
import { ApiError, type ApiErrorBody, csrfToken } from '../../api.ts';
import type { MessageKey, TFunction } from '../../i18n/index.tsx';

export type Guide = import('@yiwang/catalog').CatalogItem;
export type GuideMaterial = import('@yiwang/catalog').Material;

export const STATES = [
  'DRAFT',
  'SUBMITTED',
  'PRE_REVIEW',
  'PRE_REVIEW_RETURNED',
  'RECEIVED',
  'SUPPLEMENT_NOTICE',
  'NOT_ACCEPTED',
  'ACCEPTED',
  'REVIEWING',
  'SUSPENDED',
  'DECIDED',
  'COMPLETED',
  'DELIVERED',
  'WITHDRAWN',
  'VOIDED',
] as const;
export type CaseState = (typeof STATES)[number];

export interface FileMeta {
  id: string;
  name: string;
  size: number;
  mime: string;
  sha256: string;
}

export interface CaseMaterial {
  name: string;
  required?: boolean;
  fulfilment?: string;
  status?: 'provided' | 'missing' | 'tolerated' | 'supplemented' | string;
  files?: FileMeta[];
  fileIds?: string[];
  commitment?: boolean;
  toleratedUntil?: string | null;
  /** What proved the fulfilment (ECERT: the licence identifier, type, number, issuer, status at application). */
  evidence?: Record<string, unknown> | null;
}

export interface Procedure {
  type: string;
  reason?: string | null;
  start: string;
  end?: string | null;
}

export interface CaseView {
  id: string;
  serialNo: string;
  taskCode: string;
  taskVersion: number;
  itemName: string;
  applicantType: string;
  formData: Record<string, unknown>;
  materials: CaseMaterial[];
  state: CaseState;
  outcome: 'APPROVED' | 'DENIED' | null;
  receivedAt: string | null;
  acceptedAt: string | null;
  dueDay: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deadlineStatus?: 'normal' | 'warning' | 'overdue' | null;
  extendedDays?: number;
  allowedActions?: string[];
  supplement?: { items: { material: string; note?: string | null }[]; requestedAt: string } | null;
  procedures?: Procedure[];
  rating?: unknown;
}

export interface TimelineEvent {
  seq: number;
  fromState: CaseState | null;
  toState: CaseState;
  action: string;
  actorName?: string | null;
  reason?: string | null;
  at: string;
}

export interface TrackView {
  serialNo: string;
  itemName: string;
  state: CaseState;
  outcome: 'APPROVED' | 'DENIED' | null;
  dueDay: string | null;
  timeline: TimelineEvent[];
}

/** A material as sent to the server (POST /cases, PUT /cases/{id}, supplement actions). */
export interface MaterialInput {
  name: string;
  fulfilment: string;
  fileIds?: string[];
  commitment?: boolean;
  /** ECERT: the identifier of one of the applicant's electronic licences. */
  ref?: string;
}

/** What the applicant has provided for one material while editing. */
export interface MaterialValue {
  files: FileMeta[];
  commitment: boolean;
  /** ECERT: the chosen licence identifier. */
  ref?: string | null;
  /** SHARED_DATA: the platform fetched data that satisfies the material (免证明). */
  shared?: boolean;
}
export type MaterialValues = Record<string, MaterialValue>;

/** Tag colour of a state (the state's name is always shown as text too). */
export function stateColor(s: string): string {
  switch (s) {
    case 'DRAFT':
      return 'default';
    case 'PRE_REVIEW_RETURNED':
    case 'SUPPLEMENT_NOTICE':
      return 'orange';
    case 'NOT_ACCEPTED':
    case 'VOIDED':
      return 'red';
    case 'WITHDRAWN':
      return 'default';
    case 'DECIDED':
    case 'COMPLETED':
    case 'DELIVERED':
      return 'green';
    case 'SUSPENDED':
      return 'gold';
    default:
      return 'blue';
  }
}

/** A translated label, falling back to the raw code when there is no text for it. */
export function labelOf(t: TFunction, prefix: string, code: string): string {
  const key = `${prefix}.${code}` as MessageKey;
  const s = t(key);
  return s === key ? code : s;
}

export const stateText = (t: TFunction, s: string) => labelOf(t, 'apply.state', s);
export const actionText = (t: TFunction, a: string) => labelOf(t, 'apply.action', a);

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Materials as sent to the server: what was provided for each material of the guide. */
export function materialsInput(guide: GuideMaterial[], values: MaterialValues, only?: Set<string>): MaterialInput[] {
  const out: MaterialInput[] = [];
  for (const m of guide) {
    if (only && !only.has(m.name)) continue;
    const v = values[m.name];
    if (!v) continue;
    // A commitment or an electronic licence where the item allows one; an upload is always accepted instead.
    if (m.fulfilment === 'COMMITMENT' && v.commitment)
      out.push({ name: m.name, fulfilment: 'COMMITMENT', commitment: true });
    else if (m.fulfilment === 'ECERT' && v.ref) out.push({ name: m.name, fulfilment: 'ECERT', ref: v.ref });
    else if (m.fulfilment === 'SHARED_DATA' && v.shared && !v.files.length)
      out.push({ name: m.name, fulfilment: 'SHARED_DATA' });
    else if (
      (m.fulfilment === 'UPLOAD' ||
        m.fulfilment === 'COMMITMENT' ||
        m.fulfilment === 'ECERT' ||
        m.fulfilment === 'SHARED_DATA') &&
      v.files.length
    )
      out.push({ name: m.name, fulfilment: 'UPLOAD', fileIds: v.files.map((f) => f.id) });
  }
  return out;
}

/** Editing values from the materials stored on a case. */
export function valuesFromCase(materials: CaseMaterial[] | undefined): MaterialValues {
  const out: MaterialValues = {};
  for (const m of materials ?? []) {
    const ref = m.fulfilment === 'ECERT' ? m.evidence?.identifier : undefined;
    out[m.name] = {
      files: m.files ?? [],
      commitment: m.commitment === true,
      ref: typeof ref === 'string' ? ref : null,
    };
  }
  return out;
}

/** Missing materials among `names` (all required ones when not given): their names. */
export function missingMaterials(guide: GuideMaterial[], values: MaterialValues, names?: Set<string>): string[] {
  return guide
    .filter((m) => (names ? names.has(m.name) : m.required))
    .filter((m) => ['UPLOAD', 'COMMITMENT', 'ECERT', 'SHARED_DATA'].includes(m.fulfilment))
    .filter((m) => {
      const v = values[m.name];
      if (m.fulfilment === 'ECERT') return !v?.ref && !v?.files.length;
      if (m.fulfilment === 'SHARED_DATA') return !v?.shared && !v?.files.length;
      return m.fulfilment === 'UPLOAD' ? !v?.files.length : !v?.commitment && !v?.files.length;
    })
    .map((m) => m.name);
}

/** POST /api/v1/cases/files (multipart): the material's own format and size rules apply on the server. */
export async function uploadFile(file: File, taskCode: string, material: string): Promise<FileMeta> {
  const body = new FormData();
  // text fields first, so the server knows the rules before it reads the file
  body.append('taskCode', taskCode);
  body.append('material', material);
  body.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = csrfToken();
  if (token) headers['x-csrf-token'] = token;
  let res: Response;
  try {
    res = await fetch('/api/v1/cases/files', { method: 'POST', body, headers, credentials: 'same-origin' });
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
  return data as FileMeta;
}

/** Human file size. */
export function fileSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The formats a material accepts, for the file chooser (`accept`) and for display. */
export function formatsOf(m: GuideMaterial): { exts: string[]; accept: string } {
  const exts = (m.format ?? 'pdf,jpg,png,ofd')
    .toLowerCase()
    .split(/[,，;；/\s]+/)
    .map((x) => x.replace(/^\./, ''))
    .filter(Boolean);
  const all = exts.flatMap((e) => (e === 'jpg' ? ['jpg', 'jpeg'] : [e]));
  return { exts, accept: all.map((e) => `.${e}`).join(',') };
}
