/**
 * Handling a case beyond the bare lifecycle: materials and files, drafts, the supplement notice,
 * 容缺 acceptance, special procedures, §42 extension, review steps, countersign, masking,
 * inbox filters, deadline jobs and notifications.
 */
import { dayOf, loadCalendar, systemCtx } from '@yiwang/platform';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { registerFulfilment } from '../src/index.ts';
import { maskFormData, toleratedDue } from '../src/service.ts';

let rt: TestRuntime;
let admin: string;
let window01: string;
let approver01: string;
let citizen: string;
let other: string;
let taskCode: string;
let marketId: string;

const PASSWORD = 'Yiwang@2026';
const totp = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
const FORM = {
  applicantName: '王小明',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  address: '佛山市禅城区岭南大道北18号',
};

async function login(username: string, password: string, secret?: string): Promise<string> {
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, ...(secret ? { totp: totp(secret) } : {}), tokenType: 'bearer' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
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

/** The caller's notifications (GET /api/v1/notifications`query`), as status and JSON text. */
async function notifications(token: string, query = '') {
  const res = await rt.app.inject({
    method: 'GET',
    url: `/api/v1/notifications${query}`,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, text: JSON.stringify(res.json()) };
}

async function upload(token: string, name: string, bytes: Buffer, extra: Record<string, string> = {}) {
  const boundary = '----yw-handling';
  const parts = [
    ...Object.entries(extra).map(([k, v]) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ];
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/cases/files',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(parts),
  });
  return { status: res.statusCode, body: res.json() as any };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
async function pdf(token = citizen) {
  const r = await upload(token, 'doc.pdf', PDF);
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const row = (id: string) =>
  rt.platform.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function act(token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  const { version } = await row(id);
  return api(token, 'POST', `/${id}/actions`, { action, expectedVersion: version, ...extra });
}
async function ok(token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  const r = await act(token, id, action, extra);
  expect(r.status, `${action}: ${r.raw}`).toBe(200);
  return r.body;
}

/** A submitted case with the two required materials: an upload and a commitment. */
async function submitted() {
  const r = await api(citizen, 'POST', '', {
    taskCode,
    formData: FORM,
    materials: [
      { name: '申请书', fileIds: [await pdf()] },
      { name: '承诺书', fulfilment: 'COMMITMENT', commitment: true },
    ],
    submit: true,
  });
  expect(r.status, r.raw).toBe(201);
  return r.body.case.id as string;
}
async function reviewing() {
  const id = await submitted();
  for (const a of ['pre_review', 'receive', 'accept', 'start_review']) await ok(window01, id, a);
  return id;
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login('admin', PASSWORD, 'JBSWY3DPEHPK3PXPYIWANGDEMO');
  window01 = await login('window01', PASSWORD);
  approver01 = await login('approver01', PASSWORD);
  for (const [name, idNumber, phone] of [
    ['王小明', '11010519491231002X', '13800138000'],
    ['赵六', '440524188001010014', '13900139000'],
  ] as const) {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { type: 'person', name, idNumber, phone, password: 'Citizen#2026' },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  citizen = await login('11010519491231002X', 'Citizen#2026');
  other = await login('440524188001010014', 'Citizen#2026');

  const dep: any = await rt.platform.db
    .selectFrom('departments')
    .select(['id', 'credit_code'])
    .where('short_name', '=', '禅城区政数局')
    .executeTakeFirstOrThrow();
  marketId = (
    (await rt.platform.db
      .selectFrom('departments')
      .select('id')
      .where('short_name', '=', '市场监管局')
      .executeTakeFirstOrThrow()) as any
  ).id;
  const created = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/catalog/items',
    headers: { authorization: `Bearer ${admin}` },
    payload: {
      taskCode: `${dep.credit_code}4HAND00000001`,
      catalogCode: 'HAND00000001',
      name: '办件处理测试事项',
      taskType: '01',
      useLevel: '4',
      departmentId: dep.id,
      projectType: 2,
      statutoryLimit: 20,
      statutoryUnit: 1,
      promisedLimit: 10,
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
          idNumber: { type: 'string', title: '身份证号码' },
          phone: { type: 'string', title: '联系电话' },
          address: { type: 'string', title: '地址' },
        },
      },
      materials: [
        {
          name: '申请书',
          type: 'original',
          required: true,
          copies: 1,
          fulfilment: 'UPLOAD',
          format: 'pdf',
          maxSizeMb: 1,
        },
        { name: '承诺书', type: 'original', required: true, copies: 1, fulfilment: 'COMMITMENT' },
        { name: '场所平面图', type: 'copy', required: false, copies: 1, fulfilment: 'UPLOAD', format: 'pdf,jpg,png' },
      ],
      steps: [
        { name: '审查', days: 3, unit: 1, role: 'window_staff' },
        { name: '决定', days: 2, unit: 1, role: 'approver' },
      ],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  taskCode = created.json().taskCode;
});
afterAll(async () => {
  await rt?.close();
});

describe(`material files on ${dbLabel}`, () => {
  it('checks the type by content and the size by the material rules; stores the bytes', async () => {
    const good = await upload(citizen, '申请书.pdf', PDF, { taskCode, material: '申请书' });
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ name: '申请书.pdf', size: PDF.length, mime: 'application/pdf' });
    expect(good.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const fake = await upload(citizen, 'virus.pdf', Buffer.from('MZ this is not a pdf'));
    expect(fake.status).toBe(400);
    expect(fake.body).toMatchObject({ code: 'FILE_TYPE', field: 'file' });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const wrongKind = await upload(citizen, 'a.png', png, { taskCode, material: '申请书' });
    expect(wrongKind.body.code).toBe('FILE_TYPE');
    expect((await upload(citizen, 'a.png', png, { taskCode, material: '场所平面图' })).status).toBe(201);
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 1)]);
    const tooBig = await upload(citizen, 'big.pdf', big, { taskCode, material: '申请书' });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ code: 'FILE_TOO_LARGE', field: 'file' });

    const read = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/cases/files/${good.body.id}`,
      headers: { authorization: `Bearer ${citizen}` },
    });
    expect(read.statusCode).toBe(200);
    expect(read.headers['content-type']).toBe('application/pdf');
    expect(read.rawPayload.equals(PDF)).toBe(true);
    const stranger = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/cases/files/${good.body.id}`,
      headers: { authorization: `Bearer ${other}` },
    });
    expect(stranger.statusCode).toBe(404);
  });

  it('staff read a file of a case they may see, and that read is audited', async () => {
    const id = await submitted();
    const fileId = (await row(id)).materials.find((m: any) => m.name === '申请书').files[0].id;
    const res = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/cases/files/${fileId}`,
      headers: { authorization: `Bearer ${window01}` },
    });
    expect(res.statusCode).toBe(200);
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'cases.file.read')
      .where('object_id', '=', fileId)
      .execute();
    expect(audit).toHaveLength(1);
    const foreign = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/cases/files/${fileId}`,
      headers: { authorization: `Bearer ${approver01}` },
    });
    expect(foreign.statusCode).toBe(404);
  });
});

