/**
 * Bundles (一件事一次办, domain reference §3): one notice, one form, one set of materials, one
 * submission, one deadline. A bundle case (parent) spawns one child case per member item whose
 * condition holds; children without prerequisites are submitted at once and run in parallel in
 * their departments, the others wait until their prerequisites are concluded and approved. The
 * parent completes when every child is concluded.
 */
import { randomInt } from 'node:crypto';
import { type CatalogItem, latestPublishedItem } from '@yiwang/catalog';
import { getDepartment } from '@yiwang/org';
import {
  AppError,
  authorize,
  badRequest,
  type Ctx,
  conflict,
  type Db,
  dayOf,
  forbidden,
  hmac,
  loadCalendar,
  notFound,
  notify,
  type Platform,
  requireSignedIn,
  safeEqual,
  systemCtx,
  type Tx,
  writeAudit,
} from '@yiwang/platform';
import { sql } from 'kysely';
import { type MaterialInput, type ProvidedMaterial, requireComplete, resolveMaterials } from './fulfilment.ts';
import { STATE_NAMES } from './notices.ts';
import {
  type CaseView,
  timeline as caseTimeline,
  createCase,
  get as getCase,
  onTransition,
  submitOnBehalf,
  voidOnBehalf,
  withSerialRetry,
} from './service.ts';
import { BEFORE_DECISION, type State } from './workflow.ts';

// ---------- definitions ----------

export interface Scenario {
  id: string;
  question: string;
  questionEn: string;
}
export interface BundleMember {
  taskCode: string;
  /** Spawned only when the scenario answer equals `equals`. */
  condition?: { scenario: string; equals: boolean } | null;
  /** Task codes of members that must be concluded and approved first. */
  dependsOn?: string[];
}
export interface BundleField {
  id: string;
  title: string;
  titleEn: string;
  type: 'string';
  format?: string;
  required: boolean;
  mapsTo: { taskCode: string; field: string }[];
}
export interface BundleMaterial {
  code: string;
  name: string;
  /** RESULT: not given by the applicant but produced by the member `producedBy` (e.g. its licence). */
  fulfilment: 'UPLOAD' | 'COMMITMENT' | 'RESULT';
  producedBy?: string | null;
  satisfies: { taskCode: string; material: string }[];
}
export interface BundleInput {
  code: string;
  name: string;
  nameEn: string;
  description?: string | null;
  theme: string;
  leadDepartmentId: string;
  applicantTypes: ('person' | 'enterprise')[];
  scenarios: Scenario[];
  members: BundleMember[];
  form: BundleField[];
  materials: BundleMaterial[];
  jointDeadlineDays: number;
}
export interface Bundle extends BundleInput {
  status: string;
}

/** The concluded states of a child case. */
const CONCLUDED: readonly State[] = ['COMPLETED', 'DELIVERED', 'NOT_ACCEPTED', 'WITHDRAWN', 'VOIDED'];
const j = <T>(v: unknown, d: T): T => (v == null ? d : typeof v === 'string' ? JSON.parse(v) : (v as T));
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function toBundle(r: any): Bundle {
  return {
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    description: r.description ?? null,
    theme: r.theme,
    leadDepartmentId: r.lead_department_id,
    applicantTypes: j(r.applicant_types, []),
    scenarios: j(r.scenarios, []),
    members: j(r.members, []),
    form: j(r.form, []),
    materials: j(r.materials, []),
    jointDeadlineDays: r.joint_deadline_days,
    status: r.status,
  };
}

/** What is wrong with a definition against the current catalog, on the field at fault. */
export interface BundleProblem {
  field: string;
  messageZh: string;
  messageEn: string;
}

/**
 * Checks a definition against the catalog: members exist and are published, mappings name real
 * fields and materials, every child can be filed. Returns every problem found (a member that is
 * missing is not checked further), and the published members it read. No problem means the
 * definition can be saved, published and applied for. It runs on save, publication, every read of
 * the guide or by the administration and every application, because a member item can be cancelled
 * or republished with other fields after the bundle was saved.
 */
