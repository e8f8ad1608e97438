/** Rules of the catalog module: validation, permission checks, transactions and audit. */
import { type Department, listDepartments, listRoles } from '@yiwang/org';
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
import { checkCreditCode, divisionPrefix } from '@yiwang/shared';
import { checkFormSchema } from './form-schema.ts';
import { itemsChanged, searchPublished } from './published.ts';
import * as repo from './repository.ts';
import { buildSearchText } from './search.ts';
import {
  type BasicItem,
  type CatalogItem,
  FULFILMENTS,
  type ItemInput,
  type ItemStatus,
  MATERIAL_TYPES,
  POWER_TASK_TYPES,
  PROJECT_TYPES,
  SERVICE_OBJECTS,
  type ServiceObject,
  type Step,
  TASK_TYPES,
  TIME_UNITS,
  USE_LEVELS,
} from './types.ts';

export const MANAGE = 'catalog.manage';
const CATALOG_CODE = /^[0-9A-Z]{12}$/;
const TASK_CODE_LENGTH = 31;
const WORKING_DAYS = 1;

const bad = (field: string, zh: string, en: string) => badRequest('INVALID_ITEM', zh, en, field);
/** An error about one row of a child table; `index` lets an import name the sheet row. */
const badAt = (field: string, index: number, zh: string, en: string) => Object.assign(bad(field, zh, en), { index });

// ---------- public reading ----------

export async function searchItems(
  p: Platform,
  q: { q?: string; departmentId?: string; theme?: string; serviceObject?: string; page?: number; pageSize?: number },
) {
  const f = {
    q: q.q?.trim() || undefined,
    departmentId: q.departmentId || undefined,
    theme: q.theme?.trim() || undefined,
    serviceObject: q.serviceObject || undefined,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 20,
  };
  return (await searchPublished(p.db, f)) ?? repo.searchItems(p.db, f);
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

export async function listItemDepartments(p: Platform) {
  return { items: await repo.departmentCounts(p.db) };
}

/** One stored version (for modules that file cases under a version). */
export async function getItemVersion(db: Db, taskCode: string, version: number): Promise<CatalogItem | null> {
  return repo.itemVersion(db, taskCode, version);
}

// ---------- validation ----------

function validateStatic(input: ItemInput): void {
  if (!CATALOG_CODE.test(input.catalogCode))
    throw bad('catalogCode', '基本编码应为 12 位数字或大写字母', 'catalogCode must be 12 digits or capital letters');
  if (input.parentCatalogCode && !CATALOG_CODE.test(input.parentCatalogCode))
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
    if (!m.name?.trim()) throw badAt('materials', i, `第 ${i + 1} 项材料缺少名称`, `Material ${i + 1} has no name`);
    if (!FULFILMENTS.includes(m.fulfilment))
      throw badAt(
        'materials',
        i,
        `第 ${i + 1} 项材料的提交方式应为 ${FULFILMENTS.join('、')}`,
        `Material ${i + 1}: fulfilment must be one of ${FULFILMENTS.join(', ')}`,
      );
    if (m.fulfilment === 'ECERT' && !/^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$/.test(m.licenceTypeCode ?? ''))
      throw badAt(
        'materials',
        i,
        `第 ${i + 1} 项材料以电子证照提供，应填写 21 位证照类型代码`,
        `Material ${i + 1}: an ECERT material needs the 21-character licence type code`,
      );
    if (m.fulfilment === 'SHARED_DATA' && typeof m.source?.resourceCode !== 'string')
      throw badAt(
        'materials',
        i,
        `第 ${i + 1} 项材料以共享数据提供，应指明数据资源（source.resourceCode）`,
        `Material ${i + 1}: a SHARED_DATA material needs source.resourceCode`,
      );
    if (!MATERIAL_TYPES.includes(m.type))
      throw badAt(
        'materials',
        i,
        `第 ${i + 1} 项材料的类型不正确`,
        `Material ${i + 1}: type must be original, copy or electronic`,
      );
  });
  validateSteps(input);
  if (input.formSchema !== undefined) {
    const problem = checkFormSchema(input.formSchema);
    if (problem) throw badRequest('INVALID_FORM_SCHEMA', problem.zh, problem.en, problem.field);
  }
}

