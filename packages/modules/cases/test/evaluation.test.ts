import cookie from '@fastify/cookie';
import { createAuthenticator } from '@yiwang/identity';
import { dayOf, installErrorHandler, loadCalendar, migrate } from '@yiwang/platform';
import { allMigrations } from '@yiwang/server';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { totpNow } from '../../identity/test/helpers.ts';
import { flagOverdue } from '../src/evaluation.ts';
import { evaluationMigrations } from '../src/evaluation-migrations.ts';
import { evaluationRoutes } from '../src/evaluation-routes.ts';

let rt: TestRuntime;
/** The app serving the evaluation routes: the runtime's own once they are wired in, else one beside it. */
let evApp: FastifyInstance;
let side: FastifyInstance | null = null;
let admin: string;
let window01: string;
let approver01: string;
let supervisor: string;
let citizenA: string;
let citizenAId: string;
let citizenB: string;
let taskCode: string;
let departmentId: string;

const PASSWORD = 'Yiwang@2026';
const FORM = { applicantName: '张三', phone: '13800138000', address: '禅城区岭南大道' };
const GOOD = { overall: 5, efficiency: 5, guideAccuracy: 4, convenience: 5, usability: 4 };
const BAD = { overall: 1, efficiency: 2, guideAccuracy: 1, convenience: 2, usability: 3 };

