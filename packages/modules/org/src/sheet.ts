/** Reads the first worksheet of a CSV or XLSX upload into header-keyed rows. */
import { Readable } from 'node:stream';
import { AppError, badRequest } from '@yiwang/platform';
import ExcelJS from 'exceljs';

export interface SheetRow {
  /** 1-based row number in the file (the header is row 1). */
  row: number;
  values: Record<string, string>;
}

export interface RowProblem {
  row: number;
  field: string;
  code: string;
}

/** 400 IMPORT_INVALID with the list of bad rows; nothing was stored. */
export class ImportInvalid extends AppError {
  constructor(readonly rows: RowProblem[]) {
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

export async function readSheet(
  filename: string,
  contentBase64: string,
  columns: readonly string[],
  required: readonly string[],
) {
  const buf = Buffer.from(contentBase64, 'base64');
  const wb = new ExcelJS.Workbook();
  let ws: ExcelJS.Worksheet | undefined;
  const lower = filename.toLowerCase();
  try {
    if (lower.endsWith('.csv')) {
      ws = await wb.csv.read(Readable.from([buf]), { map: (v: any) => v } as any);
    } else if (lower.endsWith('.xlsx')) {
      await wb.xlsx.load(buf as any);
      ws = wb.worksheets[0];
    } else {
      throw badRequest('UNSUPPORTED_FILE', '只支持 CSV 或 XLSX 文件', 'Only CSV or XLSX files are supported', 'file');
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw badRequest('UNREADABLE_FILE', '无法读取文件', 'The file could not be read', 'file');
  }
  if (!ws || ws.rowCount === 0) throw badRequest('EMPTY_FILE', '文件没有内容', 'The file is empty', 'file');

  const header: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    header[col] = cellText(cell.value).replace(/^\uFEFF/, '');
  });
  const index = new Map<string, number>();
  header.forEach((h, col) => {
    const match = columns.find((c) => c.toLowerCase() === h?.toLowerCase());
    if (match) index.set(match, col);
  });
  const missing = required.filter((c) => !index.has(c));
  if (missing.length) throw new ImportInvalid(missing.map((c) => ({ row: 1, field: c, code: 'MISSING_COLUMN' })));

  const rows: SheetRow[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const values: Record<string, string> = {};
    let any = false;
    for (const c of columns) {
      const col = index.get(c);
      const t = col ? cellText(row.getCell(col).value) : '';
      values[c] = t;
      if (t) any = true;
    }
    if (any) rows.push({ row: r, values });
  }
  return rows;
}
