/**
 * Synthetic base-library records for the data exchange benchmark (bench/data.ts): persons (人口) and
 * enterprises (法人), computed from their index alone, so a checker can rebuild the record of any
 * key it asked for without keeping a million records in memory.
 *
 * - Person n (0 ≤ n < 5 · 25,000 · 40 = 5,000,000): a valid GB 11643 ID number, unique in n, in one of
 *   the five districts of 佛山市 (440604–440608), born on one of 25,000 days from 1940-01-01, with a
 *   sequence of three digits (its last digit gives the gender); name, phone (unique), address and
 *   the 12-digit division of its township.
 * - Enterprise n (0 ≤ n < 31^7): a valid GB 32100 credit code `9<type>4406xxMA<7 base-31 digits><check>`,
 *   unique in n; name, type, legal representative, GB/T 4754 category, capital, date, address.
 *
 * The field names are those of the seeded resources (packages/modules/data/src/seed.ts).
 */

import { Writable } from 'node:stream';
import { creditCodeCheckChar, idNumberCheckDigit } from '@yiwang/shared';
import ExcelJS from 'exceljs';

export const DISTRICTS = [
  { code: '440604', name: '禅城区', streets: ['祖庙街道', '石湾镇街道', '张槎街道', '南庄镇'] },
  { code: '440605', name: '南海区', streets: ['桂城街道', '九江镇', '西樵镇', '狮山镇'] },
  { code: '440606', name: '顺德区', streets: ['大良街道', '容桂街道', '伦教街道', '北滘镇'] },
  { code: '440607', name: '三水区', streets: ['西南街道', '云东海街道', '白坭镇', '乐平镇'] },
  { code: '440608', name: '高明区', streets: ['荷城街道', '杨和镇', '明城镇', '更合镇'] },
] as const;
const ROADS = [
  '岭南大道',
  '季华路',
  '汾江中路',
  '南海大道',
  '凤山路',
  '荷城大道',
  '广佛路',
  '魁奇路',
  '桂澜路',
  '新港路',
];
const SURNAMES = '陈李黄张梁刘林何吴罗郭周杨谢邓冯麦区叶苏卢蔡潘钟彭曾'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂嘉豪美玲晓燕家俊慧文振华雅琴志淑仪国'.split('');
const DAY_MS = 86_400_000;
const BIRTH_DAYS = 25_000;
const BIRTH_START = Date.UTC(1940, 0, 1);

export const PERSON_FIELDS = [
  'id_number',
  'name',
  'gender',
  'birth_date',
  'phone',
  'address',
  'residence_division',
  'updated_at',
] as const;
export type Person = Record<(typeof PERSON_FIELDS)[number], string>;

export const ENTERPRISE_FIELDS = [
  'credit_code',
  'name',
  'type',
  'legal_rep',
  'category',
  'capital',
  'reg_date',
  'address',
  'division',
  'status',
] as const;
export type Enterprise = Record<(typeof ENTERPRISE_FIELDS)[number], string>;

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function personName(n: number): string {
  const s = SURNAMES[n % SURNAMES.length]!;
  const a = GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]!;
  // Two thirds of the names have three characters.
  return n % 3 === 0 ? `${s}${a}` : `${s}${a}${GIVEN[Math.floor(n / 7) % GIVEN.length]!}`;
}

export function person(n: number): Person {
  const d = DISTRICTS[n % 5]!;
  const day = Math.floor(n / 5) % BIRTH_DAYS;
  const seq = Math.floor(n / (5 * BIRTH_DAYS));
  const birth = new Date(BIRTH_START + day * DAY_MS).toISOString().slice(0, 10);
  // 40 sequences: 3 digits, unique in seq; the 17th digit (odd = male) alternates with seq.
  const seqText = pad(100 + seq * 21, 3);
  const body = `${d.code}${birth.replaceAll('-', '')}${seqText}`;
  const street = Math.floor(n / 5) % d.streets.length;
  return {
    id_number: body + idNumberCheckDigit(body),
    name: personName(n),
    gender: Number(seqText[2]) % 2 === 1 ? '男' : '女',
    birth_date: birth,
    phone: `13${pad(n % 1_000_000_000, 9)}`,
    address: `广东省佛山市${d.name}${d.streets[street]}${ROADS[n % ROADS.length]}${(n % 997) + 1}号`,
    residence_division: `${d.code}${pad(street + 1, 3)}000`,
    updated_at: '2026-11-30T16:00:00.000Z',
  };
}

