import { type Platform, requestCtx } from '@yiwang/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { IdentityService, SessionOut } from './service.ts';

export const SESSION_COOKIE = 'yw_session';
export const CSRF_COOKIE = 'yw_csrf';

const Password = Type.String({ minLength: 1, maxLength: 128 });

export function setSessionCookies(reply: FastifyReply, s: SessionOut, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, s.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires: s.expiresAt,
  });
  reply.setCookie(CSRF_COOKIE, s.csrfToken, {
    path: '/',
    httpOnly: false,
    sameSite: 'strict',
    secure,
    expires: s.expiresAt,
  });
}

export async function identityRoutes(app: FastifyInstance, platform: Platform, svc: IdentityService) {
  const secure = platform.config.publicUrl.startsWith('https:');
  const tags = ['identity'];

  app.post(
    '/register',
    {
      schema: {
        tags,
        summary: 'Register a citizen (person) or an enterprise account',
        body: Type.Object({
          type: Type.Union([Type.Literal('person'), Type.Literal('enterprise')]),
          password: Password,
          name: Type.Optional(Type.String({ maxLength: 50 })),
          idNumber: Type.Optional(Type.String({ maxLength: 18 })),
          phone: Type.Optional(Type.String({ maxLength: 11 })),
          creditCode: Type.Optional(Type.String({ maxLength: 18 })),
          enterpriseName: Type.Optional(Type.String({ maxLength: 100 })),
          agentName: Type.Optional(Type.String({ maxLength: 50 })),
          agentIdNumber: Type.Optional(Type.String({ maxLength: 18 })),
          agentPhone: Type.Optional(Type.String({ maxLength: 11 })),
        }),
      },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (req, reply) => reply.status(201).send(await svc.register(requestCtx(req), req.body as any)),
  );

  app.post(
    '/login',
    {
      schema: {
        tags,
        summary: 'Sign in with an ID number, a credit code or a staff username; TOTP when enabled',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Password,
          totp: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
          tokenType: Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('bearer')])),
        }),
      },
    },
    async (req, reply) => {
      const body = req.body as { username: string; password: string; totp?: string; tokenType?: 'cookie' | 'bearer' };
      const r = await svc.login(requestCtx(req), body, req.headers['user-agent'] ?? null);
      if (body.tokenType === 'bearer') {
        return {
          account: r.account,
          token: r.session.token,
          expiresAt: r.session.expiresAt,
          mfaEnrollmentRequired: r.mfaEnrollmentRequired,
        };
      }
      setSessionCookies(reply, r.session, secure);
      return { account: r.account, csrfToken: r.session.csrfToken, mfaEnrollmentRequired: r.mfaEnrollmentRequired };
    },
  );

  app.post('/logout', { schema: { tags, summary: 'End this session' } }, async (req, reply) => {
    await svc.logout(requestCtx(req), false);
    reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
    return { ok: true };
  });
  app.post(
    '/logout-all',
    { schema: { tags, summary: 'End every session of this account (logout everywhere)' } },
    async (req, reply) => {
      await svc.logout(requestCtx(req), true);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return { ok: true };
    },
  );
  app.get('/me', { schema: { tags, summary: 'Who am I (masked profile, grants)' } }, async (req) =>
    svc.me(requestCtx(req)),
  );

  app.get(
    '/me/profile',
    {
      schema: {
        tags,
        summary: "The caller's own name, ID number, phone and credit code in clear (audited), for pre-filling forms",
      },
    },
    async (req) => svc.profile(requestCtx(req)),
  );

  app.post(
    '/password',
    { schema: { tags, body: Type.Object({ oldPassword: Password, newPassword: Password }) } },
    async (req) => {
      const b = req.body as { oldPassword: string; newPassword: string };
      await svc.changePassword(requestCtx(req), b.oldPassword, b.newPassword);
      return { ok: true };
    },
  );
  app.post('/totp/enroll', { schema: { tags, summary: 'Start TOTP enrolment: secret and QR code' } }, async (req) =>
    svc.enrollTotp(requestCtx(req)),
  );
  app.post(
    '/totp/activate',
    { schema: { tags, body: Type.Object({ code: Type.String({ pattern: '^\\d{6}$' }) }) } },
    async (req) => svc.activateTotp(requestCtx(req), (req.body as { code: string }).code),
  );

  app.get('/agents', { schema: { tags, summary: "An enterprise's authorised agents (masked)" } }, async (req) =>
    svc.listAgents(requestCtx(req)),
  );
  app.post(
    '/agents',
    {
      schema: {
        tags,
        body: Type.Object({
          name: Type.String({ maxLength: 50 }),
          idNumber: Type.String({ maxLength: 18 }),
          phone: Type.String({ maxLength: 11 }),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.addAgent(requestCtx(req), req.body as any)),
  );

  app.get('/clients', { schema: { tags, summary: 'SSO (OIDC) clients' } }, async (req) =>
    svc.listClients(requestCtx(req)),
  );
  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Register an SSO client; the secret is shown once',
        body: Type.Object({
          name: Type.String({ minLength: 2, maxLength: 100 }),
          redirectUris: Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 10 }),
          postLogoutRedirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 10 })),
          allowIdNumber: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await svc.createClient(requestCtx(req), req.body as any)),
  );
  app.delete(
    '/clients/:clientId',
    { schema: { tags, params: Type.Object({ clientId: Type.String({ maxLength: 64 }) }) } },
    async (req) => {
      await svc.deleteClient(requestCtx(req), (req.params as { clientId: string }).clientId);
      return { ok: true };
    },
  );
}
