/** Code tables of the data catalog (domain reference §5: GB/T 21063 metadata, GB/T 43697 grades, GB/T 37964). */

/** Resource class (first digit of the resource code): 1 基础, 2 主题, 3 部门. */
export const RESOURCE_CLASSES = { 1: '基础', 2: '主题', 3: '部门' } as const;
export type ResourceClass = 1 | 2 | 3;

export const UPDATE_CYCLES = ['实时', '每日', '每周', '每月', '每季', '每半年', '每年', '其他'] as const;
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];
/** Days after which data of a cycle is stale (null: no freshness rule). */
export const CYCLE_DAYS: Record<UpdateCycle, number | null> = {
  实时: 1,
  每日: 1,
  每周: 7,
  每月: 31,
  每季: 92,
  每半年: 183,
  每年: 366,
  其他: null,
};

export const SHARE_TYPES = ['无条件共享', '有条件共享', '不予共享'] as const;
export type ShareType = (typeof SHARE_TYPES)[number];
export const OPEN_TYPES = ['无条件开放', '有条件开放', '不予开放'] as const;
export type OpenType = (typeof OPEN_TYPES)[number];
export const SHARE_METHODS = ['接口', '库表', '文件'] as const;

/** GB/T 43697-2024 national classification of data: 一般 / 重要 / 核心. */
export const NATIONAL_LABELS = ['一般', '重要', '核心'] as const;
export type NationalLabel = (typeof NATIONAL_LABELS)[number];

/** GB/T 37964-2019: a field identifies a person directly, quasi (with other data), or not at all. */
export const IDENTIFIER_KINDS = ['none', 'direct', 'quasi'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const FIELD_TYPES = ['string', 'integer', 'number', 'date', 'datetime', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Format checks of the quality report. */
export const FIELD_FORMATS = ['ID_NUMBER', 'CREDIT_CODE', 'DATE', 'PHONE', 'DIVISION'] as const;
export type FieldFormat = (typeof FIELD_FORMATS)[number];

export interface Level {
  code: string;
  name: string;
  nameEn: string;
  rank: number;
  /** Values of fields at this level are sealed at rest. */
  seal: boolean;
  /** What the gateway does with a field of this level when the grant does not allow it in clear. */
  maskAction: 'clear' | 'mask' | 'suppress';
}

export interface MaskRule {
  code: string;
  name: string;
  /** GB/T 37964 technique: keep head/tail (masking), generalise an address to its district, pseudonymise, suppress. */
  technique: 'keep' | 'generalise_address' | 'pseudonym' | 'suppress';
  params: { head?: number; tail?: number };
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  identifier: IdentifierKind;
  level: string;
  nationalLabel: NationalLabel;
  format?: FieldFormat | null;
  maskRule?: string | null;
  required?: boolean;
  unique?: boolean;
  /** Data element this field carries (e.g. "person.name"); 一数一源 is checked per element. */
  element?: string | null;
  /** This resource is the authoritative source of the element. */
  authoritative?: boolean;
  description?: string | null;
}

export interface ResourceInput {
  code: string;
  name: string;
  abstract: string;
  providerDepartmentId: string;
  classification: { class: ResourceClass; item: string; catalog: string; detail: string };
  updateCycle: UpdateCycle;
  shareType: ShareType;
  shareConditions?: string | null;
  shareMethod?: string;
  openType: OpenType;
  openConditions?: string | null;
  keyField: string;
  fields: FieldDef[];
  relatedCodes?: string[];
}

export interface Resource extends ResourceInput {
  id: string;
  providerDepartmentName: string;
  nationalLabel: NationalLabel;
  publishDate: string;
  status: 'active' | 'retired';
  version: number;
  updatedAt: string;
}
