// Generates the synthetic base-library CSVs of the demo seed (人口, 法人), deterministically.
// Run: node packages/modules/data/seed-data/generate.mjs — the output is committed next to this file.
// A few rows are wrong on purpose so that sync rejections and the quality report show findings.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const divisions = JSON.parse(readFileSync(join(here, '../../org/src/foshan-divisions.json'), 'utf8'));
const districts = Object.fromEntries(divisions.districts.map((d) => [d.code, d.name]));
const streets = divisions.streets;

let seed = 20261201;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pad = (n, w) => String(n).padStart(w, '0');

const ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const idCheck = (b) => '10X98765432'[ID_W.reduce((s, w, i) => s + w * Number(b[i]), 0) % 11];
const USCC = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const usccCheck = (b) => USCC[(31 - (USCC_W.reduce((s, w, i) => s + w * USCC.indexOf(b[i]), 0) % 31)) % 31];

const SURNAMES = '陈李黄张梁林何罗刘吴郑谢杨周冯邓区潘麦卢'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲美家豪晓燕志嘉怡建国婷浩宇欣然子轩梓涵'.split('');
const ROADS = [
  '岭南大道',
  '季华路',
  '汾江路',
  '桂澜路',
  '南海大道',
  '德胜路',
  '大良凤山路',
  '西南大道',
  '荷城大道',
  '文华路',
];
const csv = (rows) =>
  `${rows.map((r) => r.map((v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : v)).join(',')).join('\n')}\n`;

