/**
 * Export and import of the implementation list as XLSX (one sheet of items and one per child
 * table, keyed by 实施编码, Chinese column headers) or JSON (an array of ItemInput objects with
 * taskCode). An import is all or nothing: every row is checked first, every problem is reported
 * with its sheet, row and field, and the items are stored in one transaction (an existing task
 * code gets a new version, a new one is created).
 */
import { AppError, authorize, badRequest, type Ctx, type Platform, type Tx, writeAudit } from '@yiwang/platform';
import ExcelJS from 'exceljs';
import { Value } from 'typebox/value';
import { itemsChanged } from './published.ts';
import * as repo from './repository.ts';
import { CreateBody } from './schemas.ts';
import { createIn, loadRefs, MANAGE, type Refs, requireSomeManageGrant, validateItem, versionIn } from './service.ts';
import { type BasicItem, type CatalogItem, type ItemInput, TASK_TYPES, TIME_UNITS } from './types.ts';

const CATALOG_CODE = /^[0-9A-Z]{12}$/;

// ---------- the file format ----------

type Kind = 'text' | 'ntext' | 'int' | 'number' | 'bool' | 'unit' | 'intList' | 'list' | 'json' | 'code2';

interface Column {
  header: string;
  /** Path in ItemInput (dots for fee.*); '' for columns only written for people to read. */
  field: string;
  kind: Kind;
  width?: number;
}

export const ITEM_SHEET = '事项';
const ITEM_COLUMNS: Column[] = [
  { header: '实施编码', field: 'taskCode', kind: 'text', width: 34 },
  { header: '基本编码', field: 'catalogCode', kind: 'text', width: 15 },
  { header: '主项基本编码', field: 'parentCatalogCode', kind: 'ntext', width: 15 },
  { header: '事项名称', field: 'name', kind: 'text', width: 28 },
  { header: '事项类型', field: 'taskType', kind: 'code2' },
  { header: '行使层级', field: 'useLevel', kind: 'text' },
  { header: '实施部门', field: '', kind: 'ntext', width: 24 },
  { header: '实施部门统一社会信用代码', field: 'departmentCreditCode', kind: 'ntext', width: 22 },
  { header: '办件类型', field: 'projectType', kind: 'int' },
  { header: '法定时限', field: 'statutoryLimit', kind: 'int' },
  { header: '法定时限单位', field: 'statutoryUnit', kind: 'unit' },
  { header: '承诺时限', field: 'promisedLimit', kind: 'int' },
  { header: '承诺时限单位', field: 'promisedUnit', kind: 'unit' },
  { header: '到现场次数', field: 'visitsRequired', kind: 'int' },
  { header: '是否网上办理', field: 'isOnline', kind: 'bool' },
  { header: '网办深度', field: 'onlineDepth', kind: 'intList' },
  { header: '服务对象', field: 'serviceObject', kind: 'list' },
  { header: '受理条件', field: 'conditions', kind: 'ntext', width: 40 },
  { header: '设定依据', field: 'legalBasis', kind: 'ntext', width: 40 },
  { header: '办理地点', field: 'address', kind: 'ntext', width: 30 },
  { header: '办公时间', field: 'officeHours', kind: 'ntext', width: 30 },
  { header: '咨询方式', field: 'contact', kind: 'ntext' },
  { header: '是否收费', field: 'fee.isFee', kind: 'bool' },
  { header: '收费依据', field: 'fee.basis', kind: 'ntext' },
  { header: '减免政策', field: 'fee.waiver', kind: 'ntext' },
  { header: '主题', field: 'themes', kind: 'list' },
  { header: '申请表单', field: 'formSchema', kind: 'json', width: 40 },
  { header: '职责', field: 'duties', kind: 'ntext', width: 30 },
  { header: '追责依据', field: 'accountability', kind: 'ntext', width: 30 },
  { header: '版本', field: '', kind: 'ntext' },
];

interface ChildSheet {
  sheet: string;
  /** Where the rows go in ItemInput. */
  list: 'materials' | 'fee.items' | 'steps' | 'results' | 'faqs';
  columns: Column[];
}