describe('applying with materials', () => {
  it('a draft may lack materials; submission needs every required one (400 names it, nothing changes)', async () => {
    const draft = await api(citizen, 'POST', '', { taskCode, formData: FORM });
    expect(draft.status).toBe(201);
    const id = draft.body.case.id;
    expect(draft.body.case.materials.map((m: any) => [m.name, m.status])).toEqual([
      ['申请书', 'missing'],
      ['承诺书', 'missing'],
      ['场所平面图', 'missing'],
    ]);
    const refused = await act(citizen, id, 'submit');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'MATERIAL_MISSING', field: 'materials.申请书' });
    expect((await row(id)).state).toBe('DRAFT');

    const v = (await row(id)).version;
    const upd = await api(citizen, 'PUT', `/${id}`, {
      expectedVersion: v,
      formData: { ...FORM, address: '佛山市南海区桂城街道' },
      materials: [
        { name: '申请书', fileIds: [await pdf()] },
        { name: '承诺书', fulfilment: 'COMMITMENT', commitment: true },
      ],
    });
    expect(upd.status, upd.raw).toBe(200);
    expect(upd.body.formData.address).toBe('佛山市南海区桂城街道');
    expect(upd.body.materials.find((m: any) => m.name === '承诺书')).toMatchObject({
      status: 'provided',
      commitment: true,
      fulfilment: 'COMMITMENT',
    });
    expect((await api(citizen, 'PUT', `/${id}`, { expectedVersion: v, formData: FORM })).status).toBe(409);
    expect((await ok(citizen, id, 'submit')).state).toBe('SUBMITTED');
    expect(
      (await api(citizen, 'PUT', `/${id}`, { expectedVersion: (await row(id)).version, formData: FORM })).body.code,
    ).toBe('NOT_A_DRAFT');
  });

  it('refuses a commitment where the item does not allow one, a file of someone else, an unknown material', async () => {
    const cases = (await rt.platform.db.selectFrom('cases').select('id').execute()).length;
    const notAllowed = await api(citizen, 'POST', '', {
      taskCode,
      formData: FORM,
      materials: [{ name: '申请书', fulfilment: 'COMMITMENT', commitment: true }],
    });
    expect(notAllowed.body).toMatchObject({ code: 'FULFILMENT_NOT_ALLOWED', field: 'materials.申请书' });
    const foreign = await api(citizen, 'POST', '', {
      taskCode,
      formData: FORM,
      materials: [{ name: '申请书', fileIds: [await pdf(other)] }],
    });
    expect(foreign.body).toMatchObject({ code: 'FILE_UNKNOWN', field: 'materials.申请书' });
    const unknown = await api(citizen, 'POST', '', { taskCode, formData: FORM, materials: [{ name: '户口本' }] });
    expect(unknown.body).toMatchObject({ code: 'VALIDATION', field: 'materials.户口本' });
    const unticked = await api(citizen, 'POST', '', {
      taskCode,
      formData: FORM,
      materials: [{ name: '承诺书', fulfilment: 'COMMITMENT', commitment: false }],
    });
    expect(unticked.body.code).toBe('COMMITMENT_REQUIRED');
    expect((await rt.platform.db.selectFrom('cases').select('id').execute()).length).toBe(cases);
  });

  it('a fulfilment type registered by another module plugs in without changes here', async () => {
    registerFulfilment({
      type: 'UPLOAD_MIRROR',
      async fulfil(_fc, input) {
        return { files: [], evidence: { kind: 'UPLOAD_MIRROR', ref: input.ref } };
      },
    });
    // Only the item's declared type or UPLOAD is accepted for a material.
    const r = await api(citizen, 'POST', '', {
      taskCode,
      formData: FORM,
      materials: [{ name: '申请书', fulfilment: 'UPLOAD_MIRROR', ref: 'x' }],
    });
    expect(r.body.code).toBe('FULFILMENT_NOT_ALLOWED');
  });
});

