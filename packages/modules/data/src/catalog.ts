/** The data resource catalog (政务数据资源目录): validation, permissions, transactions and audit. */
import { buildSearchText } from '@yiwang/catalog';
import { getDepartment } from '@yiwang/org';
import {
  authorize,
  badRequest,
  type Ctx,
  conflict,
  type Db,
  forbidden,
  notFound,
  type Platform,
  requireSignedIn,
  type Tx,
  writeAudit,
} from '@yiwang/platform';
import {
  FIELD_FORMATS,
  FIELD_TYPES,
  type FieldDef,
  IDENTIFIER_KINDS,
  type Level,
  type MaskRule,
  NATIONAL_LABELS,
  type NationalLabel,
  OPEN_TYPES,
  type Resource,
  type ResourceInput,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
} from './types.ts';

export const MANAGE = 'data.manage';
const FIELD_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const ELEMENT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

const bad = (field: string, zh: string, en: string) => badRequest('INVALID_RESOURCE', zh, en, field);
const json = <T>(v: unknown, fallback: T): T =>
  v == null ? fallback : typeof v === 'string' ? JSON.parse(v) : (v as T);

// ---------- levels and masking rules (configurable tables) ----------

export async function listLevels(db: Db | Tx): Promise<Level[]> {
  const rows = await db.selectFrom('data_levels').selectAll().orderBy('rank').execute();
  return rows.map((r: any) => ({
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    rank: r.rank,
    seal: r.seal,
    maskAction: r.mask_action,
  }));
}

export async function listMaskRules(db: Db | Tx): Promise<MaskRule[]> {
  const rows = await db.selectFrom('data_mask_rules').selectAll().orderBy('code').execute();
  return rows.map((r: any) => ({ code: r.code, name: r.name, technique: r.technique, params: json(r.params, {}) }));
}

/** Adds or changes a sensitivity level (platform-wide table: needs data.manage without a department limit). */
export async function putLevel(p: Platform, ctx: Ctx, level: Level): Promise<Level> {
  authorize(ctx, MANAGE);
  if (!/^[A-Z][A-Z0-9_]{0,15}$/.test(level.code))
    throw badRequest('INVALID_LEVEL', '级别代码应为大写字母和数字', 'Level code: capital letters and digits', 'code');
  return p.db.transaction().execute(async (tx) => {
    const clash = await tx
      .selectFrom('data_levels')
      .select('code')
      .where('rank', '=', level.rank)
      .where('code', '<>', level.code)
      .executeTakeFirst();
    if (clash) throw conflict('LEVEL_RANK_TAKEN', '该级别序号已被占用', 'Another level has this rank', 'rank');
    const values = {
      code: level.code,
      name: level.name.trim(),
      name_en: level.nameEn.trim(),
      rank: level.rank,
      seal: level.seal,
      mask_action: level.maskAction,
    };
    const existing = await tx
      .selectFrom('data_levels')
      .select('seal')
      .where('code', '=', level.code)
      .executeTakeFirst();
    if (existing?.seal && !level.seal) {
      const used = await tx
        .selectFrom('data_fields')
        .select('name')
        .where('level_code', '=', level.code)
        .executeTakeFirst();
      if (used)
        throw conflict(
          'LEVEL_IN_USE',
          '已有字段使用该级别，不能取消加密存储',
          'Fields use this level: it cannot stop being sealed',
          'seal',
        );
    }
    await tx
      .insertInto('data_levels')
      .values(values)
      .onConflict((oc) => oc.column('code').doUpdateSet(values))
      .execute();
    await writeAudit(tx, ctx, { action: 'data.level.put', objectType: 'data_level', objectId: level.code });
    return level;
  });
}

/** Adds or changes a masking rule of the policy table (platform-wide: data.manage without a department limit). */
export async function putMaskRule(p: Platform, ctx: Ctx, rule: MaskRule): Promise<MaskRule> {
  authorize(ctx, MANAGE);
  if (!/^[A-Z][A-Z0-9_]{0,31}$/.test(rule.code))
    throw badRequest(
      'INVALID_MASK_RULE',
      '规则代码应为大写字母、数字和下划线',
      'Rule code: capital letters, digits, underscores',
      'code',
    );
  const head = rule.params.head ?? 0;
  const tail = rule.params.tail ?? 0;
  if (
    rule.technique === 'keep' &&
    (!Number.isInteger(head) || !Number.isInteger(tail) || head < 0 || tail < 0 || head + tail > 32)
  )
    throw badRequest('INVALID_MASK_RULE', '保留位数应为 0–32 的整数', 'head and tail must be integers 0–32', 'params');
  const params = rule.technique === 'keep' ? { head, tail } : {};
  const values = { code: rule.code, name: rule.name.trim(), technique: rule.technique, params: JSON.stringify(params) };
  await p.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('data_mask_rules')
      .values(values)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet({ name: values.name, technique: values.technique, params: values.params }),
      )
      .execute();
    await writeAudit(tx, ctx, {
      action: 'data.mask_rule.put',
      objectType: 'data_mask_rule',
      objectId: rule.code,
      detail: { technique: rule.technique, params },
    });
  });
  return { ...rule, params };
}