const KEY = { header: '实施编码', field: '', kind: 'text', width: 34 } as const satisfies Column;
const ORDER = { header: '序号', field: '', kind: 'ntext' } as const satisfies Column;

export const CHILD_SHEETS: ChildSheet[] = [
  {
    sheet: '材料',
    list: 'materials',
    columns: [
      KEY,
      ORDER,
      { header: '材料名称', field: 'name', kind: 'text', width: 30 },
      { header: '材料类型', field: 'type', kind: 'text' },
      { header: '是否必需', field: 'required', kind: 'bool' },
      { header: '份数', field: 'copies', kind: 'int' },
      { header: '提交方式', field: 'fulfilment', kind: 'text' },
      { header: '格式', field: 'format', kind: 'ntext' },
      { header: '大小上限MB', field: 'maxSizeMb', kind: 'number' },
      { header: '受理标准', field: 'acceptanceStandard', kind: 'ntext', width: 30 },
      { header: '证照类型代码', field: 'licenceTypeCode', kind: 'ntext', width: 24 },
      { header: '共享数据来源', field: 'source', kind: 'json', width: 30 },
    ],
  },
  {
    sheet: '收费',
    list: 'fee.items',
    columns: [
      KEY,
      ORDER,
      { header: '收费项目', field: 'name', kind: 'text', width: 24 },
      { header: '收费标准', field: 'standard', kind: 'text', width: 30 },
      { header: '收费依据', field: 'basis', kind: 'ntext', width: 30 },
    ],
  },
  {
    sheet: '环节',
    list: 'steps',
    columns: [
      KEY,
      ORDER,
      { header: '环节名称', field: 'name', kind: 'text', width: 16 },
      { header: '时限', field: 'days', kind: 'int' },
      { header: '时限单位', field: 'unit', kind: 'unit' },
      { header: '办理角色', field: 'role', kind: 'ntext', width: 16 },
      { header: '会签部门', field: 'countersign', kind: 'list', width: 30 },
    ],
  },
  {
    sheet: '结果',
    list: 'results',
    columns: [
      KEY,
      ORDER,
      { header: '结果名称', field: 'name', kind: 'text', width: 30 },
      { header: '结果类型', field: 'type', kind: 'text' },
    ],
  },
  {
    sheet: '常见问题',
    list: 'faqs',
    columns: [
      KEY,
      ORDER,
      { header: '问题', field: 'q', kind: 'text', width: 40 },
      { header: '解答', field: 'a', kind: 'text', width: 60 },
    ],
  },
];

/** The basic catalog (基本目录): entries a file's items name as their parent travel with them. */
export const BASIC_SHEET = '基本目录';
const BASIC_COLUMNS: Column[] = [
  { header: '基本编码', field: 'catalogCode', kind: 'text', width: 15 },
  { header: '事项名称', field: 'name', kind: 'text', width: 28 },
  { header: '事项类型', field: 'taskType', kind: 'code2' },
  { header: '主项基本编码', field: 'parentCode', kind: 'ntext', width: 15 },
  { header: '设定依据', field: 'legalBasis', kind: 'ntext', width: 40 },
];

const ALIASES: Record<string, string> = {
  自然人: 'person',
  个人: 'person',
  法人: 'enterprise',
  企业: 'enterprise',
  原件: 'original',
  复印件: 'copy',
  电子件: 'electronic',
  电子: 'electronic',
  上传: 'UPLOAD',
  告知承诺: 'COMMITMENT',
  承诺: 'COMMITMENT',
};
const UNIT_BY_NAME = new Map(Object.entries(TIME_UNITS).map(([k, v]) => [v, Number(k)]));
const LIST_SPLIT = /[,，、;；\n]+/;

// ---------- export ----------

