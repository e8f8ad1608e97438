import { AppError, anonymous, type Ctx, type Platform } from '@yiwang/platform';
import type { FastifyRequest } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from './routes.ts';
import type { IdentityService } from './service.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths a session that still has to enrol its second factor may use. */
const ENROLMENT_PATHS = [
  '/api/v1/identity/me',
  '/api/v1/identity/totp/',
  '/api/v1/identity/logout',
  '/api/v1/identity/password',
];

/**
 * onRequest hook: resolves `req.ctx` from a bearer token or the session cookie. Cookie
 * sessions must echo the CSRF token in `x-csrf-token` on unsafe methods (double submit);
 * bearer tokens are not sent by browsers on their own, so they need none.
 */
export function makeAuthenticator(_platform: Platform, svc: () => IdentityService) {
  return async function authenticator(req: FastifyRequest) {
    const ctx: Ctx = { caller: anonymous, requestId: req.id, ip: req.ip };
    req.ctx = ctx;
    // OIDC protocol endpoints carry the relying party's own tokens; they are not Yiwang sessions.
    if (req.url.startsWith('/oidc/') || req.url.startsWith('/.well-known/')) return;
    // The data exchange gateway authenticates other systems with its own OAuth2 client-credential tokens.
    if (req.url.startsWith('/api/v1/exchange/')) return;
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
    const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
    const token = bearer || cookie;
    if (!token) return;
    const r = await svc().authenticate(token);
    if (!r) {
      if (bearer)
        throw new AppError(401, 'SESSION_EXPIRED', '登录已过期，请重新登录', 'Session expired; sign in again');
      return; // a stale cookie is just no session
    }
    if (!bearer && !SAFE.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== r.csrfToken) {
        throw new AppError(
          403,
          'CSRF',
          '请求校验失败，请刷新页面后重试',
          'CSRF check failed; reload the page and try again',
        );
      }
    }
    if (r.mfaEnrollmentRequired && req.url.startsWith('/api/') && !ENROLMENT_PATHS.some((p) => req.url.startsWith(p))) {
      throw new AppError(
        403,
        'MFA_ENROLLMENT_REQUIRED',
        '管理员须先启用动态验证码',
        'Administrators must enable two-factor sign-in first',
      );
    }
    req.ctx = { ...ctx, caller: r.caller };
  };
}

export { CSRF_COOKIE };
