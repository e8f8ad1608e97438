/**
 * De-identification of answers (GB/T 37964-2019 techniques): masking (keep head/tail), suppression,
 * generalisation of an address to its district, pseudonymisation per consumer (keyed hash).
 */
import { hmac } from '@yiwang/platform';
import type { FieldDef, Level, MaskRule } from './types.ts';

export type Shown = string | number | boolean | null;

function keep(s: string, head: number, tail: number): string {
  if (s.length <= head + tail) return '*'.repeat(s.length);
  return `${s.slice(0, head)}${'*'.repeat(s.length - head - tail)}${tail ? s.slice(-tail) : ''}`;
}

/** 广东省佛山市禅城区岭南大道1号 → 广东省佛山市禅城区 (generalised to the county level). */
export function addressToDistrict(s: string): string {
  const m = /^((?:.*?(?:省|自治区|特别行政区))?(?:.*?(?:市|自治州|地区|盟))?.*?(?:区|县|旗|市))/.exec(s);
  return m ? m[1]! : '***';
}

export function applyRule(rule: MaskRule | undefined, value: Shown, opts: { key: Buffer; consumer: string }): Shown {
  if (value === null) return null;
  if (!rule) return null;
  const s = String(value);
  switch (rule.technique) {
    case 'keep':
      return keep(s, rule.params.head ?? 0, rule.params.tail ?? 0);
    case 'generalise_address':
      return addressToDistrict(s);
    case 'pseudonym':
      return `P-${hmac(opts.key, `ps:${opts.consumer}:${s}`).slice(0, 16)}`;
    default:
      return null;
  }
}

/**
 * What a consumer sees of one field: in clear when its level allows it or the grant lets this field
 * through in clear; masked by its rule when the level says mask; otherwise suppressed (null).
 */
export function showField(
  f: FieldDef,
  value: Shown,
  ctx: { levels: Level[]; rules: MaskRule[]; clearFields: string[]; key: Buffer; consumer: string },
): Shown {
  const level = ctx.levels.find((l) => l.code === f.level);
  const action = ctx.clearFields.includes(f.name) ? 'clear' : (level?.maskAction ?? 'suppress');
  if (action === 'clear') return value;
  if (action === 'mask') {
    const rule = ctx.rules.find((r) => r.code === f.maskRule);
    return applyRule(rule, value, ctx);
  }
  return null;
}