/** An item as the ItemInput it would be re-created from (plus the department's credit code). */
export function toInput(it: CatalogItem & { parentCatalogCode: string | null }, creditCode: string | null) {
  return {
    taskCode: it.taskCode,
    catalogCode: it.catalogCode,
    parentCatalogCode: it.parentCatalogCode,
    name: it.name,
    taskType: it.taskType,
    useLevel: it.useLevel,
    departmentId: it.departmentId,
    departmentCreditCode: creditCode,
    projectType: it.projectType,
    statutoryLimit: it.statutoryLimit,
    statutoryUnit: it.statutoryUnit,
    promisedLimit: it.promisedLimit,
    promisedUnit: it.promisedUnit,
    visitsRequired: it.visitsRequired,
    isOnline: it.isOnline,
    onlineDepth: it.onlineDepth,
    serviceObject: it.serviceObject,
    conditions: it.conditions,
    legalBasis: it.legalBasis,
    address: it.address,
    officeHours: it.officeHours,
    contact: it.contact,
    fee: {
      isFee: it.fee.isFee,
      basis: it.fee.basis ?? null,
      items: it.fee.items.map((f) => ({ name: f.name, standard: f.standard, basis: f.basis ?? null })),
      waiver: it.fee.waiver ?? null,
    },
    themes: it.themes,
    formSchema: it.formSchema,
    materials: it.materials.map((m) => ({
      name: m.name,
      type: m.type,
      required: m.required,
      copies: m.copies,
      fulfilment: m.fulfilment,
      format: m.format ?? null,
      maxSizeMb: m.maxSizeMb ?? null,
      acceptanceStandard: m.acceptanceStandard ?? null,
      ...(m.licenceTypeCode ? { licenceTypeCode: m.licenceTypeCode } : {}),
      ...(m.source ? { source: m.source } : {}),
    })),
    steps: it.steps.map((s) => ({
      name: s.name,
      days: s.days,
      unit: s.unit,
      role: s.role ?? null,
      countersign: s.countersign ?? [],
    })),
    results: it.results,
    faqs: it.faqs,
    duties: it.duties,
    accountability: it.accountability,
  };
}

function get(o: any, path: string): unknown {
  return path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);
}

function cellOut(kind: Kind, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'bool':
      return v ? '是' : '否';
    case 'list':
    case 'intList':
      return (v as unknown[]).join('、') || null;
    case 'json':
      return JSON.stringify(v);
    case 'int':
    case 'number':
    case 'unit':
      return v as number;
    default:
      return String(v);
  }
}

export async function exportCatalog(p: Platform, ctx: Ctx, format: 'xlsx' | 'json') {
  requireSomeManageGrant(ctx);
  const refs = await loadRefs(p.db);
  const items = await repo.allLatestPublished(p.db);
  const creditOf = (id: string) => refs.departments.get(id)?.creditCode ?? id;
  // departments travel by credit code (ids differ between installations); departmentId stays for ItemInput
  const portable = items.map((it) => {
    const x = toInput(it, creditOf(it.departmentId));
    for (const s of x.steps) s.countersign = s.countersign.map(creditOf);
    return x;
  });
  if (format === 'json') return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(portable) };

  const wb = new ExcelJS.Workbook();
  wb.creator = 'Yiwang';
  const sheet = (name: string, cols: Column[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = cols.map((c, i) => ({ header: c.header, key: String(i), width: c.width ?? 12 }));
    ws.getRow(1).font = { bold: true };
    return ws;
  };
  const itemSheet = sheet(ITEM_SHEET, ITEM_COLUMNS);
  items.forEach((it, n) => {
    const src = portable[n];
    itemSheet.addRow(
      ITEM_COLUMNS.map((c) => {
        if (c.header === '实施部门') return it.departmentName;
        if (c.header === '版本') return it.taskVersion;
        return cellOut(c.kind, get(src, c.field));
      }),
    );
  });
  for (const cs of CHILD_SHEETS) {
    const ws = sheet(cs.sheet, cs.columns);
    for (const src of portable) {
      const rows = (get(src, cs.list) as Record<string, unknown>[]) ?? [];
      rows.forEach((r, i) => {
        ws.addRow(
          cs.columns.map((c) => {
            if (c === KEY) return src.taskCode;
            if (c === ORDER) return i + 1;
            return cellOut(c.kind, r[c.field]);
          }),
        );
      });
    }
  }
  const basics = sheet(BASIC_SHEET, BASIC_COLUMNS);
  for (const b of await repo.allBasicItems(p.db))
    basics.addRow(BASIC_COLUMNS.map((c) => cellOut(c.kind, (b as unknown as Record<string, unknown>)[c.field])));
  const buf = await wb.xlsx.writeBuffer();
  return {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: Buffer.from(buf as ArrayBuffer),
  };
}

