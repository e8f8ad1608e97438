import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@yiwang/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../tests/harness.ts';

describe('configuration', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'yw-cfg-'));
  it('has defaults and generates the secret key 0600 into DATA_DIR', () => {
    const d = dir();
    const c = loadConfig({ DATA_DIR: d });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeNull();
    expect(c.secretKey.length).toBe(32);
    expect(statSync(join(d, 'secrets', 'secret.key')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: d }).secretKey.equals(c.secretKey)).toBe(true);
  });
  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ NATS_URL: 'http://x' }, /NATS_URL/],
    [{ SECRET_KEY: 'c2hvcnQ=' }, /SECRET_KEY/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ SEED_DEMO: 'yes' }, /SEED_DEMO/],
  ])('refuses %o with a message naming the variable', (env, re) => {
    expect(() => loadConfig({ DATA_DIR: dir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir(), ...env })).toThrow(re);
  });
});

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt?.close();
});

describe(`HTTP conventions on ${dbLabel}`, () => {
  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await rt.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await rt.app.inject('/readyz')).json()).toMatchObject({ status: 'ready' });
    const metrics = await rt.app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    const doc = (await rt.app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/identity/register', '/api/v1/identity/login', '/api/v1/audit']),
    );
    expect((await rt.app.inject('/docs/')).statusCode).toBe(200);
  });
  it('answers unknown API routes with the error shape', async () => {
    const r = await rt.app.inject('/api/v1/nothing-here');
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String), messageEn: expect.any(String) });
  });
  it('the audit log needs a signed-in caller with audit.read', async () => {
    expect((await rt.app.inject('/api/v1/audit')).statusCode).toBe(401);
    const bad = await rt.app.inject({ url: '/api/v1/audit', headers: { authorization: 'Bearer nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('SESSION_EXPIRED');
  });
  it('refuses a malformed query with the field named', async () => {
    const r = await rt.app.inject('/api/v1/audit?pageSize=100000');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'VALIDATION', field: 'pageSize' });
  });
});

describe(`working-day calendar API on ${dbLabel}`, () => {
  it('serves the seeded 2026 calendar publicly', async () => {
    const r = await rt.app.inject('/api/v1/calendar/2026');
    expect(r.statusCode).toBe(200);
    const days = r.json().days as { day: string; kind: string }[];
    expect(days.find((d) => d.day === '2026-10-01')).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(days.find((d) => d.day === '2026-10-10')).toMatchObject({ kind: 'workday' });
  });
  it('replacing a year needs calendar.manage', async () => {
    const r = await rt.app.inject({ method: 'PUT', url: '/api/v1/calendar/2027', payload: { days: [] } });
    expect(r.statusCode).toBe(401);
    const bad = await rt.app.inject({ method: 'PUT', url: '/api/v1/calendar/1999', payload: { days: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('year');
  });
});

describe('the web app', () => {
  it('serves its pages and assets, a rebuilt asset without a restart, and a 404 for a missing one', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'yw-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>一网</title>');
    writeFileSync(join(dist, 'assets', 'index-a.js'), 'export const a = 1;');
    const web = await startTestRuntime({ webDist: dist });
    try {
      const get = (url: string) => web.app.inject({ method: 'GET', url });
      const page = await get('/services/some-item');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect((await get('/assets/index-a.js')).headers['content-type']).toMatch(/javascript/);
      // A build written while the server runs is served at once.
      writeFileSync(join(dist, 'assets', 'index-b.js'), 'export const b = 2;');
      const rebuilt = await get('/assets/index-b.js');
      expect(rebuilt.statusCode).toBe(200);
      expect(rebuilt.body).toContain('b = 2');
      // A missing asset is a 404, not the page (a browser would report a MIME error for a script).
      const missing = await get('/assets/index-c.js');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('NOT_FOUND');
      expect((await get('/api/v1/nothing')).statusCode).toBe(404);
    } finally {
      await web.close();
    }
  });
});
