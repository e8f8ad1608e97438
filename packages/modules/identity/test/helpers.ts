import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';

export const totpNow = (secret: string, offsetSteps = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

export const PERSON = {
  type: 'person',
  name: '张三',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  password: 'Citizen#2026',
};

/** Signs in and returns headers for later requests (cookie + CSRF, like the browser). */
export async function cookieLogin(app: FastifyInstance, username: string, password: string, totp?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, totp },
  });
  if (res.statusCode !== 200) throw new Error(`login failed ${res.statusCode} ${res.body}`);
  const cookies = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { cookie: cookies, 'x-csrf-token': res.json().csrfToken as string };
}

export async function bearerLogin(app: FastifyInstance, username: string, password: string, totp?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, totp, tokenType: 'bearer' },
  });
  if (res.statusCode !== 200) throw new Error(`login failed ${res.statusCode} ${res.body}`);
  return { authorization: `Bearer ${res.json().token}` };
}