// ---------- import: problems ----------

export interface ImportProblem {
  /** Sheet name of an XLSX file, or 'json'. */
  sheet: string;
  /** Row in the sheet (the header is row 1), or the 1-based position in the JSON array. */
  row: number;
  /** Field path of ItemInput, e.g. `promisedLimit`, `materials.0.fulfilment`, `formSchema.properties.age`. */
  field: string;
  /** The column header (XLSX) when the field has one. */
  column?: string;
  code: string;
  message: string;
  messageEn: string;
}

/** 400 IMPORT_INVALID with every problem found; nothing was stored. */
export class ImportInvalid extends AppError {
  constructor(readonly rows: ImportProblem[]) {
    super(
      400,
      'IMPORT_INVALID',
      `导入文件有 ${rows.length} 处错误，未导入任何数据`,
      `The file has ${rows.length} problem(s); nothing was imported`,
      'file',
    );
  }
  override toJSON() {
    return { ...super.toJSON(), rows: this.rows };
  }
}

/** Where each part of one parsed item came from, to point at the right sheet row. */
interface Origin {
  sheet: string;
  row: number;
  children: Partial<Record<ChildSheet['list'], number[]>>;
}

interface Parsed {
  input: Record<string, any>;
  origin: Origin;
  /** Credit code given for the implementing department, when the file names it that way. */
  creditCode: string | null;
  /** A cell of it could not be read (already reported): no further checks. */
  broken?: boolean;
}

function problemAt(p: Parsed, field: string, code: string, zh: string, en: string, index?: number): ImportProblem {
  const { origin } = p;
  if (origin.sheet === 'json') return { sheet: 'json', row: origin.row, field, code, message: zh, messageEn: en };
  const m = /^(materials|fee\.items|steps|results|faqs)(?:\.(\d+))?(?:\.(\w+))?/.exec(field);
  if (m) {
    const list = m[1] as ChildSheet['list'];
    const i = m[2] !== undefined ? Number(m[2]) : index;
    const rows = origin.children[list] ?? [];
    const cs = CHILD_SHEETS.find((c) => c.list === list)!;
    if (i !== undefined && rows[i] !== undefined) {
      const column = m[3] ? cs.columns.find((c) => c.field === m[3])?.header : undefined;
      return { sheet: cs.sheet, row: rows[i], field, ...(column ? { column } : {}), code, message: zh, messageEn: en };
    }
  }
  const top = field.startsWith('formSchema') ? 'formSchema' : field;
  const column = ITEM_COLUMNS.find((c) => c.field === top)?.header;
  return {
    sheet: origin.sheet,
    row: origin.row,
    field,
    ...(column ? { column } : {}),
    code,
    message: zh,
    messageEn: en,
  };
}

// ---------- import: reading the file ----------

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  const o = v as any;
  if (Array.isArray(o.richText))
    return o.richText
      .map((t: any) => t.text)
      .join('')
      .trim();
  if (o.text !== undefined) return String(o.text).trim();
  if (o.result !== undefined) return cellText(o.result);
  return String(v).trim();
}

type CellProblem = { header: string; zh: string; en: string };

