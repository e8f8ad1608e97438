import type { Ctx, Platform, Tx, YiwangModule } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import { makeAuthenticator } from './authenticator.ts';
import { identityMigrations } from './migrations.ts';
import { mountOidcProvider } from './oidc.ts';
import { identityRoutes } from './routes.ts';
import { createIdentityService, type GrantResolver, type IdentityService } from './service.ts';

export { checkPasswordPolicy } from './password.ts';
export type { GrantResolver, IdentityService } from './service.ts';

const services = new WeakMap<Platform, IdentityService>();

/** Wires the identity service of one platform instance to the resolver of staff grants (org). */
export function configureIdentity(platform: Platform, opts: { resolveGrants: GrantResolver }): IdentityService {
  const svc = createIdentityService(platform, opts.resolveGrants);
  services.set(platform, svc);
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

export const identityModule: YiwangModule = {
  name: 'identity',
  migrations: identityMigrations,
  async routes(app, platform) {
    await identityRoutes(app, platform, service(platform));
  },
};
