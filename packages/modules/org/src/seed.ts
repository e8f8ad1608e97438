/** Demo data: 佛山市 and its districts, streets, some communities and grids, departments, roles and staff. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStaffAccount } from '@yiwang/identity';
import { type Platform, systemCtx, writeAudit } from '@yiwang/platform';
import { creditCodeCheckChar, divisionLevel, divisionParent } from '@yiwang/shared';
import { PERMISSIONS } from './permissions.ts';
import { rectangle } from './polygon.ts';
import type { Department, Division, Grid, Role } from './repository.ts';
import * as repo from './repository.ts';

interface FoshanData {
  districts: { code: string; name: string }[];
  streets: { code: string; name: string }[];
  communities: { code: string; name: string }[];
}

const MUNICIPAL = [
  ['佛山市市场监督管理局', '市场监管局'],
  ['佛山市公安局', '公安局'],
  ['佛山市人力资源和社会保障局', '人社局'],
  ['佛山市卫生健康局', '卫健局'],
  ['佛山市住房和城乡建设局', '住建局'],
  ['佛山市自然资源局', '自然资源局'],
  ['佛山市民政局', '民政局'],
  ['佛山市交通运输局', '交通运输局'],
  ['佛山市城市管理和综合执法局', '城管执法局'],
  ['佛山市生态环境局', '生态环境局'],
  ['佛山市教育局', '教育局'],
  ['国家税务总局佛山市税务局', '税务局'],
  ['佛山市医疗保障局', '医保局'],
  ['佛山市政务服务数据管理局', '政数局'],
  ['佛山市退役军人事务局', '退役军人局'],
  ['佛山市司法局', '司法局'],
  ['佛山市商务局', '商务局'],
  ['佛山市文化广电旅游体育局', '文广旅体局'],
  ['佛山市应急管理局', '应急管理局'],
  ['佛山市农业农村局', '农业农村局'],
] as const;

export function demoCreditCode(region: string, n: number): string {
  const body = `11${region}MB${String(n).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}

const ORG_PERMISSIONS = PERMISSIONS.filter((p) => p.startsWith('org.'));

export const DEMO_ROLES: Omit<Role, 'id'>[] = [
  { code: 'platform_admin', name: '平台管理员', nameEn: 'Platform administrator', permissions: ['*'], isAdmin: true },
  {
    code: 'district_admin',
    name: '区级管理员',
    nameEn: 'District administrator',
    permissions: [...ORG_PERMISSIONS, 'audit.read'],
    isAdmin: true,
  },
  {
    code: 'window_staff',
    name: '窗口工作人员',
    nameEn: 'Service window staff',
    permissions: ['org.read', 'cases.read', 'cases.handle'],
    isAdmin: false,
  },
  {
    code: 'approver',
    name: '审批人员',
    nameEn: 'Approver',
    permissions: ['org.read', 'cases.read', 'cases.handle', 'cases.unmask', 'licences.issue', 'licences.read'],
    isAdmin: false,
  },
  {
    code: 'evaluation_supervisor',
    name: '好差评督办员',
    nameEn: 'Evaluation supervisor',
    permissions: ['org.read', 'cases.read', 'evaluation.manage', 'notifications.outbox'],
    isAdmin: false,
  },
];

export const DEMO_PASSWORD = 'Yiwang@2026';
export const DEMO_ADMIN_TOTP = 'JBSWY3DPEHPK3PXPYIWANGDEMO';
export const DEMO_CHANCHENG_TOTP = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';

export async function seed(platform: Platform, log: (line: string) => void): Promise<void> {
  const db = platform.db;
  if ((await repo.countDivisions(db)) > 0) return;
  const data = JSON.parse(readFileSync(join(import.meta.dirname, 'foshan-divisions.json'), 'utf8')) as FoshanData;

  const divisions: Division[] = [
    { code: '440000', name: '广东省', level: 'province', parentCode: null },
    { code: '440600', name: '佛山市', level: 'prefecture', parentCode: '440000' },
  ];
  for (const d of [...data.districts, ...data.streets, ...data.communities]) {
    const level = divisionLevel(d.code);
    if (level) divisions.push({ code: d.code, name: d.name, level, parentCode: divisionParent(d.code) });
  }

  // Three grids in each of the first three communities of every district, on a lattice of
  // 0.008° squares (about 800 m) around Foshan, so they never overlap.
  const grids: Grid[] = [];
  data.districts.forEach((district, i) => {
    const communities = data.communities.filter((c) => c.code.startsWith(district.code)).slice(0, 3);
    communities.forEach((c, j) => {
      for (let k = 0; k < 3; k++) {
        const minLng = 112.9 + i * 0.08 + k * 0.01;
        const minLat = 22.98 + j * 0.02;
        grids.push({
          code: `${c.code}${String(k + 1).padStart(3, '0')}`,
          name: `${c.name.replace(/居委会|村委会/, '')}第${k + 1}网格`,
          divisionCode: c.code,
          polygon: rectangle(minLng, minLat, minLng + 0.008, minLat + 0.008),
          workerStaffId: null,
        });
      }
    });
  });

  const departments: Department[] = MUNICIPAL.map(([name, shortName], i) => ({
    id: crypto.randomUUID(),
    name,
    shortName,
    creditCode: demoCreditCode('440600', i + 1),
    regionCode: '440600',
    parentId: null,
    kind: 'bureau',
  }));
  const dataBureau = departments.find((d) => d.shortName === '政数局')!;
  const market = departments.find((d) => d.shortName === '市场监管局')!;
  const chanchengData: Department = {
    id: crypto.randomUUID(),
    name: '佛山市禅城区政务服务数据管理局',
    shortName: '禅城区政数局',
    creditCode: demoCreditCode('440604', 1),
    regionCode: '440604',
    parentId: dataBureau.id,
    kind: 'bureau',
  };
  departments.push(chanchengData);

  const roles: Role[] = DEMO_ROLES.map((r) => ({ ...r, id: crypto.randomUUID() }));
  const role = (code: string) => roles.find((r) => r.code === code)!;

  const adminPassword = process.env.ADMIN_PASSWORD || DEMO_PASSWORD;
  const adminTotp = process.env.ADMIN_TOTP_SECRET || DEMO_ADMIN_TOTP;
  const people = [
    {
      username: 'admin',
      name: '系统管理员',
      password: adminPassword,
      totpSecret: adminTotp,
      dep: dataBureau,
      title: '系统管理员',
      grants: [{ role: 'platform_admin', regionCode: null, departmentId: null }],
    },
    {
      username: 'chancheng_admin',
      name: '禅城区管理员',
      password: DEMO_PASSWORD,
      totpSecret: DEMO_CHANCHENG_TOTP,
      dep: chanchengData,
      title: '区级管理员',
      grants: [{ role: 'district_admin', regionCode: '440604', departmentId: null }],
    },
    ...['window01', 'window02', 'window03'].map((u, i) => ({
      username: u,
      name: ['陈晓玲', '黄志强', '梁嘉怡'][i]!,
      password: DEMO_PASSWORD,
      totpSecret: null,
      dep: chanchengData,
      title: '窗口工作人员',
      grants: [{ role: 'window_staff', regionCode: '440604', departmentId: null }],
    })),
    {
      username: 'approver01',
      name: '李建华',
      password: DEMO_PASSWORD,
      totpSecret: null,
      dep: market,
      title: '审批科科员',
      grants: [{ role: 'approver', regionCode: null, departmentId: market.id }],
    },
    {
      username: 'supervisor01',
      name: '周敏',
      password: DEMO_PASSWORD,
      totpSecret: null,
      dep: dataBureau,
      title: '好差评督办员',
      grants: [{ role: 'evaluation_supervisor', regionCode: '440600', departmentId: null }],
    },
  ];

  const ctx = systemCtx('seed');
  await db.transaction().execute(async (tx) => {
    await repo.insertDivisions(tx, divisions);
    await repo.insertGrids(tx, grids);
    await repo.insertDepartments(tx, departments);
    for (const r of roles) await repo.insertRole(tx, r);
    for (const p of people) {
      const accountId = await createStaffAccount(platform, tx, ctx, {
        username: p.username,
        name: p.name,
        password: p.password,
        totpSecret: p.totpSecret,
      });
      const staffId = crypto.randomUUID();
      await repo.insertStaff(tx, {
        id: staffId,
        accountId,
        username: p.username,
        name: p.name,
        departmentId: p.dep.id,
        regionCode: p.dep.regionCode,
        title: p.title,
      });
      for (const g of p.grants)
        await repo.insertStaffRole(tx, {
          id: crypto.randomUUID(),
          staffId,
          roleId: role(g.role).id,
          regionCode: g.regionCode,
          departmentId: g.departmentId,
        });
    }
    await repo.setSiteDivision(tx, '440600');
    await writeAudit(tx, ctx, {
      action: 'org.seed',
      objectType: 'division',
      objectId: '440600',
      detail: {
        divisions: divisions.length,
        grids: grids.length,
        departments: departments.length,
        roles: roles.length,
        staff: people.length,
      },
    });
  });
  log(
    `org: seeded ${divisions.length} divisions, ${grids.length} grids, ${departments.length} departments, ` +
      `${roles.length} roles, ${people.length} staff; admin sign-in: admin / ${adminPassword === DEMO_PASSWORD ? DEMO_PASSWORD : '(ADMIN_PASSWORD)'}` +
      ` with TOTP secret ${adminTotp === DEMO_ADMIN_TOTP ? DEMO_ADMIN_TOTP : '(ADMIN_TOTP_SECRET)'}`,
  );
}