/** A cell's text as the value of its kind; undefined for an empty optional cell. */
function cellIn(kind: Kind, header: string, text: string): { value?: unknown; problem?: CellProblem } {
  const wrong = (zh: string, en: string) => ({ problem: { header, zh: `${header}：${zh}`, en: `${header}: ${en}` } });
  if (text === '') {
    if (kind === 'list' || kind === 'intList') return { value: [] };
    if (kind === 'ntext' || kind === 'number') return { value: null };
    if (kind === 'json') return { value: undefined };
    return wrong('不能为空', 'must not be empty');
  }
  switch (kind) {
    case 'text':
    case 'ntext':
      return { value: text };
    case 'code2':
      return { value: /^\d$/.test(text) ? `0${text}` : text };
    case 'int':
      return /^-?\d+$/.test(text) ? { value: Number(text) } : wrong('应为整数', 'must be a whole number');
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? { value: n } : wrong('应为数字', 'must be a number');
    }
    case 'unit': {
      if (/^\d+$/.test(text)) return { value: Number(text) };
      const u = UNIT_BY_NAME.get(text);
      return u
        ? { value: u }
        : wrong('时限单位应为 1–5 或工作日、自然日、小时、分钟、月', 'unit must be 1–5 or its name');
    }
    case 'bool': {
      if (/^(是|true|1|y|yes)$/i.test(text)) return { value: true };
      if (/^(否|false|0|n|no)$/i.test(text)) return { value: false };
      return wrong('应为“是”或“否”', 'must be 是 or 否 (yes/no)');
    }
    case 'list':
      return {
        value: text
          .split(LIST_SPLIT)
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => ALIASES[s] ?? s),
      };
    case 'intList': {
      const parts = text
        .split(LIST_SPLIT)
        .map((s) => s.trim())
        .filter(Boolean);
      return parts.every((s) => /^\d+$/.test(s))
        ? { value: parts.map(Number) }
        : wrong('应为以顿号分隔的数字', 'must be numbers separated by 、');
    }
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch {
        return wrong('不是有效的 JSON', 'is not valid JSON');
      }
  }
}

function setPath(o: Record<string, any>, path: string, v: unknown) {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) cur = cur[k] ??= {};
  cur[keys[keys.length - 1]] = v;
}

interface SheetRows {
  header: Map<string, number>;
  rows: { row: number; get(h: string): string }[];
}

function readWorksheet(ws: ExcelJS.Worksheet): SheetRows {
  const header = new Map<string, number>();
  ws.getRow(1).eachCell({ includeEmpty: false }, (cell, col) => {
    header.set(cellText(cell.value).replace(/^\uFEFF/, ''), col);
  });
  const rows: SheetRows['rows'] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const get = (h: string) => {
      const col = header.get(h);
      return col ? cellText(row.getCell(col).value) : '';
    };
    let any = false;
    for (const col of header.values()) if (cellText(row.getCell(col).value)) any = true;
    if (any) rows.push({ row: r, get });
  }
  return { header, rows };
}

const REQUIRED_ITEM_HEADERS = ITEM_COLUMNS.filter((c) => c.kind !== 'ntext' && c.kind !== 'json' && c.field).map(
  (c) => c.header,
);

