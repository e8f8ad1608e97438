/**
 * Demo data of the data module: data roles and officers, the base libraries (基础库) — population
 * (人口, 公安局) and legal persons (法人, 市场监管局) loaded through the CSV connector from the files in
 * seed-data/ (a few rows wrong on purpose), credit (信用, red and black lists, from seed-data/credit.csv) and
 * licences (证照, the licences module's register), all through the CSV connector —
 * and the standing grant of 民政局 that the no-proof material of 高龄津贴申领 uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_CITIZEN_PASSWORD, fileApplication, uploadCaseFile } from '@yiwang/cases';
import { latestPublishedItem, searchPublishedItems } from '@yiwang/catalog';
import { registerAccount } from '@yiwang/identity';
import { licenceRegisterCsv } from '@yiwang/licences';
import { createRole, createStaff, DEMO_PASSWORD, grantRole, listDepartments } from '@yiwang/org';
import { anonymous, type Ctx, dayOf, type Platform, systemCtx } from '@yiwang/platform';
import { parse } from 'csv-parse/sync';
import { createResource } from './catalog.ts';
import { createConnector, runSync } from './connectors.ts';
import { decide, fileRequest } from './sharing.ts';
import type { FieldDef, ResourceInput } from './types.ts';

export const POPULATION_CODE = '101001001/000001';
export const LEGAL_CODE = '102001001/000001';
export const CREDIT_CODE_RESOURCE = '104001001/000001';
export const LICENCE_CODE_RESOURCE = '105001001/000001';

type F = Partial<FieldDef> & Pick<FieldDef, 'name' | 'label'>;
const field = (f: F): FieldDef => ({ type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般', ...f });

const ROLES = [
  {
    code: 'data_officer',
    name: '部门数据管理员',
    nameEn: 'Department data officer',
    permissions: ['data.manage', 'data.approve'],
  },
  { code: 'data_requester', name: '数据需求方', nameEn: 'Data consumer', permissions: ['data.request'] },
  { code: 'data_auditor', name: '数据审计员', nameEn: 'Data auditor', permissions: ['data.audit'] },
];

const STAFF = [
  { username: 'data_police', name: '郭振华', dept: '公安局', roles: [['data_officer', 'dept']] },
  { username: 'data_market', name: '冯雅琴', dept: '市场监管局', roles: [['data_officer', 'dept']] },
  {
    username: 'data_zsj',
    name: '区嘉明',
    dept: '政数局',
    roles: [
      ['data_officer', 'dept'],
      ['data_auditor', 'all'],
    ],
  },
  { username: 'data_civil', name: '麦文静', dept: '民政局', roles: [['data_requester', 'dept']] },
] as const;

function resources(dep: (short: string) => string): ResourceInput[] {
  return [
    {
      code: POPULATION_CODE,
      name: '人口基础信息',
      abstract: '佛山市户籍人口的身份、出生、户籍地址等基础信息（人口基础库）。',
      providerDepartmentId: dep('公安局'),
      classification: { class: 1, item: '01', catalog: '001', detail: '001' },
      updateCycle: '每日',
      shareType: '有条件共享',
      shareConditions: '仅用于法定职责范围内的政务服务办理与核验，须说明用途与依据。',
      openType: '不予开放',
      keyField: 'id_number',
      fields: [
        field({
          name: 'id_number',
          label: '公民身份号码',
          identifier: 'direct',
          level: 'L4',
          nationalLabel: '重要',
          format: 'ID_NUMBER',
          maskRule: 'ID_NUMBER',
          required: true,
          unique: true,
          element: 'person.id_number',
          authoritative: true,
        }),
        field({
          name: 'name',
          label: '姓名',
          identifier: 'direct',
          level: 'L3',
          format: null,
          maskRule: 'NAME',
          required: true,
          element: 'person.name',
          authoritative: true,
        }),
        field({ name: 'gender', label: '性别', level: 'L2', element: 'person.gender', authoritative: true }),
        field({
          name: 'birth_date',
          label: '出生日期',
          type: 'date',
          identifier: 'quasi',
          level: 'L3',
          format: 'DATE',
          required: true,
          element: 'person.birth_date',
          authoritative: true,
        }),
        field({
          name: 'phone',
          label: '联系电话',
          identifier: 'direct',
          level: 'L3',
          format: 'PHONE',
          maskRule: 'PHONE',
        }),
        field({
          name: 'address',
          label: '户籍地址',
          identifier: 'quasi',
          level: 'L3',
          maskRule: 'ADDRESS',
          element: 'person.residence_address',
          authoritative: true,
        }),
        field({
          name: 'residence_division',
          label: '户籍地区划代码',
          identifier: 'quasi',
          level: 'L2',
          format: 'DIVISION',
          element: 'person.residence_division',
          authoritative: true,
        }),
        field({ name: 'updated_at', label: '更新时间', type: 'datetime' }),
      ],
    },
    {
      code: LEGAL_CODE,
      name: '法人基础信息',
      abstract: '佛山市登记的市场主体（企业、个体工商户、农民专业合作社）的登记信息（法人基础库）。',
      providerDepartmentId: dep('市场监管局'),
      classification: { class: 1, item: '02', catalog: '001', detail: '001' },
      updateCycle: '每日',
      shareType: '无条件共享',
      shareConditions: null,
      openType: '有条件开放',
      openConditions: '法定代表人姓名不开放。',
      keyField: 'credit_code',
      fields: [
        field({
          name: 'credit_code',
          label: '统一社会信用代码',
          format: 'CREDIT_CODE',
          required: true,
          unique: true,
          element: 'org.credit_code',
          authoritative: true,
        }),
        field({ name: 'name', label: '名称', required: true, unique: true, element: 'org.name', authoritative: true }),
        field({ name: 'type', label: '市场主体类型', element: 'org.type', authoritative: true }),
        field({
          name: 'legal_rep',
          label: '法定代表人（经营者）',
          identifier: 'direct',
          level: 'L3',
          maskRule: 'NAME',
          element: 'org.legal_rep',
          authoritative: true,
        }),
        field({ name: 'category', label: '行业门类（GB/T 4754）', element: 'org.category', authoritative: true }),
        field({ name: 'capital', label: '注册资本（万元）', type: 'number' }),
        field({
          name: 'reg_date',
          label: '成立日期',
          type: 'date',
          format: 'DATE',
          required: true,
          element: 'org.reg_date',
          authoritative: true,
        }),
        field({ name: 'address', label: '住所（经营场所）', element: 'org.address', authoritative: true }),
        field({ name: 'division', label: '登记机关区划', format: 'DIVISION' }),
        field({ name: 'status', label: '登记状态', element: 'org.status', authoritative: true }),
      ],
    },
    {
      code: CREDIT_CODE_RESOURCE,
      name: '公共信用信息（红黑名单）',
      abstract: '守信激励（红名单）与失信惩戒（黑名单）对象、列入理由、来源与有效期（信用基础库）。',
      providerDepartmentId: dep('政数局'),
      classification: { class: 1, item: '04', catalog: '001', detail: '001' },
      updateCycle: '实时',
      shareType: '有条件共享',
      shareConditions: '用于联合奖惩与行政审批中的信用核查。',
      openType: '有条件开放',
      openConditions: '仅公开法人失信信息，自然人信息不开放。',
      keyField: 'subject_code',
      fields: [
        field({
          name: 'subject_code',
          label: '主体代码（统一社会信用代码或身份证号）',
          identifier: 'direct',
          level: 'L3',
          maskRule: 'ID_NUMBER',
          required: true,
        }),
        field({ name: 'subject_name', label: '主体名称', identifier: 'direct', level: 'L3', maskRule: 'NAME' }),
        field({ name: 'list_type', label: '名单类型（红名单/黑名单）', required: true }),
        field({ name: 'reason', label: '列入事由', level: 'L2' }),
        field({ name: 'source_department', label: '认定部门' }),
        field({ name: 'valid_from', label: '有效期起', type: 'date', format: 'DATE' }),
        field({ name: 'valid_to', label: '有效期止', type: 'date', format: 'DATE' }),
      ],
    },
    {
      code: LICENCE_CODE_RESOURCE,
      name: '电子证照目录信息',
      abstract: '全市签发的电子证照的标识、类型、持证主体、签发机构与有效期（证照基础库，数据来自电子证照模块）。',
      providerDepartmentId: dep('政数局'),
      classification: { class: 1, item: '05', catalog: '001', detail: '001' },
      updateCycle: '实时',
      shareType: '有条件共享',
      shareConditions: '持证人授权或法定职责范围内用证。',
      openType: '不予开放',
      keyField: 'licence_id',
      fields: [
        field({
          name: 'licence_id',
          label: '证照标识',
          required: true,
          unique: true,
          element: 'licence.id',
          authoritative: true,
        }),
        field({ name: 'licence_type', label: '证照类型', required: true }),
        field({
          name: 'holder_code',
          label: '持证主体代码',
          identifier: 'direct',
          level: 'L4',
          nationalLabel: '重要',
          maskRule: 'ID_NUMBER',
        }),
        field({ name: 'holder_name', label: '持证主体名称', identifier: 'direct', level: 'L3', maskRule: 'NAME' }),
        field({ name: 'issuer', label: '签发机构' }),
        field({ name: 'issue_date', label: '签发日期', type: 'date', format: 'DATE' }),
        field({ name: 'valid_to', label: '有效期至', type: 'date', format: 'DATE' }),
        field({ name: 'status', label: '状态' }),
      ],
    },
  ];
}

export async function seed(p: Platform, log: (line: string) => void): Promise<void> {
  const any = await p.db.selectFrom('data_resources').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const ctx = systemCtx('seed:data');
  const started = Date.now();
  const deps = await listDepartments(p.db, { regionPrefix: '4406', scopes: null });
  const dep = (short: string) => {
    const d = deps.find((x) => x.shortName === short && x.regionCode === '440600');
    if (!d) throw new Error(`data seed: department ${short} missing from the org seed`);
    return d.id;
  };

  const roleIds = new Map<string, string>();
  for (const r of ROLES) roleIds.set(r.code, (await createRole(p, ctx, r)).id);
  for (const s of STAFF) {
    const { id } = await createStaff(p, ctx, {
      username: s.username,
      name: s.name,
      password: DEMO_PASSWORD,
      departmentId: dep(s.dept),
    });
    for (const [role, scope] of s.roles)
      await grantRole(p, ctx, id, { roleId: roleIds.get(role)!, departmentId: scope === 'dept' ? dep(s.dept) : null });
  }

  const created = [];
  for (const r of resources(dep)) created.push(await createResource(p, ctx, r));
  const [population, legal] = created;
  const load = async (resourceId: string, name: string, file: string) => {
    const c = await createConnector(p, ctx, resourceId, {
      name,
      kind: 'file',
      config: { format: 'csv' },
      syncMode: 'full',
    });
    return runSync(p, ctx, c.id, {
      trigger: 'upload',
      upload: readFileSync(join(import.meta.dirname, '../seed-data', file)),
    });
  };
  const pr = await load(population!.id, '人口库导出文件（CSV）', 'population.csv');
  const lr = await load(legal!.id, '市场主体登记库导出文件（CSV）', 'legal-persons.csv');
  const creditResource = created.find((r) => r.code === CREDIT_CODE_RESOURCE)!;
  const cr = await load(creditResource.id, '信用信息共享平台红黑名单导出（CSV）', 'credit.csv');
  // 证照库: the licence register of the licences module, through the same CSV connector.
  const licenceResource = created.find((r) => r.code === LICENCE_CODE_RESOURCE)!;
  const lc = await createConnector(p, ctx, licenceResource.id, {
    name: '电子证照模块导出（CSV）',
    kind: 'file',
    config: { format: 'csv' },
    syncMode: 'full',
  });
  const licenceRun = await runSync(p, ctx, lc.id, { trigger: 'upload', upload: await licenceRegisterCsv(p, ctx) });

  // 民政局's standing grant on the population library: the no-proof (免证明) material of its items.
  const req = await fileRequest(p, ctx, {
    resourceId: population!.id,
    consumerDepartmentId: dep('民政局'),
    purpose: '高龄津贴、最低生活保障等民政事项办理中核验申请人户籍（免提交户籍证明）',
    legalBasis: '《广东省老年人权益保障条例》；《社会救助暂行办法》第十一条',
    fields: ['id_number', 'name', 'birth_date', 'address', 'residence_division'],
    // 高龄津贴 needs the exact name and birth date (age); the rest stays masked by grade.
    clearFields: ['name', 'birth_date'],
    periodFrom: dayOf(new Date()),
    periodTo: `${new Date().getFullYear() + 3}-12-31`,
    expectedVolume: 20000,
  });
  await decide(p, ctx, req.id, {
    decision: 'approve',
    dailyQuota: 20000,
    ratePerMinute: 600,
    expectedVersion: req.version,
  });
  const noProof = p.config.seedDemoCases ? await seedNoProofCases(p, ctx) : 0;
  log(
    `data: ${created.length} base-library resources; 人口 ${pr.rowsWritten} rows (${pr.rowsRejected} rejected), 法人 ${lr.rowsWritten} rows (${lr.rowsRejected} rejected), 信用 ${cr.rowsWritten} rows, 证照 ${licenceRun.rowsWritten} rows via the CSV connector; ` +
      `${STAFF.length} data staff (${STAFF.map((s) => s.username).join(', ')}), ` +
      `${noProof} 高龄津贴申领 cases with 户籍证明 fetched from shared data, in ${Date.now() - started} ms`,
  );
}

/** The item whose 户籍证明 is fetched from the population library (the no-proof demo). */
export const NO_PROOF_DEMO_ITEM = '高龄津贴申领';

