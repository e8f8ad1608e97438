import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { bearerLogin, totpNow } from './helpers.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
});
afterAll(async () => {
  await rt?.close();
});

describe(`second factor for administrative staff on ${dbLabel}`, () => {
  it('an administrator without TOTP holds no permissions until enrolled, then must use it', async () => {
    const admin = await bearerLogin(rt.app, 'admin', 'Yiwang@2026', totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO'));
    const depts = (await rt.app.inject({ url: '/api/v1/org/departments', headers: admin })).json().items;
    const roles = (await rt.app.inject({ url: '/api/v1/org/roles', headers: admin })).json().items;
    const districtAdmin = roles.find((r: any) => r.code === 'district_admin');
    const created = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/org/staff',
      headers: admin,
      payload: {
        username: 'nanhai_admin',
        name: '南海管理员',
        password: 'Nanhai#2026',
        departmentId: depts[0].id,
        regionCode: '440605',
      },
    });
    expect(created.statusCode).toBe(201);
    const grant = await rt.app.inject({
      method: 'POST',
      url: `/api/v1/org/staff/${created.json().id}/grants`,
      headers: admin,
      payload: { roleId: districtAdmin.id, regionCode: '440605' },
    });
    expect(grant.statusCode).toBe(201);

    // First sign-in: password only; the session must enrol before anything else.
    const login = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: 'nanhai_admin', password: 'Nanhai#2026', tokenType: 'bearer' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().mfaEnrollmentRequired).toBe(true);
    const h = { authorization: `Bearer ${login.json().token}` };
    const refused = await rt.app.inject({ url: '/api/v1/org/departments', headers: h });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('MFA_ENROLLMENT_REQUIRED');
    const me = await rt.app.inject({ url: '/api/v1/identity/me', headers: h });
    expect(me.json()).toMatchObject({ mfaEnrollmentRequired: true, grants: [] });

    const { secret } = (
      await rt.app.inject({ method: 'POST', url: '/api/v1/identity/totp/enroll', headers: h })
    ).json();
    const act = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/totp/activate',
      headers: h,
      payload: { code: totpNow(secret) },
    });
    expect(act.statusCode).toBe(200);
    // The same session proved the factor: its grants now apply.
    expect((await rt.app.inject({ url: '/api/v1/org/departments', headers: h })).statusCode).toBe(200);

    // From now on the password alone is not enough.
    const again = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: 'nanhai_admin', password: 'Nanhai#2026' },
    });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('TOTP_REQUIRED');
  });
});