async function parseXlsx(buf: Buffer, problems: ImportProblem[]): Promise<{ items: Parsed[]; basics: BasicRow[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as any);
  } catch {
    throw badRequest('UNREADABLE_FILE', '无法读取 XLSX 文件', 'The XLSX file could not be read', 'file');
  }
  const ws = wb.getWorksheet(ITEM_SHEET);
  if (!ws)
    throw badRequest('MISSING_SHEET', `文件中没有“${ITEM_SHEET}”工作表`, `The file has no sheet ${ITEM_SHEET}`, 'file');
  const main = readWorksheet(ws);
  const missing = REQUIRED_ITEM_HEADERS.filter((h) => !main.header.has(h));
  if (missing.length)
    throw new ImportInvalid(
      missing.map((h) => ({
        sheet: ITEM_SHEET,
        row: 1,
        field: ITEM_COLUMNS.find((c) => c.header === h)!.field,
        column: h,
        code: 'MISSING_COLUMN',
        message: `缺少列“${h}”`,
        messageEn: `Column ${h} is missing`,
      })),
    );

  const parsed: Parsed[] = [];
  const byCode = new Map<string, Parsed>();
  for (const r of main.rows) {
    const p: Parsed = {
      input: { materials: [], steps: [], results: [], faqs: [], fee: { isFee: false, items: [] } },
      origin: { sheet: ITEM_SHEET, row: r.row, children: {} },
      creditCode: null,
    };
    for (const c of ITEM_COLUMNS) {
      if (!c.field) continue;
      if (!main.header.has(c.header)) continue;
      const { value, problem } = cellIn(c.kind, c.header, r.get(c.header));
      if (problem) {
        problems.push(problemAt(p, c.field, 'INVALID_VALUE', problem.zh, problem.en));
        p.broken = true;
        continue;
      }
      if (value === undefined) continue;
      if (c.field === 'departmentCreditCode') p.creditCode = (value as string | null)?.toUpperCase() ?? null;
      else setPath(p.input, c.field, value);
    }
    const code = String(p.input.taskCode ?? '');
    if (code && byCode.has(code)) {
      problems.push(
        problemAt(p, 'taskCode', 'DUPLICATE_ITEM', `实施编码 ${code} 重复出现`, `taskCode ${code} appears twice`),
      );
      continue;
    }
    if (code) byCode.set(code, p);
    parsed.push(p);
  }

  for (const cs of CHILD_SHEETS) {
    const sheet = wb.getWorksheet(cs.sheet);
    if (!sheet) continue;
    const { header, rows } = readWorksheet(sheet);
    if (!header.has(KEY.header)) {
      problems.push({
        sheet: cs.sheet,
        row: 1,
        field: cs.list,
        column: KEY.header,
        code: 'MISSING_COLUMN',
        message: `缺少列“${KEY.header}”`,
        messageEn: `Column ${KEY.header} is missing`,
      });
      continue;
    }
    const grouped = new Map<Parsed, { order: number; row: number; value: Record<string, unknown> }[]>();
    for (const r of rows) {
      const owner = byCode.get(r.get(KEY.header));
      const at = (field: string, code: string, zh: string, en: string, column?: string): ImportProblem => ({
        sheet: cs.sheet,
        row: r.row,
        field,
        ...(column ? { column } : {}),
        code,
        message: zh,
        messageEn: en,
      });
      if (!owner) {
        problems.push(
          at(
            cs.list,
            'UNKNOWN_ITEM',
            `实施编码 ${r.get(KEY.header)} 不在“${ITEM_SHEET}”工作表中`,
            `taskCode ${r.get(KEY.header)} is not in sheet ${ITEM_SHEET}`,
            KEY.header,
          ),
        );
        continue;
      }
      const value: Record<string, unknown> = {};
      let ok = true;
      for (const c of cs.columns) {
        if (!c.field) continue;
        const res = cellIn(c.kind, c.header, r.get(c.header));
        if (res.problem) {
          problems.push(at(`${cs.list}.${c.field}`, 'INVALID_VALUE', res.problem.zh, res.problem.en, c.header));
          owner.broken = true;
          ok = false;
        } else if (res.value !== undefined) value[c.field] = res.value;
      }
      if (!ok) continue;
      const order = Number(r.get(ORDER.header));
      const list = grouped.get(owner) ?? [];
      list.push({ order: Number.isFinite(order) && r.get(ORDER.header) ? order : list.length + 1, row: r.row, value });
      grouped.set(owner, list);
    }
    for (const [owner, list] of grouped) {
      list.sort((a, b) => a.order - b.order || a.row - b.row);
      setPath(
        owner.input,
        cs.list,
        list.map((x) => x.value),
      );
      owner.origin.children[cs.list] = list.map((x) => x.row);
    }
  }
  return { items: parsed, basics: readBasics(wb, problems) };
}

interface BasicRow extends BasicItem {
  row: number;
}

function readBasics(wb: ExcelJS.Workbook, problems: ImportProblem[]): BasicRow[] {
  const ws = wb.getWorksheet(BASIC_SHEET);
  if (!ws) return [];
  const { rows } = readWorksheet(ws);
  const out: BasicRow[] = [];
  for (const r of rows) {
    const at = (field: string, column: string, zh: string, en: string): ImportProblem => ({
      sheet: BASIC_SHEET,
      row: r.row,
      field,
      column,
      code: 'INVALID_VALUE',
      message: zh,
      messageEn: en,
    });
    const v: Record<string, unknown> = {};
    let ok = true;
    for (const c of BASIC_COLUMNS) {
      const res = cellIn(c.kind, c.header, r.get(c.header));
      if (res.problem) {
        problems.push(at(c.field, c.header, res.problem.zh, res.problem.en));
        ok = false;
      } else v[c.field] = res.value ?? null;
    }
    if (!ok) continue;
    const b = v as unknown as BasicItem;
    if (!CATALOG_CODE.test(b.catalogCode))
      problems.push(
        at(
          'catalogCode',
          '基本编码',
          '基本编码应为 12 位数字或大写字母',
          'catalogCode must be 12 digits or capital letters',
        ),
      );
    else if (!(b.taskType in TASK_TYPES))
      problems.push(at('taskType', '事项类型', '事项类型不在允许范围内', 'taskType is not a known task type'));
    else if (b.parentCode !== null && (!CATALOG_CODE.test(b.parentCode) || b.parentCode === b.catalogCode))
      problems.push(at('parentCode', '主项基本编码', '主项基本编码无效', 'parentCode is not a valid catalog code'));
    else out.push({ ...b, row: r.row });
  }
  return out;
}

