import {
  AppError,
  authorize,
  badRequest,
  type Caller,
  type Ctx,
  conflict,
  forbidden,
  type Grant,
  hmac,
  notFound,
  type Platform,
  randomToken,
  requireSignedIn,
  seal,
  sha256,
  type Tx,
  unseal,
  writeAudit,
} from '@yiwang/platform';
import { checkCreditCode, checkIdNumber, maskIdNumber, maskPhone } from '@yiwang/shared';
import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { burnVerify, checkPasswordPolicy, hashPassword, verifyPassword } from './password.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 12;
export const IDLE_MINUTES = 120;

export type GrantResolver = (
  accountId: string,
) => Promise<{ grants: Grant[]; departmentId: string | null; departmentName?: string | null; requiresMfa: boolean }>;

const PHONE = /^1[3-9]\d{9}$/;
const NAME = /^[\u4e00-\u9fa5·A-Za-z .]{2,50}$/u;

function checkName(name: string | undefined, field: string) {
  if (!name || !NAME.test(name.trim())) {
    throw badRequest(
      'INVALID_NAME',
      '姓名应为 2–50 个汉字或字母',
      'Name must be 2–50 Chinese characters or letters',
      field,
    );
  }
}
function checkPhone(phone: string | undefined, field: string) {
  if (!phone || !PHONE.test(phone))
    throw badRequest('INVALID_PHONE', '手机号格式不正确', 'Invalid mobile phone number', field);
}
function checkId(id: string | undefined, field: string) {
  const problem = id ? checkIdNumber(id) : 'format';
  if (problem) {
    const zh = {
      format: '身份证号应为 18 位',
      checkDigit: '身份证号校验位不正确',
      birthDate: '身份证号中的出生日期无效',
      region: '身份证号中的地区码无效',
    }[problem];
    const en = {
      format: 'ID number must have 18 characters',
      checkDigit: 'ID number check digit is wrong',
      birthDate: 'ID number has an invalid birth date',
      region: 'ID number has an invalid region code',
    }[problem];
    throw badRequest('INVALID_ID_NUMBER', zh, en, field);
  }
}

export interface RegisterInput {
  type: 'person' | 'enterprise';
  password: string;
  name?: string;
  idNumber?: string;
  phone?: string;
  creditCode?: string;
  enterpriseName?: string;
  agentName?: string;
  agentIdNumber?: string;
  agentPhone?: string;
}

export interface SessionOut {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export function createIdentityService(platform: Platform, resolveGrants: GrantResolver) {
  const { db, config } = platform;
  const key = config.secretKey;
  const idHash = (id: string) => hmac(key, `id:${id.toUpperCase()}`);
  const usernameOf = (raw: string) => {
    const u = raw.trim();
    return /^\d{17}[\dXx]$/.test(u)
      ? `p:${idHash(u)}`
      : u.toUpperCase() === u && /^[0-9A-Z]{18}$/.test(u)
        ? u
        : u.toLowerCase();
  };

