/**
 * Demo data: the platform CA, seals of three 佛山市 departments (P-256, Ed25519, SM2), three licence
 * types linked to service items, and a few licences of the demo citizens (legacy licences made
 * electronic). Type codes are illustrative: the defining authority's credit code + a sequence.
 */
import { DEMO_CITIZENS } from '@yiwang/cases';
import { listDepartments } from '@yiwang/org';
import { type Platform, systemCtx } from '@yiwang/platform';
import { creditCodeCheckChar } from '@yiwang/shared';
import { ensureCa } from './keys.ts';
import * as svc from './service.ts';
import type { LicenceTypeInput } from './types.ts';

/** 国家市场监督管理总局 (its credit code as in the domain reference's licence identifier vectors). */
export const SAMR_CODE = '11100000000013338W';
/** 广东省公安厅 (illustrative demo code with a valid check character). */
const GD_POLICE_BODY = '11440000MB0000001';
export const GD_POLICE_CODE = GD_POLICE_BODY + creditCodeCheckChar(GD_POLICE_BODY);

export const BUSINESS_LICENCE_TYPE = `${SAMR_CODE}001`;
export const FOOD_LICENCE_TYPE = `${SAMR_CODE}002`;
export const RESIDENCE_PERMIT_TYPE = `${GD_POLICE_CODE}001`;

const str = (title: string) => ({ type: 'string', title, maxLength: 500 });