/**
 * Review steps: a known time unit, days ≥ 0, and — when the promised limit counts working days —
 * the working-day steps together must fit in it.
 */
function validateSteps(input: ItemInput): void {
  const steps = input.steps ?? [];
  steps.forEach((s, i) => {
    if (!s.name?.trim()) throw bad(`steps.${i}.name`, `第 ${i + 1} 个环节缺少名称`, `Step ${i + 1} has no name`);
    if (!(s.unit in TIME_UNITS))
      throw badAt('steps', i, `第 ${i + 1} 个环节的时限单位应为 1–5`, `Step ${i + 1}: unit must be 1–5`);
    if (!Number.isInteger(s.days) || s.days < 0)
      throw bad(`steps.${i}.days`, `第 ${i + 1} 个环节的时限不能为负数`, `Step ${i + 1}: days must be ≥ 0`);
  });
  if (input.promisedUnit === WORKING_DAYS) {
    const sum = steps.filter((s) => s.unit === WORKING_DAYS).reduce((n, s) => n + s.days, 0);
    if (sum > input.promisedLimit)
      throw bad(
        'steps',
        `各环节时限合计 ${sum} 个工作日，超过承诺时限 ${input.promisedLimit} 个工作日`,
        `The steps add up to ${sum} working days, more than the promised limit of ${input.promisedLimit}`,
      );
  }
}

/** Roles and departments that steps and items refer to, loaded once per request or import. */
export interface Refs {
  roles: Set<string>;
  departments: Map<string, Department>;
  byCreditCode: Map<string, Department>;
}

export async function loadRefs(db: Db | Tx): Promise<Refs> {
  const [roles, deps] = await Promise.all([listRoles(db), listDepartments(db, { scopes: null })]);
  return {
    roles: new Set(roles.map((r) => r.code)),
    departments: new Map(deps.map((d) => [d.id, d])),
    byCreditCode: new Map(deps.map((d) => [d.creditCode, d])),
  };
}