/**
 * Inside the import's transaction: adds the basic-catalog entries the database does not hold yet
 * (parents first; existing entries are left as they are — they are corrected through
 * PUT /basic-items). Returns how many were added, or the rows whose parent is nowhere.
 */
async function addBasics(tx: Tx, rows: BasicRow[]): Promise<{ added: number; orphans: BasicRow[] }> {
  let pending = [];
  for (const b of rows) if (!(await repo.getBasicItem(tx, b.catalogCode))) pending.push(b);
  let added = 0;
  for (let progress = true; pending.length && progress; ) {
    progress = false;
    const next: BasicRow[] = [];
    for (const b of pending) {
      if (b.parentCode && !(await repo.getBasicItem(tx, b.parentCode))) {
        next.push(b);
        continue;
      }
      await repo.insertBasicItem(tx, b);
      added++;
      progress = true;
    }
    pending = next;
  }
  return { added, orphans: pending };
}

function parseJson(buf: Buffer): Parsed[] {
  let data: unknown;
  try {
    data = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw badRequest('UNREADABLE_FILE', '无法读取 JSON 文件', 'The JSON file could not be read', 'file');
  }
  const list = Array.isArray(data) ? data : (data as any)?.items;
  if (!Array.isArray(list))
    throw badRequest('INVALID_FILE', 'JSON 文件应为事项数组', 'The JSON file must be an array of items', 'file');
  return list.map((x, i) => {
    const input = x && typeof x === 'object' && !Array.isArray(x) ? { ...(x as Record<string, any>) } : {};
    const creditCode = typeof input.departmentCreditCode === 'string' ? input.departmentCreditCode : null;
    delete input.departmentCreditCode;
    return { input, origin: { sheet: 'json', row: i + 1, children: {} }, creditCode };
  });
}

// ---------- import: checking and storing ----------

/** Department references in a file are ids of this installation or, portably, credit codes. */
function resolveDepartments(p: Parsed, refs: Refs) {
  const input = p.input;
  if (typeof input.departmentId !== 'string' || !refs.departments.has(input.departmentId)) {
    const credit =
      p.creditCode ??
      (typeof input.taskCode === 'string' && input.taskCode.length === 31 ? input.taskCode.slice(0, 18) : null);
    const dep = credit ? refs.byCreditCode.get(credit) : undefined;
    // an unknown reference stays as given, so the check names it (实施部门不存在)
    input.departmentId = dep?.id ?? (typeof input.departmentId === 'string' ? input.departmentId : credit) ?? '';
  }
  if (Array.isArray(input.steps))
    for (const s of input.steps)
      if (s && Array.isArray(s.countersign))
        s.countersign = s.countersign.map((d: unknown) =>
          typeof d === 'string' && !refs.departments.has(d) ? (refs.byCreditCode.get(d.toUpperCase())?.id ?? d) : d,
        );
}

