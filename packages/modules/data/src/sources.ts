/**
 * Readers of source systems. They only read: database sources run in a READ ONLY transaction
 * (a write in it fails in the source database itself), files and HTTP endpoints are only fetched.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import mysqlCore from 'mysql2';
import mysql from 'mysql2/promise';
import pg from 'pg';

export type ConnectorKind = 'postgres' | 'mysql' | 'file' | 'http';

export interface DbConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  table: string;
}
export interface HttpConfig {
  url: string;
  itemsPath?: string | null;
  sinceParam?: string | null;
  lookupUrl?: string | null;
  /** Where the record is in the lookup answer (dotted path; absent: the answer itself). */
  lookupPath?: string | null;
}
export interface FileConfig {
  format: 'csv' | 'xlsx';
  delimiter?: string | null;
  sheet?: string | null;
}
export type ConnectorConfig = (DbConfig | HttpConfig | FileConfig) & { columns?: Record<string, string> };
export interface Secret {
  password?: string;
  authorization?: string;
}

/** A change-column value carried from one incremental run to the next. */
export interface Watermark {
  t: 'date' | 'number' | 'string';
  v: string | number;
}

export interface SourceRecord {
  /** 1-based position in the source (the line of a CSV, the row of a sheet, the order of a query). */
  rowNo: number;
  record: Record<string, unknown> | null;
  problem?: 'COLUMN_COUNT';
}

export interface ReadPlan {
  /** Source columns to read. */
  columns: string[];
  keyColumn: string;
  changeColumn: string | null;
  since: Watermark | null;
  batch: number;
}

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

export function watermarkOf(v: unknown): Watermark | null {
  if (v == null) return null;
  if (v instanceof Date) return { t: 'date', v: v.toISOString() };
  if (typeof v === 'number' || typeof v === 'bigint') return { t: 'number', v: Number(v) };
  return { t: 'string', v: String(v) };
}
export function laterWatermark(a: Watermark | null, b: Watermark | null): Watermark | null {
  if (!a) return b;
  if (!b) return a;
  if (a.t === 'number' && b.t === 'number') return Number(b.v) > Number(a.v) ? b : a;
  if (a.t === 'date' && b.t === 'date') return new Date(b.v).getTime() > new Date(a.v).getTime() ? b : a;
  return String(b.v) > String(a.v) ? b : a;
}
const param = (w: Watermark) => (w.t === 'date' ? new Date(w.v) : w.v);

const pgQuote = (id: string) =>
  id
    .split('.')
    .map((p) => `"${p}"`)
    .join('.');
const myQuote = (id: string) =>
  id
    .split('.')
    .map((p) => `\`${p}\``)
    .join('.');

