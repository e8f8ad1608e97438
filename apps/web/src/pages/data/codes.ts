/**
 * Code tables of the data catalog as the web app shows them. The API answers the Chinese code values
 * of the standards (共享类型, 更新周期, 开放属性, 数据分级); the page names them in its own language.
 */
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

// The same lists as packages/modules/data/src/types.ts.
export const UPDATE_CYCLES = ['实时', '每日', '每周', '每月', '每季', '每半年', '每年', '其他'] as const;
export const SHARE_TYPES = ['无条件共享', '有条件共享', '不予共享'] as const;
export const OPEN_TYPES = ['无条件开放', '有条件开放', '不予开放'] as const;
export const NATIONAL_LABELS = ['一般', '重要', '核心'] as const;
export const SHARE_METHODS = ['接口', '库表', '文件'] as const;
export const FIELD_TYPES = ['string', 'integer', 'number', 'date', 'datetime', 'boolean'] as const;
export const IDENTIFIER_KINDS = ['none', 'direct', 'quasi'] as const;
export const FIELD_FORMATS = ['ID_NUMBER', 'CREDIT_CODE', 'DATE', 'PHONE', 'DIVISION'] as const;

// The same checks as packages/modules/data/src/catalog.ts (checkInput).
/** A data item's name: lowercase letters, digits and underscores, from a letter, at most 63. */
export const FIELD_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** A data element (数据元): dotted lowercase segments, e.g. person.name. */
export const ELEMENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
/** A resource code: 9-digit classification code, "/", 6-digit sequence. */
export const RESOURCE_CODE = /^\d{9}\/\d{6}$/;
/** Level rank from which a direct identifier may be stored (L3 敏感 in the default table). */
export const DIRECT_IDENTIFIER_MIN_RANK = 3;

/** `label(prefix, code)`: the message `<prefix>.<code>`, or the code itself when there is none. */
export function useCodeLabel() {
  const { t } = usePrefs();
  return (prefix: string, code: string | null | undefined): string => {
    if (code == null || code === '') return '—';
    const k = `${prefix}.${code}` as MessageKey;
    const s = t(k);
    return s === k ? code : s;
  };
}

/** Select options of a code table, labelled through `<prefix>.<code>`. */
export function useCodeOptions() {
  const label = useCodeLabel();
  return (prefix: string, codes: readonly string[]) => codes.map((v) => ({ value: v, label: label(prefix, v) }));
}
