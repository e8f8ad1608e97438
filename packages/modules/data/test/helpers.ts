/** Shared set-up of the data module's tests: a seeded platform, an administrator, department data officers. */
import { DEMO_ADMIN_TOTP } from '@yiwang/org';
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';

export const PASSWORD = 'Yiwang@2026';

export interface Api {
  status: number;
  body: any;
  raw: string;
  headers: Record<string, unknown>;
}

export class DataTest {
  adminToken = '';
  private roleIds = new Map<string, string>();
  constructor(readonly rt: TestRuntime) {}

  static async start(env: Record<string, string> = {}): Promise<DataTest> {
    const t = new DataTest(await startTestRuntime({ seed: true, env }));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(DEMO_ADMIN_TOTP) }).generate();
    t.adminToken = await t.login('admin', PASSWORD, totp);
    return t;
  }

  async login(username: string, password = PASSWORD, totp?: string): Promise<string> {
    const res = await this.rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username, password, ...(totp ? { totp } : {}), tokenType: 'bearer' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().token;
  }

  async call(token: string | null, method: string, url: string, payload?: unknown): Promise<Api> {
    const res = await this.rt.app.inject({
      method: method as any,
      url: url.startsWith('/api/') ? url : `/api/v1/data${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload !== undefined ? { payload: payload as any } : {}),
    });
    let body: any = null;
    try {
      body = res.body ? JSON.parse(res.body) : null;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, raw: res.body, headers: res.headers };
  }

  async departmentId(shortName: string): Promise<string> {
    const d = await this.rt.platform.db
      .selectFrom('departments')
      .select('id')
      .where('short_name', '=', shortName)
      .where('region_code', '=', '440600')
      .executeTakeFirstOrThrow();
    return d.id;
  }

  /** A staff member of the department holding `permissions` limited to that department; answers a token. */
  async officer(
    username: string,
    shortName: string,
    permissions: string[],
  ): Promise<{ token: string; departmentId: string; accountId: string }> {
    const departmentId = await this.departmentId(shortName);
    const roleCode = `t_${permissions.map((p) => p.replace('data.', '')).join('_')}`;
    let roleId = this.roleIds.get(roleCode);
    if (!roleId) {
      const r = await this.call(this.adminToken, 'POST', '/api/v1/org/roles', {
        code: roleCode,
        name: roleCode,
        permissions,
      });
      expect(r.status, r.raw).toBe(201);
      roleId = r.body.id as string;
      this.roleIds.set(roleCode, roleId);
    }
    const s = await this.call(this.adminToken, 'POST', '/api/v1/org/staff', {
      username,
      name: '数据专员',
      password: PASSWORD,
      departmentId,
    });
    expect(s.status, s.raw).toBe(201);
    const g = await this.call(this.adminToken, 'POST', `/api/v1/org/staff/${s.body.id}/grants`, {
      roleId,
      departmentId,
    });
    expect(g.status, g.raw).toBe(201);
    return { token: await this.login(username), departmentId, accountId: s.body.accountId };
  }

  async auditCount(action: string): Promise<number> {
    const r = await this.rt.platform.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  close() {
    return this.rt.close();
  }
}

/** A valid resource body for the provider department (fields of a small population resource). */
export function personResource(providerDepartmentId: string, seq = '000101', overrides: Record<string, unknown> = {}) {
  return {
    code: `101001001/${seq}`,
    name: `人口基本信息${seq}`,
    abstract: '户籍人口的基本信息',
    providerDepartmentId,
    classification: { class: 1, item: '01', catalog: '001', detail: '001' },
    updateCycle: '每日',
    shareType: '有条件共享',
    shareConditions: '用于政务服务办理',
    openType: '不予开放',
    keyField: 'id_number',
    fields: [
      {
        name: 'id_number',
        label: '公民身份号码',
        type: 'string',
        identifier: 'direct',
        level: 'L4',
        nationalLabel: '重要',
        format: 'ID_NUMBER',
        maskRule: 'ID_NUMBER',
        required: true,
        unique: true,
        element: 'person.id_number',
        authoritative: true,
      },
      {
        name: 'name',
        label: '姓名',
        type: 'string',
        identifier: 'direct',
        level: 'L3',
        nationalLabel: '一般',
        maskRule: 'NAME',
        required: true,
        element: 'person.name',
        authoritative: true,
      },
      {
        name: 'phone',
        label: '联系电话',
        type: 'string',
        identifier: 'direct',
        level: 'L3',
        nationalLabel: '一般',
        format: 'PHONE',
        maskRule: 'PHONE',
      },
      {
        name: 'address',
        label: '户籍地址',
        type: 'string',
        identifier: 'quasi',
        level: 'L3',
        nationalLabel: '一般',
        maskRule: 'ADDRESS',
      },
      {
        name: 'residence_division',
        label: '户籍地区划代码',
        type: 'string',
        identifier: 'quasi',
        level: 'L2',
        nationalLabel: '一般',
        format: 'DIVISION',
      },
      {
        name: 'birth_date',
        label: '出生日期',
        type: 'date',
        identifier: 'quasi',
        level: 'L3',
        nationalLabel: '一般',
        format: 'DATE',
      },
      {
        name: 'updated_at',
        label: '更新时间',
        type: 'datetime',
        identifier: 'none',
        level: 'L1',
        nationalLabel: '一般',
      },
    ],
    ...overrides,
  };
}