async function checkDefinition(
  db: Db,
  b: BundleInput,
): Promise<{ problems: BundleProblem[]; items: Map<string, CatalogItem> }> {
  const problems: BundleProblem[] = [];
  const bad = (field: string, messageZh: string, messageEn: string) => {
    problems.push({ field, messageZh, messageEn });
  };
  if (!b.members.length) bad('members', '一件事至少包含一个事项', 'A bundle needs at least one member');
  const items = new Map<string, CatalogItem>();
  for (const [i, m] of b.members.entries()) {
    const item = await latestPublishedItem(db, m.taskCode);
    if (!item) bad(`members.${i}.taskCode`, `事项 ${m.taskCode} 不存在或未发布`, `No published item ${m.taskCode}`);
    else items.set(m.taskCode, item);
    if (m.condition && !b.scenarios.some((s) => s.id === m.condition!.scenario))
      bad(`members.${i}.condition`, '条件引用了不存在的情形', 'The condition names an unknown scenario');
  }
  const isMember = (t: string) => b.members.some((m) => m.taskCode === t);
  for (const [i, m] of b.members.entries())
    if ((m.dependsOn ?? []).some((d) => !isMember(d) || d === m.taskCode))
      bad(`members.${i}.dependsOn`, '前置事项须为本一件事的其他事项', 'A prerequisite must be another member');
  for (const [i, f] of b.form.entries())
    for (const t of f.mapsTo) {
      const item = items.get(t.taskCode);
      if (!item && isMember(t.taskCode)) continue; // reported on the member
      const props = ((item?.formSchema as any)?.properties ?? {}) as Record<string, unknown>;
      if (!item || !(t.field in props)) {
        bad(
          `form.${i}.mapsTo`,
          item
            ? `字段 ${f.id} 映射到${item.name}表单中不存在的表单项 ${t.field}`
            : `字段 ${f.id} 映射到不属于本一件事的事项 ${t.taskCode}`,
          item
            ? `Field ${f.id} maps to ${t.field}, which the form of ${item.name} lacks`
            : `Field ${f.id} maps to ${t.taskCode}, which is not a member`,
        );
        break;
      }
    }
  for (const [i, mat] of b.materials.entries())
    for (const s of mat.satisfies) {
      const item = items.get(s.taskCode);
      if (!item && isMember(s.taskCode)) continue; // reported on the member
      const target = item?.materials.find((x) => x.name === s.material);
      if (!item || !target) {
        bad(
          `materials.${i}.satisfies`,
          item
            ? `材料 ${mat.name} 映射到${item.name}不存在的材料 ${s.material}`
            : `材料 ${mat.name} 映射到不属于本一件事的事项 ${s.taskCode}`,
          item
            ? `${mat.name} maps to ${s.material}, which ${item.name} does not list`
            : `${mat.name} maps to ${s.taskCode}, which is not a member`,
        );
        break;
      }
      if (mat.fulfilment === 'COMMITMENT' && target.fulfilment !== 'COMMITMENT') {
        bad(`materials.${i}.fulfilment`, `${target.name}不适用告知承诺`, `${target.name} does not allow a commitment`);
        break;
      }
      if (mat.fulfilment === 'RESULT') {
        const member = b.members.find((m) => m.taskCode === s.taskCode)!;
        if (!mat.producedBy || !(member.dependsOn ?? []).includes(mat.producedBy)) {
          bad(
            `materials.${i}.producedBy`,
            '由其他事项产生的材料，其使用事项须以产生事项为前置',
            'A produced material must come from a prerequisite of the member using it',
          );
          break;
        }
      }
    }
  // Every child must be fileable from the one set of materials: a required material of a member needs
  // a bundle material standing for it (the one form replaces the members' forms, so their required
  // fields are not asked: a licence's credit code does not exist before the registration concludes).
  for (const [i, m] of b.members.entries()) {
    const item = items.get(m.taskCode);
    if (!item) continue;
    const uncovered = item.materials.find(
      (mat) =>
        mat.required &&
        !b.materials.some((x) => x.satisfies.some((t) => t.taskCode === m.taskCode && t.material === mat.name)),
    );
    if (uncovered)
      bad(
        `members.${i}.taskCode`,
        `${item.name}的必要材料“${uncovered.name}”没有对应一套材料中的材料`,
        `The required material ${uncovered.name} of ${item.name} is not covered by a bundle material`,
      );
  }
  return { problems, items };
}

/** What is wrong with a definition against the current catalog (empty: nothing). */
export async function definitionProblems(db: Db, b: BundleInput): Promise<BundleProblem[]> {
  return (await checkDefinition(db, b)).problems;
}

/** Refuses a definition with a problem: a 400 naming the field of the first one. */
async function validateDefinition(db: Db, b: BundleInput): Promise<void> {
  const [first] = await definitionProblems(db, b);
  if (first) throw badRequest('VALIDATION', first.messageZh, first.messageEn, first.field);
}

