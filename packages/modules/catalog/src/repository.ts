/** SQL of the catalog module (Kysely only; no rules here). */
import type { Db, Tx } from '@yiwang/platform';
import { type SelectQueryBuilder, sql } from 'kysely';
import { containsPattern, matchesAllTerms } from './search.ts';
import type { AdminItemSummary, BasicItem, CatalogItem, ItemStatus, ItemSummary, ItemVersionInfo } from './types.ts';

type Q = Db | Tx;

const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

const toItem = (r: any): CatalogItem => ({
  id: r.id,
  taskCode: r.task_code,
  taskVersion: Number(r.task_version),
  catalogCode: r.catalog_code,
  name: r.name,
  taskType: r.task_type,
  useLevel: r.use_level,
  departmentId: r.department_id,
  departmentName: r.department_name,
  regionCode: r.region_code,
  projectType: Number(r.project_type),
  statutoryLimit: Number(r.statutory_limit),
  statutoryUnit: Number(r.statutory_unit),
  promisedLimit: Number(r.promised_limit),
  promisedUnit: Number(r.promised_unit),
  visitsRequired: Number(r.visits_required),
  isOnline: r.is_online,
  onlineDepth: parseJson(r.online_depth),
  serviceObject: parseJson(r.service_object),
  conditions: r.conditions,
  legalBasis: r.legal_basis,
  address: r.address,
  officeHours: r.office_hours,
  contact: r.contact,
  fee: parseJson(r.fee),
  themes: parseJson(r.themes),
  formSchema: parseJson(r.form_schema),
  materials: parseJson(r.materials),
  steps: parseJson(r.steps),
  results: parseJson(r.results),
  faqs: parseJson(r.faqs),
  duties: r.duties ?? null,
  accountability: r.accountability ?? null,
  status: r.status,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const toSummary = (r: any): ItemSummary => ({
  taskCode: r.task_code,
  catalogCode: r.catalog_code,
  name: r.name,
  taskType: r.task_type,
  departmentId: r.department_id,
  departmentName: r.department_name,
  promisedLimit: Number(r.promised_limit),
  promisedUnit: Number(r.promised_unit),
  visitsRequired: Number(r.visits_required),
  isOnline: r.is_online,
  themes: parseJson(r.themes),
});

/** The columns of an ItemSummary and of the search filters (not the guide's child tables and form schema). */
const SUMMARY_COLUMNS = [
  'task_code',
  'catalog_code',
  'name',
  'task_type',
  'department_id',
  'department_name',
  'promised_limit',
  'promised_unit',
  'visits_required',
  'is_online',
  'themes',
  'service_object',
  'search_text',
] as const;

/**
 * The newest published version of each task code (older versions stay for the cases filed under
 * them): whole rows, or with `summary` only the summary and filter columns (what a search reads).
 */
function latestPublished(db: Q, summary = false) {
  const from = db.selectFrom('catalog_items');
  const rows: SelectQueryBuilder<any, 'catalog_items', any> = summary ? from.select(SUMMARY_COLUMNS) : from.selectAll();
  return rows
    .distinctOn('task_code')
    .where('status', '=', 'published')
    .orderBy('task_code')
    .orderBy('task_version', 'desc')
    .as('i');
}

export interface ItemFilter {
  q?: string;
  departmentId?: string;
  theme?: string;
  serviceObject?: string;
  page: number;
  pageSize: number;
}

export async function searchItems(db: Q, f: ItemFilter): Promise<{ items: ItemSummary[]; total: number }> {
  let base = db.selectFrom(latestPublished(db, true));
  if (f.q) base = base.where(matchesAllTerms('i.search_text', f.q));
  if (f.departmentId) base = base.where('i.department_id', '=', f.departmentId);
  if (f.theme) base = base.where(sql<boolean>`i.themes @> ${JSON.stringify([f.theme])}::jsonb`);
  if (f.serviceObject) base = base.where(sql<boolean>`i.service_object @> ${JSON.stringify([f.serviceObject])}::jsonb`);
  // The count and the page at once (two connections where the database has them).
  const [[counted], rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<string>().as('n')).execute() as Promise<{ n: string }[]>,
    base
      .selectAll()
      .orderBy('i.name')
      .orderBy('i.task_code')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
  ]);
  return { items: rows.map(toSummary), total: Number(counted?.n ?? 0) };
}