/** A step's role must be an existing role code; countersigning departments must exist. */
function validateStepRefs(input: ItemInput, refs: Refs): void {
  (input.steps ?? []).forEach((s, i) => {
    if (s.role != null && s.role !== '' && !refs.roles.has(s.role))
      throw bad(`steps.${i}.role`, `第 ${i + 1} 个环节的办理角色 ${s.role} 不存在`, `Step ${i + 1}: no role ${s.role}`);
    const cs = s.countersign ?? [];
    const unknown = cs.find((d) => !refs.departments.has(d));
    if (unknown !== undefined)
      throw bad(
        `steps.${i}.countersign`,
        `第 ${i + 1} 个环节的会签部门不存在`,
        `Step ${i + 1}: countersigning department ${unknown} does not exist`,
      );
    if (new Set(cs).size !== cs.length)
      throw bad(
        `steps.${i}.countersign`,
        `第 ${i + 1} 个环节的会签部门重复`,
        `Step ${i + 1}: a countersigning department is listed twice`,
      );
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

function departmentOf(refs: Refs, input: ItemInput): Department {
  const dep = refs.departments.get(input.departmentId);
  if (!dep) throw bad('departmentId', '实施部门不存在', 'The implementing department does not exist');
  return dep;
}

/** Every check of an item that needs no transaction; returns the implementing department. */
export function validateItem(input: ItemInput, taskCode: string, refs: Refs): Department {
  validateStatic(input);
  checkTaskCodeShape(taskCode);
  const dep = departmentOf(refs, input);
  validateTaskCode(taskCode, input, dep);
  validateStepRefs(input, refs);
  return dep;
}

/** Refuses early (403) a caller who holds catalog.manage nowhere, before saying anything about the input. */
export function requireSomeManageGrant(ctx: Ctx) {
  requireSignedIn(ctx);
  if (!ctx.caller.grants.some((g) => g.permission === MANAGE || g.permission === '*')) authorize(ctx, MANAGE);
}

const nullable = (v: string | null | undefined) => (v == null || v.trim() === '' ? null : v);

function normaliseStep(s: Step): Step {
  return {
    name: s.name.trim(),
    days: s.days,
    unit: s.unit,
    role: nullable(s.role),
    countersign: [...(s.countersign ?? [])],
  };
}

function buildRow(
  input: ItemInput,
  taskCode: string,
  taskVersion: number,
  dep: Department,
): Omit<CatalogItem, 'createdAt' | 'updatedAt'> {
  const fee = input.fee ?? { isFee: false, items: [] };
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
    conditions: nullable(input.conditions),
    legalBasis: nullable(input.legalBasis),
    address: nullable(input.address),
    officeHours: nullable(input.officeHours),
    contact: nullable(input.contact),
    fee: {
      isFee: fee.isFee,
      basis: nullable(fee.basis),
      items: fee.items.map((f) => ({ name: f.name, standard: f.standard, basis: nullable(f.basis) })),
      waiver: nullable(fee.waiver),
    },
    themes: [...new Set((input.themes ?? []).map((t) => t.trim()).filter(Boolean))],
    formSchema: input.formSchema ?? { type: 'object', properties: {} },
    materials: input.materials.map((m) => ({
      name: m.name.trim(),
      type: m.type,
      required: m.required,
      copies: m.copies,
      fulfilment: m.fulfilment,
      format: nullable(m.format),
      maxSizeMb: m.maxSizeMb ?? null,
      acceptanceStandard: nullable(m.acceptanceStandard),
      ...(m.fulfilment === 'ECERT' ? { licenceTypeCode: m.licenceTypeCode ?? null } : {}),
      ...(m.fulfilment === 'SHARED_DATA' ? { source: m.source ?? null } : {}),
    })),
    steps: (input.steps ?? []).map(normaliseStep),
    results: input.results ?? [],
    faqs: input.faqs ?? [],
    duties: nullable(input.duties),
    accountability: nullable(input.accountability),
    status: 'published',
  };
}

const isUniqueViolation = (e: unknown) => (e as any)?.code === '23505';

async function store(tx: Tx | Db, row: Omit<CatalogItem, 'createdAt' | 'updatedAt'>, input: ItemInput) {
  await repo.insertBasicItem(tx, {
    catalogCode: row.catalogCode,
    name: row.name,
    taskType: row.taskType,
    parentCode: nullable(input.parentCatalogCode),
    legalBasis: row.legalBasis,
  });
  await repo.insertItem(tx, row, buildSearchText(row.name, row.departmentName, row.themes));
}

// ---------- administration ----------

const itemExists = () =>
  conflict('ITEM_EXISTS', '该实施编码的事项已存在', 'An item with this taskCode already exists', 'taskCode');
const itemCancelled = () =>
  conflict('ITEM_CANCELLED', '事项已取消，不能再发布新版本', 'The item is cancelled', 'taskCode');

/** Inside a transaction: stores version 1 of a validated item and audits it. */
export async function createIn(tx: Tx, ctx: Ctx, input: ItemInput, taskCode: string, dep: Department) {
  if (await repo.latestItem(tx, taskCode)) throw itemExists();
  await checkParent(tx, input);
  const row = buildRow(input, taskCode, 1, dep);
  await store(tx, row, input);
  await writeAudit(tx, ctx, {
    action: 'catalog.item.create',
    objectType: 'catalog_item',
    objectId: row.taskCode,
    detail: { taskVersion: 1, catalogCode: row.catalogCode },
  });
  return (await repo.itemVersion(tx, row.taskCode, 1))!;
}

/** Inside a transaction: stores the next version of a validated item and audits it. */
export async function versionIn(tx: Tx, ctx: Ctx, input: ItemInput, taskCode: string, dep: Department) {
  const latest = await repo.latestItem(tx, taskCode);
  if (!latest) throw notFound('Service item', '事项');
  if (latest.status === 'cancelled') throw itemCancelled();
  await checkParent(tx, input);
  const row = buildRow(input, taskCode, latest.taskVersion + 1, dep);
  await store(tx, row, input);
  await writeAudit(tx, ctx, {
    action: 'catalog.item.update',
    objectType: 'catalog_item',
    objectId: taskCode,
    detail: { taskVersion: row.taskVersion, previousVersion: latest.taskVersion },
  });
  return (await repo.itemVersion(tx, taskCode, row.taskVersion))!;
}

/** Creates version 1 of an implementation-list item, published. */
export async function createItem(p: Platform, ctx: Ctx, input: ItemInput & { taskCode: string }) {
  requireSomeManageGrant(ctx);
  validateStatic(input);
  checkTaskCodeShape(input.taskCode);
  const dep = validateItem(input, input.taskCode, await loadRefs(p.db));
  authorize(ctx, MANAGE, { regionCode: dep.regionCode, departmentId: dep.id });
  let stored: CatalogItem;
  try {
    stored = await p.db.transaction().execute((tx) => createIn(tx, ctx, input, input.taskCode, dep));
  } catch (e) {
    if (isUniqueViolation(e)) throw itemExists();
    throw e;
  }
  await itemsChanged(p, [stored.taskCode]);
  return guideOf(stored);
}

async function checkParent(tx: Tx, input: ItemInput) {
  if (input.parentCatalogCode === input.catalogCode)
    throw bad('parentCatalogCode', '主项基本编码不能是事项自身', 'An item cannot be its own parent');
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
  const dep = validateItem(input, taskCode, await loadRefs(p.db));
  authorize(ctx, MANAGE, { regionCode: dep.regionCode, departmentId: dep.id });
  if (current.status === 'cancelled') throw itemCancelled();
  let stored: CatalogItem;
  try {
    stored = await p.db.transaction().execute((tx) => versionIn(tx, ctx, input, taskCode, dep));
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict('VERSION_CONFLICT', '事项正被同时修改，请重试', 'The item was changed at the same time; retry');
    throw e;
  }
  await itemsChanged(p, [taskCode]);
  return guideOf(stored);
}

/** Cancels an item: no version is offered any more (the rows stay for the cases that cite them). */
export async function cancelItem(p: Platform, ctx: Ctx, taskCode: string) {
  requireSomeManageGrant(ctx);
  checkTaskCodeShape(taskCode);
  const current = await repo.latestItem(p.db, taskCode);
  if (!current) throw notFound('Service item', '事项');
  authorize(ctx, MANAGE, { regionCode: current.regionCode, departmentId: current.departmentId });
  const done = await p.db.transaction().execute(async (tx) => {
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
  await itemsChanged(p, [taskCode]);
  return done;
}

// ---------- administration: reading ----------

export async function adminSearchItems(
  p: Platform,
  ctx: Ctx,
  q: { q?: string; departmentId?: string; status?: ItemStatus; page?: number; pageSize?: number },
) {
  requireSomeManageGrant(ctx);
  return repo.adminSearchItems(p.db, {
    q: q.q?.trim() || undefined,
    departmentId: q.departmentId || undefined,
    status: q.status,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 20,
  });
}

/** Every version of an item, newest first, with the dates it was stored and last changed. */
export async function listVersions(p: Platform, ctx: Ctx, taskCode: string) {
  requireSomeManageGrant(ctx);
  checkTaskCodeShape(taskCode);
  const items = await repo.listVersions(p.db, taskCode);
  if (items.length === 0) throw notFound('Service item', '事项');
  return { taskCode, items };
}

/** One version in any state, with its basic-catalog parent (what the editor loads). */
export async function getVersion(p: Platform, ctx: Ctx, taskCode: string, version: number) {
  requireSomeManageGrant(ctx);
  checkTaskCodeShape(taskCode);
  const it = await repo.itemVersion(p.db, taskCode, version);
  if (!it) throw notFound('Item version', '事项版本');
  const basic = await repo.basicItem(p.db, it.catalogCode);
  return { ...guideOf(it), parentCatalogCode: basic?.parentCode ?? null };
}

/** Roles (for step handlers) and departments (implementing and countersigning) the editor offers. */
export async function adminOptions(p: Platform, ctx: Ctx) {
  requireSomeManageGrant(ctx);
  const [roles, departments] = await Promise.all([listRoles(p.db), listDepartments(p.db, { scopes: null })]);
  return {
    roles: roles.map((r) => ({ code: r.code, name: r.name, nameEn: r.nameEn })),
    departments: departments.map((d) => ({
      id: d.id,
      name: d.name,
      creditCode: d.creditCode,
      regionCode: d.regionCode,
    })),
  };
}

// ---------- basic catalog (基本目录) ----------

export async function listBasicItems(p: Platform, ctx: Ctx, q: { q?: string; page?: number; pageSize?: number }) {
  requireSomeManageGrant(ctx);
  const r = await repo.listBasicItems(p.db, {
    q: q.q?.trim() || undefined,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 20,
  });
  return { ...r, items: r.items.map((b) => ({ ...b, taskTypeName: TASK_TYPES[b.taskType] ?? null })) };
}

/**
 * Creates or corrects a basic-catalog entry. The basic catalog is above any one region, so only a
 * catalog.manage grant without a region or department scope may change it.
 */
export async function saveBasicItem(
  p: Platform,
  ctx: Ctx,
  catalogCode: string,
  input: { name: string; taskType: string; parentCode?: string | null; legalBasis?: string | null },
) {
  requireSomeManageGrant(ctx);
  authorize(ctx, MANAGE);
  if (!CATALOG_CODE.test(catalogCode))
    throw bad('catalogCode', '基本编码应为 12 位数字或大写字母', 'catalogCode must be 12 digits or capital letters');
  if (!input.name.trim()) throw bad('name', '事项名称不能为空', 'name is required');
  if (!(input.taskType in TASK_TYPES))
    throw bad('taskType', '事项类型不在允许范围内', `taskType must be one of ${Object.keys(TASK_TYPES).join(', ')}`);
  const parentCode = input.parentCode?.trim() || null;
  if (parentCode !== null && (!CATALOG_CODE.test(parentCode) || parentCode === catalogCode))
    throw bad('parentCode', '主项基本编码无效', 'parentCode is not a valid catalog code');
  return p.db.transaction().execute(async (tx) => {
    if (parentCode) {
      if (!(await repo.getBasicItem(tx, parentCode)))
        throw bad('parentCode', '主项基本编码不存在', 'The parent catalog code does not exist');
      // no cycles: walk up from the parent
      const seen = new Set([catalogCode]);
      for (let c: string | null = parentCode; c; c = (await repo.basicItem(tx, c))?.parentCode ?? null) {
        if (seen.has(c)) throw bad('parentCode', '主项关系不能形成循环', 'The parent link would form a cycle');
        seen.add(c);
      }
    }
    const existed = !!(await repo.getBasicItem(tx, catalogCode));
    const row: BasicItem = {
      catalogCode,
      name: input.name.trim(),
      taskType: input.taskType,
      parentCode,
      legalBasis: nullable(input.legalBasis),
    };
    await repo.upsertBasicItem(tx, row);
    await writeAudit(tx, ctx, {
      action: existed ? 'catalog.basic.update' : 'catalog.basic.create',
      objectType: 'catalog_basic_item',
      objectId: catalogCode,
      detail: { name: row.name, taskType: row.taskType, parentCode },
    });
    return { ...row, taskTypeName: TASK_TYPES[row.taskType] ?? null };
  });
}

// ---------- power and responsibility lists (权力清单 / 责任清单) ----------

interface ListQuery {
  regionCode?: string;
  departmentId?: string;
  taskType?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

async function powerItems(p: Platform, q: ListQuery) {
  let regionPrefix: string | undefined;
  if (q.regionCode) {
    if (!/^\d{6}(\d{3}|\d{6})?$/.test(q.regionCode))
      throw bad('regionCode', '区划代码应为 6、9 或 12 位数字', 'regionCode must be 6, 9 or 12 digits');
    regionPrefix = divisionPrefix(q.regionCode);
  }
  if (q.taskType && !POWER_TASK_TYPES.includes(q.taskType))
    throw bad('taskType', '权力类型应为 01–10', 'taskType must be a power type 01–10');
  return repo.powerItems(p.db, {
    regionPrefix,
    departmentId: q.departmentId || undefined,
    taskTypes: q.taskType ? [q.taskType] : POWER_TASK_TYPES,
    q: q.q?.trim() || undefined,
    page: q.page ?? 1,
    pageSize: q.pageSize ?? 50,
  });
}

/** 权力清单: published items whose task type is an administrative power (01–10). */
export async function powerList(p: Platform, q: ListQuery) {
  const r = await powerItems(p, q);
  return {
    total: r.total,
    items: r.items.map((it) => ({
      taskCode: it.taskCode,
      catalogCode: it.catalogCode,
      name: it.name,
      taskType: it.taskType,
      taskTypeName: TASK_TYPES[it.taskType] ?? null,
      departmentId: it.departmentId,
      departmentName: it.departmentName,
      regionCode: it.regionCode,
      legalBasis: it.legalBasis,
    })),
  };
}

/**
 * The four responsibility links of an administrative power and the standard duty of each. Which
 * of the item's review steps belong to a link is read from the step name.
 */
export const RESPONSIBILITY_LINKS = [
  {
    link: 'accept',
    name: '受理责任',
    nameEn: 'Acceptance',
    match: /受理|收件|接件|接收/,
    content: '公示依法应当提交的材料；一次性告知需要补正的全部内容；依法受理或者不予受理，不予受理的应当说明理由。',
    contentEn:
      'Publish the required materials; give one notice listing everything to supplement; accept or refuse according to law, giving the reason for a refusal.',
  },
  {
    link: 'review',
    name: '审查责任',
    nameEn: 'Review',
    match: /审查|审核|核查|核实|初审|复审|勘验|踏勘|评审|检验/,
    content: '对申请材料进行审查，提出审查意见；需要现场核查或听证的，依法组织实施。',
    contentEn:
      'Review the application and give an opinion; organise on-site checks or hearings where the law requires.',
  },
  {
    link: 'decide',
    name: '决定责任',
    nameEn: 'Decision',
    match: /决定|批准|审批|核准|签发|办结|办理|确认/,
    content: '在法定期限内作出决定；不予批准的，应当书面说明理由，并告知申请人享有的救济权利。',
    contentEn:
      'Decide within the legal time limit; a refusal is given in writing with the reasons and the remedies open to the applicant.',
  },
  {
    link: 'deliver',
    name: '送达责任',
    nameEn: 'Delivery',
    match: /送达|发证|制证|出证|领取|寄送|颁发/,
    content: '依法制作并送达决定文书或者证照，按规定公开办理结果。',
    contentEn: 'Prepare and deliver the decision or licence according to law, and publish the result as required.',
  },
] as const;

function responsibilitiesOf(it: CatalogItem) {
  return RESPONSIBILITY_LINKS.map((l) => ({
    link: l.link,
    name: l.name,
    nameEn: l.nameEn,
    content: l.content,
    contentEn: l.contentEn,
    steps: it.steps
      .filter((s) => l.match.test(s.name))
      .map((s) => ({ name: s.name, days: s.days, unit: s.unit, role: s.role ?? null })),
  }));
}

/** 责任清单: per power item, the department's duties by link (from its steps), legal and accountability basis. */
export async function responsibilityList(p: Platform, q: ListQuery) {
  const r = await powerItems(p, q);
  return {
    total: r.total,
    items: r.items.map((it) => ({
      taskCode: it.taskCode,
      name: it.name,
      taskType: it.taskType,
      taskTypeName: TASK_TYPES[it.taskType] ?? null,
      departmentId: it.departmentId,
      departmentName: it.departmentName,
      legalBasis: it.legalBasis,
      duties: it.duties,
      responsibilities: responsibilitiesOf(it),
      accountability: it.accountability,
    })),
  };
}
