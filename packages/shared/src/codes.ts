/**
 * Check algorithms of the national codes (domain reference §9).
 * Pure functions shared by the server and the web app.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export type IdNumberProblem = 'format' | 'checkDigit' | 'birthDate' | 'region';

/** GB 11643 居民身份证号码: 17 digits + check; also birth date and province prefix. */
export function checkIdNumber(raw: string, today: Date = new Date()): IdNumberProblem | null {
  const id = raw.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (ID_CHECK[sum % 11] !== id[17]) return 'checkDigit';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1850 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today.getTime()) {
    return 'birthDate';
  }
  if (!PROVINCE_PREFIXES.has(id.slice(0, 2))) return 'region';
  return null;
}

export function idNumberBirthDate(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** GB/T 2260 province-level prefixes. */
export const PROVINCE_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem = 'format' | 'checkChar' | 'region';

/** GB 32100 统一社会信用代码 check character. */
export function checkCreditCode(raw: string): CreditCodeProblem | null {
  const code = raw.toUpperCase();
  if (!/^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/.test(code)) return 'format';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  if (USCC_ALPHABET[(31 - (sum % 31)) % 31] !== code[17]) return 'checkChar';
  if (!PROVINCE_PREFIXES.has(code.slice(2, 4)) && code.slice(2, 4) !== '10') return 'region';
  return null;
}

/** Computes the check character for a 17-character USCC body (used by seed data and tests). */
export function creditCodeCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body17[i]!.toUpperCase()) * USCC_WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function idNumberCheckDigit(body17: string): string {
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(body17[i]), 0);
  return ID_CHECK[sum % 11]!;
}

export type DivisionLevel = 'province' | 'prefecture' | 'county' | 'township' | 'village';

/**
 * Level of a GB/T 2260 (6-digit) or statistical (12-digit) division code, or null when the
 * code is malformed: township 001–399, village 001–399 per the domain reference.
 */
export function divisionLevel(code: string): DivisionLevel | null {
  if (/^\d{6}$/.test(code)) {
    if (code === '000000' || !PROVINCE_PREFIXES.has(code.slice(0, 2))) return null;
    if (code.endsWith('0000')) return 'province';
    if (code.endsWith('00')) return 'prefecture';
    return 'county';
  }
  if (/^\d{12}$/.test(code)) {
    const county = code.slice(0, 6);
    const level6 = divisionLevel(county);
    if (level6 !== 'county' && level6 !== 'prefecture') return null;
    const town = Number(code.slice(6, 9));
    const village = Number(code.slice(9, 12));
    if (town < 1 || town > 399) return null;
    if (village === 0) return 'township';
    if (village > 399) return null;
    return 'village';
  }
  return null;
}

/** Parent code in the division tree (12-digit township → 6-digit county, etc.). */
export function divisionParent(code: string): string | null {
  const level = divisionLevel(code);
  switch (level) {
    case 'province':
      return null;
    case 'prefecture':
      return `${code.slice(0, 2)}0000`;
    case 'county':
      return `${code.slice(0, 4)}00`;
    case 'township':
      return code.slice(0, 6);
    case 'village':
      return `${code.slice(0, 9)}000`;
    default:
      return null;
  }
}

/**
 * The prefix shared by every code in the subtree of `code`, so that a scope check is a
 * string prefix test: 440000 → "44", 440600 → "4406", 440604 → "440604",
 * 440604001000 → "440604001".
 */
export function divisionPrefix(code: string): string {
  const level = divisionLevel(code);
  switch (level) {
    case 'province':
      return code.slice(0, 2);
    case 'prefecture':
      return code.slice(0, 4);
    case 'county':
      return code;
    case 'township':
      return code.slice(0, 9);
    default:
      return code;
  }
}

/** Grid code (GB/T 30428 style): 15 digits = 6 division + 3 street + 3 community + 3 grid. */
export function checkGridCode(code: string): boolean {
  if (!/^\d{15}$/.test(code)) return false;
  return divisionLevel(code.slice(0, 12)) === 'village' && Number(code.slice(12)) >= 1;
}

export function isInDivisionSubtree(scopeCode: string, code: string): boolean {
  return code.startsWith(divisionPrefix(scopeCode));
}

// ---------- 证照标识 (GB/T 36904): electronic licence identifier ----------

/** The fixed prefix of every licence identifier (OID arc of the national licence system). */
export const LICENCE_ID_PREFIX = '1.2.156.3005.2';
const ALNUM36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ISO 7064 MOD 37,36 check character over `body` (digits and capital letters; dots ignored). */
export function mod3736CheckChar(body: string): string {
  let p = 36;
  for (const c of body.replace(/\./g, '')) {
    const v = ALNUM36.indexOf(c);
    if (v < 0) throw new Error(`character ${c} is not allowed in a MOD 37,36 body`);
    p = (p + v) % 36;
    if (p === 0) p = 36;
    p = (2 * p) % 37;
  }
  return ALNUM36[(37 - p) % 36]!;
}

export interface LicenceIdParts {
  /** 证照类型代码: the defining authority's credit code (18) + a 3-digit sequence. */
  typeCode: string;
  /** 颁证单位代码: the issuing department's credit code. */
  issuerCode: string;
  /** 证照编号. */
  number: string;
  /** 版本号, 1–999. */
  version: number;
}

/** Builds `1.2.156.3005.2.{type}.{issuer}.{number}.{version:3}.{check}`. */
export function licenceIdentifier(parts: LicenceIdParts): string {
  const version = String(parts.version).padStart(3, '0');
  const body = `${parts.typeCode}.${parts.issuerCode}.${parts.number}.${version}`;
  return `${LICENCE_ID_PREFIX}.${body}.${mod3736CheckChar(body)}`;
}

export type LicenceIdProblem = 'format' | 'check';

/** Parses a licence identifier; `problem` says why it is malformed (bad shape, or a wrong check character). */
export function parseLicenceIdentifier(
  raw: string,
): { ok: true; parts: LicenceIdParts } | { ok: false; problem: LicenceIdProblem } {
  const m = /^1\.2\.156\.3005\.2\.([0-9A-Z]{21})\.([0-9A-Z]{18})\.([0-9A-Z]{1,40})\.([0-9]{3})\.([0-9A-Z])$/.exec(
    raw.trim(),
  );
  if (!m) return { ok: false, problem: 'format' };
  const [, typeCode, issuerCode, number, version, check] = m as unknown as string[];
  if (mod3736CheckChar(`${typeCode}${issuerCode}${number}${version}`) !== check) return { ok: false, problem: 'check' };
  return {
    ok: true,
    parts: { typeCode: typeCode!, issuerCode: issuerCode!, number: number!, version: Number(version) },
  };
}