/** A published item's summary with what the search filters on (for the per-process search list). */
export interface SearchableSummary extends ItemSummary {
  searchText: string;
  serviceObject: string[];
}

/**
 * Every published item's summary in the order a search lists them (name, then task code, as the
 * database sorts them), or null when there are more than `max` (the search then stays in SQL).
 */
export async function allPublishedSummaries(db: Q, max: number): Promise<SearchableSummary[] | null> {
  const rows = await db
    .selectFrom(latestPublished(db, true))
    .selectAll()
    .orderBy('i.name')
    .orderBy('i.task_code')
    .limit(max + 1)
    .execute();
  if (rows.length > max) return null;
  return rows.map((r: any) => ({
    ...toSummary(r),
    searchText: r.search_text,
    serviceObject: parseJson(r.service_object) ?? [],
  }));
}

export async function latestPublishedItem(db: Q, taskCode: string): Promise<CatalogItem | null> {
  const r = await db
    .selectFrom('catalog_items')
    .selectAll()
    .where('task_code', '=', taskCode)
    .where('status', '=', 'published')
    .orderBy('task_version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? toItem(r) : null;
}

/** The newest version in any state (for re-versioning and cancelling). */
export async function latestItem(db: Q, taskCode: string): Promise<CatalogItem | null> {
  const r = await db
    .selectFrom('catalog_items')
    .selectAll()
    .where('task_code', '=', taskCode)
    .orderBy('task_version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? toItem(r) : null;
}

export async function itemVersion(db: Q, taskCode: string, version: number): Promise<CatalogItem | null> {
  const r = await db
    .selectFrom('catalog_items')
    .selectAll()
    .where('task_code', '=', taskCode)
    .where('task_version', '=', version)
    .executeTakeFirst();
  return r ? toItem(r) : null;
}

export async function themeCounts(db: Q): Promise<{ theme: string; count: number }[]> {
  const { rows } = await sql<{ theme: string; n: string }>`
    select t.theme, count(*) as n
    from (
      select distinct on (task_code) themes from catalog_items
      where status = 'published' order by task_code, task_version desc
    ) i, jsonb_array_elements_text(i.themes) as t(theme)
    group by t.theme
    order by count(*) desc, t.theme
  `.execute(db);
  return rows.map((r) => ({ theme: r.theme, count: Number(r.n) }));
}

/** Departments implementing published items, with their item counts (the portal's department filter). */
export async function departmentCounts(db: Q): Promise<{ id: string; name: string; count: number }[]> {
  const { rows } = await sql<{ department_id: string; department_name: string; n: string }>`
    select department_id, min(department_name) as department_name, count(*) as n
    from (
      select distinct on (task_code) department_id, department_name from catalog_items
      where status = 'published' order by task_code, task_version desc
    ) i
    group by department_id
    order by count(*) desc, min(department_name)
  `.execute(db);
  return rows.map((r) => ({ id: r.department_id, name: r.department_name, count: Number(r.n) }));
}

export async function countItems(db: Q): Promise<number> {
  const r = await db
    .selectFrom('catalog_items')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function getBasicItem(db: Q, catalogCode: string) {
  return db.selectFrom('catalog_basic_items').selectAll().where('catalog_code', '=', catalogCode).executeTakeFirst();
}

export async function insertBasicItem(
  db: Q,
  b: { catalogCode: string; name: string; taskType: string; parentCode: string | null; legalBasis: string | null },
): Promise<void> {
  await db
    .insertInto('catalog_basic_items')
    .values({
      catalog_code: b.catalogCode,
      name: b.name,
      task_type: b.taskType,
      parent_code: b.parentCode,
      legal_basis: b.legalBasis,
    })
    .onConflict((oc) => oc.column('catalog_code').doNothing())
    .execute();
}

export async function insertItem(db: Q, it: Omit<CatalogItem, 'createdAt' | 'updatedAt'>, searchText: string) {
  await db
    .insertInto('catalog_items')
    .values({
      id: it.id,
      task_code: it.taskCode,
      task_version: it.taskVersion,
      catalog_code: it.catalogCode,
      name: it.name,
      task_type: it.taskType,
      use_level: it.useLevel,
      department_id: it.departmentId,
      department_name: it.departmentName,
      region_code: it.regionCode,
      project_type: it.projectType,
      statutory_limit: it.statutoryLimit,
      statutory_unit: it.statutoryUnit,
      promised_limit: it.promisedLimit,
      promised_unit: it.promisedUnit,
      visits_required: it.visitsRequired,
      is_online: it.isOnline,
      online_depth: JSON.stringify(it.onlineDepth),
      service_object: JSON.stringify(it.serviceObject),
      conditions: it.conditions,
      legal_basis: it.legalBasis,
      address: it.address,
      office_hours: it.officeHours,
      contact: it.contact,
      fee: JSON.stringify(it.fee),
      themes: JSON.stringify(it.themes),
      form_schema: JSON.stringify(it.formSchema),
      materials: JSON.stringify(it.materials),
      steps: JSON.stringify(it.steps),
      results: JSON.stringify(it.results),
      faqs: JSON.stringify(it.faqs),
      duties: it.duties,
      accountability: it.accountability,
      search_text: searchText,
      status: it.status,
    })
    .execute();
}

export async function setStatus(db: Q, taskCode: string, from: ItemStatus, to: ItemStatus): Promise<number> {
  const r = await db
    .updateTable('catalog_items')
    .set({ status: to, updated_at: sql`now()` })
    .where('task_code', '=', taskCode)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---------- administration ----------

/** The newest version of each task code, in any state. */
function latestAny(db: Q) {
  return db
    .selectFrom('catalog_items')
    .selectAll()
    .distinctOn('task_code')
    .orderBy('task_code')
    .orderBy('task_version', 'desc')
    .as('i');
}

export interface AdminFilter {
  q?: string;
  departmentId?: string;
  status?: ItemStatus;
  page: number;
  pageSize: number;
}

export async function adminSearchItems(db: Q, f: AdminFilter): Promise<{ items: AdminItemSummary[]; total: number }> {
  let base = db.selectFrom(latestAny(db));
  if (f.q)
    base = base.where((eb) =>
      eb.or([
        matchesAllTerms('i.search_text', f.q!),
        eb('i.task_code', '=', f.q!.toUpperCase()),
        eb('i.catalog_code', '=', f.q!.toUpperCase()),
      ]),
    );
  if (f.departmentId) base = base.where('i.department_id', '=', f.departmentId);
  if (f.status) base = base.where('i.status', '=', f.status);
  const [{ n }] = (await base.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const rows = await base
    .selectAll()
    .orderBy('i.name')
    .orderBy('i.task_code')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return {
    items: rows.map((r: any) => ({
      ...toSummary(r),
      taskVersion: Number(r.task_version),
      status: r.status,
      regionCode: r.region_code,
      updatedAt: iso(r.updated_at),
    })),
    total: Number(n),
  };
}

export async function listVersions(db: Q, taskCode: string): Promise<ItemVersionInfo[]> {
  const rows = await db
    .selectFrom('catalog_items')
    .select(['task_version', 'name', 'status', 'promised_limit', 'promised_unit', 'created_at', 'updated_at'])
    .where('task_code', '=', taskCode)
    .orderBy('task_version', 'desc')
    .execute();
  return rows.map((r: any) => ({
    taskVersion: Number(r.task_version),
    name: r.name,
    status: r.status,
    promisedLimit: Number(r.promised_limit),
    promisedUnit: Number(r.promised_unit),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }));
}

/** Every published item, newest version of each task code, with its basic-catalog parent (for export). */
export async function allLatestPublished(db: Q): Promise<(CatalogItem & { parentCatalogCode: string | null })[]> {
  const rows = await db
    .selectFrom(latestPublished(db))
    .leftJoin('catalog_basic_items as b', 'b.catalog_code', 'i.catalog_code')
    .selectAll('i')
    .select('b.parent_code')
    .orderBy('i.task_code')
    .execute();
  return rows.map((r: any) => ({ ...toItem(r), parentCatalogCode: r.parent_code ?? null }));
}

const toBasic = (r: any): BasicItem => ({
  catalogCode: r.catalog_code,
  name: r.name,
  taskType: r.task_type,
  parentCode: r.parent_code ?? null,
  legalBasis: r.legal_basis ?? null,
});

export async function listBasicItems(
  db: Q,
  f: { q?: string; page: number; pageSize: number },
): Promise<{ items: (BasicItem & { implementations: number })[]; total: number }> {
  let base = db.selectFrom('catalog_basic_items as b');
  if (f.q)
    base = base.where((eb) =>
      eb.or([eb('b.name', 'like', containsPattern(f.q!)), eb('b.catalog_code', '=', f.q!.toUpperCase())]),
    );
  const [{ n }] = (await base.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const rows = await base
    .selectAll('b')
    .select(
      sql<string>`(select count(distinct c.task_code) from catalog_items c where c.catalog_code = b.catalog_code and c.status = 'published')`.as(
        'implementations',
      ),
    )
    .orderBy('b.catalog_code')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return {
    items: rows.map((r: any) => ({ ...toBasic(r), implementations: Number(r.implementations) })),
    total: Number(n),
  };
}

export async function allBasicItems(db: Q): Promise<BasicItem[]> {
  const rows = await db.selectFrom('catalog_basic_items').selectAll().orderBy('catalog_code').execute();
  return rows.map(toBasic);
}

export async function basicItem(db: Q, catalogCode: string): Promise<BasicItem | null> {
  const r = await getBasicItem(db, catalogCode);
  return r ? toBasic(r) : null;
}

export async function upsertBasicItem(db: Q, b: BasicItem): Promise<void> {
  await db
    .insertInto('catalog_basic_items')
    .values({
      catalog_code: b.catalogCode,
      name: b.name,
      task_type: b.taskType,
      parent_code: b.parentCode,
      legal_basis: b.legalBasis,
    })
    .onConflict((oc) =>
      oc.column('catalog_code').doUpdateSet({
        name: b.name,
        task_type: b.taskType,
        parent_code: b.parentCode,
        legal_basis: b.legalBasis,
      }),
    )
    .execute();
}

export interface PowerFilter {
  regionPrefix?: string;
  departmentId?: string;
  taskTypes: readonly string[];
  q?: string;
  page: number;
  pageSize: number;
}

/** Published power items (newest version of each), for the power and responsibility lists. */
export async function powerItems(db: Q, f: PowerFilter): Promise<{ items: CatalogItem[]; total: number }> {
  let base = db.selectFrom(latestPublished(db)).where('i.task_type', 'in', [...f.taskTypes]);
  if (f.regionPrefix) base = base.where('i.region_code', 'like', `${f.regionPrefix}%`);
  if (f.departmentId) base = base.where('i.department_id', '=', f.departmentId);
  if (f.q) base = base.where(matchesAllTerms('i.search_text', f.q));
  const [{ n }] = (await base.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const rows = await base
    .selectAll()
    .orderBy('i.department_name')
    .orderBy('i.task_type')
    .orderBy('i.name')
    .orderBy('i.task_code')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  return { items: rows.map(toItem), total: Number(n) };
}
