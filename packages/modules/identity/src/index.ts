import {
  type Ctx,
  type Db,
  hmac,
  type Platform,
  type RecipientResolver,
  setRecipientResolver,
  type Tx,
  unseal,
  type YiwangModule,
} from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { makeAuthenticator } from './authenticator.ts';
import { identityMigrations } from './migrations.ts';
import { mountOidcProvider } from './oidc.ts';
import { identityRoutes } from './routes.ts';
import { createIdentityService, type GrantResolver, type IdentityService, type RegisterInput } from './service.ts';

export { checkPasswordPolicy } from './password.ts';
export type { GrantResolver, IdentityService } from './service.ts';

const services = new WeakMap<Platform, IdentityService>();

/**
 * Where notices of an account go (platform `notify`): the sealed phone of a person or staff member,
 * or of the first registered agent of an enterprise. No e-mail addresses are collected yet.
 */
export const resolveRecipient: RecipientResolver = async (db, config, accountId) => {
  const acc = await db
    .selectFrom('accounts')
    .select(['type', 'phone_enc'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!acc) return null;
  let phoneEnc: string | null = acc.phone_enc ?? null;
  if (!phoneEnc && acc.type === 'enterprise') {
    const agent = await db
      .selectFrom('enterprise_agents')
      .select('phone_enc')
      .where('enterprise_id', '=', accountId)
      .orderBy('created_at')
      .executeTakeFirst();
    phoneEnc = agent?.phone_enc ?? null;
  }
  return { email: null, phone: phoneEnc ? unseal(config.secretKey, phoneEnc) : null };
};

/** Who an account is as a holder of licences and data: name and unsealed code (ID number or credit code). */
export interface AccountHolder {
  accountId: string;
  type: 'person' | 'enterprise' | 'staff';
  name: string;
  /** 居民身份证号 of a person, 统一社会信用代码 of an enterprise; null for staff. */
  code: string | null;
  /** GB/T 36903 holder code type: 111 citizen ID, 001 credit code. */
  codeType: '111' | '001' | null;
}

/** The holder identity of an account (personal data: the caller audits its use). */
export async function accountHolder(
  db: Db | Tx,
  config: { secretKey: Buffer },
  accountId: string,
): Promise<AccountHolder | null> {
  const acc = await db
    .selectFrom('accounts')
    .select(['id', 'type', 'name', 'id_number_enc', 'credit_code'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!acc) return null;
  if (acc.type === 'person')
    return {
      accountId,
      type: 'person',
      name: acc.name,
      code: acc.id_number_enc ? unseal(config.secretKey, acc.id_number_enc) : null,
      codeType: '111',
    };
  if (acc.type === 'enterprise')
    return { accountId, type: 'enterprise', name: acc.name, code: acc.credit_code ?? null, codeType: '001' };
  return { accountId, type: 'staff', name: acc.name, code: null, codeType: null };
}

/** The account of a holder code (ID number, looked up by its HMAC, or credit code), if one is registered. */
export async function accountIdByHolderCode(
  db: Db | Tx,
  config: { secretKey: Buffer },
  code: string,
  codeType: '111' | '001',
): Promise<string | null> {
  const acc =
    codeType === '001'
      ? await db.selectFrom('accounts').select('id').where('credit_code', '=', code).executeTakeFirst()
      : await db
          .selectFrom('accounts')
          .select('id')
          .where('id_number_hash', '=', hmac(config.secretKey, `id:${code.toUpperCase()}`))
          .executeTakeFirst();
  return acc?.id ?? null;
}

/** Wires the identity service of one platform instance to the resolver of staff grants (org). */
export function configureIdentity(platform: Platform, opts: { resolveGrants: GrantResolver }): IdentityService {
  const svc = createIdentityService(platform, opts.resolveGrants);
  services.set(platform, svc);
  setRecipientResolver(resolveRecipient);
  return svc;
}

function service(platform: Platform): IdentityService {
  const svc = services.get(platform);
  if (!svc) throw new Error('identity is not configured for this platform: call configureIdentity first');
  return svc;
}

export function createAuthenticator(platform: Platform) {
  return makeAuthenticator(platform, () => service(platform));
}

export async function mountOidc(app: FastifyInstance, platform: Platform) {
  return mountOidcProvider(app, platform, service(platform));
}

/** Creates a staff member's account (password policy applies) in the caller's transaction. */
export function createStaffAccount(
  platform: Platform,
  tx: Tx,
  ctx: Ctx,
  input: { username: string; name: string; password: string; phone?: string | null; totpSecret?: string | null },
): Promise<string> {
  return service(platform).createStaffAccount(tx, ctx, input);
}

/** Registers a citizen or enterprise account as the public registration does (used by demo seeds); answers its id. */
export async function registerAccount(platform: Platform, ctx: Ctx, input: RegisterInput): Promise<string> {
  return (await service(platform).register(ctx, input)).id;
}

export const identityModule: YiwangModule = {
  name: 'identity',
  migrations: identityMigrations,
  async routes(app, platform) {
    await identityRoutes(app, platform, service(platform));
  },
};
