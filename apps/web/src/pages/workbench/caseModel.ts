/** Types of the cases API (docs/cases.md, docs/cases-api.md) as the workbench reads them, and small helpers. */
import type { MessageKey, TFunction } from '../../i18n/index.tsx';

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

export type DeadlineStatus = 'normal' | 'warning' | 'overdue';
export const DEADLINE_STATUSES: readonly DeadlineStatus[] = ['normal', 'warning', 'overdue'];

/** States in which the promised time limit runs (or is paused): only these have a meaningful deadline status. */
export const CLOCK_STATES: readonly string[] = ['ACCEPTED', 'REVIEWING', 'SUSPENDED'];
/** The clock is paused (中止): no deadline colour until it resumes. */
export const PAUSED_STATES: readonly string[] = ['SUSPENDED'];

/** States a case ends in (the inbox's 已结束 view); every other state but DRAFT is open (待办). */
export const TERMINAL_STATES: readonly string[] = ['NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED'];

export const PROCEDURE_TYPES = [
  'hearing',
  'tender',
  'auction',
  'inspection',
  'testing',
  'quarantine',
  'appraisal',
  'expert_review',
  'supplement_in_review',
  'tolerated_pending',
] as const;

export interface CaseFile {
  id: string;
  name: string;
  size: number;
  mime: string;
  sha256?: string;
}

export interface CaseMaterial {
  name: string;
  required?: boolean;
  fulfilment?: string;
  status?: 'provided' | 'missing' | 'tolerated' | 'supplemented' | string;
  files?: CaseFile[];
  commitment?: boolean;
  toleratedUntil?: string | null;
  evidence?: Record<string, unknown> | null;
}

export interface CaseStep {
  name: string;
  role?: string | null;
  days?: number | null;
  unit?: number | null;
  done: { by?: string | null; at?: string | null; opinion?: string | null; comment?: string | null } | null;
}

export interface CountersignDept {
  departmentId: string;
  departmentName?: string | null;
  opinion: 'agree' | 'disagree' | null;
  comment?: string | null;
  by?: string | null;
  at?: string | null;
}

export interface Procedure {
  type: string;
  reason?: string | null;
  start?: string | null;
  end?: string | null;
  notifiedAt?: string | null;
}

export interface CaseView {
  id: string;
  serialNo: string;
  taskCode: string;
  taskVersion: number;
  itemName: string;
  departmentId: string;
  departmentName?: string | null;
  regionCode: string;
  applicantType: string;
  applicantName: string;
  formData: Record<string, unknown>;
  materials?: CaseMaterial[];
  state: CaseState;
  outcome: 'APPROVED' | 'DENIED' | null;
  promisedLimit: number;
  promisedUnit: number;
  statutoryLimit: number;
  statutoryUnit: number;
  receivedAt: string | null;
  acceptedAt: string | null;
  dueDay: string | null;
  statutoryDueDay: string | null;
  suspendedSince: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deadlineStatus?: DeadlineStatus;
  supplement?: { items: { material: string; note?: string | null }[]; requestedAt?: string | null } | null;
  procedures?: Procedure[];
  steps?: CaseStep[];
  currentStep?: number | null;
  countersign?: { departments: CountersignDept[]; startedAt?: string | null } | null;
  extendedDays?: number;
  allowedActions?: string[];
  masked?: boolean;
}

export interface TimelineEvent {
  seq: number;
  fromState: string | null;
  toState: string;
  action: string;
  actorId?: string | null;
  actorName: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
  at: string;
}

export interface InboxPage {
  items: CaseView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ItemGuide {
  taskCode: string;
  taskVersion?: number;
  name: string;
  formSchema?: {
    properties?: Record<string, { title?: string; type?: string; enum?: unknown[]; enumNames?: string[] }>;
    required?: string[];
  } | null;
  materials?: { name: string; required?: boolean; fulfilment?: string }[];
}

/** Translates a value of a known code list, falling back to the raw code for values this build does not know. */
export function label(t: TFunction, prefix: string, code: string | null | undefined): string {
  if (code == null || code === '') return '—';
  const key = `${prefix}.${code}` as MessageKey;
  const s = t(key);
  return s === key ? code : s;
}

export const stateLabel = (t: TFunction, s: string | null | undefined) => label(t, 'workbench.state', s);
export const actionLabel = (t: TFunction, a: string | null | undefined) => label(t, 'workbench.action', a);

/** "2026-11-23T06:08:00.000Z" → local "2026-11-23 14:08". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A form value as text (masked values from the server are already strings). */
export function valueText(t: TFunction, v: unknown): string {
  if (v == null || v === '') return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (Array.isArray(v)) return v.map((x) => valueText(t, x)).join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const fileUrl = (id: string) => `/api/v1/cases/files/${encodeURIComponent(id)}`;
