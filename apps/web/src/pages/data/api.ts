/** Types and calls of the data API (/api/v1/data) used by the data pages. */
import { request } from '../../api.ts';

export interface FieldDef {
  name: string;
  label: string;
  type: string;
  identifier: 'none' | 'direct' | 'quasi';
  level: string;
  nationalLabel: string;
  format?: string | null;
  maskRule?: string | null;
  required?: boolean;
  unique?: boolean;
  element?: string | null;
  authoritative?: boolean;
  description?: string | null;
}
export interface ResourceSummary {
  id: string;
  code: string;
  name: string;
  abstract: string;
  providerDepartmentId: string;
  providerDepartmentName: string;
  class: number;
  updateCycle: string;
  shareType: string;
  openType: string;
  nationalLabel: string;
  status: 'active' | 'retired';
}
export interface Resource extends Omit<ResourceSummary, 'class'> {
  classification: { class: number; item: string; catalog: string; detail: string };
  shareConditions: string | null;
  shareMethod: string | null;
  openConditions: string | null;
  keyField: string;
  fields: FieldDef[];
  relatedCodes: string[];
  version: number;
  publishDate: string;
  updatedAt: string;
}
/** A level of the sensitivity table (`GET /levels`). */
export interface Level {
  code: string;
  name: string;
  nameEn?: string | null;
  rank: number;
}
export interface Run {
  id: string;
  trigger: string;
  mode: string;
  status: string;
  startedAt: string;
  durationMs: number | null;
  rowsRead: number;
  rowsWritten: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rowsDeleted: number;
  rejections: { row: number; reason: string; field?: string; message: string; messageEn: string }[];
  error: string | null;
}
export interface Connector {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  hasSecret: boolean;
  syncMode: string;
  changeColumn: string | null;
  scheduleMinutes: number | null;
  queryThrough: boolean;
  lastRunAt: string | null;
}
export interface SharingRequest {
  id: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  consumerDepartmentName: string;
  requesterName: string | null;
  purpose: string;
  legalBasis: string;
  mode: string;
  fields: string[];
  clearFields: string[];
  periodFrom: string;
  periodTo: string;
  expectedVolume: number;
  status: string;
  partial: boolean;
  grantedFields: string[] | null;
  grantedClearFields: string[] | null;
  dueDay: string | null;
  overdue: boolean;
  reason: string | null;
  dailyQuota: number;
  ratePerMinute: number;
  reviewDue: string | null;
  version: number;
  createdAt: string;
}
export interface FieldQuality {
  field: string;
  label: string;
  filled: number;
  missing: number;
  required: boolean;
  invalid: number;
  problems: Record<string, number>;
  duplicateGroups: number;
  duplicateRows: number;
  samples: { key: string; issue: string }[];
}
export interface QualityReport {
  rows: number;
  score: number;
  findings: number;
  rowsWithFindings: number;
  freshness: { updateCycle: string; lastSyncAt: string | null; stale: boolean };
  fields: FieldQuality[];
}
export interface Call {
  id: string;
  at: string;
  requestId: string;
  consumerDepartmentName: string | null;
  resourceCode: string | null;
  kind: string;
  purpose: string;
  fields: string[];
  rows: number;
  answerHash: string;
  onBehalfOf: string | null;
}
export interface Objection {
  id: string;
  resourceName: string;
  consumerDepartmentName: string;
  key: string | null;
  field: string | null;
  description: string;
  status: string;
  reply: string | null;
  filedAt: string;
}

export const dataApi = {
  get: <T>(path: string, query?: Record<string, string | number | undefined>) =>
    request<T>('GET', `/data${path}`, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', `/data${path}`, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', `/data${path}`, body ?? {}),
};

export const fileToBase64 = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