  async function register(ctx: Ctx, input: RegisterInput) {
    let row: Record<string, unknown>;
    if (input.type === 'person') {
      checkName(input.name, 'name');
      checkId(input.idNumber, 'idNumber');
      checkPhone(input.phone, 'phone');
      const id = input.idNumber!.toUpperCase();
      checkPasswordPolicy(input.password, id);
      row = {
        type: 'person',
        username: `p:${idHash(id)}`,
        name: input.name!.trim(),
        id_number_enc: seal(key, id),
        id_number_hash: idHash(id),
        phone_enc: seal(key, input.phone!),
        real_name_level: 1,
      };
    } else {
      const code = (input.creditCode ?? '').toUpperCase();
      const problem = checkCreditCode(code);
      if (problem) {
        throw badRequest(
          'INVALID_CREDIT_CODE',
          problem === 'checkChar' ? '统一社会信用代码校验码不正确' : '统一社会信用代码格式不正确',
          problem === 'checkChar'
            ? 'Unified social credit code check character is wrong'
            : 'Invalid unified social credit code',
          'creditCode',
        );
      }
      if (!input.enterpriseName || input.enterpriseName.trim().length < 2 || input.enterpriseName.length > 100) {
        throw badRequest(
          'INVALID_NAME',
          '企业名称应为 2–100 个字符',
          'Enterprise name must have 2–100 characters',
          'enterpriseName',
        );
      }
      checkName(input.agentName, 'agentName');
      checkId(input.agentIdNumber, 'agentIdNumber');
      checkPhone(input.agentPhone, 'agentPhone');
      checkPasswordPolicy(input.password, code);
      row = {
        type: 'enterprise',
        username: code,
        name: input.enterpriseName.trim(),
        credit_code: code,
        real_name_level: 1,
      };
    }
    const passwordHash = await hashPassword(input.password);
    const id = crypto.randomUUID();
    await db.transaction().execute(async (tx) => {
      const dup = await tx
        .selectFrom('accounts')
        .select('id')
        .where('username', '=', row.username as string)
        .executeTakeFirst();
      if (dup) {
        throw conflict(
          'ALREADY_REGISTERED',
          '该证件号已注册',
          'This ID is already registered',
          input.type === 'person' ? 'idNumber' : 'creditCode',
        );
      }
      await tx
        .insertInto('accounts')
        .values({ id, ...row, password_hash: passwordHash })
        .execute();
      if (input.type === 'enterprise') {
        const agentId = input.agentIdNumber!.toUpperCase();
        await tx
          .insertInto('enterprise_agents')
          .values({
            id: crypto.randomUUID(),
            enterprise_id: id,
            name: input.agentName!.trim(),
            id_number_enc: seal(key, agentId),
            id_number_hash: idHash(agentId),
            phone_enc: seal(key, input.agentPhone!),
          })
          .execute();
      }
      await writeAudit(
        tx,
        { ...ctx, caller: { ...ctx.caller, accountId: id, name: row.name as string } },
        {
          action: 'identity.register',
          objectType: 'account',
          objectId: id,
          detail: { type: input.type },
        },
      );
    });
    return {
      id,
      type: input.type,
      username: input.type === 'person' ? maskIdNumber(input.idNumber!) : (row.username as string),
    };
  }

  async function createStaffAccount(
    tx: Tx,
    ctx: Ctx,
    input: { username: string; name: string; password: string; phone?: string | null; totpSecret?: string | null },
  ): Promise<string> {
    const username = input.username.trim().toLowerCase();
    if (!/^[a-z][a-z0-9_.-]{2,31}$/.test(username)) {
      throw badRequest(
        'INVALID_USERNAME',
        '用户名应为 3–32 位小写字母、数字、下划线，以字母开头',
        'Username: 3–32 lower-case letters, digits or _ . -, starting with a letter',
        'username',
      );
    }
    checkName(input.name, 'name');
    if (input.phone) checkPhone(input.phone, 'phone');
    checkPasswordPolicy(input.password, username);
    const dup = await tx.selectFrom('accounts').select('id').where('username', '=', username).executeTakeFirst();
    if (dup) throw conflict('USERNAME_TAKEN', '用户名已被使用', 'Username is taken', 'username');
    const id = crypto.randomUUID();
    await tx
      .insertInto('accounts')
      .values({
        id,
        type: 'staff',
        username,
        name: input.name.trim(),
        phone_enc: input.phone ? seal(key, input.phone) : null,
        real_name_level: 3,
        password_hash: await hashPassword(input.password),
        totp_secret_enc: input.totpSecret ? seal(key, input.totpSecret) : null,
        totp_enabled: !!input.totpSecret,
      })
      .execute();
    await writeAudit(tx, ctx, { action: 'identity.staff.create', objectType: 'account', objectId: id });
    return id;
  }