// ---------- resources ----------

function checkInput(input: ResourceInput, levels: Level[], maskRules: MaskRule[]) {
  const c = input.classification;
  if (![1, 2, 3].includes(c.class))
    throw bad(
      'classification.class',
      '资源分类应为 1 基础、2 主题或 3 部门',
      'class must be 1 (base), 2 (theme) or 3 (department)',
    );
  if (!/^\d{2}$/.test(c.item)) throw bad('classification.item', '“项”应为 2 位数字', 'item (项) must be 2 digits');
  if (!/^\d{3}$/.test(c.catalog))
    throw bad('classification.catalog', '“目”应为 3 位数字', 'catalog (目) must be 3 digits');
  if (!/^\d{3}$/.test(c.detail))
    throw bad('classification.detail', '“细目”应为 3 位数字', 'detail (细目) must be 3 digits');
  const m = /^(\d{9})\/(\d{6})$/.exec(input.code);
  if (!m)
    throw bad(
      'code',
      '资源代码应为 9 位分类码 + “/” + 6 位顺序码，如 101001001/000001',
      'Resource code: 9-digit classification code, "/", 6-digit sequence, e.g. 101001001/000001',
    );
  if (m[1] !== `${c.class}${c.item}${c.catalog}${c.detail}`)
    throw bad(
      'code',
      '资源代码的分类码与类/项/目/细目不一致',
      'The classification part of the code does not match class/item/catalog/detail',
    );
  if (m[2] === '000000') throw bad('code', '顺序码不能为 000000', 'The sequence must not be 000000');
  if (!input.name.trim()) throw bad('name', '请填写资源名称', 'Name is required');
  if (!input.abstract.trim()) throw bad('abstract', '请填写资源摘要', 'Abstract is required');
  if (!UPDATE_CYCLES.includes(input.updateCycle))
    throw bad(
      'updateCycle',
      `更新周期应为 ${UPDATE_CYCLES.join('、')}`,
      `updateCycle must be one of ${UPDATE_CYCLES.join(', ')}`,
    );
  if (!SHARE_TYPES.includes(input.shareType))
    throw bad(
      'shareType',
      `共享类型应为 ${SHARE_TYPES.join('、')}`,
      `shareType must be one of ${SHARE_TYPES.join(', ')}`,
    );
  if (input.shareType !== '无条件共享' && !input.shareConditions?.trim())
    throw bad(
      'shareConditions',
      '有条件共享或不予共享的资源须说明共享条件或不予共享的依据',
      'Conditional or non-shared resources need their conditions (or the basis for not sharing)',
    );
  if (input.shareMethod && !(SHARE_METHODS as readonly string[]).includes(input.shareMethod))
    throw bad(
      'shareMethod',
      `共享方式应为 ${SHARE_METHODS.join('、')}`,
      `shareMethod must be one of ${SHARE_METHODS.join(', ')}`,
    );
  if (!OPEN_TYPES.includes(input.openType))
    throw bad('openType', `开放属性应为 ${OPEN_TYPES.join('、')}`, `openType must be one of ${OPEN_TYPES.join(', ')}`);
  if (input.openType === '有条件开放' && !input.openConditions?.trim())
    throw bad('openConditions', '有条件开放的资源须说明开放条件', 'Conditional opening needs its conditions');
  if (!input.fields.length) throw bad('fields', '资源至少要有一个数据项', 'A resource needs at least one field');
  const seen = new Set<string>();
  input.fields.forEach((f, i) => {
    const at = (k: string) => `fields.${i}.${k}`;
    if (!FIELD_NAME.test(f.name))
      throw bad(
        at('name'),
        `第 ${i + 1} 个数据项名称应为小写字母、数字和下划线`,
        `Field ${i + 1}: name must be lowercase letters, digits, underscores`,
      );
    if (seen.has(f.name)) throw bad(at('name'), `数据项 ${f.name} 重复`, `Field ${f.name} appears twice`);
    seen.add(f.name);
    if (!f.label.trim()) throw bad(at('label'), `第 ${i + 1} 个数据项缺少中文名称`, `Field ${i + 1} has no label`);
    if (!FIELD_TYPES.includes(f.type))
      throw bad(
        at('type'),
        `数据项类型应为 ${FIELD_TYPES.join('、')}`,
        `type must be one of ${FIELD_TYPES.join(', ')}`,
      );
    if (!IDENTIFIER_KINDS.includes(f.identifier))
      throw bad(at('identifier'), '标识属性应为 none、direct 或 quasi', 'identifier must be none, direct or quasi');
    const level = levels.find((l) => l.code === f.level);
    if (!level)
      throw bad(
        at('level'),
        `敏感级别应为 ${levels.map((l) => `${l.code}（${l.name}）`).join('、')}`,
        `level must be one of ${levels.map((l) => l.code).join(', ')}`,
      );
    if (!NATIONAL_LABELS.includes(f.nationalLabel))
      throw bad(at('nationalLabel'), '数据分级应为 一般、重要 或 核心', 'nationalLabel must be 一般, 重要 or 核心');
    if (f.identifier === 'direct' && level.rank < 3)
      throw bad(
        at('level'),
        `直接标识个人的数据项 ${f.name} 至少应为敏感级`,
        `Field ${f.name} directly identifies a person: its level must be sensitive or higher`,
      );
    if (f.format && !(FIELD_FORMATS as readonly string[]).includes(f.format))
      throw bad(
        at('format'),
        `格式校验应为 ${FIELD_FORMATS.join('、')}`,
        `format must be one of ${FIELD_FORMATS.join(', ')}`,
      );
    if (f.maskRule && !maskRules.some((r) => r.code === f.maskRule))
      throw bad(
        at('maskRule'),
        `脱敏规则应为 ${maskRules.map((r) => r.code).join('、')}`,
        `maskRule must be one of ${maskRules.map((r) => r.code).join(', ')}`,
      );
    if (f.element && !ELEMENT.test(f.element))
      throw bad(at('element'), '数据元应形如 person.name', 'element must look like person.name');
    if (f.authoritative && !f.element)
      throw bad(at('authoritative'), '权威来源须指明数据元', 'An authoritative field must name its data element');
  });
  if (!seen.has(input.keyField))
    throw bad('keyField', '主键数据项不在数据项列表中', 'keyField must be one of the fields');
}

