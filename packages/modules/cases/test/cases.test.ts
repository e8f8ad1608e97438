import { dayOf, loadCalendar, systemCtx } from '@yiwang/platform';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { deadlineReached, warnDayOf } from '../src/service.ts';
import { ACTIONS, findTransition, STATES, type State, TRANSITIONS } from '../src/workflow.ts';

let rt: TestRuntime;
let admin: string;
let window01: string;
let window02: string;
let approver01: string;
let citizenA: string;
let citizenB: string;
let taskCode: string;
let marketTask: { taskCode: string; fields: string[] };

const PASSWORD = 'Yiwang@2026';
const totp = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();

async function login(username: string, password: string, secret?: string): Promise<string> {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, ...(secret ? { totp: totp(secret) } : {}), tokenType: 'bearer' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

async function register(name: string, idNumber: string, phone: string): Promise<string> {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/register',
    payload: { type: 'person', name, idNumber, phone, password: 'Citizen#2026' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return login(idNumber, 'Citizen#2026');
}

async function api(token: string | null, method: string, url: string, payload?: unknown) {
  const res = await rt.app.inject({
    method: method as any,
    url: `/api/v1/cases${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : null, raw: res.body };
}

const row = (id: string) =>
  rt.platform.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const FORM = { applicantName: '张三', phone: '13800138000', address: '禅城区岭南大道' };

/** A small valid PDF uploaded by `token`; answers the file's id. */
async function uploadPdf(token: string, name = '申请表.pdf'): Promise<string> {
  const boundary = '----yw-test-boundary';
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    pdf,
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

async function newCase(opts: { submit?: boolean; token?: string } = {}) {
  const token = opts.token ?? citizenA;
  const materials = [{ name: '申请表', fileIds: [await uploadPdf(token)] }];
  const r = await api(token, 'POST', '', { taskCode, formData: FORM, materials, submit: opts.submit ?? true });
  expect(r.status, r.raw).toBe(201);
  return { id: r.body.case.id as string, serialNo: r.body.case.serialNo as string, password: r.body.queryPassword };
}

/** Acts with the current version (read from the database). */
async function act(token: string, id: string, action: string, reason?: string) {
  const { version } = await row(id);
  return api(token, 'POST', `/${id}/actions`, {
    action,
    expectedVersion: version,
    ...(reason ? { reason } : {}),
    ...(await inputsFor(action)),
  });
}

/** What an action needs besides a reason (the notice's list, the supplemented files, the procedure). */
async function inputsFor(action: string): Promise<Record<string, unknown>> {
  if (action === 'request_supplement') return { supplementItems: [{ material: '申请表', note: '缺少签名' }] };
  if (action === 'supplement') return { materials: [{ name: '申请表', fileIds: [await uploadPdf(citizenA)] }] };
  if (action === 'suspend') return { procedure: { type: 'expert_review' } };
  return {};
}

async function step(token: string, id: string, action: string, reason?: string) {
  const r = await act(token, id, action, reason);
  expect(r.status, `${action}: ${r.raw}`).toBe(200);
  return r.body;
}

const APPLICANT_ACTIONS = new Set(['submit', 'resubmit', 'supplement', 'withdraw', 'provide_materials']);
const tokenFor = (action: string) => (APPLICANT_ACTIONS.has(action) ? citizenA : window01);

/** The actions that lead a new case to each state. */
const PATHS: Record<State, [string, string?][]> = {
  DRAFT: [],
  SUBMITTED: [['submit']],
  PRE_REVIEW: [['submit'], ['pre_review']],
  PRE_REVIEW_RETURNED: [['submit'], ['pre_review'], ['return', '缺少身份证复印件']],
  RECEIVED: [['submit'], ['pre_review'], ['receive']],
  SUPPLEMENT_NOTICE: [['submit'], ['pre_review'], ['receive'], ['request_supplement', '请补充：1. 身份证复印件']],
  NOT_ACCEPTED: [['submit'], ['pre_review'], ['receive'], ['refuse', '不属于本部门职权范围']],
  ACCEPTED: [['submit'], ['pre_review'], ['receive'], ['accept']],
  REVIEWING: [['submit'], ['pre_review'], ['receive'], ['accept'], ['start_review']],
  SUSPENDED: [['submit'], ['pre_review'], ['receive'], ['accept'], ['start_review'], ['suspend', '专家评审']],
  DECIDED: [['submit'], ['pre_review'], ['receive'], ['accept'], ['start_review'], ['approve']],
  COMPLETED: [['submit'], ['pre_review'], ['receive'], ['accept'], ['start_review'], ['approve'], ['conclude']],
  DELIVERED: [
    ['submit'],
    ['pre_review'],
    ['receive'],
    ['accept'],
    ['start_review'],
    ['approve'],
    ['conclude'],
    ['deliver'],
  ],
  WITHDRAWN: [['submit'], ['withdraw']],
  VOIDED: [['submit'], ['void', '重复申请']],
};

async function caseIn(state: State) {
  const c = await newCase({ submit: false });
  for (const [action, reason] of PATHS[state]) await step(tokenFor(action), c.id, action, reason);
  expect((await row(c.id)).state).toBe(state);
  return c;
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login('admin', PASSWORD, 'JBSWY3DPEHPK3PXPYIWANGDEMO');
  window01 = await login('window01', PASSWORD);
  window02 = await login('window02', PASSWORD);
  approver01 = await login('approver01', PASSWORD);
  citizenA = await register('张三', '11010519491231002X', '13800138000');
  citizenB = await register('李四', '440524188001010014', '13900139000');

  // An item of the staff's own department (禅城区政数局, county level), published by the admin.
  const dep: any = await rt.platform.db
    .selectFrom('departments')
    .select(['id', 'credit_code'])
    .where('short_name', '=', '禅城区政数局')
    .executeTakeFirstOrThrow();
  const created = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/catalog/items',
    headers: { authorization: `Bearer ${admin}` },
    payload: {
      taskCode: `${dep.credit_code}4CASE00000001`,
      catalogCode: 'CASE00000001',
      name: '测试办件事项',
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

  const market: any = await rt.platform.db
    .selectFrom('catalog_items')
    .innerJoin('departments', 'departments.id', 'catalog_items.department_id')
    .select(['catalog_items.task_code', 'catalog_items.form_schema'])
    .where('departments.short_name', '=', '市场监管局')
    .where('catalog_items.service_object', '@>', JSON.stringify(['person']) as any)
    .limit(1)
    .executeTakeFirst();
  if (market) {
    const schema = typeof market.form_schema === 'string' ? JSON.parse(market.form_schema) : market.form_schema;
    marketTask = { taskCode: market.task_code, fields: schema?.required ?? [] };
  }
});
afterAll(async () => {
  await rt?.close();
});

describe('workflow data', () => {
  it('holds exactly the transitions of domain reference §2', () => {
    const allowed = (s: State) =>
      ACTIONS.filter((a) => findTransition(a, s))
        .sort()
        .join(',');
    const before = 'void,withdraw';
    expect(allowed('DRAFT')).toBe(['submit', before].join(','));
    expect(allowed('SUBMITTED')).toBe(`pre_review,${before}`);
    expect(allowed('PRE_REVIEW')).toBe(`receive,return,${before}`);
    expect(allowed('PRE_REVIEW_RETURNED')).toBe(`resubmit,${before}`);
    expect(allowed('RECEIVED')).toBe(`accept,auto_accept,refuse,request_supplement,${before}`);
    expect(allowed('SUPPLEMENT_NOTICE')).toBe(`supplement,${before}`);
    expect(allowed('ACCEPTED')).toBe(`provide_materials,start_review,${before}`);
    expect(allowed('REVIEWING')).toBe(
      `approve,complete_step,countersign,countersign_start,deny,extend,provide_materials,suspend,${before}`,
    );
    expect(allowed('SUSPENDED')).toBe(`provide_materials,resume,${before}`);
    expect(allowed('DECIDED')).toBe('conclude');
    expect(allowed('COMPLETED')).toBe('deliver');
    for (const s of ['NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED'] as State[]) expect(allowed(s)).toBe('');
    for (const t of TRANSITIONS) {
      if (t.actor === 'staff') expect(t.permission).toBe('cases.handle');
      for (const s of t.from) expect(STATES).toContain(s);
    }
    // Steps inside a state leave it unchanged.
    for (const a of ['complete_step', 'countersign_start', 'countersign', 'extend', 'provide_materials'])
      for (const t of TRANSITIONS.filter((x) => x.action === a)) expect(t.to).toBe(t.from[0]);
    for (const a of ['return', 'request_supplement', 'refuse', 'suspend', 'deny', 'void', 'extend'])
      expect(TRANSITIONS.find((t) => t.action === a)!.requires).toEqual(['reason']);
  });
});

describe('apply', () => {
  it('creates a case with a serial number and a one-time query password', async () => {
    const r = await api(citizenA, 'POST', '', { taskCode, formData: FORM });
    expect(r.status, r.raw).toBe(201);
    expect(r.body.case.state).toBe('DRAFT');
    expect(r.body.case.serialNo).toMatch(/^YW\d{16}$/);
    expect(r.body.case.serialNo.slice(2, 10)).toBe(dayOf(new Date()).replaceAll('-', ''));
    expect(r.body.queryPassword).toMatch(/^\d{6}$/);
    expect(r.body.case.itemName).toBe('测试办件事项');
    expect(r.body.case.taskVersion).toBe(1);
    expect(r.body.case.applicantName).toBe('张三');
    const stored = await row(r.body.case.id);
    expect(stored.query_password_hash).not.toContain(r.body.queryPassword);
    expect(JSON.stringify(await api(citizenA, 'GET', `/${r.body.case.id}`))).not.toContain('queryPassword');
    expect(
      await rt.platform.db
        .selectFrom('audit_log')
        .select('seq')
        .where('action', '=', 'cases.create')
        .where('object_id', '=', r.body.case.id)
        .execute(),
    ).toHaveLength(1);
  });

  it('validates the form against the item (400 names the field) and stores nothing', async () => {
    const before = (await rt.platform.db.selectFrom('cases').select('id').execute()).length;
    const r = await api(citizenA, 'POST', '', { taskCode, formData: { applicantName: '张三' }, submit: true });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('formData.phone');
    const r2 = await api(citizenA, 'POST', '', {
      taskCode,
      formData: { applicantName: ' ', phone: '1' },
      submit: true,
    });
    expect(r2.body.field).toBe('formData.applicantName');
    // A wrong type is refused even in a draft; a draft may leave required fields empty.
    const r3 = await api(citizenA, 'POST', '', { taskCode, formData: { ...FORM, phone: 123 } });
    expect(r3.status).toBe(400);
    expect(r3.body.field).toBe('formData.phone');
    // A value as the platform shows it masked is refused, in a draft too.
    for (const [name, masked] of [
      ['phone', '138****8000'],
      ['applicantName', '张*'],
    ] as const) {
      const r4 = await api(citizenA, 'POST', '', { taskCode, formData: { ...FORM, [name]: masked } });
      expect(r4.status).toBe(400);
      expect(r4.body).toMatchObject({ code: 'MASKED_VALUE', field: `formData.${name}` });
    }
    expect((await rt.platform.db.selectFrom('cases').select('id').execute()).length).toBe(before);
  });

  it('refuses unknown items, staff applicants and anonymous callers', async () => {
    expect((await api(citizenA, 'POST', '', { taskCode: 'NOPE', formData: {} })).status).toBe(404);
    expect((await api(window01, 'POST', '', { taskCode, formData: FORM })).status).toBe(403);
    expect((await api(null, 'POST', '', { taskCode, formData: FORM })).status).toBe(401);
  });
});

describe('lifecycle', () => {
  it('runs the whole happy path, with due day in working days, a timeline and an audit row per action', async () => {
    const c = await newCase({ submit: true });
    expect((await row(c.id)).state).toBe('SUBMITTED');
    await step(window01, c.id, 'pre_review');
    const received = await step(window01, c.id, 'receive');
    expect(received.state).toBe('RECEIVED');
    expect(received.receivedAt).toBeTruthy();
    const notice = await step(window01, c.id, 'request_supplement', '请一次性补正：1. 身份证复印件；2. 申请表签名');
    expect(notice.state).toBe('SUPPLEMENT_NOTICE');
    expect(notice.dueDay).toBeNull();
    await step(citizenA, c.id, 'supplement');
    const accepted = await step(window01, c.id, 'accept');
    expect(accepted.state).toBe('ACCEPTED');
    const cal = await loadCalendar(rt.platform.db);
    const today = dayOf(new Date());
    expect(accepted.dueDay).toBe(cal.addWorkingDays(today, 5));
    expect(cal.workingDaysBetween(today, accepted.dueDay)).toBe(5);
    expect(accepted.statutoryDueDay).toBe(cal.addWorkingDays(today, 20));
    await step(window01, c.id, 'start_review');
    const decided = await step(window01, c.id, 'approve');
    expect(decided).toMatchObject({ state: 'DECIDED', outcome: 'APPROVED' });
    await step(window01, c.id, 'conclude');
    const done = await step(window01, c.id, 'deliver');
    expect(done.state).toBe('DELIVERED');
    expect(done.version).toBe(11);

    const tl = await api(citizenA, 'GET', `/${c.id}/timeline`);
    expect(tl.status).toBe(200);
    const actions = [
      'submit',
      'pre_review',
      'receive',
      'request_supplement',
      'supplement',
      'accept',
      'start_review',
      'approve',
      'conclude',
      'deliver',
    ];
    expect(tl.body.items.map((e: any) => e.action)).toEqual(['create', ...actions]);
    expect(tl.body.items.map((e: any) => e.seq)).toEqual(tl.body.items.map((_: any, i: number) => i + 1));
    const notice2 = tl.body.items.find((e: any) => e.action === 'request_supplement');
    expect(notice2).toMatchObject({ fromState: 'RECEIVED', toState: 'SUPPLEMENT_NOTICE', actorName: '陈晓玲' });
    expect(notice2.reason).toContain('身份证复印件');
    expect(tl.body.items.find((e: any) => e.action === 'receive').detail.vendorStatus).toBe(1);

    for (const a of actions) {
      const audits = await rt.platform.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', `cases.${a}`)
        .where('object_id', '=', c.id)
        .where('outcome', '=', 'success')
        .execute();
      expect(audits, a).toHaveLength(1);
    }
  });

  it('returns a pre-review and accepts a resubmission', async () => {
    const c = await caseIn('PRE_REVIEW_RETURNED');
    await step(citizenA, c.id, 'resubmit');
    expect((await row(c.id)).state).toBe('SUBMITTED');
  });

  it('refuses with a reason (terminal), denies with a reason, withdraws and voids', async () => {
    const refused = await caseIn('NOT_ACCEPTED');
    expect((await api(citizenA, 'GET', `/${refused.id}/timeline`)).body.items.at(-1).reason).toBe(
      '不属于本部门职权范围',
    );
    const r = await caseIn('REVIEWING');
    const denied = await step(window01, r.id, 'deny', '不符合法定条件');
    expect(denied).toMatchObject({ state: 'DECIDED', outcome: 'DENIED' });
    const w = await caseIn('ACCEPTED');
    expect((await step(citizenA, w.id, 'withdraw')).state).toBe('WITHDRAWN');
    const v = await caseIn('SUSPENDED');
    expect((await step(window01, v.id, 'void', '申请人重复提交')).state).toBe('VOIDED');
  });

  it('refuses every (state, action) pair the state machine does not allow: 409, nothing changes', async () => {
    let checked = 0;
    for (const state of STATES) {
      const c = await caseIn(state);
      const before = await row(c.id);
      for (const action of ACTIONS) {
        if (findTransition(action, state)) continue;
        const r = await api(tokenFor(action), 'POST', `/${c.id}/actions`, {
          action,
          expectedVersion: before.version,
          reason: '测试理由',
        });
        expect(r.status, `${state} × ${action}: ${r.raw}`).toBe(409);
        expect(r.body.code).toBe('INVALID_TRANSITION');
        checked++;
      }
      const after = await row(c.id);
      expect(after.state).toBe(state);
      expect(after.version).toBe(before.version);
      const denied = await rt.platform.db
        .selectFrom('audit_log')
        .select('seq')
        .where('object_id', '=', c.id)
        .where('outcome', '=', 'denied')
        .execute();
      expect(denied.length).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe('who may act', () => {
  it('staff of another department get 403 and the refusal is audited', async () => {
    const c = await caseIn('SUBMITTED');
    const r = await act(approver01, c.id, 'pre_review');
    expect(r.status).toBe(403);
    expect((await api(approver01, 'GET', `/${c.id}`)).status).toBe(403);
    const inbox = await api(approver01, 'GET', '/inbox');
    expect(inbox.body.items.map((i: any) => i.id)).not.toContain(c.id);
    expect((await row(c.id)).state).toBe('SUBMITTED');
    const audits = await rt.platform.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'denied:cases.handle')
      .execute();
    expect(audits.length).toBeGreaterThan(0);
  });

  it('approver01 handles cases of their own department (and window01 may not)', async () => {
    expect(marketTask, 'seeded market item for persons').toBeTruthy();
    const formData = Object.fromEntries(marketTask.fields.map((f) => [f, f === 'phone' ? '13800138000' : '测试']));
    const guide = (await rt.app.inject({ method: 'GET', url: `/api/v1/catalog/items/${marketTask.taskCode}` })).json();
    const materials = [];
    for (const m of guide.materials.filter((x: any) => x.required))
      materials.push(
        m.fulfilment === 'COMMITMENT'
          ? { name: m.name, fulfilment: 'COMMITMENT', commitment: true }
          : { name: m.name, fileIds: [await uploadPdf(citizenA)] },
      );
    const created = await api(citizenA, 'POST', '', {
      taskCode: marketTask.taskCode,
      formData,
      materials,
      submit: true,
    });
    expect(created.status, created.raw).toBe(201);
    const id = created.body.case.id;
    expect((await act(window01, id, 'pre_review')).status).toBe(403);
    expect((await act(approver01, id, 'pre_review')).status).toBe(200);
  });

  it('an applicant cannot take a staff action, another applicant cannot see the case, staff cannot act for the applicant', async () => {
    const c = await caseIn('SUBMITTED');
    const r = await act(citizenA, c.id, 'pre_review');
    expect(r.status).toBe(403);
    expect((await act(citizenB, c.id, 'withdraw')).status).toBe(404);
    expect((await api(citizenB, 'GET', `/${c.id}`)).status).toBe(404);
    expect((await api(citizenB, 'GET', `/${c.id}/timeline`)).status).toBe(404);
    const draft = await caseIn('DRAFT');
    expect((await act(window01, draft.id, 'submit')).status).toBe(403);
    const received = await caseIn('RECEIVED');
    expect((await act(window01, received.id, 'auto_accept')).status).toBe(403);
    expect((await row(received.id)).state).toBe('RECEIVED');
  });

  it('deny without a reason is 400 naming the field reason', async () => {
    const c = await caseIn('REVIEWING');
    for (const reason of [undefined, '   ']) {
      const { version } = await row(c.id);
      const r = await api(window01, 'POST', `/${c.id}/actions`, {
        action: 'deny',
        expectedVersion: version,
        ...(reason !== undefined ? { reason } : {}),
      });
      expect(r.status).toBe(400);
      expect(r.body.field).toBe('reason');
    }
    expect((await row(c.id)).state).toBe('REVIEWING');
  });

  it('an unknown action is a validation error', async () => {
    const c = await caseIn('SUBMITTED');
    const r = await api(window01, 'POST', `/${c.id}/actions`, { action: 'explode', expectedVersion: 1 });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('action');
  });
});

describe('concurrency', () => {
  it('two staff acting on the same version: exactly one wins, the other gets 409', async () => {
    const c = await caseIn('SUBMITTED');
    const { version } = await row(c.id);
    const body = { action: 'pre_review', expectedVersion: version };
    const results = await Promise.all([
      api(window01, 'POST', `/${c.id}/actions`, body),
      api(window02, 'POST', `/${c.id}/actions`, body),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const lost = results.find((r) => r.status === 409)!;
    expect(['CONCURRENT_UPDATE', 'INVALID_TRANSITION']).toContain(lost.body.code);
    const after = await row(c.id);
    expect(after.version).toBe(version + 1);
    const events = await rt.platform.db
      .selectFrom('case_events')
      .select('seq')
      .where('case_id', '=', c.id)
      .where('action', '=', 'pre_review')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('a stale expectedVersion is 409 CONCURRENT_UPDATE', async () => {
    const c = await caseIn('PRE_REVIEW');
    const { version } = await row(c.id);
    const r = await api(window01, 'POST', `/${c.id}/actions`, { action: 'receive', expectedVersion: version - 1 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CONCURRENT_UPDATE');
    expect((await row(c.id)).state).toBe('PRE_REVIEW');
  });
});

describe('deadlines', () => {
  async function runJobs() {
    await rt.platform.jobs.runDue();
  }

  it('auto-accepts a case not noticed within 5 working days of receipt (§32)', async () => {
    const c = await caseIn('RECEIVED');
    const job = await rt.platform.db
      .selectFrom('jobs')
      .selectAll()
      .where('unique_key', 'like', `auto_accept:${c.id}:%`)
      .executeTakeFirstOrThrow();
    expect(job.queue).toBe('cases.auto_accept');
    const cal = await loadCalendar(rt.platform.db);
    const receivedDay = dayOf(new Date((await row(c.id)).received_at));
    const fifth = cal.addWorkingDays(receivedDay, 5);
    expect(dayOf(new Date(new Date(job.run_at).getTime() - 1000))).toBe(fifth);
    expect(new Date(job.run_at).getTime()).toBeGreaterThan(Date.now());

    await rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 60_000).toISOString() })
      .where('id', '=', job.id)
      .execute();
    await runJobs();
    await expect.poll(async () => (await row(c.id)).state, { timeout: 5000 }).toBe('ACCEPTED');
    const after = await row(c.id);
    expect(new Date(after.accepted_at).toISOString()).toBe(new Date(after.received_at).toISOString());
    expect(after.due_day).toBe(cal.addWorkingDays(receivedDay, 5));
    const ev = await rt.platform.db
      .selectFrom('case_events')
      .selectAll()
      .where('case_id', '=', c.id)
      .where('action', '=', 'auto_accept')
      .executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ actor_id: 'system', from_state: 'RECEIVED', to_state: 'ACCEPTED' });
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'cases.auto_accept')
      .where('object_id', '=', c.id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('the auto-accept job does nothing when a supplement notice was given in time', async () => {
    const c = await caseIn('SUPPLEMENT_NOTICE');
    await rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 60_000).toISOString() })
      .where('unique_key', 'like', `auto_accept:${c.id}:%`)
      .execute();
    await runJobs();
    await expect
      .poll(
        async () =>
          (
            await rt.platform.db
              .selectFrom('jobs')
              .select('status')
              .where('unique_key', 'like', `auto_accept:${c.id}:%`)
              .executeTakeFirstOrThrow()
          ).status,
        { timeout: 5000 },
      )
      .toBe('done');
    expect((await row(c.id)).state).toBe('SUPPLEMENT_NOTICE');
  });

  it('suspend and resume push the due day later by the working days paused', async () => {
    const c = await caseIn('REVIEWING');
    const before = await row(c.id);
    await step(window01, c.id, 'suspend', '专家评审（特别程序）');
    expect((await row(c.id)).suspended_since).toBeTruthy();
    // The suspension began two weeks ago.
    const since = new Date(Date.now() - 14 * 86_400_000);
    await rt.platform.db
      .updateTable('cases')
      .set({ suspended_since: since.toISOString() })
      .where('id', '=', c.id)
      .execute();
    const resumed = await step(window01, c.id, 'resume');
    const cal = await loadCalendar(rt.platform.db);
    const paused = cal.workingDaysBetween(dayOf(since), dayOf(new Date()));
    expect(paused).toBeGreaterThan(0);
    expect(resumed.state).toBe('REVIEWING');
    expect(resumed.suspendedSince).toBeNull();
    expect(resumed.dueDay > before.due_day).toBe(true);
    expect(resumed.dueDay).toBe(cal.addWorkingDays(before.due_day, paused));
    expect(resumed.pauses).toEqual([{ from: dayOf(since), to: dayOf(new Date()) }]);
    const ev = (await api(window01, 'GET', `/${c.id}/timeline`)).body.items.at(-1);
    expect(ev.detail.pausedWorkingDays).toBe(paused);
  });

  it('the inbox lists the department cases by due day with a deadline status', async () => {
    const cal = await loadCalendar(rt.platform.db);
    const today = dayOf(new Date());
    const overdue = await caseIn('REVIEWING');
    await rt.platform.db
      .updateTable('cases')
      .set({ accepted_at: new Date(Date.now() - 30 * 86_400_000).toISOString(), due_day: '2020-01-02' })
      .where('id', '=', overdue.id)
      .execute();
    const warning = await caseIn('ACCEPTED');
    let d = today;
    for (let i = 1; i < 60 && cal.workingDaysBetween(d, today) < 4; i++)
      d = dayOf(new Date(Date.now() - i * 86_400_000));
    await rt.platform.db
      .updateTable('cases')
      .set({
        accepted_at: `${d}T04:00:00.000Z`,
        due_day: cal.addWorkingDays(d, 5),
        warn_day: warnDayOf(cal, d, cal.addWorkingDays(d, 5), 1),
      })
      .where('id', '=', warning.id)
      .execute();
    const normal = await caseIn('ACCEPTED');
    // A suspended case (中止) past its old due day: its clock is paused, so it is not overdue.
    const paused = await caseIn('SUSPENDED');
    await rt.platform.db
      .updateTable('cases')
      .set({ accepted_at: new Date(Date.now() - 30 * 86_400_000).toISOString(), due_day: '2020-01-03' })
      .where('id', '=', paused.id)
      .execute();

    const r = await api(window01, 'GET', '/inbox?pageSize=200');
    expect(r.status).toBe(200);
    const byId = new Map(r.body.items.map((i: any) => [i.id, i]));
    expect((byId.get(overdue.id) as any).deadlineStatus).toBe('overdue');
    expect((byId.get(warning.id) as any).deadlineStatus).toBe('warning');
    expect((byId.get(normal.id) as any).deadlineStatus).toBe('normal');
    expect((byId.get(paused.id) as any).deadlineStatus).toBe('normal');
    const overdueIds = (await api(window01, 'GET', '/inbox?deadline=overdue&pageSize=200')).body.items.map(
      (i: any) => i.id,
    );
    expect(overdueIds).toContain(overdue.id);
    expect(overdueIds).not.toContain(paused.id);
    // Nor does a deadline job flag it while it is paused.
    expect(
      await deadlineReached(rt.platform, systemCtx('test'), {
        caseId: paused.id,
        kind: 'overdue',
        dueDay: '2020-01-03',
      }),
    ).toBe(false);
    expect(r.body.items[0].id).toBe(overdue.id);
    const due = r.body.items.map((i: any) => i.dueDay).filter(Boolean);
    expect(due).toEqual([...due].sort());
    expect(r.body.items.every((i: any) => i.state !== 'DRAFT')).toBe(true);

    const reviewing = await api(window01, 'GET', '/inbox?state=REVIEWING&pageSize=200');
    expect(reviewing.body.items.every((i: any) => i.state === 'REVIEWING')).toBe(true);
    expect(reviewing.body.items.map((i: any) => i.id)).toContain(overdue.id);
    expect((await api(citizenA, 'GET', '/inbox')).status).toBe(403);
  });

  it('counts the inbox per deadline status in one request, the same as the three filtered lists', async () => {
    for (const who of [window01, approver01]) {
      const counts = await api(who, 'GET', '/inbox/counts');
      expect(counts.status, counts.raw).toBe(200);
      for (const d of ['normal', 'warning', 'overdue'])
        expect(counts.body[d], d).toBe((await api(who, 'GET', `/inbox?deadline=${d}&pageSize=1`)).body.total);
      expect(counts.body.total).toBe((await api(who, 'GET', '/inbox?pageSize=1')).body.total);
      expect(counts.body.normal + counts.body.warning + counts.body.overdue).toBe(counts.body.total);
    }
    const accepted = await api(window01, 'GET', '/inbox/counts?state=ACCEPTED');
    expect(accepted.body.total).toBe((await api(window01, 'GET', '/inbox?state=ACCEPTED&pageSize=1')).body.total);
    expect((await api(citizenA, 'GET', '/inbox/counts')).status).toBe(403);
  });

  it('splits the inbox into open (待办) and closed (已结束) cases; the counts follow the view', async () => {
    const open = await caseIn('ACCEPTED');
    const done = await caseIn('NOT_ACCEPTED');
    const ids = async (view: string) =>
      (await api(window01, 'GET', `/inbox?view=${view}&pageSize=100`)).body.items.map((i: any) => i.id);
    const totals = async (view?: string) =>
      (await api(window01, 'GET', `/inbox${view ? `?view=${view}&` : '?'}pageSize=1`)).body.total as number;
    const todo = await api(window01, 'GET', '/inbox?view=open&pageSize=100');
    expect(todo.status, todo.raw).toBe(200);
    expect(todo.body.items.length).toBeGreaterThan(0);
    const terminal = ['NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED'];
    expect(todo.body.items.every((i: any) => !terminal.includes(i.state) && i.state !== 'DRAFT')).toBe(true);
    expect(await ids('open')).toContain(open.id);
    expect(await ids('open')).not.toContain(done.id);
    const concluded = await api(window01, 'GET', '/inbox?view=closed&pageSize=100');
    expect(concluded.body.items.every((i: any) => terminal.includes(i.state))).toBe(true);
    expect(concluded.body.items.map((i: any) => i.id)).toContain(done.id);
    expect((await totals('open')) + (await totals('closed'))).toBe(await totals());
    expect(await totals('all')).toBe(await totals());
    // The cards of the 待办 view: concluded cases are no longer counted as "normal".
    const counts = await api(window01, 'GET', '/inbox/counts?view=open');
    expect(counts.body.total).toBe(await totals('open'));
    expect(counts.body.normal).toBe(
      (await api(window01, 'GET', '/inbox?view=open&deadline=normal&pageSize=1')).body.total,
    );
    expect((await api(window01, 'GET', '/inbox?view=later')).status).toBe(400);

    // Most urgent first: every case on the clock comes before the other open cases, however old
    // their due day (a concluded case awaiting delivery, due long ago).
    const waitingOld = await caseIn('RECEIVED');
    await rt.platform.db.updateTable('cases').set({ due_day: '2020-01-03' }).where('id', '=', waitingOld.id).execute();
    const list = (await api(window01, 'GET', '/inbox?view=open&pageSize=100')).body.items;
    const clock = ['ACCEPTED', 'REVIEWING', 'SUSPENDED'];
    const firstWaiting = list.findIndex((i: any) => !clock.includes(i.state));
    expect(firstWaiting).toBeGreaterThan(0);
    expect(list.slice(firstWaiting).every((i: any) => !clock.includes(i.state))).toBe(true);
    expect(list.map((i: any) => i.id)).toContain(waitingOld.id);
    // Paging crosses from the one group to the other without losing or repeating a case.
    const size = Math.max(1, firstWaiting - 1);
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(list.length / size); page++)
      paged.push(
        ...(await api(window01, 'GET', `/inbox?view=open&page=${page}&pageSize=${size}`)).body.items.map(
          (i: any) => i.id,
        ),
      );
    expect(paged).toEqual(list.map((i: any) => i.id));
  });
});

describe('applicant views and tracking', () => {
  it('mine lists only the caller’s own cases', async () => {
    const b = await newCase({ token: citizenB, submit: false });
    const mineB = await api(citizenB, 'GET', '/mine');
    expect(mineB.body.items.map((i: any) => i.id)).toEqual([b.id]);
    const mineA = await api(citizenA, 'GET', '/mine?pageSize=200');
    expect(mineA.body.total).toBeGreaterThan(10);
    expect(mineA.body.items.map((i: any) => i.id)).not.toContain(b.id);
  });

  it('tracks a case with serial number and password, without personal data; a wrong password is 404', async () => {
    const c = await caseIn('RECEIVED');
    const ok = await api(null, 'POST', '/track', { serialNo: c.serialNo, password: c.password });
    expect(ok.status, ok.raw).toBe(200);
    expect(ok.body.state).toBe('RECEIVED');
    expect(ok.body.timeline.map((e: any) => e.action)).toEqual(['create', 'submit', 'pre_review', 'receive']);
    for (const secret of ['张三', '13800138000', '陈晓玲', 'applicant', c.id]) expect(ok.raw).not.toContain(secret);

    const wrong = String((Number(c.password) + 1) % 1_000_000).padStart(6, '0');
    const bad = await api(null, 'POST', '/track', { serialNo: c.serialNo, password: wrong });
    const unknown = await api(null, 'POST', '/track', { serialNo: 'YW2000010100000000', password: c.password });
    expect(bad.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(bad.body).toEqual(unknown.body);
  });
});
