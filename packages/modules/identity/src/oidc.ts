import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Platform, requestCtx, writeAudit } from '@yiwang/platform';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import type { IdentityService } from './service.ts';

const MODELS_WITH_GRANT = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** oidc-provider storage on the platform database, so several API processes share it. */
function adapterFactory(platform: Platform, svc: IdentityService) {
  const { db } = platform;
  return class PgAdapter {
    constructor(private readonly model: string) {}
    async upsert(id: string, payload: any, expiresIn: number) {
      const row = {
        id,
        model: this.model,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
      };
      await db
        .insertInto('oidc_payloads')
        .values(row)
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ ...row, consumed_at: null }))
        .execute();
    }
    async find(id: string) {
      if (this.model === 'Client') return svc.clientMetadata(id);
      const r = await db
        .selectFrom('oidc_payloads')
        .selectAll()
        .where('model', '=', this.model)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r || (r.expires_at && new Date(r.expires_at) < new Date())) return undefined;
      const payload = typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload;
      return { ...payload, ...(r.consumed_at ? { consumed: true } : {}) };
    }
    async findByUid(uid: string) {
      const r = await db
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', this.model)
        .where('uid', '=', uid)
        .executeTakeFirst();
      return r ? this.find(r.id) : undefined;
    }
    async findByUserCode(userCode: string) {
      const r = await db
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', this.model)
        .where('user_code', '=', userCode)
        .executeTakeFirst();
      return r ? this.find(r.id) : undefined;
    }
    async consume(id: string) {
      await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: new Date().toISOString() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .execute();
    }
    async destroy(id: string) {
      await db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
    }
    async revokeByGrantId(grantId: string) {
      if (!MODELS_WITH_GRANT.has(this.model) && this.model !== 'Grant') return;
      await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
    }
  };
}

/** Signing keys: OIDC_JWKS (JSON) or generated on first start into DATA_DIR (0600). */
function signingKeys(dataDir: string): any[] {
  if (process.env.OIDC_JWKS) return JSON.parse(process.env.OIDC_JWKS).keys;
  const path = join(dataDir, 'secrets', 'oidc-jwks.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')).keys;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const keys = [
    { ...rsa, kid: `rs-${Date.now().toString(36)}`, use: 'sig', alg: 'RS256' },
    { ...ec, kid: `es-${Date.now().toString(36)}`, use: 'sig', alg: 'ES256' },
  ];
  mkdirSync(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify({ keys }), { mode: 0o600 });
  chmodSync(path, 0o600);
  return keys;
}

export const INTERACTION_BASE = '/api/v1/identity/oidc/interactions';

/**
 * The OpenID Connect provider ("一次认证、全网通办"). Issuer = PUBLIC_URL, so discovery is at
 * /.well-known/openid-configuration; protocol endpoints live under /oidc/. Sign-in reuses
 * the Yiwang session; consent is a page of the web app.
 */
