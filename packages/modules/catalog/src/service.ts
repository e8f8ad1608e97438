/** Rules of the catalog module: validation, permission checks, transactions and audit. */
import { type Department, getDepartment } from '@yiwang/org';
import {
  authorize,
  badRequest,
  type Ctx,
  conflict,
  type Db,
  notFound,
  type Platform,
  requireSignedIn,
  type Tx,
  writeAudit,
} from '@yiwang/platform';
import { checkCreditCode } from '@yiwang/shared';
import * as repo from './repository.ts';
import { buildSearchText } from './search.ts';
import {
  type CatalogItem,
  FULFILMENTS,
  type ItemInput,
  MATERIAL_TYPES,
  PROJECT_TYPES,
  SERVICE_OBJECTS,
  type ServiceObject,
  TASK_TYPES,
  TIME_UNITS,
  USE_LEVELS,
} from './types.ts';

export const MANAGE = 'catalog.manage';
const CATALOG_CODE = /^[0-9A-Z]{12}$/;
const TASK_CODE_LENGTH = 31;

const bad = (field: string, zh: string, en: string) => badRequest('INVALID_ITEM', zh, en, field);

// ---------- public reading ----------

export async function searchItems(
  p: Platform,
  q: { q?: string; departmentId?: string; theme?: string; serviceObject?: string; page?: number; pageSize?: number },
) {
  return repo.searchItems(p.db, {
    q: q.q?.trim() || undefined,
    departmentId: q.departmentId || undefined,
    theme: q.theme?.trim() || undefined,
    serviceObject: q.serviceObject || undefined,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 20,
  });
}

function checkTaskCodeShape(taskCode: string) {
  if (taskCode.length !== TASK_CODE_LENGTH)
    throw bad(
      'taskCode',
      '实施编码应为 31 位：18 位统一社会信用代码 + 1 位行使层级 + 12 位基本编码',
      'taskCode must be 31 characters: 18-char credit code + 1-char use level + 12-char catalog code',
    );
}

/** The guide of the newest published version of an item. */
export async function getGuide(p: Platform, taskCode: string) {
  checkTaskCodeShape(taskCode);
  const it = await repo.latestPublishedItem(p.db, taskCode);
  if (!it) throw notFound('Service item', '事项');
  return guideOf(it);
}

function guideOf(it: CatalogItem) {
  const { id: _id, ...rest } = it;
  return {
    ...rest,
    taskTypeName: TASK_TYPES[it.taskType] ?? null,
    statutoryUnitName: TIME_UNITS[it.statutoryUnit] ?? null,
    promisedUnitName: TIME_UNITS[it.promisedUnit] ?? null,
  };
}

export async function listThemes(p: Platform) {
  return { items: await repo.themeCounts(p.db) };
}

/** One stored version (for modules that file cases under a version). */
export async function getItemVersion(db: Db, taskCode: string, version: number): Promise<CatalogItem | null> {
  return repo.itemVersion(db, taskCode, version);
}

// ---------- validation ----------