function shapeProblem(p: Parsed): ImportProblem | null {
  const errors = [...Value.Errors(CreateBody, p.input)].filter((e: any) => e.keyword !== 'boolean');
  const e: any = errors[0];
  if (!e) return null;
  const params = e.params ?? {};
  const extra = params.requiredProperties?.[0] ?? params.additionalProperties?.[0];
  const base = String(e.instancePath ?? '')
    .replace(/^\//, '')
    .replace(/\//g, '.');
  const field = [base, extra].filter(Boolean).join('.') || 'item';
  return problemAt(p, field, 'VALIDATION', `字段 ${field} 不正确：${e.message}`, `Field ${field}: ${e.message}`);
}

export async function importCatalog(p: Platform, ctx: Ctx, file: { filename: string; content: Buffer }) {
  requireSomeManageGrant(ctx);
  const name = file.filename.toLowerCase();
  const problems: ImportProblem[] = [];
  let parsed: Parsed[];
  let basics: BasicRow[] = [];
  if (name.endsWith('.xlsx')) ({ items: parsed, basics } = await parseXlsx(file.content, problems));
  else if (name.endsWith('.json')) parsed = parseJson(file.content);
  else
    throw badRequest('UNSUPPORTED_FILE', '只支持 XLSX 或 JSON 文件', 'Only XLSX or JSON files are supported', 'file');
  if (parsed.length === 0 && problems.length === 0)
    throw badRequest('EMPTY_FILE', '文件中没有事项', 'The file holds no items', 'file');

  const refs = await loadRefs(p.db);
  const seen = new Set<string>();
  const ready: { p: Parsed; input: ItemInput & { taskCode: string }; dep: ReturnType<typeof validateItem> }[] = [];
  for (const it of parsed) {
    if (it.broken) continue;
    resolveDepartments(it, refs);
    const shape = shapeProblem(it);
    if (shape) {
      problems.push(shape);
      continue;
    }
    const input = it.input as ItemInput & { taskCode: string };
    if (it.origin.sheet === 'json') {
      if (seen.has(input.taskCode)) {
        problems.push(
          problemAt(it, 'taskCode', 'DUPLICATE_ITEM', `实施编码 ${input.taskCode} 重复出现`, `taskCode appears twice`),
        );
        continue;
      }
      seen.add(input.taskCode);
    }
    try {
      ready.push({ p: it, input, dep: validateItem(input, input.taskCode, refs) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      problems.push(problemAt(it, e.field ?? 'item', e.code, e.messageZh, e.messageEn, (e as any).index));
    }
  }
  if (problems.length) throw new ImportInvalid(problems);

  // parents before children, so a parent catalog code created by this file exists for its children
  ready.sort((a, b) => Number(!!a.input.parentCatalogCode) - Number(!!b.input.parentCatalogCode));
  const result = await p.db.transaction().execute(async (tx: Tx) => {
    const { added: basicAdded, orphans } = await addBasics(tx, basics);
    for (const b of orphans)
      problems.push({
        sheet: BASIC_SHEET,
        row: b.row,
        field: 'parentCode',
        column: '主项基本编码',
        code: 'INVALID_VALUE',
        message: '主项基本编码不存在',
        messageEn: 'The parent catalog code does not exist',
      });
    const done: { taskCode: string; taskVersion: number; action: 'created' | 'versioned' }[] = [];
    for (const r of ready) {
      const current = await repo.latestItem(tx, r.input.taskCode);
      if (current) authorize(ctx, MANAGE, { regionCode: current.regionCode, departmentId: current.departmentId });
      authorize(ctx, MANAGE, { regionCode: r.dep.regionCode, departmentId: r.dep.id });
      try {
        const stored = current
          ? await versionIn(tx, ctx, r.input, r.input.taskCode, r.dep)
          : await createIn(tx, ctx, r.input, r.input.taskCode, r.dep);
        done.push({
          taskCode: stored.taskCode,
          taskVersion: stored.taskVersion,
          action: current ? 'versioned' : 'created',
        });
      } catch (e) {
        if (!(e instanceof AppError) || e.status === 403) throw e;
        problems.push(problemAt(r.p, e.field ?? 'item', e.code, e.messageZh, e.messageEn));
      }
    }
    if (problems.length) throw new ImportInvalid(problems);
    const created = done.filter((d) => d.action === 'created').length;
    await writeAudit(tx, ctx, {
      action: 'catalog.import',
      objectType: 'catalog_item',
      objectId: null,
      detail: { file: file.filename.slice(0, 200), created, versioned: done.length - created, basicAdded },
    });
    return { created, versioned: done.length - created, basicAdded, items: done };
  });
  await itemsChanged(
    p,
    result.items.map((i) => i.taskCode),
  );
  return result;
}