const BUNDLE_CODE = /^[A-Za-z0-9_-]{1,64}$/;
const IDENT = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The checks that need no catalog: codes, names, duplicates, references inside the definition, no cycles. */
function checkShape(b: BundleInput): void {
  const bad = (field: string, zh: string, en: string) => badRequest('VALIDATION', zh, en, field);
  if (!BUNDLE_CODE.test(b.code))
    throw bad('code', '编码只能包含字母、数字、下划线和连字符', 'code: letters, digits, _ and - only');
  if (!b.name.trim()) throw bad('name', '请填写名称', 'name is required');
  if (!b.nameEn.trim()) throw bad('nameEn', '请填写英文名称', 'nameEn is required');
  if (!b.theme.trim()) throw bad('theme', '请填写主题', 'theme is required');
  if (!b.applicantTypes.length)
    throw bad('applicantTypes', '请选择服务对象', 'applicantTypes needs person or enterprise');
  if (!Number.isInteger(b.jointDeadlineDays) || b.jointDeadlineDays < 1 || b.jointDeadlineDays > 365)
    throw bad('jointDeadlineDays', '联办时限应为 1–365 个工作日', 'jointDeadlineDays must be 1–365 working days');
  const unique = (list: string[], field: (i: number) => string, what: string, whatEn: string) => {
    const seen = new Set<string>();
    for (const [i, v] of list.entries()) {
      if (seen.has(v)) throw bad(field(i), `${what}“${v}”重复`, `Duplicate ${whatEn} ${v}`);
      seen.add(v);
    }
  };
  for (const [i, sc] of b.scenarios.entries()) {
    if (!IDENT.test(sc.id))
      throw bad(
        `scenarios.${i}.id`,
        '情形标识应以字母开头，只含字母、数字和下划线',
        'A scenario id starts with a letter',
      );
    if (!sc.question.trim() || !sc.questionEn.trim())
      throw bad(
        `scenarios.${i}.question`,
        '请填写情形问题（中英文）',
        'A scenario needs its question in both languages',
      );
  }
  unique(
    b.scenarios.map((x) => x.id),
    (i) => `scenarios.${i}.id`,
    '情形',
    'scenario',
  );
  unique(
    b.members.map((x) => x.taskCode),
    (i) => `members.${i}.taskCode`,
    '事项',
    'member',
  );
  for (const [i, f] of b.form.entries()) {
    if (!IDENT.test(f.id))
      throw bad(`form.${i}.id`, '字段名应以字母开头，只含字母、数字和下划线', 'A field id starts with a letter');
    if (!f.title.trim() || !f.titleEn.trim())
      throw bad(`form.${i}.title`, '请填写字段标题（中英文）', 'A field needs its title in both languages');
  }
  unique(
    b.form.map((x) => x.id),
    (i) => `form.${i}.id`,
    '字段',
    'field',
  );
  for (const [i, m] of b.materials.entries()) {
    if (!m.name.trim()) throw bad(`materials.${i}.name`, '请填写材料名称', 'A material needs its name');
    if (!m.satisfies.length)
      throw bad(
        `materials.${i}.satisfies`,
        '材料须对应至少一个事项的材料',
        'A material must stand for a member’s material',
      );
    if (m.fulfilment === 'RESULT' && !b.members.some((x) => x.taskCode === m.producedBy))
      throw bad(`materials.${i}.producedBy`, '请选择产生该材料的事项', 'Name the member that produces this material');
  }
  unique(
    b.materials.map((x) => x.name),
    (i) => `materials.${i}.name`,
    '材料',
    'material',
  );
  // Prerequisites must not form a cycle: the children of a cycle would wait for each other forever.
  const deps = new Map(b.members.map((m) => [m.taskCode, m.dependsOn ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (code: string, path: string[]): void => {
    if (state.get(code) === 'done') return;
    if (state.get(code) === 'visiting') {
      const i = b.members.findIndex((m) => m.taskCode === code);
      throw bad(
        `members.${i}.dependsOn`,
        '前置事项形成了循环',
        `The prerequisites form a cycle: ${[...path, code].join(' → ')}`,
      );
    }
    state.set(code, 'visiting');
    for (const d of deps.get(code) ?? []) if (deps.has(d)) visit(d, [...path, code]);
    state.set(code, 'done');
  };
  for (const m of b.members) visit(m.taskCode, []);
}

function rowOf(b: BundleInput) {
  return {
    code: b.code,
    name: b.name.trim(),
    name_en: b.nameEn.trim(),
    description: b.description?.trim() || null,
    theme: b.theme.trim(),
    lead_department_id: b.leadDepartmentId,
    applicant_types: JSON.stringify(b.applicantTypes),
    scenarios: JSON.stringify(b.scenarios),
    members: JSON.stringify(b.members),
    form: JSON.stringify(b.form),
    materials: JSON.stringify(b.materials),
    joint_deadline_days: b.jointDeadlineDays,
  };
}

/** The demo seed's writer: a checked definition, published. */
export async function upsertBundle(db: Db | Tx, ctx: Ctx, b: BundleInput): Promise<void> {
  checkShape(b);
  await validateDefinition(db as Db, b);
  const values = rowOf(b);
  await db
    .insertInto('bundles')
    .values(values)
    .onConflict((oc) => oc.column('code').doUpdateSet({ ...values, updated_at: new Date().toISOString() }))
    .execute();
  await writeAudit(db as Tx, ctx, { action: 'bundles.upsert', objectType: 'bundle', objectId: b.code });
}

// ---------- administration ----------

/**
 * Bundles join items of several departments, so they are administered city-wide: a catalog.manage
 * grant without a region or department scope.
 */
const MANAGE = 'catalog.manage';
export type BundleStatus = 'draft' | 'published' | 'withdrawn';
export interface BundleDefinition extends Bundle {
  updatedAt: string;
  /** Bundle cases filed under it (a definition with cases keeps its code). */
  cases: number;
  /**
   * What stands in the way of publishing it (or, for a published bundle, of applying for it) in the
   * current catalog: e.g. a member item cancelled, or republished without a mapped field.
   */
  problems: BundleProblem[];
}

async function definitionRows(db: Db, code?: string): Promise<BundleDefinition[]> {
  let q = db
    .selectFrom('bundles as b')
    .selectAll('b')
    .select((eb) =>
      eb
        .selectFrom('bundle_cases as bc')
        .whereRef('bc.bundle_code', '=', 'b.code')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('cases'),
    )
    .orderBy('b.code');
  if (code) q = q.where('b.code', '=', code);
  const rows: any[] = await q.execute();
  return Promise.all(
    rows.map(async (r) => {
      const b = toBundle(r);
      return { ...b, updatedAt: iso(r.updated_at)!, cases: Number(r.cases), problems: await definitionProblems(db, b) };
    }),
  );
}

/** Every bundle whatever its status, with the whole definition (administration). */
export async function listBundleDefinitions(p: Platform, ctx: Ctx) {
  authorize(ctx, MANAGE);
  const items = await definitionRows(p.db);
  return { items, total: items.length };
}

export async function getBundleDefinition(p: Platform, ctx: Ctx, code: string): Promise<BundleDefinition> {
  authorize(ctx, MANAGE);
  const [d] = await definitionRows(p.db, code);
  if (!d) throw notFound('Bundle', '一件事');
  return d;
}

/**
 * Creates a bundle (as a draft) or replaces its definition (its status stays). Cases already filed
 * keep the definition they were filed under (bundle_cases.definition).
 */
export async function saveBundle(
  p: Platform,
  ctx: Ctx,
  input: BundleInput,
  opts: { createOnly?: boolean } = {},
): Promise<BundleDefinition> {
  authorize(ctx, MANAGE);
  checkShape(input);
  if (!(await getDepartment(p.db, input.leadDepartmentId)))
    throw badRequest('VALIDATION', '牵头部门不存在', 'No such lead department', 'leadDepartmentId');
  await validateDefinition(p.db, input);
  await p.db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('bundles')
      .select('code')
      .where('code', '=', input.code)
      .forUpdate()
      .executeTakeFirst();
    if (before && opts.createOnly)
      throw conflict(
        'BUNDLE_EXISTS',
        `编码 ${input.code} 已被其他一件事使用`,
        `The code ${input.code} is taken`,
        'code',
      );
    const values = rowOf(input);
    if (before)
      await tx
        .updateTable('bundles')
        .set({ ...values, updated_at: new Date().toISOString() })
        .where('code', '=', input.code)
        .execute();
    else
      await tx
        .insertInto('bundles')
        .values({ ...values, status: 'draft' })
        .execute();
    await writeAudit(tx, ctx, {
      action: before ? 'bundles.update' : 'bundles.create',
      objectType: 'bundle',
      objectId: input.code,
      detail: { members: input.members.map((m) => m.taskCode) },
    });
  });
  return (await definitionRows(p.db, input.code))[0]!;
}

/** Publishes a bundle (it appears on the portal and can be applied for) or withdraws it. */
export async function setBundleStatus(
  p: Platform,
  ctx: Ctx,
  code: string,
  status: 'published' | 'withdrawn',
): Promise<BundleDefinition> {
  authorize(ctx, MANAGE);
  await p.db.transaction().execute(async (tx) => {
    const r: any = await tx.selectFrom('bundles').selectAll().where('code', '=', code).forUpdate().executeTakeFirst();
    if (!r) throw notFound('Bundle', '一件事');
    if (r.status === status)
      throw conflict(
        'BUNDLE_STATUS',
        status === 'published' ? '该一件事已发布' : '该一件事已下线',
        `The bundle is already ${status}`,
      );
    // Publishing checks the members again: an item may have been cancelled since the bundle was saved.
    if (status === 'published') await validateDefinition(tx as unknown as Db, toBundle(r));
    await tx
      .updateTable('bundles')
      .set({ status, updated_at: new Date().toISOString() })
      .where('code', '=', code)
      .execute();
    await writeAudit(tx, ctx, {
      action: status === 'published' ? 'bundles.publish' : 'bundles.withdraw',
      objectType: 'bundle',
      objectId: code,
    });
  });
  return (await definitionRows(p.db, code))[0]!;
}

async function loadBundle(db: Db, code: string): Promise<Bundle> {
  const r = await db.selectFrom('bundles').selectAll().where('code', '=', code).executeTakeFirst();
  if (r?.status !== 'published') throw notFound('Bundle', '一件事');
  return toBundle(r);
}

/** The JSON Schema of the one form (一表申请). */
export function formSchemaOf(b: Bundle): Record<string, unknown> {
  return {
    type: 'object',
    required: b.form.filter((f) => f.required).map((f) => f.id),
    properties: Object.fromEntries(
      b.form.map((f) => [f.id, { type: 'string', title: f.title, ...(f.format ? { format: f.format } : {}) }]),
    ),
  };
}

export async function listBundles(p: Platform) {
  const rows = await p.db.selectFrom('bundles').selectAll().where('status', '=', 'published').orderBy('code').execute();
  const out = [];
  for (const r of rows) {
    const b = toBundle(r);
    const members = [];
    for (const m of b.members) {
      const item = await latestPublishedItem(p.db, m.taskCode);
      if (item) members.push({ taskCode: m.taskCode, itemName: item.name, departmentName: item.departmentName });
    }
    out.push({
      code: b.code,
      name: b.name,
      nameEn: b.nameEn,
      description: b.description,
      theme: b.theme,
      jointDeadlineDays: b.jointDeadlineDays,
      members,
    });
  }
  return { items: out, total: out.length };
}

/** The whole guide of a bundle: scenarios, members with conditions and prerequisites, the one form, the one set of materials. */
export async function getBundle(p: Platform, code: string) {
  const b = await loadBundle(p.db, code);
  const { problems, items } = await checkDefinition(p.db, b);
  const members = [];
  for (const m of b.members) {
    const item = items.get(m.taskCode);
    if (!item) continue;
    members.push({
      ...m,
      itemName: item.name,
      departmentName: item.departmentName,
      promisedLimit: item.promisedLimit,
      promisedUnit: item.promisedUnit,
    });
  }
  const lead = await getDepartment(p.db, b.leadDepartmentId);
  return {
    ...b,
    leadDepartmentName: lead?.name ?? null,
    // false when the catalog changed under it (a member cancelled): applying is refused (BUNDLE_UNAVAILABLE)
    available: problems.length === 0,
    members,
    formSchema: formSchemaOf(b),
  };
}

// ---------- applying ----------

export interface BundleApplyInput {
  answers: Record<string, boolean>;
  formData: Record<string, unknown>;
  /** Bundle materials by name (each once; de-duplicated across the member items). */
  materials: MaterialInput[];
}

const passwordHash = (p: Platform, serialNo: string, password: string) =>
  hmac(p.config.secretKey, `bundle-query:${serialNo}:${password}`);

const applies = (m: BundleMember, answers: Record<string, boolean>) =>
  !m.condition || answers[m.condition.scenario] === m.condition.equals;

export async function applyBundle(p: Platform, ctx: Ctx, code: string, input: BundleApplyInput) {
  requireSignedIn(ctx);
  const type = ctx.caller.accountType;
  if (type !== 'person' && type !== 'enterprise')
    throw forbidden('APPLICANT_ONLY', '只有个人或法人用户可以申办', 'Only citizens and enterprises can apply');
  const b = await loadBundle(p.db, code);
  if (!b.applicantTypes.includes(type))
    throw badRequest(
      'WRONG_APPLICANT_TYPE',
      '该一件事不面向此类申请人',
      'This bundle is not offered to this kind of applicant',
      'code',
    );
  for (const s of b.scenarios)
    if (typeof input.answers[s.id] !== 'boolean')
      throw badRequest('VALIDATION', `请回答：${s.question}`, `Answer: ${s.questionEn}`, `answers.${s.id}`);
  for (const f of b.form) {
    const v = input.formData[f.id];
    if (v !== undefined && typeof v !== 'string')
      throw badRequest('VALIDATION', `${f.title}格式不正确`, `${f.titleEn} must be text`, `formData.${f.id}`);
    if (f.required && (typeof v !== 'string' || !v.trim()))
      throw badRequest('VALIDATION', `请填写${f.title}`, `${f.titleEn} is required`, `formData.${f.id}`);
  }
  for (const m of input.materials) {
    const def = b.materials.find((x) => x.name === m.name);
    if (!def)
      throw badRequest(
        'VALIDATION',
        `一件事没有材料“${m.name}”`,
        `The bundle has no material "${m.name}"`,
        `materials.${m.name}`,
      );
    if (def.fulfilment === 'RESULT')
      throw badRequest(
        'VALIDATION',
        `“${m.name}”由前置事项办结后自动提供，无需提交`,
        `"${m.name}" is provided by a prerequisite once it is concluded`,
        `materials.${m.name}`,
      );
  }

  const members = b.members.filter((m) => applies(m, input.answers));
  const spawned = new Set(members.map((m) => m.taskCode));
  // The catalog changed under the published bundle (a member cancelled, or republished so that a
  // child could not be filed): not available (the guide says so, the administration sees the
  // problems on the definition), whatever this applicant's answers.
  const { problems, items } = await checkDefinition(p.db, b);
  if (problems.length)
    throw conflict(
      'BUNDLE_UNAVAILABLE',
      '本一件事中的事项已变更或停止办理，暂不能申请，请联系牵头部门',
      'An item of this bundle has changed or is no longer offered; the bundle cannot be applied for now',
      'code',
    );

  return withSerialRetry(() =>
    p.db.transaction().execute(async (tx) => {
      const id = crypto.randomUUID();
      const password = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const now = new Date();
      const serialNo = `YB${dayOf(now).replaceAll('-', '')}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
      const cal = await loadCalendar(tx);
      await tx
        .insertInto('bundle_cases')
        .values({
          id,
          serial_no: serialNo,
          query_password_hash: passwordHash(p, serialNo, password),
          bundle_code: b.code,
          bundle_name: b.name,
          applicant_account_id: ctx.caller.accountId,
          applicant_name: ctx.caller.name ?? '',
          answers: JSON.stringify(input.answers),
          form_data: JSON.stringify(input.formData),
          definition: JSON.stringify(b),
          state: 'IN_PROGRESS',
          due_day: cal.addWorkingDays(dayOf(now), b.jointDeadlineDays),
          created_at: now.toISOString(),
        })
        .execute();
      await writeAudit(tx, ctx, {
        action: 'bundles.apply',
        objectType: 'bundle_case',
        objectId: id,
        detail: { bundle: b.code, members: [...spawned] },
      });
      for (const m of members) {
        const item = items.get(m.taskCode)!;
        // One form: each bundle field feeds the member fields it maps to.
        const formData: Record<string, unknown> = {};
        for (const f of b.form)
          for (const t of f.mapsTo)
            if (t.taskCode === m.taskCode && input.formData[f.id] !== undefined)
              formData[t.field] = input.formData[f.id];
        // One set of materials: each bundle material given once satisfies every member material it maps to.
        const childInputs: MaterialInput[] = [];
        for (const given of input.materials) {
          const def = b.materials.find((x) => x.name === given.name)!;
          for (const s of def.satisfies.filter((x) => x.taskCode === m.taskCode))
            childInputs.push({ ...given, name: s.material, fulfilment: given.fulfilment ?? def.fulfilment });
        }
        let materials: ProvidedMaterial[];
        try {
          materials = await resolveMaterials(tx, ctx, item, childInputs);
        } catch (e) {
          throw asBundleError(e, b, m.taskCode);
        }
        const waitingFor = (m.dependsOn ?? []).filter((d) => spawned.has(d));
        // Materials a prerequisite will produce are filled in when it concludes; the rest must be complete now.
        const produced = new Set(
          b.materials
            .filter((x) => x.fulfilment === 'RESULT' && x.producedBy && spawned.has(x.producedBy))
            .flatMap((x) => x.satisfies.filter((t) => t.taskCode === m.taskCode).map((t) => t.material)),
        );
        try {
          requireComplete(materials.filter((x) => !produced.has(x.name)));
          await createCase(p, tx, ctx, item, {
            formData,
            materials,
            submit: waitingFor.length === 0,
            bundleCaseId: id,
            waitingFor,
          });
        } catch (e) {
          throw asBundleError(e, b, m.taskCode);
        }
      }
      return { bundleCase: await bundleView(tx, id), queryPassword: password };
    }),
  );
}

/** An error about a member's material, renamed to the bundle material the applicant gave. */
function asBundleError(e: unknown, b: Bundle, taskCode: string): unknown {
  if (!(e instanceof AppError) || !e.field?.startsWith('materials.')) return e;
  const name = e.field.slice('materials.'.length);
  const def = b.materials.find((x) => x.satisfies.some((s) => s.taskCode === taskCode && s.material === name));
  return def ? new AppError(e.status, e.code, e.messageZh, e.messageEn, `materials.${def.name}`) : e;
}

// ---------- following the children ----------

async function bundleView(db: Db | Tx, id: string) {
  const r: any = await db.selectFrom('bundle_cases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    serialNo: r.serial_no,
    bundleCode: r.bundle_code,
    bundleName: r.bundle_name,
    state: r.state as 'IN_PROGRESS' | 'COMPLETED' | 'WITHDRAWN',
    answers: j(r.answers, {}),
    dueDay: r.due_day ?? null,
    version: r.version,
    createdAt: iso(r.created_at)!,
    completedAt: iso(r.completed_at),
  };
}

/** After a child's transition: start waiting children whose prerequisites are done, void those that cannot, complete the parent. */
async function followChild(tx: Tx, _ctx: Ctx, row: any): Promise<void> {
  if (!row.bundle_case_id) return;
  const sys = systemCtx('bundle');
  sys.caller.name = '一件事联办';
  const children: any[] = await tx
    .selectFrom('cases')
    .select(['id', 'task_code', 'state', 'outcome', 'waiting_for', 'item_name', 'serial_no'])
    .where('bundle_case_id', '=', row.bundle_case_id)
    .execute();
  const byTask = new Map(children.map((c) => [c.task_code, c]));
  for (const c of children) {
    const waits: string[] = j(c.waiting_for, []);
    if (c.state !== 'DRAFT' || !waits.length) continue;
    const deps = waits.map((t) => byTask.get(t));
    const failed = deps.find((d) => d && CONCLUDED.includes(d.state) && d.outcome !== 'APPROVED');
    if (failed) {
      await voidOnBehalf(tx, sys, c.id, `前置事项“${failed.item_name}”未获批准`);
      c.state = 'VOIDED';
    } else if (deps.every((d) => d && ['COMPLETED', 'DELIVERED'].includes(d.state) && d.outcome === 'APPROVED')) {
      await fillProduced(tx, c.id, row.bundle_case_id, byTask);
      await submitOnBehalf(tx, sys, c.id);
      c.state = 'SUBMITTED';
    }
  }
  const fresh: any[] = await tx
    .selectFrom('cases')
    .select(['state'])
    .where('bundle_case_id', '=', row.bundle_case_id)
    .execute();
  if (fresh.every((c) => CONCLUDED.includes(c.state))) {
    const parent: any = await tx
      .selectFrom('bundle_cases')
      .selectAll()
      .where('id', '=', row.bundle_case_id)
      .forUpdate()
      .executeTakeFirst();
    if (parent?.state !== 'IN_PROGRESS') return;
    await tx
      .updateTable('bundle_cases')
      .set({ state: 'COMPLETED', completed_at: new Date().toISOString(), version: sql`version + 1` })
      .where('id', '=', parent.id)
      .execute();
    await writeAudit(tx, sys, { action: 'bundles.complete', objectType: 'bundle_case', objectId: parent.id });
    await notify(tx, {
      recipientAccountId: parent.applicant_account_id,
      kind: 'bundles.complete',
      title: `一件事已办结：${parent.bundle_name}`,
      titleEn: `Bundle completed: ${parent.bundle_name}`,
      body: `您的“${parent.bundle_name}”（流水号 ${parent.serial_no}）所含事项均已办结。`,
      bodyEn: `Every item of your bundle ${parent.serial_no} is concluded.`,
      link: `/my/bundles/${parent.id}`,
      channels: ['inapp', 'sms'],
    });
  }
}
onTransition(followChild, { bundleCasesOnly: true });

/** Marks the materials a concluded prerequisite produced (its result) as provided, with evidence. */
async function fillProduced(tx: Tx, caseId: string, bundleCaseId: string, byTask: Map<string, any>) {
  // The definition the bundle case was filed under (bundle cases from before 0069: the current one).
  const def: any = await tx
    .selectFrom('bundle_cases as bc')
    .innerJoin('bundles as b', 'b.code', 'bc.bundle_code')
    .select(sql<unknown>`coalesce(bc.definition -> 'materials', b.materials)`.as('materials'))
    .where('bc.id', '=', bundleCaseId)
    .executeTakeFirstOrThrow();
  const child: any = await tx
    .selectFrom('cases')
    .select(['task_code', 'materials'])
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  const materials = j<ProvidedMaterial[]>(child.materials, []);
  for (const bm of j<BundleMaterial[]>(def.materials, [])) {
    if (bm.fulfilment !== 'RESULT' || !bm.producedBy) continue;
    const producer = byTask.get(bm.producedBy);
    if (!producer) continue;
    for (const t of bm.satisfies.filter((x) => x.taskCode === child.task_code)) {
      const m = materials.find((x) => x.name === t.material);
      if (!m) continue;
      m.status = 'provided';
      m.fulfilment = 'RESULT';
      m.evidence = {
        kind: 'BUNDLE_RESULT',
        caseId: producer.id,
        serialNo: producer.serial_no,
        at: new Date().toISOString(),
      };
    }
  }
  await tx
    .updateTable('cases')
    .set({ materials: JSON.stringify(materials) })
    .where('id', '=', caseId)
    .execute();
}

// ---------- reading ----------

async function parentFor(p: Platform, ctx: Ctx, id: string) {
  requireSignedIn(ctx);
  const r: any = await p.db.selectFrom('bundle_cases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || r.applicant_account_id !== ctx.caller.accountId) throw notFound('Bundle case', '一件事办件');
  return r;
}

/** The parent with its children and one combined timeline. */
export async function getBundleCase(p: Platform, ctx: Ctx, id: string) {
  await parentFor(p, ctx, id);
  const ids: any[] = await p.db
    .selectFrom('cases')
    .select(['id'])
    .where('bundle_case_id', '=', id)
    .orderBy('created_at')
    .execute();
  const children: CaseView[] = [];
  const timeline: Record<string, unknown>[] = [];
  for (const { id: cid } of ids) {
    const c = await getCase(p, ctx, cid);
    children.push(c);
    for (const e of (await caseTimeline(p, ctx, cid)).items) timeline.push({ ...e, caseId: cid, itemName: c.itemName });
  }
  timeline.sort((a, b) => String(a.at).localeCompare(String(b.at)) || Number(a.seq) - Number(b.seq));
  return { bundleCase: await bundleView(p.db, id), children, timeline };
}

export async function myBundleCases(p: Platform, ctx: Ctx) {
  requireSignedIn(ctx);
  const rows = await p.db
    .selectFrom('bundle_cases')
    .select('id')
    .where('applicant_account_id', '=', ctx.caller.accountId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  const items = [];
  for (const r of rows) items.push(await bundleView(p.db, r.id));
  return { items, total: items.length };
}

/** Withdraws every child that has not been decided; the parent ends WITHDRAWN when nothing remains running. */
export async function withdrawBundle(p: Platform, ctx: Ctx, id: string, expectedVersion: number) {
  const parent = await parentFor(p, ctx, id);
  if (parent.state !== 'IN_PROGRESS')
    throw conflict('INVALID_TRANSITION', '一件事已结束', 'The bundle case has ended', 'state');
  if (parent.version !== expectedVersion)
    throw conflict(
      'CONCURRENT_UPDATE',
      '办件已被他人修改，请刷新后重试',
      'Changed meanwhile; reload and retry',
      'expectedVersion',
    );
  return p.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('bundle_cases')
      .set({ state: 'WITHDRAWN', completed_at: new Date().toISOString(), version: sql`version + 1` })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .where('state', '=', 'IN_PROGRESS')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0)
      throw conflict(
        'CONCURRENT_UPDATE',
        '办件已被他人修改，请刷新后重试',
        'Changed meanwhile; reload and retry',
        'expectedVersion',
      );
    const children: any[] = await tx
      .selectFrom('cases')
      .select(['id', 'state'])
      .where('bundle_case_id', '=', id)
      .execute();
    for (const c of children)
      if (BEFORE_DECISION.includes(c.state)) await voidOnBehalf(tx, ctx, c.id, '申请人撤回一件事');
    await writeAudit(tx, ctx, { action: 'bundles.withdraw', objectType: 'bundle_case', objectId: id });
    return bundleView(tx, id);
  });
}

/** Public tracking of a bundle case: states of the children, no personal data. */
export async function trackBundle(p: Platform, input: { serialNo: string; password: string }) {
  const r: any = await p.db
    .selectFrom('bundle_cases')
    .selectAll()
    .where('serial_no', '=', input.serialNo)
    .executeTakeFirst();
  const expected = r?.query_password_hash ?? passwordHash(p, 'none', 'none');
  if (!r || !safeEqual(expected, passwordHash(p, input.serialNo, input.password)))
    throw new AppError(404, 'NOT_FOUND', '流水号或查询密码不正确', 'No case matches this serial number and password');
  const children: any[] = await p.db
    .selectFrom('cases')
    .select(['item_name', 'state', 'outcome', 'due_day'])
    .where('bundle_case_id', '=', r.id)
    .orderBy('created_at')
    .execute();
  return {
    serialNo: r.serial_no,
    bundleName: r.bundle_name,
    state: r.state,
    dueDay: r.due_day ?? null,
    children: children.map((c) => ({
      itemName: c.item_name,
      state: c.state as State,
      stateName: STATE_NAMES[c.state as State][0],
      outcome: c.outcome ?? null,
      dueDay: c.due_day ?? null,
    })),
  };
}