/** What the gateway should show of a person under a grant without clear fields (the seeded levels and rules). */
export function maskedPerson(p: Person) {
  const stars = (k: number) => '*'.repeat(Math.max(0, k));
  const district = /^广东省佛山市.+?区/.exec(p.address)![0];
  return {
    id_number: `${p.id_number.slice(0, 4)}${stars(p.id_number.length - 8)}${p.id_number.slice(-4)}`, // L4, ID_NUMBER 4+4
    name: `${p.name[0]}${stars(p.name.length - 1)}`, // L3, NAME: first character
    gender: p.gender, // L2: clear
    birth_date: null, // L3 without a mask rule: suppressed
    phone: `${p.phone.slice(0, 3)}${stars(p.phone.length - 7)}${p.phone.slice(-4)}`, // L3, PHONE 3+4
    address: district, // L3, ADDRESS: generalised to the district
    residence_division: p.residence_division, // L2: clear
    updated_at: p.updated_at, // L1: clear
  };
}

const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const TYPES = [
  ['1', '有限责任公司'],
  ['1', '股份有限公司'],
  ['2', '个体工商户'],
  ['3', '农民专业合作社'],
] as const;
const TRADES = ['华通', '佳美', '利丰', '恒达', '宏图', '安信', '顺景', '南粤', '金禾', '新晖', '广盈', '瑞祥'];
const LINES = [
  ['C', '制造'],
  ['F', '贸易'],
  ['H', '餐饮'],
  ['I', '信息技术'],
  ['L', '商务服务'],
  ['M', '科技'],
  ['O', '家政服务'],
  ['E', '建筑工程'],
] as const;

export function enterprise(n: number): Enterprise {
  const d = DISTRICTS[n % 5]!;
  const [typeDigit, type] = TYPES[n % TYPES.length]!;
  const [category, line] = LINES[Math.floor(n / 5) % LINES.length]!;
  let seq = '';
  for (let k = 0, v = n; k < 7; k++, v = Math.floor(v / 31)) seq = USCC[v % 31]! + seq;
  const body = `9${typeDigit}${d.code}MA${seq}`;
  const trade = `${TRADES[n % TRADES.length]!}${TRADES[Math.floor(n / 12) % TRADES.length]!}`;
  const suffix = type === '个体工商户' ? '店' : type === '农民专业合作社' ? '专业合作社' : type;
  const reg = new Date(Date.UTC(1995, 0, 1) + (n % 11_000) * DAY_MS).toISOString().slice(0, 10);
  return {
    credit_code: body + creditCodeCheckChar(body),
    // Names are unique in n (the sequence number is part of the name).
    name: `佛山市${d.name}${trade}${line}${suffix}（${n + 1}）`,
    type,
    legal_rep: personName(n * 13 + 5),
    category,
    capital: String(((n * 37) % 5000) + 10),
    reg_date: reg,
    address: `广东省佛山市${d.name}${d.streets[n % d.streets.length]}${ROADS[(n >> 3) % ROADS.length]}${(n % 499) + 1}号`,
    division: d.code,
    status: n % 23 === 0 ? '注销' : '存续',
  };
}

/** CSV of enterprises [from, to) with a header line of the field names (no value needs quoting). */
export function enterpriseCsv(from: number, to: number): Buffer {
  const lines: string[] = [ENTERPRISE_FIELDS.join(',')];
  for (let n = from; n < to; n++) {
    const e = enterprise(n);
    lines.push(ENTERPRISE_FIELDS.map((f) => e[f]).join(','));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The same rows as `enterpriseCsv`, as one XLSX sheet (ExcelJS streaming writer); capital is a number cell. */
export async function enterpriseXlsx(from: number, to: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('法人');
  ws.addRow([...ENTERPRISE_FIELDS]).commit();
  for (let n = from; n < to; n++) {
    const e = enterprise(n);
    ws.addRow(ENTERPRISE_FIELDS.map((f) => (f === 'capital' ? Number(e.capital) : e[f]))).commit();
  }
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}