  function verifyTotp(secretEnc: string, code: string, lastStep: string | null): number | null {
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(unseal(key, secretEnc)), digits: 6, period: 30 });
    const delta = totp.validate({ token: code, window: 1 });
    if (delta === null) return null;
    const step = Math.floor(Date.now() / 30000) + delta;
    if (lastStep !== null && step <= Number(lastStep)) return null; // replayed code
    return step;
  }

  async function login(
    ctx: Ctx,
    input: { username: string; password: string; totp?: string },
    userAgent: string | null,
  ): Promise<{ session: SessionOut; account: ReturnType<typeof present>; mfaEnrollmentRequired: boolean }> {
    const username = usernameOf(input.username);
    const acc = await db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst();
    const badCredentials = new AppError(401, 'BAD_CREDENTIALS', '用户名或密码错误', 'Wrong username or password');
    if (acc?.status !== 'active') {
      await burnVerify(input.password);
      await db.transaction().execute((tx) =>
        writeAudit(tx, ctx, {
          action: 'identity.login',
          objectType: 'account',
          outcome: 'failure',
          detail: { reason: 'unknown_user' },
        }),
      );
      throw badCredentials;
    }
    const actx: Ctx = { ...ctx, caller: { ...ctx.caller, accountId: acc.id, name: acc.name } };
    if (acc.locked_until && new Date(acc.locked_until) > new Date()) {
      await db.transaction().execute((tx) =>
        writeAudit(tx, actx, {
          action: 'identity.login',
          objectType: 'account',
          objectId: acc.id,
          outcome: 'denied',
          detail: { reason: 'locked' },
        }),
      );
      throw new AppError(
        423,
        'ACCOUNT_LOCKED',
        `账户已锁定，请 ${LOCK_MINUTES} 分钟后再试`,
        `Account locked; try again in ${LOCK_MINUTES} minutes`,
      );
    }
    const ok = await verifyPassword(acc.password_hash, input.password);
    const fail = async (reason: string, err: AppError) => {
      const failed = acc.failed_logins + 1;
      const lock = failed >= MAX_FAILED_LOGINS;
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('accounts')
          .set({
            failed_logins: lock ? 0 : failed,
            locked_until: lock ? new Date(Date.now() + LOCK_MINUTES * 60_000).toISOString() : acc.locked_until,
          })
          .where('id', '=', acc.id)
          .execute();
        await writeAudit(tx, actx, {
          action: lock ? 'identity.lockout' : 'identity.login',
          objectType: 'account',
          objectId: acc.id,
          outcome: 'failure',
          detail: { reason, failed },
        });
      });
      if (lock) {
        throw new AppError(
          423,
          'ACCOUNT_LOCKED',
          `密码错误次数过多，账户已锁定 ${LOCK_MINUTES} 分钟`,
          `Too many failures; account locked for ${LOCK_MINUTES} minutes`,
        );
      }
      throw err;
    };
    if (!ok) return fail('password', badCredentials);

    const staffInfo = acc.type === 'staff' ? await resolveGrants(acc.id) : null;
    const requiresMfa = !!staffInfo?.requiresMfa;
    let mfa = false;
    let step: number | null = null;
    if (acc.totp_enabled) {
      if (!input.totp) {
        throw new AppError(
          401,
          'TOTP_REQUIRED',
          '请输入动态验证码',
          'Enter the one-time code from your authenticator',
          'totp',
        );
      }
      step = verifyTotp(acc.totp_secret_enc, input.totp, acc.totp_last_step);
      if (step === null)
        return fail('totp', new AppError(401, 'BAD_TOTP', '动态验证码错误', 'Wrong one-time code', 'totp'));
      mfa = true;
    }
    const session = await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('accounts')
        .set({ failed_logins: 0, locked_until: null, ...(step !== null ? { totp_last_step: String(step) } : {}) })
        .where('id', '=', acc.id)
        .execute();
      const s = await newSession(tx, acc.id, mfa, userAgent);
      await writeAudit(tx, actx, {
        action: 'identity.login',
        objectType: 'account',
        objectId: acc.id,
        detail: { mfa },
      });
      return s;
    });
    return {
      session,
      account: present(acc, staffInfo?.departmentId ?? null, staffInfo?.departmentName ?? null),
      mfaEnrollmentRequired: requiresMfa && !acc.totp_enabled,
    };
  }

  async function newSession(tx: Tx, accountId: string, mfa: boolean, userAgent: string | null): Promise<SessionOut> {
    const token = randomToken();
    const csrfToken = randomToken(18);
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await tx
      .insertInto('sessions')
      .values({
        id: crypto.randomUUID(),
        token_hash: sha256(token),
        account_id: accountId,
        csrf_token: csrfToken,
        mfa,
        expires_at: expiresAt.toISOString(),
        user_agent: userAgent?.slice(0, 200) ?? null,
      })
      .execute();
    return { token, csrfToken, expiresAt };
  }

  function present(acc: any, departmentId: string | null, departmentName: string | null = null) {
    return {
      id: acc.id as string,
      type: acc.type as 'person' | 'enterprise' | 'staff',
      username: acc.type === 'person' ? maskIdNumber(unseal(key, acc.id_number_enc)) : (acc.username as string),
      name: acc.name as string,
      realNameLevel: acc.real_name_level as number,
      phoneMasked: acc.phone_enc ? maskPhone(unseal(key, acc.phone_enc)) : null,
      idNumberMasked: acc.id_number_enc ? maskIdNumber(unseal(key, acc.id_number_enc)) : null,
      creditCode: (acc.credit_code as string | null) ?? null,
      totpEnabled: !!acc.totp_enabled,
      departmentId,
      departmentName,
    };
  }

  /** Resolves the caller of a request from its session token (cookie or bearer). */
  async function authenticate(
    token: string,
  ): Promise<{ caller: Caller; csrfToken: string; mfaEnrollmentRequired: boolean } | null> {
    const row = await db
      .selectFrom('sessions as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .select([
        's.id as sid',
        's.csrf_token',
        's.mfa',
        's.expires_at',
        's.last_seen_at',
        'a.id',
        'a.type',
        'a.name',
        'a.status',
        'a.totp_enabled',
      ])
      .where('s.token_hash', '=', sha256(token))
      .where('s.revoked_at', 'is', null)
      .executeTakeFirst();
    if (row?.status !== 'active') return null;
    const now = Date.now();
    if (new Date(row.expires_at).getTime() < now || new Date(row.last_seen_at).getTime() < now - IDLE_MINUTES * 60_000)
      return null;
    if (new Date(row.last_seen_at).getTime() < now - 60_000) {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: new Date().toISOString() })
        .where('id', '=', row.sid)
        .execute();
    }
    let grants: Grant[] = [];
    let departmentId: string | null = null;
    let mfaEnrollmentRequired = false;
    if (row.type === 'staff') {
      const info = await resolveGrants(row.id);
      departmentId = info.departmentId;
      // Administrative roles need a second factor: without it the session holds no grants.
      if (info.requiresMfa && !row.mfa) mfaEnrollmentRequired = !row.totp_enabled;
      else grants = info.grants;
    }
    return {
      caller: {
        accountId: row.id,
        accountType: row.type,
        name: row.name,
        departmentId,
        grants,
        sessionId: row.sid,
        mfa: row.mfa,
      },
      csrfToken: row.csrf_token,
      mfaEnrollmentRequired,
    };
  }

  async function me(ctx: Ctx) {
    requireSignedIn(ctx);
    const acc = await db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', ctx.caller.accountId)
      .executeTakeFirstOrThrow();
    const info = acc.type === 'staff' ? await resolveGrants(acc.id) : null;
    return {
      account: present(acc, info?.departmentId ?? null, info?.departmentName ?? null),
      grants: ctx.caller.grants,
      mfaEnrollmentRequired: !!info?.requiresMfa && !acc.totp_enabled,
    };
  }

  /**
   * The caller's own identity in clear, for pre-filling an application form with the values the
   * account was registered with (the masked profile of `me` must not be what a case is filed with).
   * A read of personal data, so it is audited.
   */
  async function profile(ctx: Ctx) {
    requireSignedIn(ctx);
    return db.transaction().execute(async (tx) => {
      const acc = await tx
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', ctx.caller.accountId)
        .executeTakeFirstOrThrow();
      await writeAudit(tx, ctx, { action: 'identity.profile.read', objectType: 'account', objectId: acc.id });
      return {
        type: acc.type as 'person' | 'enterprise' | 'staff',
        name: acc.name as string,
        idNumber: acc.id_number_enc ? unseal(key, acc.id_number_enc) : null,
        phone: acc.phone_enc ? unseal(key, acc.phone_enc) : null,
        creditCode: (acc.credit_code as string | null) ?? null,
      };
    });
  }

  async function logout(ctx: Ctx, everywhere: boolean) {
    requireSignedIn(ctx);
    await db.transaction().execute(async (tx) => {
      let q = tx.updateTable('sessions').set({ revoked_at: new Date().toISOString() }).where('revoked_at', 'is', null);
      q = everywhere ? q.where('account_id', '=', ctx.caller.accountId) : q.where('id', '=', ctx.caller.sessionId!);
      const r = await q.executeTakeFirst();
      await writeAudit(tx, ctx, {
        action: everywhere ? 'identity.logout_all' : 'identity.logout',
        objectType: 'account',
        objectId: ctx.caller.accountId,
        detail: { sessions: Number(r.numUpdatedRows) },
      });
    });
  }

  async function changePassword(ctx: Ctx, oldPassword: string, newPassword: string) {
    requireSignedIn(ctx);
    const acc = await db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', ctx.caller.accountId)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(acc.password_hash, oldPassword))) {
      throw badRequest('BAD_CREDENTIALS', '原密码错误', 'Current password is wrong', 'oldPassword');
    }
    checkPasswordPolicy(newPassword, acc.type === 'person' ? undefined : acc.username);
    if (oldPassword === newPassword)
      throw badRequest('WEAK_PASSWORD', '新密码不能与原密码相同', 'New password must differ', 'newPassword');
    const hash = await hashPassword(newPassword);
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('accounts')
        .set({ password_hash: hash, password_changed_at: new Date().toISOString() })
        .where('id', '=', acc.id)
        .execute();
      // Other sessions end when the password changes.
      await tx
        .updateTable('sessions')
        .set({ revoked_at: new Date().toISOString() })
        .where('account_id', '=', acc.id)
        .where('id', '!=', ctx.caller.sessionId!)
        .where('revoked_at', 'is', null)
        .execute();
      await writeAudit(tx, ctx, { action: 'identity.password.change', objectType: 'account', objectId: acc.id });
    });
  }

  async function enrollTotp(ctx: Ctx) {
    requireSignedIn(ctx);
    const acc = await db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', ctx.caller.accountId)
      .executeTakeFirstOrThrow();
    if (acc.totp_enabled)
      throw conflict('TOTP_ALREADY_ENABLED', '已启用动态验证码', 'Two-factor sign-in is already on');
    const secret = new OTPAuth.Secret({ size: 20 });
    const totp = new OTPAuth.TOTP({
      issuer: 'Yiwang 一网',
      label: acc.type === 'person' ? acc.name : acc.username,
      secret,
      digits: 6,
      period: 30,
    });
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('accounts')
        .set({ totp_secret_enc: seal(key, secret.base32) })
        .where('id', '=', acc.id)
        .execute();
      await writeAudit(tx, ctx, { action: 'identity.totp.enroll', objectType: 'account', objectId: acc.id });
    });
    const otpauthUrl = totp.toString();
    return { secret: secret.base32, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl) };
  }

  async function activateTotp(ctx: Ctx, code: string) {
    requireSignedIn(ctx);
    const acc = await db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', ctx.caller.accountId)
      .executeTakeFirstOrThrow();
    if (!acc.totp_secret_enc || acc.totp_enabled)
      throw conflict('TOTP_NOT_PENDING', '请先生成动态验证码密钥', 'Start enrolment first');
    const step = verifyTotp(acc.totp_secret_enc, code, acc.totp_last_step);
    if (step === null) throw badRequest('BAD_TOTP', '动态验证码错误', 'Wrong one-time code', 'code');
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('accounts')
        .set({ totp_enabled: true, totp_last_step: String(step) })
        .where('id', '=', acc.id)
        .execute();
      // This session proved the second factor.
      await tx.updateTable('sessions').set({ mfa: true }).where('id', '=', ctx.caller.sessionId!).execute();
      await writeAudit(tx, ctx, { action: 'identity.totp.activate', objectType: 'account', objectId: acc.id });
    });
    return { totpEnabled: true };
  }

  async function listAgents(ctx: Ctx) {
    requireSignedIn(ctx);
    if (ctx.caller.accountType !== 'enterprise')
      throw forbidden('NOT_ENTERPRISE', '仅法人账户可管理经办人', 'Only enterprise accounts have agents');
    const rows = await db
      .selectFrom('enterprise_agents')
      .selectAll()
      .where('enterprise_id', '=', ctx.caller.accountId)
      .orderBy('created_at')
      .execute();
    await db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        action: 'identity.agents.read',
        objectType: 'account',
        objectId: ctx.caller.accountId,
        detail: { count: rows.length },
      }),
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        idNumberMasked: maskIdNumber(unseal(key, r.id_number_enc)),
        phoneMasked: maskPhone(unseal(key, r.phone_enc)),
        createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }

  async function addAgent(ctx: Ctx, input: { name: string; idNumber: string; phone: string }) {
    requireSignedIn(ctx);
    if (ctx.caller.accountType !== 'enterprise')
      throw forbidden('NOT_ENTERPRISE', '仅法人账户可管理经办人', 'Only enterprise accounts have agents');
    checkName(input.name, 'name');
    checkId(input.idNumber, 'idNumber');
    checkPhone(input.phone, 'phone');
    const id = crypto.randomUUID();
    const idn = input.idNumber.toUpperCase();
    await db.transaction().execute(async (tx) => {
      const dup = await tx
        .selectFrom('enterprise_agents')
        .select('id')
        .where('enterprise_id', '=', ctx.caller.accountId)
        .where('id_number_hash', '=', idHash(idn))
        .executeTakeFirst();
      if (dup) throw conflict('AGENT_EXISTS', '该经办人已授权', 'This agent is already authorised', 'idNumber');
      await tx
        .insertInto('enterprise_agents')
        .values({
          id,
          enterprise_id: ctx.caller.accountId,
          name: input.name.trim(),
          id_number_enc: seal(key, idn),
          id_number_hash: idHash(idn),
          phone_enc: seal(key, input.phone),
        })
        .execute();
      await writeAudit(tx, ctx, { action: 'identity.agent.add', objectType: 'enterprise_agent', objectId: id });
    });
    return { id };
  }

  // ---- SSO clients (OIDC relying parties), registered by administrators ----
  async function listClients(ctx: Ctx) {
    authorize(ctx, 'identity.client.manage');
    const rows = await db.selectFrom('oidc_clients').selectAll().orderBy('created_at', 'desc').execute();
    return {
      items: rows.map((r) => ({
        clientId: r.client_id,
        name: r.name,
        redirectUris: r.redirect_uris,
        postLogoutRedirectUris: r.post_logout_redirect_uris,
        allowIdNumber: r.allow_id_number,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }

  async function createClient(
    ctx: Ctx,
    input: { name: string; redirectUris: string[]; postLogoutRedirectUris?: string[]; allowIdNumber?: boolean },
  ) {
    authorize(ctx, 'identity.client.manage');
    const uris = [...input.redirectUris, ...(input.postLogoutRedirectUris ?? [])];
    for (const [i, u] of uris.entries()) {
      let parsed: URL | null = null;
      try {
        parsed = new URL(u);
      } catch {}
      const local = parsed && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
      if (!parsed || parsed.hash || !(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && local))) {
        throw badRequest(
          'INVALID_REDIRECT_URI',
          '回调地址必须是 https 地址（本机测试可用 http://localhost）且不含 #',
          'Redirect URIs must be https (http only for localhost) without a fragment',
          i < input.redirectUris.length ? 'redirectUris' : 'postLogoutRedirectUris',
        );
      }
    }
    const clientId = `yw-${randomToken(9)}`;
    const clientSecret = randomToken(32);
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('oidc_clients')
        .values({
          client_id: clientId,
          name: input.name,
          secret_enc: seal(key, clientSecret),
          redirect_uris: JSON.stringify(input.redirectUris),
          post_logout_redirect_uris: JSON.stringify(input.postLogoutRedirectUris ?? []),
          allow_id_number: !!input.allowIdNumber,
          created_by: ctx.caller.accountId,
        })
        .execute();
      await writeAudit(tx, ctx, {
        action: 'identity.client.create',
        objectType: 'oidc_client',
        objectId: clientId,
        detail: { name: input.name },
      });
    });
    return { clientId, clientSecret };
  }

  async function deleteClient(ctx: Ctx, clientId: string) {
    authorize(ctx, 'identity.client.manage');
    await db.transaction().execute(async (tx) => {
      const r = await tx.deleteFrom('oidc_clients').where('client_id', '=', clientId).executeTakeFirst();
      if (!r.numDeletedRows) throw notFound('SSO client', '应用');
      await tx.deleteFrom('oidc_payloads').where(sql`payload->>'clientId'`, '=', clientId).execute();
      await writeAudit(tx, ctx, { action: 'identity.client.delete', objectType: 'oidc_client', objectId: clientId });
    });
  }

  async function clientMetadata(clientId: string) {
    const r = await db.selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    if (!r) return undefined;
    return {
      client_id: r.client_id,
      client_name: r.name,
      client_secret: unseal(key, r.secret_enc),
      redirect_uris: r.redirect_uris as string[],
      post_logout_redirect_uris: r.post_logout_redirect_uris as string[],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: `openid offline_access profile phone${r.allow_id_number ? ' id_number' : ''}`,
    };
  }

  /** Claims released to a relying party; reading them is audited (personal data). */
  async function claimsFor(accountId: string, scopes: Set<string>, clientId: string | null) {
    const acc = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!acc) return undefined;
    const claims: Record<string, unknown> = { sub: acc.id };
    if (scopes.has('profile'))
      Object.assign(claims, { name: acc.name, account_type: acc.type, real_name_level: acc.real_name_level });
    if (scopes.has('phone') && acc.phone_enc)
      Object.assign(claims, { phone_number: unseal(key, acc.phone_enc), phone_number_verified: false });
    if (scopes.has('id_number') && acc.id_number_enc) claims.id_number = unseal(key, acc.id_number_enc);
    if (acc.credit_code && scopes.has('profile')) claims.credit_code = acc.credit_code;
    await db.transaction().execute((tx) =>
      writeAudit(
        tx,
        {
          caller: {
            accountId: clientId,
            accountType: null,
            name: `oidc:${clientId}`,
            departmentId: null,
            grants: [],
            sessionId: null,
            mfa: false,
          },
          requestId: 'oidc',
          ip: '',
        },
        {
          action: 'identity.oidc.claims',
          objectType: 'account',
          objectId: acc.id,
          detail: { scopes: [...scopes].sort(), clientId },
        },
      ),
    );
    return claims;
  }

  return {
    register,
    login,
    logout,
    me,
    profile,
    authenticate,
    changePassword,
    enrollTotp,
    activateTotp,
    listAgents,
    addAgent,
    listClients,
    createClient,
    deleteClient,
    clientMetadata,
    claimsFor,
    createStaffAccount,
    newSession,
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