export async function seed(platform: Platform, log: (line: string) => void): Promise<void> {
  const db = platform.db;
  const existing = await db.selectFrom('licence_types').select('id').limit(1).execute();
  if (existing.length) return;
  const ctx = systemCtx('seed');
  await ensureCa(db, platform.config, '一网');
  const deps = await listDepartments(db, { scopes: null });
  const dep = (name: string) => deps.find((d) => d.name === name);
  const market = dep('佛山市市场监督管理局');
  const police = dep('佛山市公安局');
  if (!market || !police) {
    log('licences: demo departments not found, nothing seeded');
    return;
  }
  const items = await db
    .selectFrom('catalog_items')
    .select(['task_code', 'name'])
    .where('status', '=', 'published')
    .execute();
  const task = (name: string) => items.filter((i: any) => i.name === name).map((i: any) => i.task_code as string);
  const validTo = new Date(Date.now() + 5 * 365 * 86_400_000).toISOString();

  // Ed25519 first (Verifiable Credentials), then P-256: the newest active seal signs PDFs, and
  // P-256 PAdES signatures validate in common PDF readers (Ed25519 ones in few).
  await svc.createSeal(platform, ctx, { departmentId: market.id, sealType: 'licence', algorithm: 'ED25519', validTo });
  await svc.createSeal(platform, ctx, { departmentId: market.id, sealType: 'licence', algorithm: 'P256', validTo });
  await svc.createSeal(platform, ctx, { departmentId: police.id, sealType: 'licence', algorithm: 'SM2', validTo });

  const types: LicenceTypeInput[] = [
    {
      typeCode: BUSINESS_LICENCE_TYPE,
      name: '营业执照（个体工商户）',
      nameEn: 'Business licence (individual business)',
      authorityName: '国家市场监督管理总局',
      authorityCode: SAMR_CODE,
      holderKind: 'person',
      metadataSchema: {
        type: 'object',
        required: ['tradeName', 'operator'],
        properties: {
          tradeName: str('名称'),
          operator: str('经营者'),
          premises: str('经营场所'),
          businessScope: str('经营范围'),
        },
      },
      template: {
        fields: [
          { key: 'tradeName', label: '名称', labelEn: 'Name', fromForm: 'tradeName' },
          { key: 'operator', label: '经营者', labelEn: 'Operator', fromForm: 'applicantName' },
          { key: 'premises', label: '经营场所', labelEn: 'Premises', fromForm: 'premises' },
          { key: 'businessScope', label: '经营范围', labelEn: 'Business scope', fromForm: 'businessScope' },
        ],
      },
      validityYears: null,
      issuingDepartmentIds: [market.id],
      taskCodes: task('个体工商户设立登记'),
    },
    {
      typeCode: FOOD_LICENCE_TYPE,
      name: '食品经营许可证',
      nameEn: 'Food business licence',
      authorityName: '国家市场监督管理总局',
      authorityCode: SAMR_CODE,
      holderKind: 'enterprise',
      metadataSchema: {
        type: 'object',
        required: ['entityName', 'premises'],
        properties: {
          entityName: str('经营者名称'),
          legalPerson: str('法定代表人（负责人）'),
          premises: str('经营场所'),
          businessScope: str('经营项目'),
        },
      },
      template: {
        fields: [
          { key: 'entityName', label: '经营者名称', labelEn: 'Operator', fromForm: 'entityName' },
          {
            key: 'legalPerson',
            label: '法定代表人（负责人）',
            labelEn: 'Legal representative',
            fromForm: 'legalPerson',
          },
          { key: 'premises', label: '经营场所', labelEn: 'Premises', fromForm: 'premises' },
          { key: 'businessScope', label: '经营项目', labelEn: 'Business items', fromForm: 'businessScope' },
        ],
      },
      validityYears: 5,
      issuingDepartmentIds: [market.id],
      taskCodes: [...task('食品经营许可'), ...task('食品经营许可延续')],
    },
    {
      typeCode: RESIDENCE_PERMIT_TYPE,
      name: '广东省居住证',
      nameEn: 'Guangdong residence permit',
      authorityName: '广东省公安厅',
      authorityCode: GD_POLICE_CODE,
      holderKind: 'person',
      metadataSchema: {
        type: 'object',
        required: ['name', 'residence'],
        properties: { name: str('姓名'), residence: str('居住地址'), employer: str('就业单位') },
      },
      template: {
        fields: [
          { key: 'name', label: '姓名', labelEn: 'Name', fromForm: 'applicantName' },
          { key: 'residence', label: '居住地址', labelEn: 'Residence', fromForm: 'residence' },
          { key: 'employer', label: '就业单位', labelEn: 'Employer', fromForm: 'employer' },
        ],
      },
      validityYears: 1,
      issuingDepartmentIds: [police.id],
      taskCodes: task('居住证办理'),
    },
  ];
  const created = [];
  for (const t of types) created.push(await svc.createType(platform, ctx, t));

  // Legacy licences of the demo citizens (issued to their ID numbers; their wallets show them).
  const [chen, liang] = DEMO_CITIZENS;
  let issued = 0;
  if (chen) {
    await svc.issue(platform, ctx, {
      typeId: created[0]!.id,
      departmentId: market.id,
      holder: { name: chen.name, code: chen.idNumber, codeType: '111' },
      data: {
        tradeName: '禅城区美玲糖水铺',
        operator: chen.name,
        premises: '佛山市禅城区祖庙路 23 号首层',
        businessScope: '餐饮服务；甜品制售',
      },
      validFrom: '2024-03-18',
    });
    await svc.issue(platform, ctx, {
      typeId: created[1]!.id,
      departmentId: market.id,
      holder: { name: chen.name, code: chen.idNumber, codeType: '111' },
      data: {
        entityName: '禅城区美玲糖水铺',
        legalPerson: chen.name,
        premises: '佛山市禅城区祖庙路 23 号首层',
        businessScope: '热食类食品制售；冷食类食品制售',
      },
      validFrom: '2024-04-02',
      validTo: '2029-04-01',
    });
    issued += 2;
  }
  if (liang) {
    await svc.issue(platform, ctx, {
      typeId: created[2]!.id,
      departmentId: police.id,
      holder: { name: liang.name, code: liang.idNumber, codeType: '111' },
      data: {
        name: liang.name,
        residence: '佛山市南海区桂城街道南海大道北 88 号',
        employer: '佛山市南海区某科技有限公司',
      },
    });
    issued += 1;
  }
  log(`licences: CA, 3 seals, ${created.length} licence types, ${issued} demo licences`);
}