// ----- 人口 -----
const DEMO = [
  ['陈美玲', '440604', '19880312', 102, '13800001001'],
  ['梁家豪', '440605', '19790521', 113, '13800001002'],
  ['何晓燕', '440606', '19920807', 124, '13800001003'],
  ['黄伟明', '440607', '19650130', 135, '13800001004'],
];
const persons = [['id_number', 'name', 'gender', 'birth_date', 'phone', 'address', 'residence_division', 'updated_at']];
const used = new Set();
const personRow = (name, district, birth, seq, phone) => {
  const body = `${district}${birth}${pad(seq, 3)}`;
  const id = body + idCheck(body);
  used.add(id);
  const street = pick(streets.filter((s) => s.code.startsWith(district)));
  const gender = Number(pad(seq, 3)[2]) % 2 === 1 ? '男' : '女';
  const addr = `广东省佛山市${districts[district]}${street.name}${pick(ROADS)}${int(1, 300)}号`;
  return [
    id,
    name,
    gender,
    `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
    phone,
    addr,
    street.code,
    '2026-11-30T16:00:00Z',
  ];
};
for (const [name, d, b, s, ph] of DEMO) persons.push(personRow(name, d, b, s, ph));
while (persons.length < 2001) {
  const district = pick(Object.keys(districts));
  const birth = `${int(1935, 2008)}${pad(int(1, 12), 2)}${pad(int(1, 28), 2)}`;
  const seq = int(10, 999);
  const body = `${district}${birth}${pad(seq, 3)}`;
  if (used.has(body + idCheck(body))) continue;
  persons.push(
    personRow(
      pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : ''),
      district,
      birth,
      seq,
      `1${pick(['38', '39', '35', '36', '59', '88'])}${pad(int(0, 99999999), 8)}`,
    ),
  );
}
// Wrong on purpose: check digits, missing names, impossible dates, bad phones, a missing key, a repeated key.
for (let i = 0; i < 5; i++) {
  const r = persons[100 + i * 37];
  r[0] = r[0].slice(0, 17) + (r[0][17] === '1' ? '2' : '1');
}
for (let i = 0; i < 4; i++) persons[300 + i * 41][1] = '';
for (let i = 0; i < 3; i++) persons[600 + i * 53][3] = '1990-02-30';
for (let i = 0; i < 3; i++) persons[900 + i * 29][4] = '1380013';
persons.push([
  '',
  '王无号',
  '男',
  '1970-01-01',
  '13900000000',
  '广东省佛山市禅城区祖庙街道1号',
  '440604012000',
  '2026-11-30T16:00:00Z',
]);
persons.push([...persons[20].slice(0, 1), '重复登记', ...persons[20].slice(2)]);
writeFileSync(join(here, 'population.csv'), csv(persons));

// ----- 法人 -----
const TYPES = ['有限责任公司', '个体工商户', '股份有限公司', '个人独资企业', '农民专业合作社'];
const CATEGORIES = ['A', 'C', 'E', 'F', 'G', 'H', 'I', 'K', 'L', 'M', 'O', 'P', 'Q', 'R'];
const TRADES = {
  A: '农业',
  C: '制造',
  E: '建筑',
  F: '商贸',
  G: '物流',
  H: '餐饮',
  I: '信息科技',
  K: '房地产',
  L: '商务服务',
  M: '技术服务',
  O: '家政服务',
  P: '教育咨询',
  Q: '健康管理',
  R: '文化传媒',
};
const WORDS = '顺盈华创宏达众联恒信嘉禾粤通美的佳源汇丰博远金泰康宁智谷新锐'.split('');
const legal = [
  ['credit_code', 'name', 'type', 'legal_rep', 'category', 'capital', 'reg_date', 'address', 'division', 'status'],
];
const names = new Set();
let n = 0;
while (legal.length < 501) {
  n++;
  const district = pick(Object.keys(districts));
  const type = pick(TYPES);
  const cat = pick(CATEGORIES);
  const word = pick(WORDS) + pick(WORDS);
  const name =
    type === '个体工商户'
      ? `佛山市${districts[district]}${word}${TRADES[cat]}${pick(['店', '部', '坊'])}`
      : `佛山市${word}${TRADES[cat]}${type === '股份有限公司' ? '股份有限公司' : type === '农民专业合作社' ? '专业合作社' : '有限公司'}`;
  if (names.has(name)) continue;
  names.add(name);
  const body = `${type === '个体工商户' ? '92' : type === '农民专业合作社' ? '93' : '91'}${district}MA${pad(n, 7)}`;
  legal.push([
    body + usccCheck(body),
    name,
    type,
    pick(SURNAMES) + pick(GIVEN) + pick(GIVEN),
    cat,
    type === '个体工商户' ? int(1, 50) : int(10, 5000),
    `${int(2000, 2026)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`,
    `广东省佛山市${districts[district]}${pick(ROADS)}${int(1, 500)}号`,
    district,
    rnd() < 0.92 ? '存续' : '注销',
  ]);
}
for (let i = 0; i < 3; i++) {
  const r = legal[50 + i * 60];
  r[0] = r[0].slice(0, 17) + (r[0][17] === '0' ? '1' : '0');
}
legal[400][1] = legal[401][1]; // two enterprises under one name
for (let i = 0; i < 2; i++) legal[200 + i * 70][6] = '';
writeFileSync(join(here, 'legal-persons.csv'), csv(legal));

// 信用 (红黑名单): enterprises and a few persons of the files above, with the listing department,
// the legal reason and the validity (black lists: 3 years; red lists: 2 years). Appended after the
// other files so their rows stay as they were.
const BLACK = [
  ['佛山市市场监督管理局', '列入严重违法失信名单（未按期公示年度报告满三年）'],
  ['国家税务总局佛山市税务局', '重大税收违法失信主体'],
  ['佛山市人力资源和社会保障局', '拖欠农民工工资失信联合惩戒对象'],
  ['佛山市生态环境局', '环境信用评价为环保严管企业'],
];
const RED = [
  ['国家税务总局佛山市税务局', '纳税信用A级纳税人'],
  ['佛山市市场监督管理局', '守合同重信用企业'],
  ['佛山市人力资源和社会保障局', '劳动保障守法诚信示范单位'],
];
const credit = [['subject_code', 'subject_name', 'list_type', 'reason', 'source_department', 'valid_from', 'valid_to']];
const listed = new Set();
for (let i = 0; credit.length < 61 && i < 2000; i++) {
  const e = pick(legal.slice(1));
  if (listed.has(e[0]) || e[9] !== '存续') continue;
  listed.add(e[0]);
  const black = rnd() < 0.45;
  const [dept, reason] = pick(black ? BLACK : RED);
  const y = int(2023, 2026);
  const from = `${y}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}`;
  credit.push([e[0], e[1], black ? '黑名单' : '红名单', reason, dept, from, `${y + (black ? 3 : 2)}${from.slice(4)}`]);
}
for (let i = 0; i < 6; i++) {
  const p = persons[40 + i * 97];
  credit.push([
    p[0],
    p[1],
    '黑名单',
    '失信被执行人（有履行能力而拒不履行生效法律文书确定义务）',
    '佛山市中级人民法院',
    '2025-06-01',
    '2028-05-31',
  ]);
}
writeFileSync(join(here, 'credit.csv'), csv(credit));
console.log(
  `population.csv: ${persons.length - 1} rows; legal-persons.csv: ${legal.length - 1} rows; credit.csv: ${credit.length - 1} rows`,
);