describe('supplement notice and 容缺 acceptance', () => {
  it('one notice lists every material; the applicant supplements them all; accepted with a tolerated material', async () => {
    const id = await submitted();
    await ok(window01, id, 'pre_review');
    await ok(window01, id, 'receive');
    const empty = await act(window01, id, 'request_supplement', { reason: '材料不全' });
    expect(empty.body).toMatchObject({ code: 'VALIDATION', field: 'supplementItems' });
    const notice = await ok(window01, id, 'request_supplement', {
      reason: '请一次性补正以下材料',
      supplementItems: [
        { material: '申请书', note: '缺少法定代表人签字' },
        { material: '场所平面图', note: '请提供经营场所平面图' },
      ],
    });
    expect(notice.supplement.items).toHaveLength(2);
    const partial = await act(citizen, id, 'supplement', { materials: [{ name: '申请书', fileIds: [await pdf()] }] });
    expect(partial.body).toMatchObject({ code: 'MATERIAL_MISSING', field: 'materials.场所平面图' });
    const back = await ok(citizen, id, 'supplement', {
      materials: [
        { name: '申请书', fileIds: [await pdf()] },
        { name: '场所平面图', fileIds: [await pdf()] },
      ],
    });
    expect(back.state).toBe('RECEIVED');
    expect(back.supplement).toBeNull();
    expect(back.materials.find((m: any) => m.name === '场所平面图').status).toBe('supplemented');
    // §32 runs again from the receipt of the supplemented materials.
    const jobs = await rt.platform.db
      .selectFrom('jobs')
      .select('unique_key')
      .where('unique_key', 'like', `auto_accept:${id}:%`)
      .execute();
    expect(jobs).toHaveLength(2);
  });

  it('容缺受理: a missing or defective material tolerated until a day; approval waits for it', async () => {
    const id = await submitted();
    await ok(window01, id, 'pre_review');
    await ok(window01, id, 'receive');
    const past = await act(window01, id, 'accept', { tolerated: [{ material: '申请书', dueDay: '2020-01-01' }] });
    expect(past.body).toMatchObject({ code: 'VALIDATION', field: 'tolerated.0.dueDay' });
    const unknown = await act(window01, id, 'accept', { tolerated: [{ material: '户口本', dueDay: '2099-01-01' }] });
    expect(unknown.body.field).toBe('tolerated.0.material');
    const cal = await loadCalendar(rt.platform.db);
    const due = cal.addWorkingDays(dayOf(new Date()), 5);
    const accepted = await ok(window01, id, 'accept', {
      tolerated: [
        { material: '申请书', dueDay: due },
        { material: '场所平面图', dueDay: due },
      ],
    });
    expect(accepted.materials.find((m: any) => m.name === '申请书')).toMatchObject({
      status: 'tolerated',
      toleratedUntil: due,
    });
    await ok(window01, id, 'start_review');
    const view = await api(window01, 'GET', `/${id}`);
    expect(view.body.allowedActions).not.toContain('approve');
    const refused = await act(window01, id, 'approve');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('TOLERATED_PENDING');
    expect((await api(citizen, 'GET', `/${id}`)).body.allowedActions).toContain('provide_materials');
    const wrong = await act(citizen, id, 'provide_materials', {
      materials: [{ name: '承诺书', fulfilment: 'COMMITMENT', commitment: true }],
    });
    expect(wrong.body.field).toBe('materials.0.name');
    const provided = await ok(citizen, id, 'provide_materials', {
      materials: [
        { name: '申请书', fileIds: [await pdf()] },
        { name: '场所平面图', fileIds: [await pdf()] },
      ],
    });
    expect(provided.state).toBe('REVIEWING');
    expect(provided.materials.find((m: any) => m.name === '申请书').status).toBe('supplemented');
    expect((await ok(window01, id, 'approve')).outcome).toBe('APPROVED');
  });
});