/** 就高从严: a resource is graded by its highest field. */
function resourceLabel(fields: FieldDef[]): NationalLabel {
  let i = 0;
  for (const f of fields) i = Math.max(i, NATIONAL_LABELS.indexOf(f.nationalLabel));
  return NATIONAL_LABELS[i]!;
}

function toResource(r: any, fields: any[]): Resource {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    abstract: r.abstract,
    providerDepartmentId: r.provider_department_id,
    providerDepartmentName: r.provider_department_name,
    classification: { class: r.class, item: r.category_item, catalog: r.category_catalog, detail: r.category_detail },
    updateCycle: r.update_cycle,
    shareType: r.share_type,
    shareConditions: r.share_conditions,
    shareMethod: r.share_method,
    openType: r.open_type,
    openConditions: r.open_conditions,
    nationalLabel: r.national_label,
    keyField: r.key_field,
    relatedCodes: json(r.related_codes, []),
    status: r.status,
    version: r.version,
    publishDate:
      typeof r.publish_date === 'string'
        ? r.publish_date.slice(0, 10)
        : new Date(r.publish_date).toISOString().slice(0, 10),
    updatedAt: new Date(r.updated_at).toISOString(),
    fields: fields
      .sort((a, b) => a.position - b.position)
      .map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        identifier: f.identifier,
        level: f.level_code,
        nationalLabel: f.national_label,
        format: f.format,
        maskRule: f.mask_rule,
        required: f.required,
        unique: f.unique_values,
        element: f.element,
        authoritative: f.authoritative,
        description: f.description,
      })),
  };
}

export async function loadResource(db: Db | Tx, idOrCode: string): Promise<Resource | null> {
  const r = await db
    .selectFrom('data_resources')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode)]))
    .executeTakeFirst();
  if (!r) return null;
  const fields = await db.selectFrom('data_fields').selectAll().where('resource_id', '=', r.id).execute();
  return toResource(r, fields);
}

export async function requireResource(db: Db | Tx, idOrCode: string): Promise<Resource> {
  const r = await loadResource(db, idOrCode);
  if (!r) throw notFound('Data resource', '数据资源');
  return r;
}

