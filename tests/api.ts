/**
 * Shared helpers of the API tests: sign-in with a bearer token (and TOTP), registration of a
 * citizen, calls with the parsed answer, a small valid PDF upload. New test files use these
 * instead of their own copies.
 */
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import type { TestRuntime } from './harness.ts';

export const STAFF_PASSWORD = 'Yiwang@2026';
export const CITIZEN_PASSWORD = 'Citizen#2026';
export const ADMIN_TOTP = 'JBSWY3DPEHPK3PXPYIWANGDEMO';

export const totp = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();

/** Signs in and answers a bearer token (200 expected). */
export async function login(rt: TestRuntime, username: string, password: string, totpSecret?: string): Promise<string> {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, ...(totpSecret ? { totp: totp(totpSecret) } : {}), tokenType: 'bearer' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

/** Registers a citizen (201 expected) and answers their bearer token. */
export async function registerPerson(rt: TestRuntime, name: string, idNumber: string, phone = '13800138000') {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/register',
    payload: { type: 'person', name, idNumber, phone, password: CITIZEN_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(201);
  return login(rt, idNumber, CITIZEN_PASSWORD);
}

export interface Answer {
  status: number;
  /** The JSON body, or null when the body is empty or not JSON. */
  body: any;
  raw: Buffer;
  headers: Record<string, unknown>;
}

/** `method url` under /api/v1 with an optional bearer token and JSON payload. */
export async function call(
  rt: TestRuntime,
  token: string | null,
  method: string,
  url: string,
  payload?: unknown,
): Promise<Answer> {
  const res = await rt.app.inject({
    method: method as any,
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  let body: any = null;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch {
    body = null;
  }
  return { status: res.statusCode, body, raw: res.rawPayload, headers: res.headers };
}

/** Uploads a small valid PDF as a case material file (201 expected); answers its id. */
export async function uploadPdf(rt: TestRuntime, token: string, name = 'a.pdf'): Promise<string> {
  const boundary = '----yw-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/cases/files',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