async function login(username: string, password: string, totp?: string): Promise<string> {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, ...(totp ? { totp } : {}), tokenType: 'bearer' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

async function register(name: string, idNumber: string, phone: string) {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/register',
    payload: { type: 'person', name, idNumber, phone, password: 'Citizen#2026' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as string, token: await login(idNumber, 'Citizen#2026') };
}

async function call(app: FastifyInstance, token: string | null, method: string, url: string, payload?: unknown) {
  const res = await app.inject({
    method: method as any,
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : null, raw: res.body };
}
const cases = (token: string | null, method: string, url: string, payload?: unknown) =>
  call(rt.app, token, method, `/cases${url}`, payload);
const ev = (token: string | null, method: string, url: string, payload?: unknown) =>
  call(evApp, token, method, url, payload);

async function uploadPdf(token: string): Promise<string> {
  const boundary = '----yw-eval-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="申请表.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
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

const caseRow = (id: string) =>
  rt.platform.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const PATHS = {
  REVIEWING: ['pre_review', 'receive', 'accept', 'start_review'],
  NOT_ACCEPTED: ['pre_review', 'receive', 'refuse'],
  DECIDED: ['pre_review', 'receive', 'accept', 'start_review', 'approve'],
  COMPLETED: ['pre_review', 'receive', 'accept', 'start_review', 'approve', 'conclude'],
  DELIVERED: ['pre_review', 'receive', 'accept', 'start_review', 'approve', 'conclude', 'deliver'],
} as const;

/** A case of citizen A brought to `state` through the cases API (submit, then the staff's actions). */
async function caseIn(state: keyof typeof PATHS): Promise<string> {
  const materials = [{ name: '申请表', fileIds: [await uploadPdf(citizenA)] }];
  const r = await cases(citizenA, 'POST', '', { taskCode, formData: FORM, materials, submit: true });
  expect(r.status, r.raw).toBe(201);
  const id = r.body.case.id as string;
  for (const action of PATHS[state]) {
    const { version } = await caseRow(id);
    const res = await cases(window01, 'POST', `/${id}/actions`, {
      action,
      expectedVersion: version,
      ...(action === 'refuse' ? { reason: '不属于本部门职权范围' } : {}),
    });
    expect(res.status, `${action}: ${res.raw}`).toBe(200);
  }
  expect((await caseRow(id)).state).toBe(state);
  return id;
}

const rate = (token: string, caseId: string, body: unknown) => ev(token, 'POST', `/cases/${caseId}/rating`, body);

async function badRating(level = 1): Promise<{ caseId: string; taskId: string }> {
  const caseId = await caseIn('COMPLETED');
  const r = await rate(citizenA, caseId, { level, indicators: BAD, comment: '窗口人员态度差，材料要求与指南不一致' });
  expect(r.status, r.raw).toBe(201);
  const task: any = await rt.platform.db
    .selectFrom('rectifications')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  return { caseId, taskId: task.id };
}

const task = (id: string) =>
  rt.platform.db.selectFrom('rectifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function act(token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  const { version } = await task(id);
  return ev(token, 'POST', `/evaluations/rectifications/${id}/actions`, { action, expectedVersion: version, ...extra });
}
async function step(token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  const r = await act(token, id, action, extra);
  expect(r.status, `${action}: ${r.raw}`).toBe(200);
  return r.body;
}

const noticesOf = async (accountId: string, kind: string) =>
  rt.platform.db
    .selectFrom('notifications')
    .selectAll()
    .where('recipient_account_id', '=', accountId)
    .where('kind', '=', kind)
    .execute();
const accountId = async (username: string) =>
  (
    (await rt.platform.db
      .selectFrom('accounts')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirstOrThrow()) as any
  ).id as string;
const audits = (objectId: string) =>
  rt.platform.db
    .selectFrom('audit_log')
    .select(['action', 'outcome'])
    .where('object_id', '=', objectId)
    .orderBy('seq')
    .execute();

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  if (rt.app.hasRoute({ method: 'GET', url: '/api/v1/evaluations/stats' })) {
    evApp = rt.app;
  } else {
    // Not wired into the runtime yet: apply the migration and serve the routes beside it, on the same platform.
    const applied = await sql<{ name: string }>`select name from schema_migrations`.execute(rt.platform.db);
    if (!applied.rows.some((r) => r.name === '0035_cases_evaluation'))
      await migrate(rt.platform.db, [...allMigrations, evaluationMigrations]);
    side = Fastify({ ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } } });
    await side.register(cookie);
    installErrorHandler(side, rt.platform.db);
    side.addHook('onRequest', createAuthenticator(rt.platform));
    await side.register(async (api) => evaluationRoutes(api, rt.platform), { prefix: '/api/v1' });
    await side.ready();
    evApp = side;
  }
  admin = await login('admin', PASSWORD, totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO'));
  window01 = await login('window01', PASSWORD);
  approver01 = await login('approver01', PASSWORD);
  supervisor = await login('supervisor01', PASSWORD);
  const a = await register('张三', '11010519491231002X', '13800138000');
  citizenA = a.token;
  citizenAId = a.id;
  citizenB = (await register('李四', '440524188001010014', '13900139000')).token;

  const dep: any = await rt.platform.db
    .selectFrom('departments')
    .select(['id', 'credit_code'])
    .where('short_name', '=', '禅城区政数局')
    .executeTakeFirstOrThrow();
  departmentId = dep.id;
  const created = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/catalog/items',
    headers: { authorization: `Bearer ${admin}` },
    payload: {
      taskCode: `${dep.credit_code}4EVAL00000001`,
      catalogCode: 'EVAL00000001',
      name: '好差评测试事项',
      taskType: '01',
      useLevel: '4',
      departmentId: dep.id,
      projectType: 2,
      statutoryLimit: 20,
      statutoryUnit: 1,
      promisedLimit: 5,
      promisedUnit: 1,
      visitsRequired: 0,
      isOnline: true,
      onlineDepth: [1, 2, 3, 4],
      serviceObject: ['person'],
      formSchema: {
        type: 'object',
        required: ['applicantName', 'phone'],
        properties: {
          applicantName: { type: 'string', title: '申请人姓名' },
          phone: { type: 'string', title: '联系电话' },
          address: { type: 'string', title: '地址' },
        },
      },
      materials: [{ name: '申请表', type: 'original', required: true, copies: 1, fulfilment: 'UPLOAD' }],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  taskCode = created.json().taskCode;
});
afterAll(async () => {
  await side?.close();
  await rt?.close();
});

describe(`rating rules on ${dbLabel}`, () => {
  it('lets only the applicant rate, only once, only a concluded case', async () => {
    const open = await caseIn('REVIEWING');
    const early = await rate(citizenA, open, { level: 5, indicators: GOOD });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('CASE_NOT_CONCLUDED');
    expect(await audits(open)).toContainEqual({ action: 'evaluation.rate', outcome: 'denied' });
    expect((await ev(citizenA, 'GET', `/cases/${open}/rating`)).body).toMatchObject({ rating: null, canRate: false });

    const id = await caseIn('DECIDED');
    expect((await ev(citizenA, 'GET', `/cases/${id}/rating`)).body).toMatchObject({ rating: null, canRate: true });
    expect((await rate(citizenB, id, { level: 5, indicators: GOOD })).status).toBe(404);
    const staff = await rate(window01, id, { level: 5, indicators: GOOD });
    expect(staff.status).toBe(403);
    expect((await rate(citizenA, 'no-such-case', { level: 5, indicators: GOOD })).status).toBe(404);
    expect((await ev(null, 'POST', `/cases/${id}/rating`, { level: 5, indicators: GOOD })).status).toBe(401);

    const ok = await rate(citizenA, id, { level: 5, indicators: GOOD, comment: '办事很快' });
    expect(ok.status, ok.raw).toBe(201);
    expect(ok.body).toMatchObject({ level: 5, levelName: '非常满意', indicators: GOOD, comment: '办事很快' });
    const again = await rate(citizenA, id, { level: 4, indicators: GOOD });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_RATED');
    const read = await ev(citizenA, 'GET', `/cases/${id}/rating`);
    expect(read.body).toMatchObject({ rating: { level: 5 }, canRate: false, rectification: null });
    // A good rating opens no rectification.
    expect(
      await rt.platform.db.selectFrom('rectifications').select('id').where('case_id', '=', id).execute(),
    ).toHaveLength(0);
    // Staff of the department read it (audited); another department's staff may not.
    expect((await ev(window01, 'GET', `/cases/${id}/rating`)).body.rating.level).toBe(5);
    expect(await audits(id)).toContainEqual({ action: 'evaluation.rating.read', outcome: 'success' });
    expect((await ev(approver01, 'GET', `/cases/${id}/rating`)).status).toBe(403);

    for (const state of ['NOT_ACCEPTED', 'DELIVERED'] as const) {
      const c = await caseIn(state);
      expect((await rate(citizenA, c, { level: 4, indicators: GOOD })).status).toBe(201);
    }
  });

  it('answers 400 with the field for bad input', async () => {
    const id = await caseIn('COMPLETED');
    const cases: [unknown, string, string][] = [
      [{ level: 6, indicators: GOOD }, 'VALIDATION', 'level'],
      [{ level: 0, indicators: GOOD }, 'VALIDATION', 'level'],
      [{ level: 4, indicators: { ...GOOD, usability: undefined } }, 'VALIDATION', 'indicators.usability'],
      [{ level: 4, indicators: { ...GOOD, efficiency: 9 } }, 'VALIDATION', 'indicators.efficiency'],
      [{ level: 4, indicators: { ...GOOD, speed: 5 } }, 'VALIDATION', 'indicators.speed'],
      [{ level: 4 }, 'VALIDATION', 'indicators'],
      [{ level: 2, indicators: BAD }, 'COMMENT_REQUIRED', 'comment'],
      [{ level: 1, indicators: BAD, comment: '   ' }, 'COMMENT_REQUIRED', 'comment'],
      [{ level: 4, indicators: GOOD, comment: 'x'.repeat(501) }, 'VALIDATION', 'comment'],
    ];
    for (const [body, code, field] of cases) {
      const r = await rate(citizenA, id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body, JSON.stringify(body)).toMatchObject({ code, field });
    }
    expect(
      await rt.platform.db.selectFrom('case_ratings').select('id').where('case_id', '=', id).execute(),
    ).toHaveLength(0);
  });
});

describe(`rectification loop on ${dbLabel}`, () => {
  it('bad rating → rectification → verify → rectify → feedback → return visit → close', async () => {
    const supervisorId = await accountId('supervisor01');
    const window01Id = await accountId('window01');
    const before = (await noticesOf(supervisorId, 'evaluation.rectification')).length;
    const { caseId, taskId } = await badRating(1);
    let t: any = await task(taskId);
    const cal = await loadCalendar(rt.platform.db);
    expect(t).toMatchObject({ state: 'OPEN', department_id: departmentId, overdue: false, round: 1 });
    expect(t.due_day).toBe(cal.addWorkingDays(dayOf(new Date()), 5));
    const job: any = await rt.platform.db
      .selectFrom('jobs')
      .selectAll()
      .where('unique_key', '=', `evaluation.rectify_overdue:${taskId}:1`)
      .executeTakeFirstOrThrow();
    expect(new Date(job.run_at).toISOString()).toBe(new Date(`${t.due_day}T16:00:00Z`).toISOString());
    expect((await noticesOf(supervisorId, 'evaluation.rectification')).length).toBe(before + 1);

    // The department cannot verify its own bad rating; the supervisor cannot rectify.
    expect((await act(window01, taskId, 'verify')).status).toBe(403);
    const detail = await ev(supervisor, 'GET', `/evaluations/rectifications/${taskId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ state: 'OPEN', applicantName: '张*', returnVisitRequired: true });
    expect(detail.body.rating).toMatchObject({ level: 1, realName: true });
    expect(detail.body.allowedActions).toEqual(['verify']);
    expect((await ev(window01, 'GET', `/evaluations/rectifications/${taskId}`)).body.allowedActions).toEqual([
      'appeal',
    ]);
    await step(supervisor, taskId, 'verify');
    expect((await noticesOf(window01Id, 'evaluation.rectification')).length).toBeGreaterThan(0);
    expect((await act(supervisor, taskId, 'rectify', { kind: 'immediate', measures: '已约谈' })).status).toBe(403);

    const noDay = await act(window01, taskId, 'rectify', { kind: 'ledger', measures: '建立台账，修订办事指南' });
    expect(noDay.status).toBe(400);
    expect(noDay.body.field).toBe('ledgerDueDay');
    const noMeasures = await act(window01, taskId, 'rectify', { kind: 'immediate', measures: '  ' });
    expect(noMeasures.body).toMatchObject({ field: 'measures' });
    const stale = await ev(window01, 'POST', `/evaluations/rectifications/${taskId}/actions`, {
      action: 'rectify',
      expectedVersion: 1,
      kind: 'immediate',
      measures: 'x',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('CONCURRENT_UPDATE');
    const ledgerDueDay = cal.addWorkingDays(dayOf(new Date()), 10);
    const measures = '已对窗口人员进行批评教育，并按实际要求修订办事指南材料清单';
    await step(window01, taskId, 'rectify', { kind: 'ledger', measures, ledgerDueDay });
    t = await task(taskId);
    expect(t.state).toBe('RECTIFIED');

    // Another department's staff may not act (403, audited); the rater gets the measures.
    const foreign = await act(approver01, taskId, 'send_feedback');
    expect(foreign.status).toBe(403);
    await step(window01, taskId, 'send_feedback');
    const fb = await noticesOf(citizenAId, 'evaluation.feedback');
    expect(fb.at(-1)?.body).toContain(measures);
    expect(fb.at(-1)?.link).toBe(`/my/cases/${caseId}`);
    const sms = await rt.platform.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('notification_id', '=', fb.at(-1)!.id)
      .execute();
    expect(sms.map((s: any) => s.channel)).toEqual(['sms']);

    // A real-name bad rating cannot be closed before a return visit.
    const early = await act(supervisor, taskId, 'close');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('RETURN_VISIT_REQUIRED');

    const mine = await ev(citizenA, 'GET', `/cases/${caseId}/rating`);
    expect(mine.body.rectification).toMatchObject({
      id: taskId,
      state: 'FEEDBACK',
      measures: { kind: 'ledger', measures, ledgerDueDay },
      allowedActions: ['respond'],
    });
    expect(mine.raw).not.toContain('appeal');
    expect((await act(citizenB, taskId, 'respond', { satisfied: true })).status).toBe(404);
    const noAnswer = await act(citizenA, taskId, 'respond', {});
    expect(noAnswer.body).toMatchObject({ code: 'VALIDATION', field: 'satisfied' });
    const answered = await step(citizenA, taskId, 'respond', { satisfied: true, comment: '满意' });
    expect(answered).toMatchObject({ state: 'FEEDBACK', feedback: { satisfied: true, comment: '满意' } });
    expect(answered.allowedActions).toEqual([]);
    expect((await act(citizenA, taskId, 'respond', { satisfied: false })).body.code).toBe('ALREADY_RESPONDED');

    const noNote = await act(window01, taskId, 'return_visit', { method: 'phone' });
    expect(noNote.body).toMatchObject({ field: 'note' });
    await step(window01, taskId, 'return_visit', { method: 'phone', note: '电话回访，评价人认可整改结果' });
    const closed = await step(supervisor, taskId, 'close');
    expect(closed).toMatchObject({ state: 'CLOSED', returnVisitRequired: false });
    expect(closed.returnVisits).toHaveLength(1);
    expect(closed.events.map((e: any) => e.action)).toEqual([
      'open',
      'verify',
      'rectify',
      'send_feedback',
      'respond',
      'return_visit',
      'close',
    ]);

    const late = await act(supervisor, taskId, 'verify');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('INVALID_TRANSITION');
    const trail = await audits(taskId);
    expect(trail.filter((a) => a.outcome === 'success').map((a) => a.action)).toEqual([
      'evaluation.rectification.open',
      'evaluation.rectification.read',
      'evaluation.rectification.read',
      'evaluation.verify',
      'evaluation.rectify',
      'evaluation.send_feedback',
      'evaluation.respond',
      'evaluation.return_visit',
      'evaluation.close',
    ]);
    expect(trail).toContainEqual({ action: 'evaluation.close', outcome: 'denied' });
    expect(trail).toContainEqual({ action: 'evaluation.verify', outcome: 'denied' });
    expect(trail).toContainEqual({ action: 'denied:evaluation.manage', outcome: 'denied' });
  });

  it('reopens a task the rater is not satisfied with, with a new deadline', async () => {
    const { taskId } = await badRating(2);
    await step(supervisor, taskId, 'verify');
    await step(window01, taskId, 'rectify', { kind: 'explanation', measures: '已向申请人解释收费依据' });
    await step(window01, taskId, 'send_feedback');
    await step(citizenA, taskId, 'respond', { satisfied: false, comment: '解释不清楚' });
    expect((await act(supervisor, taskId, 'reopen')).body.field).toBe('reason');
    const reopened = await step(supervisor, taskId, 'reopen', { reason: '评价人不满意，须实际整改' });
    expect(reopened).toMatchObject({ state: 'VERIFIED', round: 2, measures: null, feedback: null });
    const job = await rt.platform.db
      .selectFrom('jobs')
      .select('id')
      .where('unique_key', '=', `evaluation.rectify_overdue:${taskId}:2`)
      .execute();
    expect(job).toHaveLength(1);
  });

  it('excludes a rating when the supervisor upholds the department’s appeal', async () => {
    const { caseId, taskId } = await badRating(1);
    expect((await act(window01, taskId, 'appeal')).body).toMatchObject({ code: 'VALIDATION', field: 'reason' });
    await step(window01, taskId, 'appeal', { reason: '申请人系同行恶意评价，有监控录像为证' });
    expect((await act(window01, taskId, 'uphold_appeal', { reason: 'x' })).status).toBe(403);
    const upheld = await step(supervisor, taskId, 'uphold_appeal', { reason: '经核查属恶意差评' });
    expect(upheld).toMatchObject({ state: 'CLOSED_APPEAL', appeal: { decision: 'upheld' } });
    expect(upheld.rating.excluded).toBe(true);
    const rating: any = await rt.platform.db
      .selectFrom('case_ratings')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(rating.excluded).toBe(true);
    expect((await act(window01, taskId, 'rectify', { kind: 'immediate', measures: 'x' })).body.code).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('sends a rejected appeal back to VERIFIED; a second appeal is refused', async () => {
    const { taskId } = await badRating(2);
    await step(window01, taskId, 'appeal', { reason: '评价与本部门无关' });
    const rejected = await step(supervisor, taskId, 'reject_appeal', { reason: '评价属实' });
    expect(rejected).toMatchObject({ state: 'VERIFIED', appeal: { decision: 'rejected' } });
    const again = await act(window01, taskId, 'appeal', { reason: '再次申诉' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('APPEAL_USED');
  });

  it('flags a task overdue through the durable job and tells the supervisor', async () => {
    const supervisorId = await accountId('supervisor01');
    const { taskId } = await badRating(1);
    await step(supervisor, taskId, 'verify');
    // The job runs at the end of the due day: move both into the past, as if the time had passed.
    const yesterday = dayOf(new Date(Date.now() - 86_400_000));
    await rt.platform.db.updateTable('rectifications').set({ due_day: yesterday }).where('id', '=', taskId).execute();
    await rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where('unique_key', '=', `evaluation.rectify_overdue:${taskId}:1`)
      .execute();
    const before = (await noticesOf(supervisorId, 'evaluation.overdue')).length;
    for (let i = 0; i < 3; i++) await rt.platform.jobs.runDue();
    const t: any = await task(taskId);
    expect(t.overdue).toBe(true);
    expect(t.state).toBe('VERIFIED');
    const job: any = await rt.platform.db
      .selectFrom('jobs')
      .selectAll()
      .where('unique_key', '=', `evaluation.rectify_overdue:${taskId}:1`)
      .executeTakeFirstOrThrow();
    expect(job.status).toBe('done');
    expect((await noticesOf(supervisorId, 'evaluation.overdue')).length).toBe(before + 1);
    expect(await audits(taskId)).toContainEqual({ action: 'evaluation.overdue', outcome: 'success' });
    // Running it again (or a job of an old round) changes nothing.
    expect(await flagOverdue(rt.platform, taskId, 1)).toBe(false);
    expect(await flagOverdue(rt.platform, taskId, 7)).toBe(false);
    const overdue = await ev(supervisor, 'GET', '/evaluations/rectifications?overdue=true');
    expect(overdue.body.items.map((i: any) => i.id)).toContain(taskId);
  });
});

describe(`evaluation reading and permissions on ${dbLabel}`, () => {
  it('limits lists and details to the caller’s scopes', async () => {
    const { taskId } = await badRating(1);
    const sup = await ev(supervisor, 'GET', '/evaluations/rectifications?state=OPEN');
    expect(sup.status).toBe(200);
    expect(sup.body.items.map((i: any) => i.id)).toContain(taskId);
    expect(sup.body.items[0]).toMatchObject({ departmentName: expect.any(String), serialNo: expect.any(String) });
    const dep = await ev(window01, 'GET', '/evaluations/rectifications');
    expect(dep.body.items.map((i: any) => i.id)).toContain(taskId);
    const other = await ev(approver01, 'GET', '/evaluations/rectifications');
    expect(other.status).toBe(200);
    expect(other.body.items.map((i: any) => i.id)).not.toContain(taskId);
    expect((await ev(approver01, 'GET', `/evaluations/rectifications/${taskId}`)).status).toBe(403);
    expect((await act(approver01, taskId, 'appeal', { reason: 'x' })).status).toBe(403);
    expect((await ev(citizenB, 'GET', `/evaluations/rectifications/${taskId}`)).status).toBe(404);
    expect((await ev(citizenB, 'GET', '/evaluations/rectifications')).status).toBe(403);
    const raterView = await ev(citizenA, 'GET', `/evaluations/rectifications/${taskId}`);
    expect(raterView.status).toBe(200);
    expect(raterView.body).toEqual({
      id: taskId,
      state: 'OPEN',
      version: 1,
      measures: null,
      feedback: null,
      allowedActions: [],
    });
    expect((await ev(window01, 'GET', '/evaluations/rectifications?state=NOPE')).status).toBe(400);
  });

  it('counts ratings per level with satisfaction rate and average indicators, per department', async () => {
    const s = await ev(supervisor, 'GET', '/evaluations/stats');
    expect(s.status, s.raw).toBe(200);
    const rows: any[] = await rt.platform.db.selectFrom('case_ratings').selectAll().execute();
    const counted = rows.filter((r) => !r.excluded);
    expect(s.body.total).toBe(counted.length);
    expect(s.body.excluded).toBe(rows.length - counted.length);
    for (const level of [1, 2, 3, 4, 5])
      expect(s.body.byLevel[String(level)]).toBe(counted.filter((r) => r.level === level).length);
    const good = counted.filter((r) => r.level >= 3).length;
    expect(s.body.satisfactionRate).toBeCloseTo(good / counted.length, 4);
    const ind = (r: any) => (typeof r.indicators === 'string' ? JSON.parse(r.indicators) : r.indicators);
    const avg = counted.reduce((n, r) => n + ind(r).overall, 0) / counted.length;
    expect(s.body.indicators.overall).toBeCloseTo(avg, 2);
    const mine = s.body.departments.find((d: any) => d.departmentId === departmentId);
    expect(mine).toMatchObject({ total: counted.length, departmentName: expect.any(String) });
    expect(mine.openRectifications).toBeGreaterThan(0);
    expect(mine.overdueRectifications).toBe(1);

    const today = dayOf(new Date());
    const filtered = await ev(
      window01,
      'GET',
      `/evaluations/stats?departmentId=${departmentId}&from=${today}&to=${today}`,
    );
    expect(filtered.body.total).toBe(counted.length);
    const future = await ev(supervisor, 'GET', '/evaluations/stats?from=2099-01-01');
    expect(future.body).toMatchObject({ total: 0, satisfactionRate: null, departments: [] });
    const backwards = await ev(supervisor, 'GET', '/evaluations/stats?from=2026-05-02&to=2026-05-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.field).toBe('to');
    expect((await ev(citizenA, 'GET', '/evaluations/stats')).status).toBe(403);
    const market = await ev(approver01, 'GET', '/evaluations/stats');
    expect(market.body.total).toBe(0);
  });
});
