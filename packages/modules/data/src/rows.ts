/**
 * The synced copy of a resource's data (data_rows): one row per key. Fields that identify a person
 * or whose level says so are sealed (AES-256-GCM) together; each of them is also HMAC-indexed so
 * the gateway can find rows by an ID number without storing it in clear. Other fields stay in clear
 * (jsonb) for filters and aggregates.
 */
import { hmac, seal, sha256, type Tx, unseal } from '@yiwang/platform';
import type { FieldDef, Level, Resource } from './types.ts';

export type Values = Record<string, string | number | boolean | null>;

/** Why a source row was not stored; no value of the row is kept (it may be personal). */
export interface Rejection {
  row: number;
  reason:
    | 'KEY_MISSING'
    | 'DUPLICATE_KEY'
    | 'NOT_A_NUMBER'
    | 'NOT_AN_INTEGER'
    | 'NOT_A_BOOLEAN'
    | 'TOO_LONG'
    | 'COLUMN_COUNT';
  field?: string;
}

export const REJECTION_TEXT: Record<Rejection['reason'], [string, string]> = {
  KEY_MISSING: ['缺少主键值', 'The key value is missing'],
  DUPLICATE_KEY: ['主键值与本次同步的前一行重复', 'The key repeats an earlier row of this run'],
  NOT_A_NUMBER: ['应为数值', 'Not a number'],
  NOT_AN_INTEGER: ['应为整数', 'Not an integer'],
  NOT_A_BOOLEAN: ['应为是/否', 'Not a yes/no value'],
  TOO_LONG: ['值超过 10000 个字符', 'Value longer than 10,000 characters'],
  COLUMN_COUNT: ['列数与表头不一致', 'Column count differs from the header'],
};

/** Normalised key text (ID numbers and codes compare upper-case, trimmed). */
export const keyText = (v: unknown) => String(v).trim().toUpperCase();
export const valueHash = (key: Buffer, v: unknown) => hmac(key, `dv:${keyText(v)}`);

export function isSealed(f: FieldDef, levels: Level[]): boolean {
  return f.identifier !== 'none' || levels.find((l) => l.code === f.level)?.seal === true;
}

