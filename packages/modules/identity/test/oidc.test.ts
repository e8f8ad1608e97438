import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, freePort, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { bearerLogin, PERSON, totpNow } from './helpers.ts';

/** A tiny cookie jar: enough for a user agent that follows the sign-in redirects. */
class Jar {
  private readonly cookies = new Map<string, string>();
  store(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string) {
    return this.cookies.get(name);
  }
}

let rt: TestRuntime;
let base: string;
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  rt = await startTestRuntime({ seed: true, env: { PORT: String(port), PUBLIC_URL: base } });
  await rt.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await rt?.close();
});

describe(`OpenID Connect provider on ${dbLabel}`, () => {
  it('signs a relying party user in with code + PKCE, userinfo by consented scope, refresh', async () => {
    // The administrator registers the relying party (an SSO client).
    const admin = await bearerLogin(rt.app, 'admin', 'Yiwang@2026', totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO'));
    const redirectUri = 'http://127.0.0.1:9/callback';
    const reg = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/clients',
      headers: admin,
      payload: { name: '佛山市住建局审批系统', redirectUris: [redirectUri], allowIdNumber: true },
    });
    expect(reg.statusCode).toBe(201);
    const { clientId, clientSecret } = reg.json();

    // A citizen exists.
    expect(
      (await rt.app.inject({ method: 'POST', url: '/api/v1/identity/register', payload: PERSON })).statusCode,
    ).toBe(201);

    const config = await client.discovery(new URL(base), clientId, clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().issuer).toBe(base);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile phone id_number offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      prompt: 'consent',
    });

    // The user agent: follow redirects by hand, signing in to Yiwang when sent to the login page.
    const jar = new Jar();
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(new URL(url, base), {
        ...init,
        redirect: 'manual',
        headers: { accept: 'text/html', cookie: jar.header(), ...(init.headers as any) },
      });
      jar.store(res);
      return res;
    };
    let res = await go(authUrl.href);
    expect(res.status).toBe(303);
    let location = res.headers.get('location')!;
    expect(location).toMatch(/\/api\/v1\/identity\/oidc\/interactions\//);
    res = await go(location);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login\?returnTo=/);

    const login = await go('/api/v1/identity/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: PERSON.idNumber, password: PERSON.password }),
    });
    expect(login.status).toBe(200);
    const csrf = (await login.json()).csrfToken;

    // Back to the interaction: signed in, so it resumes and asks for consent.
    for (let i = 0; i < 6 && !location.includes('/sso/consent/'); i++) {
      res = await go(location);
      location = res.headers.get('location')!;
      expect(location).toBeTruthy();
    }
    const uid = location.split('/').pop()!;
    const details = await go(`/api/v1/identity/oidc/interactions/${uid}`, { headers: { accept: 'application/json' } });
    expect(details.status).toBe(200);
    const d = await details.json();
    expect(d).toMatchObject({ prompt: 'consent', client: { clientId, name: '佛山市住建局审批系统' } });
    expect(d.scopes).toContain('id_number');

    const consent = await go(`/api/v1/identity/oidc/interactions/${uid}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ approve: true }),
    });
    expect(consent.status).toBe(200);
    location = (await consent.json()).redirectTo;
    for (let i = 0; i < 6 && !location.startsWith(redirectUri); i++) {
      res = await go(location);
      location = res.headers.get('location')!;
    }
    expect(location.startsWith(redirectUri)).toBe(true);

    const tokens = await client.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(base);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({
      name: '张三',
      phone_number: PERSON.phone,
      id_number: PERSON.idNumber,
      account_type: 'person',
    });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();

    // Releasing claims to the application is audited.
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'identity.oidc.claims')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(PERSON.idNumber);
  });
});