describe('容缺受理 reminders', () => {
  it('reminds the applicant before a tolerated material is due, tells both sides when it is overdue, and stops once it is in', async () => {
    const id = await submitted();
    await ok(window01, id, 'pre_review');
    await ok(window01, id, 'receive');
    const due = dayOf(new Date(Date.now() + 3 * 86_400_000));
    await ok(window01, id, 'accept', { tolerated: [{ material: '申请书', dueDay: due }] });
    const jobs = await rt.platform.db
      .selectFrom('jobs')
      .select(['unique_key', 'run_at', 'payload'])
      .where('queue', '=', 'cases.tolerated')
      .where('unique_key', 'like', `tolerated:${id}:%`)
      .execute();
    expect(jobs.map((j: any) => j.unique_key.split(':').pop()).sort()).toEqual(['overdue', 'reminder']);
    const runAt = (kind: string) => new Date(jobs.find((j: any) => j.unique_key.endsWith(kind))!.run_at).getTime();
    expect(runAt('reminder')).toBeLessThan(runAt('overdue'));
    expect(runAt('reminder')).toBeGreaterThan(Date.now());

    await rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where('unique_key', 'like', `tolerated:${id}:%`)
      .execute();
    await rt.platform.jobs.runDue();
    const actions = async () =>
      (
        await rt.platform.db
          .selectFrom('audit_log')
          .select('action')
          .where('object_id', '=', id)
          .where('action', 'like', 'cases.tolerated_%')
          .execute()
      )
        .map((a: any) => a.action)
        .sort();
    await expect.poll(actions, { timeout: 5000 }).toEqual(['cases.tolerated_overdue', 'cases.tolerated_reminder']);
    const applicant = (await notifications(citizen, '?pageSize=100')).text;
    expect(applicant).toContain('请按时补交容缺材料');
    expect(applicant).toContain(`容缺受理的材料“申请书”须在 ${due} 前补齐`);
    expect(applicant).toContain('容缺材料已逾期');
    expect((await notifications(window01, '?pageSize=100')).text).toContain('容缺材料逾期未补');

    // Handed in: a job that runs later tells no one.
    await ok(window01, id, 'start_review');
    await ok(citizen, id, 'provide_materials', { materials: [{ name: '申请书', fileIds: [await pdf()] }] });
    const job = jobs.find((j: any) => j.unique_key.endsWith('overdue'))!;
    const payload = typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload;
    expect(await toleratedDue(rt.platform, systemCtx('test'), payload)).toBe(false);
  });
});