async function* readPostgres(cfg: DbConfig, secret: Secret, plan: ReadPlan): AsyncGenerator<SourceRecord[]> {
  const client = new pg.Client({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    password: secret.password,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 120_000,
  });
  // Between two fetches the client is idle while the batch is stored; a connection lost then is
  // emitted as 'error' (unhandled, it would stop the process) and the next fetch fails with it.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const cols = [...new Set([...plan.columns, ...(plan.changeColumn ? [plan.changeColumn] : [])])].map(pgQuote);
    const order = [plan.changeColumn, plan.keyColumn].filter(Boolean).map((c) => pgQuote(c!));
    const where = plan.changeColumn && plan.since ? `where ${pgQuote(plan.changeColumn)} >= $1` : '';
    const params = plan.changeColumn && plan.since ? [param(plan.since)] : [];
    // One cursor over one snapshot: each batch continues where the last stopped, so a full sync
    // of N rows reads N rows (not N²/batch, as LIMIT/OFFSET paging would), with no key comparison.
    await client.query(
      `declare yw_source no scroll cursor for select ${cols.join(', ')} from ${pgQuote(cfg.table)} ${where} order by ${order.join(', ')}`,
      params,
    );
    let rowNo = 0;
    for (;;) {
      const r = await client.query(`fetch forward ${plan.batch} from yw_source`);
      if (r.rows.length) yield r.rows.map((record) => ({ rowNo: ++rowNo, record }));
      if (r.rows.length < plan.batch) break;
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
}

async function* readMysql(cfg: DbConfig, secret: Secret, plan: ReadPlan): AsyncGenerator<SourceRecord[]> {
  // The callback connection streams a result (below); its promise wrapper runs the rest.
  const core = mysqlCore.createConnection({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    password: secret.password ?? '',
    connectTimeout: 10_000,
    dateStrings: false,
  });
  await new Promise<void>((resolve, reject) => {
    core.once('connect', () => {
      core.off('error', reject);
      resolve();
    });
    core.once('error', reject);
  });
  // A fatal error also reaches the pending command (the stream or query below throws it); without a
  // listener its 'error' event on the connection would be unhandled and stop the process.
  core.on('error', () => {});
  const conn = core.promise();
  let complete = false;
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const cols = [...new Set([...plan.columns, ...(plan.changeColumn ? [plan.changeColumn] : [])])].map(myQuote);
    const order = [plan.changeColumn, plan.keyColumn].filter(Boolean).map((c) => myQuote(c!));
    const where = plan.changeColumn && plan.since ? `where ${myQuote(plan.changeColumn)} >= ?` : '';
    const params = plan.changeColumn && plan.since ? [param(plan.since)] : [];
    // One streamed query over one snapshot (the server sends rows as they are consumed, and the
    // stream pauses the socket while a batch is written), instead of LIMIT/OFFSET pages that
    // each skip all the rows before them.
    const stream = core
      .query(`select ${cols.join(', ')} from ${myQuote(cfg.table)} ${where} order by ${order.join(', ')}`, params)
      .stream({ highWaterMark: plan.batch });
    let rowNo = 0;
    let batch: SourceRecord[] = [];
    for await (const record of stream as AsyncIterable<Record<string, unknown>>) {
      batch.push({ rowNo: ++rowNo, record });
      if (batch.length >= plan.batch) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    await conn.query('COMMIT');
    complete = true;
  } finally {
    // A result abandoned half-read (the sync failed, or the source did) is not drained: the socket
    // is closed at once.
    if (complete) await conn.end();
    else conn.destroy();
  }
}

function pick(body: unknown, path: string | null | undefined): unknown {
  if (!path) return body;
  let cur: any = body;
  for (const k of path.split('.')) cur = cur == null ? undefined : cur[k];
  return cur;
}

async function fetchJson(url: string, secret: Secret): Promise<unknown> {
  const res = await fetch(url, {
    headers: { accept: 'application/json', ...(secret.authorization ? { authorization: secret.authorization } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`source answered HTTP ${res.status}`);
  return res.json();
}

async function* readHttp(cfg: HttpConfig, secret: Secret, plan: ReadPlan): AsyncGenerator<SourceRecord[]> {
  const u = new URL(cfg.url);
  if (plan.since && cfg.sinceParam) u.searchParams.set(cfg.sinceParam, String(plan.since.v));
  const items = pick(await fetchJson(u.toString(), secret), cfg.itemsPath);
  if (!Array.isArray(items)) throw new Error('the endpoint did not answer a list at itemsPath');
  for (let i = 0; i < items.length; i += plan.batch)
    yield items.slice(i, i + plan.batch).map((record, j) => ({
      rowNo: i + j + 1,
      record: record && typeof record === 'object' ? (record as Record<string, unknown>) : null,
    }));
}

async function* readCsv(cfg: FileConfig, content: Buffer, plan: ReadPlan): AsyncGenerator<SourceRecord[]> {
  // Parsed as a stream, a batch at a time: only the upload itself is held in memory, not every
  // record of it as well.
  const parser = Readable.from([content]).pipe(
    parse({
      bom: true,
      delimiter: cfg.delimiter || ',',
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }),
  );
  let header: string[] | null = null;
  let batch: SourceRecord[] = [];
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((h) => h.trim());
      continue;
    }
    const h = header;
    batch.push(
      record.length !== h.length
        ? { rowNo: info.lines, record: null, problem: 'COLUMN_COUNT' as const }
        : { rowNo: info.lines, record: Object.fromEntries(h.map((name, k) => [name, record[k]])) },
    );
    if (batch.length >= plan.batch) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

function cellValue(v: ExcelJS.CellValue): unknown {
  if (v == null) return null;
  if (v instanceof Date || typeof v !== 'object') return v;
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('result' in v) return v.result ?? null;
  if ('text' in v) return v.text;
  return String(v);
}

async function* readXlsx(cfg: FileConfig, content: Buffer, plan: ReadPlan): AsyncGenerator<SourceRecord[]> {
  // Read as a stream (exceljs WorkbookReader), a batch at a time, like CSV: the parsed workbook is
  // never held whole. Worksheets stored before the shared strings (as Excel writes them) are
  // spooled to a temporary file by exceljs and parsed after; memory stays one batch of rows.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // number formats, so date cells come back as dates
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let seen = false;
  for await (const ws of reader) {
    // The first sheet, or the one named in the connector. A sheet before it is read through and
    // dropped (its stream, maybe a spooled temporary file, must be consumed to be released).
    if (cfg.sheet && (ws as unknown as { name: string }).name !== cfg.sheet) {
      for await (const _row of ws);
      continue;
    }
    seen = true;
    let header: string[] | null = null;
    let batch: SourceRecord[] = [];
    for await (const row of ws) {
      if (!row.hasValues) continue;
      if (!header) {
        const h: string[] = [];
        row.eachCell((c, col) => {
          h[col - 1] = String(cellValue(c.value) ?? '').trim();
        });
        header = Array.from(h, (x) => x ?? '');
        continue;
      }
      const record: Record<string, unknown> = {};
      header.forEach((h, k) => {
        record[h] = cellValue(row.getCell(k + 1).value);
      });
      batch.push({ rowNo: row.number, record });
      if (batch.length >= plan.batch) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
    break; // the sheets after it are not parsed
  }
  if (!seen) throw new Error('the workbook has no such sheet');
}

export function readSource(
  kind: ConnectorKind,
  cfg: ConnectorConfig,
  secret: Secret,
  plan: ReadPlan,
  upload?: Buffer,
): AsyncIterable<SourceRecord[]> {
  switch (kind) {
    case 'postgres':
      return readPostgres(cfg as DbConfig, secret, plan);
    case 'mysql':
      return readMysql(cfg as DbConfig, secret, plan);
    case 'http':
      return readHttp(cfg as HttpConfig, secret, plan);
    case 'file': {
      if (!upload) throw new Error('a file connector reads an uploaded file');
      const f = cfg as FileConfig;
      return f.format === 'xlsx' ? readXlsx(f, upload, plan) : readCsv(f, upload, plan);
    }
  }
}

/** Query-through: the current source record of one key (read-only), or null. */
export async function lookupSource(
  kind: ConnectorKind,
  cfg: ConnectorConfig,
  secret: Secret,
  columns: string[],
  keyColumn: string,
  key: string,
): Promise<Record<string, unknown> | null> {
  if (kind === 'postgres') {
    const c = cfg as DbConfig;
    const client = new pg.Client({ ...c, password: secret.password, connectionTimeoutMillis: 10_000 });
    client.on('error', () => {}); // a connection lost between statements fails the next one instead
    await client.connect();
    try {
      await client.query('begin read only');
      const r = await client.query(
        `select ${columns.map(pgQuote).join(', ')} from ${pgQuote(c.table)} where ${pgQuote(keyColumn)}::text = $1 limit 1`,
        [key],
      );
      await client.query('commit');
      return r.rows[0] ?? null;
    } finally {
      await client.end();
    }
  }
  if (kind === 'mysql') {
    const c = cfg as DbConfig;
    const conn = await mysql.createConnection({ ...c, password: secret.password ?? '', connectTimeout: 10_000 });
    try {
      await conn.query('START TRANSACTION READ ONLY');
      const [rows] = await conn.query(
        `select ${columns.map(myQuote).join(', ')} from ${myQuote(c.table)} where ${myQuote(keyColumn)} = ? limit 1`,
        [key],
      );
      await conn.query('COMMIT');
      return (rows as Record<string, unknown>[])[0] ?? null;
    } finally {
      await conn.end();
    }
  }
  if (kind === 'http') {
    const c = cfg as HttpConfig;
    if (!c.lookupUrl) throw new Error('no lookupUrl');
    const body = await fetchJson(c.lookupUrl.replace('{key}', encodeURIComponent(key)), secret);
    const item = pick(body, c.lookupPath);
    const one = Array.isArray(item) ? item[0] : item;
    return one && typeof one === 'object' ? (one as Record<string, unknown>) : null;
  }
  throw new Error('file connectors cannot be queried through');
}
