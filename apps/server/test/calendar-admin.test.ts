import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerLogin, totpNow } from '../../../packages/modules/identity/test/helpers.ts';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../tests/harness.ts';

let rt: TestRuntime;
let admin: Record<string, string>;
beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await bearerLogin(rt.app, 'admin', 'Yiwang@2026', totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO'));
});
afterAll(async () => {
  await rt?.close();
});

describe(`calendar administration on ${dbLabel}`, () => {
  it('replaces a year as a whole; a bad row changes nothing', async () => {
    const days = [
      { day: '2027-01-01', kind: 'holiday', name: '元旦' },
      { day: '2027-02-06', kind: 'workday', name: '春节调休上班' },
    ];
    const ok = await rt.app.inject({ method: 'PUT', url: '/api/v1/calendar/2027', headers: admin, payload: { days } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ year: 2027, days: 2 });
    const bad = await rt.app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      headers: admin,
      payload: { days: [{ day: '2027-02-30', kind: 'holiday', name: 'x' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_DAY', field: 'days.0.day' });
    const after = (await rt.app.inject('/api/v1/calendar/2027')).json().days;
    expect(after).toEqual(days);
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'calendar.replace')
      .execute();
    expect(audit).toHaveLength(1);
  });
});
