/** Shapes of the catalog module (domain reference §1). */

/** taskType: 01 行政许可 … 10 其他行政权力, 20 公共服务. */
export const TASK_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '01': '行政许可',
  '02': '行政处罚',
  '03': '行政强制',
  '04': '行政征收',
  '05': '行政给付',
  '06': '行政检查',
  '07': '行政确认',
  '08': '行政奖励',
  '09': '行政裁决',
  '10': '其他行政权力',
  '20': '公共服务',
});

/** useLevel (行使层级): 1 国家, 2 省, 3 市, 4 县, 5 镇/街道, 6 村/社区. */
export const USE_LEVELS = ['1', '2', '3', '4', '5', '6'] as const;

/** Time-limit unit: 1 工作日, 2 自然日, 3 小时, 4 分钟, 5 月. */
export const TIME_UNITS: Readonly<Record<number, string>> = Object.freeze({
  1: '工作日',
  2: '自然日',
  3: '小时',
  4: '分钟',
  5: '月',
});

/** projectType (办件类型): 1 即办件, 2 承诺件. */
export const PROJECT_TYPES = [1, 2] as const;

export type ServiceObject = 'person' | 'enterprise';
export const SERVICE_OBJECTS: readonly ServiceObject[] = ['person', 'enterprise'];

export type MaterialType = 'original' | 'copy' | 'electronic';
export const MATERIAL_TYPES: readonly MaterialType[] = ['original', 'copy', 'electronic'];

/**
 * How a material is fulfilled: uploaded by the applicant, replaced by a written commitment
 * (告知承诺), provided by one of the applicant's electronic licences (ECERT, `licenceTypeCode`
 * names the licence type), or fetched from shared government data instead of being asked for
 * (SHARED_DATA, 免证明; `source` names the data resource and query). Open union: later ways are
 * added to FULFILMENTS without changing stored data.
 */
export type Fulfilment = 'UPLOAD' | 'COMMITMENT' | 'ECERT' | 'SHARED_DATA' | (string & {});
export const FULFILMENTS: readonly Fulfilment[] = ['UPLOAD', 'COMMITMENT', 'ECERT', 'SHARED_DATA'];

export interface Material {
  name: string;
  type: MaterialType;
  required: boolean;
  copies: number;
  fulfilment: Fulfilment;
  format?: string | null;
  maxSizeMb?: number | null;
  acceptanceStandard?: string | null;
  /** ECERT: the licence type (证照类型代码, 21 characters) whose valid licence satisfies the material. */
  licenceTypeCode?: string | null;
  /** SHARED_DATA: the data resource and query that satisfy the material (defined by the data module). */
  source?: Record<string, unknown> | null;
}

/**
 * A review step of an item (inside the case state REVIEWING): who handles it (a role code of the
 * org module, e.g. 'window_staff' or 'approver'), its time limit, and the departments that
 * countersign it in parallel (会签; department ids).
 */
export interface Step {
  name: string;
  days: number;
  unit: number;
  role?: string | null;
  countersign?: string[];
}

export interface FeeItem {
  name: string;
  standard: string;
  basis?: string | null;
}

export interface Fee {
  isFee: boolean;
  basis?: string | null;
  items: FeeItem[];
  waiver?: string | null;
}

export interface ResultDoc {
  name: string;
  type: string;
}

export interface Faq {
  q: string;
  a: string;
}

/** What an administrator sends to create (POST) or re-version (PUT) an implementation-list item. */
export interface ItemInput {
  taskCode?: string;
  catalogCode: string;
  parentCatalogCode?: string | null;
  name: string;
  taskType: string;
  useLevel: string;
  departmentId: string;
  projectType: number;
  statutoryLimit: number;
  statutoryUnit: number;
  promisedLimit: number;
  promisedUnit: number;
  visitsRequired: number;
  isOnline: boolean;
  onlineDepth?: number[];
  serviceObject: string[];
  conditions?: string | null;
  legalBasis?: string | null;
  address?: string | null;
  officeHours?: string | null;
  contact?: string | null;
  fee?: Fee;
  themes?: string[];
  formSchema?: Record<string, unknown>;
  materials: Material[];
  steps?: Step[];
  results?: ResultDoc[];
  faqs?: Faq[];
  /** Duties of the implementing department for this power (责任清单: 职责事项). */
  duties?: string | null;
  /** Accountability basis (追责依据/追责情形) for the responsibility list. */
  accountability?: string | null;
}

export type ItemStatus = 'draft' | 'published' | 'cancelled';

/** One stored version of an implementation-list item (the whole guide). */
export interface CatalogItem {
  id: string;
  taskCode: string;
  taskVersion: number;
  catalogCode: string;
  name: string;
  taskType: string;
  useLevel: string;
  departmentId: string;
  departmentName: string;
  regionCode: string;
  projectType: number;
  statutoryLimit: number;
  statutoryUnit: number;
  promisedLimit: number;
  promisedUnit: number;
  visitsRequired: number;
  isOnline: boolean;
  onlineDepth: number[];
  serviceObject: ServiceObject[];
  conditions: string | null;
  legalBasis: string | null;
  address: string | null;
  officeHours: string | null;
  contact: string | null;
  fee: Fee;
  themes: string[];
  formSchema: Record<string, unknown>;
  materials: Material[];
  steps: Step[];
  results: ResultDoc[];
  faqs: Faq[];
  duties: string | null;
  accountability: string | null;
  status: ItemStatus;
  createdAt: string;
  updatedAt: string;
}

export interface ItemSummary {
  taskCode: string;
  catalogCode: string;
  name: string;
  taskType: string;
  departmentId: string;
  departmentName: string;
  promisedLimit: number;
  promisedUnit: number;
  visitsRequired: number;
  isOnline: boolean;
  themes: string[];
}

/** Administrative powers (权力事项): every task type except 20 公共服务. */
export const POWER_TASK_TYPES: readonly string[] = Object.freeze(Object.keys(TASK_TYPES).filter((k) => k !== '20'));

/** One basic-catalog (基本目录) entry. */
export interface BasicItem {
  catalogCode: string;
  name: string;
  taskType: string;
  parentCode: string | null;
  legalBasis: string | null;
}

/** The newest version of a task code in any state, as the administration lists it. */
export interface AdminItemSummary extends ItemSummary {
  taskVersion: number;
  status: ItemStatus;
  regionCode: string;
  updatedAt: string;
}

/** One stored version of a task code (GET /items/{taskCode}/versions). */
export interface ItemVersionInfo {
  taskVersion: number;
  name: string;
  status: ItemStatus;
  promisedLimit: number;
  promisedUnit: number;
  createdAt: string;
  updatedAt: string;
}