/**
 * 免证明 in the demo city: residents aged 80 or more of the population library (the first two in
 * seed-data/population.csv, password Citizen#2026) apply online for 高龄津贴申领 through the real
 * application path, so their 户籍证明 is fetched by the gateway under 民政局's standing grant and
 * kept as evidence on the case; the savings tab and 民政局's inbox then show real cases.
 */
async function seedNoProofCases(p: Platform, sys: Ctx): Promise<number> {
  const found = await searchPublishedItems(p.db, { q: NO_PROOF_DEMO_ITEM, page: 1, pageSize: 5 });
  const summary = found.items.find((i) => i.name === NO_PROOF_DEMO_ITEM);
  const item = summary && (await latestPublishedItem(p.db, summary.taskCode));
  if (!item) return 0;
  const today = new Date();
  const eighty = `${today.getFullYear() - 80}-${String(today.getMonth() + 1).padStart(2, '0')}-01`;
  const rows: Record<string, string>[] = parse(readFileSync(join(import.meta.dirname, '../seed-data/population.csv')), {
    bom: true,
    columns: true,
    skip_empty_lines: true,
  });
  const elders = rows.filter((r) => r.birth_date! < eighty && r.residence_division!.startsWith('4406')).slice(0, 2);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  for (const [i, r] of elders.entries()) {
    const accountId = await registerAccount(p, sys, {
      type: 'person',
      name: r.name!,
      idNumber: r.id_number!,
      phone: r.phone!,
      password: DEMO_CITIZEN_PASSWORD,
    });
    const ctx: Ctx = {
      caller: { ...anonymous, accountId, accountType: 'person', name: r.name! },
      requestId: `seed:no-proof:${i + 1}`,
      ip: '127.0.0.1',
    };
    const materials = [];
    for (const m of item.materials)
      if (m.fulfilment === 'SHARED_DATA') materials.push({ name: m.name });
      else {
        const file = await uploadCaseFile(p, ctx, {
          name: `${m.name}.pdf`,
          content: pdf,
          truncated: false,
          taskCode: item.taskCode,
          material: m.name,
        });
        materials.push({ name: m.name, fileIds: [file.id] });
      }
    await fileApplication(p, ctx, {
      taskCode: item.taskCode,
      formData: {
        applicantName: r.name,
        idNumber: r.id_number,
        phone: r.phone,
        birthDate: r.birth_date,
        bankAccount: `62220200000000${String(1000 + i)}`,
      },
      materials,
      submit: true,
    });
  }
  return elders.length;
}
