import { verifyAuditChain } from '@yiwang/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { bearerLogin, cookieLogin, PERSON, totpNow } from './helpers.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

const count = async (table: string) =>
  Number(
    (
      await rt.platform.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`identity on ${dbLabel}`, () => {
  it.each([
    ['name', { name: '' }],
    ['name', { name: '1' }],
    ['idNumber', { idNumber: '110105194912310021' }],
    ['idNumber', { idNumber: '12345' }],
    ['phone', { phone: '12345678901' }],
    ['password', { password: 'short' }],
    ['password', { password: 'alllowercaseletters' }],
  ])('registration with a bad %s is refused (400, field named, nothing stored)', async (field, patch) => {
    const before = await count('accounts');
    const audits = await count('audit_log');
    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { ...PERSON, ...patch },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.field).toBe(field);
    expect(body.code).toMatch(/^[A-Z_]+$/);
    expect(body.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(body.messageEn).toMatch(/[a-z]/);
    expect(await count('accounts')).toBe(before);
    expect(await count('audit_log')).toBe(audits);
  });

  it('a missing field is named by schema validation', async () => {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { type: 'person', name: '张三' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', field: 'password' });
  });

  it('registers a citizen, refuses a duplicate, stores the ID number encrypted', async () => {
    const res = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: PERSON });
    expect(res.statusCode).toBe(201);
    expect(res.json().username).toBe('1101**********002X');
    const dup = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: PERSON });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().field).toBe('idNumber');
    const row = await rt.platform.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('11010519491231002X');
    expect(JSON.stringify(row)).not.toContain('13800138000');
  });

  it('registers an enterprise with its agent; bad credit code names the field', async () => {
    const ent = {
      type: 'enterprise',
      creditCode: '91350100M000100Y43',
      enterpriseName: '福州示例科技有限公司',
      agentName: '李四',
      agentIdNumber: '440524188001010014',
      agentPhone: '13900139000',
      password: 'Enterprise#2026',
    };
    const bad = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { ...ent, creditCode: '91350100M000100Y44' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_CREDIT_CODE', field: 'creditCode' });
    const badAgent = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { ...ent, agentIdNumber: '440524188001010015' },
    });
    expect(badAgent.json()).toMatchObject({ code: 'INVALID_ID_NUMBER', field: 'agentIdNumber' });
    const ok = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: ent });
    expect(ok.statusCode).toBe(201);
    const h = await bearerLogin(rt.app, '91350100M000100Y43', 'Enterprise#2026');
    const agents = await rt.app.inject({ method: 'GET', url: '/api/v1/identity/agents', headers: h });
    expect(agents.json().items).toEqual([
      expect.objectContaining({ name: '李四', idNumberMasked: '4405**********0014', phoneMasked: '139****9000' }),
    ]);
  });

  it('signs in with a cookie; unsafe requests need the CSRF token', async () => {
    const h = await cookieLogin(rt.app, PERSON.idNumber, PERSON.password);
    const me = await rt.app.inject({ method: 'GET', url: '/api/v1/identity/me', headers: { cookie: h.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().account).toMatchObject({
      type: 'person',
      name: '张三',
      idNumberMasked: '1101**********002X',
      phoneMasked: '138****8000',
    });
    const noCsrf = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/totp/enroll',
      headers: { cookie: h.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('CSRF');
  });

  it("answers the caller's own identity in clear for pre-filling forms, audited, and nobody else's", async () => {
    const h = await cookieLogin(rt.app, PERSON.idNumber, PERSON.password);
    const r = await rt.app.inject({ method: 'GET', url: '/api/v1/identity/me/profile', headers: { cookie: h.cookie } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({
      type: 'person',
      name: '张三',
      idNumber: PERSON.idNumber,
      phone: PERSON.phone,
      creditCode: null,
    });
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'identity.profile.read')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(PERSON.idNumber);
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/identity/me/profile' })).statusCode).toBe(401);
  });

  it('locks the account after 5 wrong passwords, even for the right one', async () => {
    await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { ...PERSON, name: '王五', idNumber: '440524188001010014', phone: '13700137000' },
    });
    for (let i = 0; i < 4; i++) {
      const r = await rt.app.inject({
        method: 'POST',
        url: '/api/v1/identity/login',
        payload: { username: '440524188001010014', password: 'Wrong#Pass1' },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('BAD_CREDENTIALS');
    }
    const fifth = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: '440524188001010014', password: 'Wrong#Pass1' },
    });
    expect(fifth.statusCode).toBe(423);
    const right = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: '440524188001010014', password: PERSON.password },
    });
    expect(right.statusCode).toBe(423);
    expect(right.json().code).toBe('ACCOUNT_LOCKED');
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'identity.lockout')
      .execute();
    expect(audit.length).toBe(1);
  });

  it('enrols TOTP, then requires it at sign-in and refuses a replayed code', async () => {
    const h = await bearerLogin(rt.app, PERSON.idNumber, PERSON.password);
    const enrol = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/totp/enroll', headers: h });
    expect(enrol.statusCode).toBe(200);
    const { secret, qrDataUrl, otpauthUrl } = enrol.json();
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const wrong = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/totp/activate',
      headers: h,
      payload: { code: '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    const code = totpNow(secret, -1);
    const act = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/totp/activate',
      headers: h,
      payload: { code },
    });
    expect(act.statusCode).toBe(200);
    const noCode = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: PERSON.idNumber, password: PERSON.password },
    });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json()).toMatchObject({ code: 'TOTP_REQUIRED', field: 'totp' });
    const replay = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: PERSON.idNumber, password: PERSON.password, totp: code },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('BAD_TOTP');
    const ok = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: PERSON.idNumber, password: PERSON.password, totp: totpNow(secret) },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('logout everywhere ends every session of the account', async () => {
    const body = {
      type: 'person',
      name: '赵六',
      idNumber: '440524188001010030',
      phone: '13600136000',
      password: 'Citizen#2026',
    };
    const reg = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: body });
    expect(reg.statusCode).toBe(201);
    const a = await bearerLogin(rt.app, body.idNumber, body.password);
    const b = await cookieLogin(rt.app, body.idNumber, body.password);
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/identity/me', headers: a })).statusCode).toBe(200);
    const out = await rt.app.inject({ method: 'POST', url: '/api/v1/identity/logout-all', headers: b });
    expect(out.statusCode).toBe(200);
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/identity/me', headers: a })).statusCode).toBe(401);
    expect(
      (await rt.app.inject({ method: 'GET', url: '/api/v1/identity/me', headers: { cookie: b.cookie } })).statusCode,
    ).toBe(401);
  });
});

describe('audit chain', () => {
  it('verifies, and names the first altered record after tampering', async () => {
    const ok = await verifyAuditChain(rt.platform.db);
    expect(ok.ok).toBe(true);
    expect(ok.count).toBeGreaterThan(5);
    const update = await rt.platform.db
      .updateTable('audit_log')
      .set({ action: 'x' })
      .where('seq', '=', '3')
      .execute()
      .catch((e) => e);
    expect(String(update)).toMatch(/append-only/);
    await rt.platform.db.transaction().execute(async (tx) => {
      await (await import('kysely')).sql`alter table audit_log disable trigger audit_log_no_change`.execute(tx);
      await tx.updateTable('audit_log').set({ outcome: 'denied' }).where('seq', '=', '3').execute();
      await (await import('kysely')).sql`alter table audit_log enable trigger audit_log_no_change`.execute(tx);
    });
    const broken = await verifyAuditChain(rt.platform.db);
    expect(broken).toMatchObject({ ok: false, brokenSeq: '3' });
  });
});