export async function mountOidcProvider(app: FastifyInstance, platform: Platform, svc: IdentityService) {
  const { config } = platform;
  const provider = new Provider(config.publicUrl, {
    adapter: adapterFactory(platform, svc) as any,
    clients: [],
    findAccount: async (ctx: any, sub: string) => ({
      accountId: sub,
      claims: async (_use: string, scope: string) =>
        (await svc.claimsFor(sub, new Set(scope.split(' ')), ctx.oidc?.client?.clientId ?? null)) as any,
    }),
    claims: {
      openid: ['sub'],
      profile: ['name', 'account_type', 'real_name_level', 'credit_code'],
      phone: ['phone_number', 'phone_number_verified'],
      id_number: ['id_number'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'phone', 'id_number'],
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    pkce: { required: () => true },
    cookies: { keys: [config.secretKey.toString('base64')] },
    jwks: { keys: signingKeys(config.dataDir) },
    routes: {
      authorization: '/oidc/auth',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      jwks: '/oidc/jwks',
      end_session: '/oidc/session/end',
      revocation: '/oidc/token/revocation',
      introspection: '/oidc/token/introspection',
      pushed_authorization_request: '/oidc/request',
      code_verification: '/oidc/device',
      device_authorization: '/oidc/device/auth',
      registration: '/oidc/reg',
      backchannel_authentication: '/oidc/backchannel',
      challenge: '/oidc/challenge',
    } as any,
    interactions: { url: (_ctx: any, interaction: any) => `${INTERACTION_BASE}/${interaction.uid}` },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      Session: 12 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    } as any,
    issueRefreshToken: async (_ctx: any, client: any, code: any) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    conformIdTokenClaims: true,
    renderError: async (ctx: any, out: any) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>登录出错 Sign-in error</title><main><h1>统一身份认证出错 / Sign-in error</h1><p>${String(out.error).replace(/</g, '&lt;')}: ${String(out.error_description ?? '').replace(/</g, '&lt;')}</p><p><a href="/">返回首页 / Home</a></p></main></html>`;
    },
  } as any);
  provider.proxy = true;
  const callback = provider.callback();
  // oidc-provider errors are reported as events; log them (without request data) rather than lose them.
  provider.on('server_error', (_ctx: unknown, err: Error) => app.log.error({ err: err.message }, 'oidc server_error'));

  // Hijacked requests are invisible to Fastify's close: track them so the database outlives them.
  const inFlight = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...inFlight]);
  });

  // Protocol endpoints: hand the raw request to oidc-provider, with Fastify's body parsing off.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    const handler = async (req: any, reply: any) => {
      reply.hijack();
      const done = new Promise<void>((resolve) => reply.raw.once('close', () => setImmediate(resolve)));
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
      await callback(req.raw, reply.raw);
    };
    scope.all('/oidc/*', { schema: { hide: true } }, handler);
    scope.get('/.well-known/openid-configuration', { schema: { hide: true } }, handler);
  });

  const tags = ['identity'];
  // Interaction: browsers are redirected to sign in or to the consent page; the page reads details as JSON.
  app.get(
    `${INTERACTION_BASE}/:uid`,
    { schema: { tags, summary: 'OIDC interaction details (JSON) or redirect (browser)' } },
    async (req, reply) => {
      const uid = (req.params as { uid: string }).uid;
      const ctx = requestCtx(req);
      const details = await provider.interactionDetails(req.raw, reply.raw).catch(() => null);
      const wantsHtml = (req.headers.accept ?? '').includes('text/html');
      if (!details || details.uid !== uid) {
        return reply.status(404).send({
          code: 'INTERACTION_EXPIRED',
          message: '登录请求已过期，请回到应用重新登录',
          messageEn: 'Sign-in request expired; start again from the application',
        });
      }
      if (details.prompt.name === 'login') {
        if (!ctx.caller.accountId) {
          if (wantsHtml) return reply.redirect(`/login?returnTo=${encodeURIComponent(`${INTERACTION_BASE}/${uid}`)}`);
          return reply
            .status(401)
            .send({ code: 'UNAUTHENTICATED', message: '请先登录', messageEn: 'Sign-in required' });
        }
        const redirectTo = await provider.interactionResult(
          req.raw,
          reply.raw,
          { login: { accountId: ctx.caller.accountId } },
          { mergeWithLastSubmission: false },
        );
        return reply.redirect(redirectTo);
      }
      if (wantsHtml) return reply.redirect(`/sso/consent/${uid}`);
      if (!ctx.caller.accountId || ctx.caller.accountId !== details.session?.accountId) {
        return reply.status(401).send({ code: 'UNAUTHENTICATED', message: '请先登录', messageEn: 'Sign-in required' });
      }
      const client = await provider.Client.find(String(details.params.client_id));
      const d: any = details.prompt.details;
      return {
        uid,
        prompt: details.prompt.name,
        client: { clientId: client?.clientId, name: (client as any)?.clientName ?? client?.clientId },
        scopes: String(details.params.scope ?? '')
          .split(' ')
          .filter(Boolean),
        missingScopes: d.missingOIDCScope ?? [],
        claims: d.missingOIDCClaims ?? [],
      };
    },
  );

  app.post(
    `${INTERACTION_BASE}/:uid/consent`,
    { schema: { tags, summary: 'Approve or deny what an application asks for' } },
    async (req, reply) => {
      const ctx = requestCtx(req);
      const approve = (req.body as any)?.approve === true;
      const details = await provider.interactionDetails(req.raw, reply.raw).catch(() => null);
      if (
        details?.prompt.name !== 'consent' ||
        !ctx.caller.accountId ||
        details.session?.accountId !== ctx.caller.accountId
      ) {
        return reply.status(409).send({
          code: 'INTERACTION_INVALID',
          message: '登录请求无效或已过期',
          messageEn: 'Sign-in request invalid or expired',
        });
      }
      const clientId = String(details.params.client_id);
      let result: any;
      if (!approve) {
        result = { error: 'access_denied', error_description: 'End-user denied the request' };
      } else {
        const grant = details.grantId
          ? ((await provider.Grant.find(details.grantId)) ??
            new provider.Grant({ accountId: ctx.caller.accountId, clientId }))
          : new provider.Grant({ accountId: ctx.caller.accountId, clientId });
        const d: any = details.prompt.details;
        if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
        if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
        if (d.missingResourceScopes)
          for (const [ind, s] of Object.entries(d.missingResourceScopes))
            grant.addResourceScope(ind, (s as string[]).join(' '));
        result = { consent: { grantId: await grant.save() } };
      }
      await platform.db.transaction().execute((tx) =>
        writeAudit(tx, ctx, {
          action: approve ? 'identity.oidc.consent' : 'identity.oidc.deny',
          objectType: 'oidc_client',
          objectId: clientId,
          detail: { scopes: String(details.params.scope ?? '') },
        }),
      );
      const redirectTo = await provider.interactionResult(req.raw, reply.raw, result, {
        mergeWithLastSubmission: true,
      });
      return { redirectTo };
    },
  );
  return provider;
}