function fieldRows(resourceId: string, fields: FieldDef[]) {
  return fields.map((f, i) => ({
    resource_id: resourceId,
    position: i,
    name: f.name,
    label: f.label.trim(),
    type: f.type,
    identifier: f.identifier,
    level_code: f.level,
    national_label: f.nationalLabel,
    format: f.format ?? null,
    mask_rule: f.maskRule ?? null,
    required: f.required ?? false,
    unique_values: f.unique ?? false,
    element: f.element ?? null,
    authoritative: f.authoritative ?? false,
    description: f.description?.trim() || null,
  }));
}

export async function createResource(p: Platform, ctx: Ctx, input: ResourceInput): Promise<Resource> {
  requireSignedIn(ctx);
  const dep = await getDepartment(p.db, input.providerDepartmentId);
  if (!dep) throw bad('providerDepartmentId', '提供部门不存在', 'The provider department does not exist');
  authorize(ctx, MANAGE, { departmentId: dep.id, regionCode: dep.regionCode });
  const [levels, rules] = await Promise.all([listLevels(p.db), listMaskRules(p.db)]);
  checkInput(input, levels, rules);
  const id = crypto.randomUUID();
  await p.db.transaction().execute(async (tx) => {
    if (await tx.selectFrom('data_resources').select('id').where('code', '=', input.code).executeTakeFirst())
      throw conflict('RESOURCE_CODE_TAKEN', '资源代码已被使用', 'The resource code is already used', 'code');
    await tx
      .insertInto('data_resources')
      .values({
        id,
        code: input.code,
        name: input.name.trim(),
        abstract: input.abstract.trim(),
        provider_department_id: dep.id,
        provider_department_name: dep.name,
        class: input.classification.class,
        category_item: input.classification.item,
        category_catalog: input.classification.catalog,
        category_detail: input.classification.detail,
        update_cycle: input.updateCycle,
        share_type: input.shareType,
        share_conditions: input.shareConditions?.trim() || null,
        share_method: input.shareMethod ?? '接口',
        open_type: input.openType,
        open_conditions: input.openConditions?.trim() || null,
        national_label: resourceLabel(input.fields),
        key_field: input.keyField,
        related_codes: JSON.stringify(input.relatedCodes ?? []),
        search_text: buildSearchText(input.name, dep.name, [input.code, input.abstract]),
      })
      .execute();
    await tx.insertInto('data_fields').values(fieldRows(id, input.fields)).execute();
    await writeAudit(tx, ctx, {
      action: 'data.resource.create',
      objectType: 'data_resource',
      objectId: id,
      detail: { code: input.code, fields: input.fields.length },
    });
  });
  return (await loadResource(p.db, id))!;
}