const pad = (n: number) => String(n).padStart(2, '0');
function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A date text in a known shape becomes YYYY-MM-DD; anything else is kept as it came (the quality report flags it). */
export function normaliseDate(v: unknown): string | null {
  if (v == null || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : localDate(v);
  const s = String(v).trim();
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(s);
  if (m) return `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  return s;
}

/** One source record as the resource's values, or the reason it cannot be stored faithfully. */
export function toValues(
  fields: FieldDef[],
  get: (field: FieldDef) => unknown,
): { values: Values } | { problem: Omit<Rejection, 'row'> } {
  const values: Values = {};
  for (const f of fields) {
    const raw = get(f);
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      values[f.name] = null;
      continue;
    }
    if (typeof raw === 'string' && raw.length > 10_000) return { problem: { reason: 'TOO_LONG', field: f.name } };
    switch (f.type) {
      case 'integer':
      case 'number': {
        const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (!Number.isFinite(n)) return { problem: { reason: 'NOT_A_NUMBER', field: f.name } };
        if (f.type === 'integer' && !Number.isInteger(n))
          return { problem: { reason: 'NOT_AN_INTEGER', field: f.name } };
        values[f.name] = n;
        break;
      }
      case 'boolean': {
        const s = String(raw).trim().toLowerCase();
        if (['true', '1', '是', 'y', 'yes'].includes(s)) values[f.name] = true;
        else if (['false', '0', '否', 'n', 'no'].includes(s)) values[f.name] = false;
        else return { problem: { reason: 'NOT_A_BOOLEAN', field: f.name } };
        break;
      }
      case 'date':
        values[f.name] = normaliseDate(raw);
        break;
      case 'datetime':
        if (raw instanceof Date) values[f.name] = raw.toISOString();
        else {
          const s = String(raw).trim();
          const d = new Date(s.includes('T') || s.includes('Z') ? s : s.replace(' ', 'T'));
          values[f.name] = Number.isNaN(d.getTime()) ? s : d.toISOString();
        }
        break;
      default:
        values[f.name] = raw instanceof Date ? raw.toISOString() : String(raw).trim();
    }
  }
  return { values };
}

function stable(v: Values): string {
  return JSON.stringify(
    Object.keys(v)
      .sort()
      .map((k) => [k, v[k]]),
  );
}

export interface StoredRow {
  keyHash: string;
  clear: Values;
  sealed: string | null;
  hashes: Record<string, string>;
  rowHash: string;
}

export function toStored(key: Buffer, resource: Resource, levels: Level[], values: Values): StoredRow {
  const clear: Values = {};
  const secret: Values = {};
  const hashes: Record<string, string> = {};
  for (const f of resource.fields) {
    const v = values[f.name] ?? null;
    if (isSealed(f, levels)) {
      secret[f.name] = v;
      if (v !== null) hashes[f.name] = valueHash(key, v);
    } else clear[f.name] = v;
  }
  return {
    keyHash: valueHash(key, values[resource.keyField]),
    clear,
    sealed: Object.keys(secret).length ? seal(key, JSON.stringify(secret)) : null,
    hashes,
    rowHash: sha256(`${resource.id}\n${stable(values)}`),
  };
}

/** The values of a stored row (unsealed: the caller audits the read). */
export function fromStored(key: Buffer, row: { clear: unknown; sealed: string | null }): Values {
  const clear = (typeof row.clear === 'string' ? JSON.parse(row.clear) : row.clear) as Values;
  return row.sealed ? { ...clear, ...(JSON.parse(unseal(key, row.sealed)) as Values) } : { ...clear };
}

/**
 * Stores a batch: new and changed rows are written, unchanged rows only get the run id (so a full
 * sync can remove the rows its source no longer has). Answers how many were written and unchanged.
 */
export async function upsertRows(
  tx: Tx,
  resourceId: string,
  connectorId: string,
  runId: string,
  rows: StoredRow[],
): Promise<{ written: number; unchanged: number }> {
  if (!rows.length) return { written: 0, unchanged: 0 };
  const existing = await tx
    .selectFrom('data_rows')
    .select(['key_hash', 'row_hash'])
    .where('resource_id', '=', resourceId)
    .where(
      'key_hash',
      'in',
      rows.map((r) => r.keyHash),
    )
    .execute();
  const have = new Map(existing.map((e: any) => [e.key_hash as string, e.row_hash as string]));
  const changed = rows.filter((r) => have.get(r.keyHash) !== r.rowHash);
  const same = rows.filter((r) => have.get(r.keyHash) === r.rowHash).map((r) => r.keyHash);
  const now = new Date().toISOString();
  if (changed.length)
    await tx
      .insertInto('data_rows')
      .values(
        changed.map((r) => ({
          resource_id: resourceId,
          key_hash: r.keyHash,
          clear: JSON.stringify(r.clear),
          sealed: r.sealed,
          hashes: JSON.stringify(r.hashes),
          row_hash: r.rowHash,
          connector_id: connectorId,
          run_id: runId,
          synced_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['resource_id', 'key_hash']).doUpdateSet((eb) => ({
          clear: eb.ref('excluded.clear'),
          sealed: eb.ref('excluded.sealed'),
          hashes: eb.ref('excluded.hashes'),
          row_hash: eb.ref('excluded.row_hash'),
          connector_id: eb.ref('excluded.connector_id'),
          run_id: eb.ref('excluded.run_id'),
          synced_at: eb.ref('excluded.synced_at'),
        })),
      )
      .execute();
  if (same.length)
    await tx
      .updateTable('data_rows')
      .set({ run_id: runId })
      .where('resource_id', '=', resourceId)
      .where('key_hash', 'in', same)
      .execute();
  return { written: changed.length, unchanged: same.length };
}