describe('reading aids for staff', () => {
  it('the item version of a case, and every department for countersign', async () => {
    const id = await submitted();
    const item = await api(window01, 'GET', `/${id}/item`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ taskCode, taskVersion: 1 });
    expect(Object.keys(item.body.formSchema.properties)).toContain('idNumber');
    expect((await api(other, 'GET', `/${id}/item`)).status).toBe(404);
    const deps = await api(approver01, 'GET', '/departments');
    expect(deps.status).toBe(200);
    expect(deps.body.items.length).toBeGreaterThan(10);
    expect((await api(citizen, 'GET', '/departments')).status).toBe(403);
  });

  it('a draft may leave required fields empty; submission may not', async () => {
    const d = await api(citizen, 'POST', '', {
      taskCode,
      formData: { applicantName: '王小明', phone: '' },
      materials: [
        { name: '申请书', fileIds: [await pdf()] },
        { name: '承诺书', fulfilment: 'COMMITMENT', commitment: true },
      ],
    });
    expect(d.status, d.raw).toBe(201);
    const r = await act(citizen, d.body.case.id, 'submit');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'VALIDATION', field: 'formData.phone' });
    expect((await row(d.body.case.id)).state).toBe('DRAFT');
  });
});

describe('special procedures, extension, steps', () => {
  it('suspension names a §45 procedure, which resume closes; the applicant is told in writing', async () => {
    const id = await reviewing();
    const bad = await act(window01, id, 'suspend', { reason: '需要检测', procedure: { type: 'lunch' } });
    expect(bad.body).toMatchObject({ code: 'VALIDATION', field: 'procedure.type' });
    const s = await ok(window01, id, 'suspend', { reason: '送检', procedure: { type: 'testing' } });
    expect(s.procedures).toHaveLength(1);
    expect(s.procedures[0]).toMatchObject({ type: 'testing', reason: '送检', end: null });
    expect(s.procedures[0].notifiedAt).toBeTruthy();
    const r = await ok(window01, id, 'resume');
    expect(r.procedures[0].end).toBeTruthy();
    const notes = await notifications(citizen);
    expect(notes.status).toBe(200);
    expect(notes.text).toContain('特别程序');
  });

  it('§42 extension: 1–10 working days with a reason, once', async () => {
    const id = await reviewing();
    const before = await row(id);
    expect((await act(window01, id, 'extend', { reason: '情况复杂', extendDays: 11 })).body.field).toBe('extendDays');
    expect((await act(window01, id, 'extend', { extendDays: 5 })).body.field).toBe('reason');
    const e = await ok(window01, id, 'extend', { reason: '情况复杂，经负责人批准', extendDays: 10 });
    const cal = await loadCalendar(rt.platform.db);
    expect(e.dueDay).toBe(cal.addWorkingDays(before.due_day, 10));
    expect(e.statutoryDueDay).toBe(cal.addWorkingDays(before.statutory_due_day, 10));
    expect(e.extendedDays).toBe(10);
    expect(e.state).toBe('REVIEWING');
    const again = await act(window01, id, 'extend', { reason: '再延', extendDays: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_EXTENDED');
  });

  it('review steps are done in order by their role, with an opinion', async () => {
    const id = await reviewing();
    const v = await api(window01, 'GET', `/${id}`);
    expect(v.body.steps.map((s: any) => [s.name, s.role])).toEqual([
      ['审查', 'window_staff'],
      ['决定', 'approver'],
    ]);
    expect(v.body.currentStep).toBe(0);
    expect((await act(window01, id, 'complete_step', {})).body.field).toBe('opinion');
    const first = await ok(window01, id, 'complete_step', { opinion: 'agree', comment: '材料齐全' });
    expect(first.currentStep).toBe(1);
    expect(first.steps[0].done).toMatchObject({ opinion: 'agree', comment: '材料齐全', by: '陈晓玲' });
    const wrongRole = await act(window01, id, 'complete_step', { opinion: 'agree' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.code).toBe('STEP_ROLE');
    expect((await row(id)).current_step).toBe(1);
  });
});

describe('parallel countersign', () => {
  it('other departments give opinions in parallel; no decision while it is open', async () => {
    const id = await reviewing();
    expect((await act(window01, id, 'countersign_start', { departments: [] })).body.field).toBe('departments');
    const started = await ok(window01, id, 'countersign_start', { departments: [marketId] });
    expect(started.countersign.departments).toHaveLength(1);
    expect(started.countersign.departments[0]).toMatchObject({ departmentId: marketId, opinion: null });
    const blocked = await act(window01, id, 'approve');
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('COUNTERSIGN_OPEN');
    // The countersigning department sees the case and may countersign; the owner may not do it for them.
    const seen = await api(approver01, 'GET', `/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.allowedActions).toEqual(['countersign']);
    expect((await act(window01, id, 'countersign', { opinion: 'agree' })).status).toBe(403);
    expect((await act(approver01, id, 'approve')).status).toBe(403);
    const signed = await ok(approver01, id, 'countersign', { opinion: 'agree', comment: '同意，食品安全条件符合' });
    expect(signed.countersign.completedAt).toBeTruthy();
    expect(signed.countersign.departments[0]).toMatchObject({ opinion: 'agree', by: '李建华' });
    expect((await act(approver01, id, 'countersign', { opinion: 'agree' })).body.code).toBe('NO_COUNTERSIGN');
    expect((await ok(window01, id, 'approve')).state).toBe('DECIDED');
  });
});

describe('masking and the inbox', () => {
  it('masks every personal field of the seeded forms, and only those', () => {
    const masked = maskFormData({
      legalPerson: '陈美玲',
      fatherName: '李建国',
      spouseName: '周婷',
      investor: '黄伟',
      operatorName: '陈美玲',
      bankAccount: '6222020000001234',
      birthDate: '1988-03-12',
      residence: '广东省佛山市南海区桂城街道南海大道1号',
      disabilityCertNo: '44060419880312102241',
      entityName: '佛山市禅城区小梅餐饮店',
      tradeName: '美玲粥粉面',
      schoolName: '佛山市第一中学',
      creditCode: '92440604MA4W000X1A',
    });
    expect(masked).toEqual({
      legalPerson: '陈**',
      fatherName: '李**',
      spouseName: '周*',
      investor: '黄*',
      operatorName: '陈**',
      bankAccount: '6222****1234',
      birthDate: '1988-**-**',
      residence: '广东省佛山市南海区****',
      disabilityCertNo: '4406************2241',
      entityName: '佛山市禅城区小梅餐饮店',
      tradeName: '美玲粥粉面',
      schoolName: '佛山市第一中学',
      creditCode: '92440604MA4W000X1A',
    });
  });

  it('staff see personal data masked; unmasking needs cases.unmask and is audited', async () => {
    const id = await submitted();
    const v = await api(window01, 'GET', `/${id}`);
    expect(v.body.masked).toBe(true);
    expect(v.body.applicantName).toBe('王**');
    expect(v.body.formData.idNumber).toBe('1101**********002X');
    expect(v.body.formData.phone).toBe('138****8000');
    expect(v.body.formData.address).toBe('佛山市禅城区****');
    expect(v.raw).not.toContain('11010519491231002X');
    expect((await api(citizen, 'GET', `/${id}`)).body.formData.idNumber).toBe('11010519491231002X');
    const refused = await api(window01, 'POST', `/${id}/unmask`);
    expect(refused.status).toBe(403);
    // A platform administrator holds every permission.
    const clear = await api(admin, 'POST', `/${id}/unmask`);
    expect(clear.status).toBe(200);
    expect(clear.body).toEqual({ applicantName: '王小明', formData: FORM });
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .select(['actor_id', 'detail'])
      .where('action', '=', 'cases.unmask')
      .where('object_id', '=', id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('11010519491231002X');
    const tl = await api(window01, 'GET', `/${id}/timeline`);
    expect(tl.body.items[0].actorName).toBe('王**');
    expect(tl.raw).not.toContain('王小明');
    expect((await api(citizen, 'GET', `/${id}/timeline`)).body.items[0].actorName).toBe('王小明');
    const inbox = await api(window01, 'GET', '/inbox?pageSize=200');
    expect(inbox.raw).not.toContain('11010519491231002X');
    expect(inbox.raw).not.toContain('王小明');
  });

  it('filters the inbox by keyword and deadline status', async () => {
    const id = await reviewing();
    const serial = (await row(id)).serial_no;
    const byKw = await api(window01, 'GET', `/inbox?q=${serial}`);
    expect(byKw.body.items.map((i: any) => i.id)).toEqual([id]);
    const byName = await api(window01, 'GET', `/inbox?q=${encodeURIComponent('处理测试')}&pageSize=200`);
    expect(byName.body.total).toBeGreaterThan(1);
    await rt.platform.db
      .updateTable('cases')
      .set({ due_day: '2020-01-03', warn_day: '2020-01-01' })
      .where('id', '=', id)
      .execute();
    const overdue = await api(window01, 'GET', '/inbox?deadline=overdue&pageSize=200');
    expect(overdue.body.items.map((i: any) => i.id)).toContain(id);
    expect(overdue.body.items.every((i: any) => i.deadlineStatus === 'overdue')).toBe(true);
    const normal = await api(window01, 'GET', '/inbox?deadline=normal&pageSize=200');
    expect(normal.body.items.map((i: any) => i.id)).not.toContain(id);
    expect(normal.body.items.every((i: any) => i.deadlineStatus === 'normal')).toBe(true);
    expect((await api(window01, 'GET', '/inbox?deadline=late')).status).toBe(400);
  });
});

describe('deadline jobs and notifications', () => {
  it('warning and overdue jobs flag the case and tell the staff member; a moved due day cancels them', async () => {
    const id = await reviewing();
    const keys = await rt.platform.db
      .selectFrom('jobs')
      .select(['unique_key', 'run_at'])
      .where('queue', '=', 'cases.deadline')
      .where('unique_key', 'like', `deadline:${id}:%`)
      .execute();
    expect(keys.map((k: any) => k.unique_key.split(':')[2]).sort()).toEqual(['overdue', 'warning']);
    await rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where('unique_key', 'like', `deadline:${id}:%`)
      .execute();
    await rt.platform.jobs.runDue();
    await expect.poll(async () => (await row(id)).deadline_flag, { timeout: 5000 }).toBe('overdue');
    const audit = await rt.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', id)
      .where('action', 'like', 'cases.deadline_%')
      .execute();
    expect(audit.map((a: any) => a.action)).toContain('cases.deadline_overdue');
    expect((await notifications(window01)).text).toContain('已超期');

    // An extension moves the due day: the flag is cleared and old jobs no longer apply.
    const e = await ok(window01, id, 'extend', { reason: '经批准延长', extendDays: 3 });
    expect(e.deadlineFlag).toBeNull();
  });

  it('the applicant is notified of every change of state', async () => {
    const id = await reviewing();
    await ok(window01, id, 'approve');
    const { text } = await notifications(citizen, '?pageSize=100');
    for (const s of ['已接件', '已受理', '审查中', '已作出决定']) expect(text).toContain(s);
    expect(text).toContain('结果：准予');
  });
});