function validateStatic(input: ItemInput): void {
  if (!CATALOG_CODE.test(input.catalogCode))
    throw bad('catalogCode', '基本编码应为 12 位数字或大写字母', 'catalogCode must be 12 digits or capital letters');
  if (input.parentCatalogCode != null && !CATALOG_CODE.test(input.parentCatalogCode))
    throw bad(
      'parentCatalogCode',
      '主项基本编码应为 12 位数字或大写字母',
      'parentCatalogCode must be 12 digits or capital letters',
    );
  if (!input.name.trim()) throw bad('name', '事项名称不能为空', 'name is required');
  if (!(input.taskType in TASK_TYPES))
    throw bad('taskType', '事项类型不在允许范围内', `taskType must be one of ${Object.keys(TASK_TYPES).join(', ')}`);
  if (!(USE_LEVELS as readonly string[]).includes(input.useLevel))
    throw bad('useLevel', '行使层级应为 1–6', 'useLevel must be 1–6');
  if (!(PROJECT_TYPES as readonly number[]).includes(input.projectType))
    throw bad('projectType', '办件类型应为 1（即办件）或 2（承诺件）', 'projectType must be 1 or 2');
  if (!(input.statutoryUnit in TIME_UNITS))
    throw bad('statutoryUnit', '法定时限单位应为 1–5', 'statutoryUnit must be 1–5');
  if (!(input.promisedUnit in TIME_UNITS))
    throw bad('promisedUnit', '承诺时限单位应为 1–5', 'promisedUnit must be 1–5');
  if (input.statutoryLimit < 0) throw bad('statutoryLimit', '法定时限不能为负数', 'statutoryLimit must be ≥ 0');
  if (input.promisedLimit < 0) throw bad('promisedLimit', '承诺时限不能为负数', 'promisedLimit must be ≥ 0');
  if (input.statutoryUnit === input.promisedUnit && input.promisedLimit > input.statutoryLimit)
    throw bad('promisedLimit', '承诺时限不能超过法定时限', 'promisedLimit must not exceed statutoryLimit');
  if (input.visitsRequired < 0) throw bad('visitsRequired', '到现场次数不能为负数', 'visitsRequired must be ≥ 0');
  if (
    input.serviceObject.length === 0 ||
    input.serviceObject.some((s) => !(SERVICE_OBJECTS as readonly string[]).includes(s))
  )
    throw bad(
      'serviceObject',
      '服务对象应为自然人（person）和/或法人（enterprise）',
      "serviceObject must list 'person' and/or 'enterprise'",
    );
  if ((input.onlineDepth ?? []).some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    throw bad('onlineDepth', '网办深度应为 1–7', 'onlineDepth values must be 1–7');
  input.materials.forEach((m, i) => {
    if (!m.name?.trim()) throw bad('materials', `第 ${i + 1} 项材料缺少名称`, `Material ${i + 1} has no name`);
    if (!FULFILMENTS.includes(m.fulfilment))
      throw bad(
        'materials',
        `第 ${i + 1} 项材料的提交方式应为 ${FULFILMENTS.join('、')}`,
        `Material ${i + 1}: fulfilment must be one of ${FULFILMENTS.join(', ')}`,
      );
    if (!MATERIAL_TYPES.includes(m.type))
      throw bad(
        'materials',
        `第 ${i + 1} 项材料的类型不正确`,
        `Material ${i + 1}: type must be original, copy or electronic`,
      );
  });
  (input.steps ?? []).forEach((s, i) => {
    if (!(s.unit in TIME_UNITS))
      throw bad('steps', `第 ${i + 1} 个环节的时限单位应为 1–5`, `Step ${i + 1}: unit must be 1–5`);
  });
}

/** taskCode = department credit code (18) + useLevel (1) + catalogCode (12). */
function validateTaskCode(taskCode: string, input: ItemInput, dep: Department): void {
  checkTaskCodeShape(taskCode);
  const credit = taskCode.slice(0, 18);
  if (checkCreditCode(credit))
    throw bad(
      'taskCode',
      '实施编码前 18 位不是有效的统一社会信用代码',
      'The first 18 characters of taskCode are not a valid credit code',
    );
  if (credit !== dep.creditCode)
    throw bad(
      'taskCode',
      '实施编码前 18 位应为实施部门的统一社会信用代码',
      "The first 18 characters of taskCode must be the implementing department's credit code",
    );
  if (taskCode[18] !== input.useLevel)
    throw bad('taskCode', '实施编码第 19 位应为行使层级', 'Character 19 of taskCode must be the use level');
  if (taskCode.slice(19) !== input.catalogCode)
    throw bad(
      'taskCode',
      '实施编码后 12 位应为基本编码',
      'The last 12 characters of taskCode must be the catalog code',
    );
}

async function departmentOf(db: Db | Tx, input: ItemInput): Promise<Department> {
  const dep = await getDepartment(db, input.departmentId);
  if (!dep) throw bad('departmentId', '实施部门不存在', 'The implementing department does not exist');
  return dep;
}

/** Refuses early (403) a caller who holds catalog.manage nowhere, before saying anything about the input. */
function requireSomeManageGrant(ctx: Ctx) {
  requireSignedIn(ctx);
  if (!ctx.caller.grants.some((g) => g.permission === MANAGE || g.permission === '*')) authorize(ctx, MANAGE);
}

function buildRow(
  input: ItemInput,
  taskCode: string,
  taskVersion: number,
  dep: Department,
): Omit<CatalogItem, 'createdAt' | 'updatedAt'> {
  return {
    id: crypto.randomUUID(),
    taskCode,
    taskVersion,
    catalogCode: input.catalogCode,
    name: input.name.trim(),
    taskType: input.taskType,
    useLevel: input.useLevel,
    departmentId: dep.id,
    departmentName: dep.name,
    regionCode: dep.regionCode,
    projectType: input.projectType,
    statutoryLimit: input.statutoryLimit,
    statutoryUnit: input.statutoryUnit,
    promisedLimit: input.promisedLimit,
    promisedUnit: input.promisedUnit,
    visitsRequired: input.visitsRequired,
    isOnline: input.isOnline,
    onlineDepth: [...new Set(input.onlineDepth ?? [])].sort((a, b) => a - b),
    serviceObject: [...new Set(input.serviceObject)] as ServiceObject[],
    conditions: input.conditions ?? null,
    legalBasis: input.legalBasis ?? null,
    address: input.address ?? null,
    officeHours: input.officeHours ?? null,
    contact: input.contact ?? null,
    fee: input.fee ?? { isFee: false, items: [] },
    themes: [...new Set((input.themes ?? []).map((t) => t.trim()).filter(Boolean))],
    formSchema: input.formSchema ?? { type: 'object', properties: {} },
    materials: input.materials.map((m) => ({ ...m, name: m.name.trim() })),
    steps: input.steps ?? [],
    results: input.results ?? [],
    faqs: input.faqs ?? [],
    status: 'published',
  };
}

const isUniqueViolation = (e: unknown) => (e as any)?.code === '23505';

async function store(tx: Tx | Db, row: Omit<CatalogItem, 'createdAt' | 'updatedAt'>, input: ItemInput) {
  await repo.insertBasicItem(tx, {
    catalogCode: row.catalogCode,
    name: row.name,
    taskType: row.taskType,
    parentCode: input.parentCatalogCode ?? null,
    legalBasis: row.legalBasis,
  });
  await repo.insertItem(tx, row, buildSearchText(row.name, row.departmentName, row.themes));
}

// ---------- administration ----------

/** Creates version 1 of an implementation-list item, published. */
export async function createItem(p: Platform, ctx: Ctx, input: ItemInput & { taskCode: string }) {
  requireSomeManageGrant(ctx);
  validateStatic(input);
  checkTaskCodeShape(input.taskCode);
  const dep = await departmentOf(p.db, input);
  validateTaskCode(input.taskCode, input, dep);
  authorize(ctx, MANAGE, { regionCode: dep.regionCode, departmentId: dep.id });
  try {
    return await p.db.transaction().execute(async (tx) => {
      if (await repo.latestItem(tx, input.taskCode))
        throw conflict(
          'ITEM_EXISTS',
          '该实施编码的事项已存在',
          'An item with this taskCode already exists',
          'taskCode',
        );
      await checkParent(tx, input);
      const row = buildRow(input, input.taskCode, 1, dep);
      await store(tx, row, input);
      await writeAudit(tx, ctx, {
        action: 'catalog.item.create',
        objectType: 'catalog_item',
        objectId: row.taskCode,
        detail: { taskVersion: 1, catalogCode: row.catalogCode },
      });
      return guideOf((await repo.itemVersion(tx, row.taskCode, 1))!);
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict('ITEM_EXISTS', '该实施编码的事项已存在', 'An item with this taskCode already exists', 'taskCode');
    throw e;
  }
}

async function checkParent(tx: Tx, input: ItemInput) {
  if (input.parentCatalogCode && !(await repo.getBasicItem(tx, input.parentCatalogCode)))
    throw bad('parentCatalogCode', '主项基本编码不存在', 'The parent catalog code does not exist');
}

/** Publishes a new version; earlier versions stay, so a case keeps the version it was filed under. */
export async function updateItem(p: Platform, ctx: Ctx, taskCode: string, input: ItemInput) {
  requireSomeManageGrant(ctx);
  checkTaskCodeShape(taskCode);
  if (input.taskCode !== undefined && input.taskCode !== taskCode)
    throw bad('taskCode', '实施编码不能修改', 'taskCode cannot be changed');
  const current = await repo.latestItem(p.db, taskCode);
  if (!current) throw notFound('Service item', '事项');
  authorize(ctx, MANAGE, { regionCode: current.regionCode, departmentId: current.departmentId });
  validateStatic(input);
  const dep = await departmentOf(p.db, input);
  validateTaskCode(taskCode, input, dep);
  authorize(ctx, MANAGE, { regionCode: dep.regionCode, departmentId: dep.id });
  if (current.status === 'cancelled')
    throw conflict('ITEM_CANCELLED', '事项已取消，不能再发布新版本', 'The item is cancelled', 'taskCode');
  try {
    return await p.db.transaction().execute(async (tx) => {
      const latest = (await repo.latestItem(tx, taskCode))!;
      await checkParent(tx, input);
      const row = buildRow(input, taskCode, latest.taskVersion + 1, dep);
      await store(tx, row, input);
      await writeAudit(tx, ctx, {
        action: 'catalog.item.update',
        objectType: 'catalog_item',
        objectId: taskCode,
        detail: { taskVersion: row.taskVersion, previousVersion: latest.taskVersion },
      });
      return guideOf((await repo.itemVersion(tx, taskCode, row.taskVersion))!);
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict('VERSION_CONFLICT', '事项正被同时修改，请重试', 'The item was changed at the same time; retry');
    throw e;
  }
}

/** Cancels an item: no version is offered any more (the rows stay for the cases that cite them). */
export async function cancelItem(p: Platform, ctx: Ctx, taskCode: string) {
  requireSomeManageGrant(ctx);
  checkTaskCodeShape(taskCode);
  const current = await repo.latestItem(p.db, taskCode);
  if (!current) throw notFound('Service item', '事项');
  authorize(ctx, MANAGE, { regionCode: current.regionCode, departmentId: current.departmentId });
  return p.db.transaction().execute(async (tx) => {
    const n = await repo.setStatus(tx, taskCode, 'published', 'cancelled');
    if (n === 0) throw conflict('ITEM_CANCELLED', '事项已取消', 'The item is already cancelled', 'taskCode');
    await writeAudit(tx, ctx, {
      action: 'catalog.item.cancel',
      objectType: 'catalog_item',
      objectId: taskCode,
      detail: { versions: n },
    });
    return { taskCode, status: 'cancelled' as const };
  });
}