export async function updateResource(
  p: Platform,
  ctx: Ctx,
  id: string,
  input: Omit<ResourceInput, 'providerDepartmentId'> & { expectedVersion?: number },
): Promise<Resource> {
  const old = await requireResource(p.db, id);
  authorize(ctx, MANAGE, { departmentId: old.providerDepartmentId });
  if (old.status !== 'active') throw retiredResource(old);
  const [levels, rules] = await Promise.all([listLevels(p.db), listMaskRules(p.db)]);
  const next = { ...input, providerDepartmentId: old.providerDepartmentId };
  checkInput(next, levels, rules);
  if (input.keyField !== old.keyField) {
    const held = await p.db
      .selectFrom('data_rows')
      .select('key_hash')
      .where('resource_id', '=', old.id)
      .limit(1)
      .execute();
    if (held.length)
      throw conflict(
        'KEY_FIELD_LOCKED',
        '资源已有数据，不能更换主键',
        'The resource holds rows: its key field cannot change',
        'keyField',
      );
  }
  await p.db.transaction().execute(async (tx) => {
    if (
      input.code !== old.code &&
      (await tx.selectFrom('data_resources').select('id').where('code', '=', input.code).executeTakeFirst())
    )
      throw conflict('RESOURCE_CODE_TAKEN', '资源代码已被使用', 'The resource code is already used', 'code');
    const res = await tx
      .updateTable('data_resources')
      .set({
        code: input.code,
        name: input.name.trim(),
        abstract: input.abstract.trim(),
        class: input.classification.class,
        category_item: input.classification.item,
        category_catalog: input.classification.catalog,
        category_detail: input.classification.detail,
        update_cycle: input.updateCycle,
        share_type: input.shareType,
        share_conditions: input.shareConditions?.trim() || null,
        share_method: input.shareMethod ?? old.shareMethod ?? '接口',
        open_type: input.openType,
        open_conditions: input.openConditions?.trim() || null,
        national_label: resourceLabel(input.fields),
        key_field: input.keyField,
        related_codes: JSON.stringify(input.relatedCodes ?? []),
        search_text: buildSearchText(input.name, old.providerDepartmentName, [input.code, input.abstract]),
        version: old.version + 1,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', old.id)
      .where('version', '=', input.expectedVersion ?? old.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw conflict(
        'CONCURRENT_UPDATE',
        '资源已被他人修改，请刷新后重试',
        'The resource was changed meanwhile; reload and retry',
      );
    await tx.deleteFrom('data_fields').where('resource_id', '=', old.id).execute();
    await tx.insertInto('data_fields').values(fieldRows(old.id, input.fields)).execute();
    await writeAudit(tx, ctx, {
      action: 'data.resource.update',
      objectType: 'data_resource',
      objectId: old.id,
      detail: { code: input.code, version: old.version + 1 },
    });
  });
  return (await loadResource(p.db, old.id))!;
}

/** 409 for a change to a retired resource (it stays as it was retired, for the record). */
export const retiredResource = (r: Resource) =>
  conflict('RESOURCE_RETIRED', `数据资源“${r.name}”已停用`, `The data resource "${r.name}" is retired`, 'status');

export async function retireResource(p: Platform, ctx: Ctx, id: string): Promise<Resource> {
  const old = await requireResource(p.db, id);
  authorize(ctx, MANAGE, { departmentId: old.providerDepartmentId });
  if (old.status !== 'active') throw retiredResource(old);
  await p.db.transaction().execute(async (tx) => {
    // Only an active resource is retired (two officers at once: one wins, the other gets 409).
    const r = await tx
      .updateTable('data_resources')
      .set({ status: 'retired', version: old.version + 1, updated_at: new Date().toISOString() })
      .where('id', '=', old.id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw retiredResource(old);
    await writeAudit(tx, ctx, { action: 'data.resource.retire', objectType: 'data_resource', objectId: old.id });
  });
  return (await loadResource(p.db, old.id))!;
}

/** Browsing the catalog is for staff of government departments (consumers and providers). */
export function requireStaff(ctx: Ctx) {
  requireSignedIn(ctx);
  if (ctx.caller.accountType !== 'staff' && !ctx.caller.grants.some((g) => g.permission === '*'))
    throw forbidden('STAFF_ONLY', '仅政府部门工作人员可查看数据目录', 'The data catalog is for government staff');
}

export interface ResourceQuery {
  q?: string;
  providerDepartmentId?: string;
  class?: number;
  shareType?: string;
  openType?: string;
  updateCycle?: string;
  nationalLabel?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

export async function searchResources(p: Platform, ctx: Ctx, q: ResourceQuery) {
  requireStaff(ctx);
  let base = p.db.selectFrom('data_resources');
  if (q.q?.trim()) {
    const pat = `%${q.q
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb('search_text', 'like', pat), eb('code', 'like', pat)]));
  }
  if (q.providerDepartmentId) base = base.where('provider_department_id', '=', q.providerDepartmentId);
  if (q.class) base = base.where('class', '=', q.class);
  if (q.shareType) base = base.where('share_type', '=', q.shareType);
  if (q.openType) base = base.where('open_type', '=', q.openType);
  if (q.updateCycle) base = base.where('update_cycle', '=', q.updateCycle);
  if (q.nationalLabel) base = base.where('national_label', '=', q.nationalLabel);
  base = base.where('status', '=', q.status ?? 'active');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const [{ n }] = (await base.select((eb) => eb.fn.countAll<string>().as('n')).execute()) as any[];
  const rows = await base
    .select([
      'id',
      'code',
      'name',
      'abstract',
      'provider_department_id',
      'provider_department_name',
      'class',
      'update_cycle',
      'share_type',
      'open_type',
      'national_label',
      'status',
      'updated_at',
    ])
    .orderBy('code')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    total: Number(n),
    items: rows.map((r: any) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      abstract: r.abstract,
      providerDepartmentId: r.provider_department_id,
      providerDepartmentName: r.provider_department_name,
      class: r.class,
      updateCycle: r.update_cycle,
      shareType: r.share_type,
      openType: r.open_type,
      nationalLabel: r.national_label,
      status: r.status,
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
  };
}

export async function getResource(p: Platform, ctx: Ctx, id: string): Promise<Resource> {
  requireStaff(ctx);
  return requireResource(p.db, id);
}
