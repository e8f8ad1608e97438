/**
 * A new case submitted at once is written in one autocommit statement (service.ts `insertSubmitted`).
 * It must leave exactly what a draft submitted afterwards leaves (events, audit, version, view,
 * notifications, jobs), store nothing when refused, keep the serial-number retry, and fall back
 * to the transaction when a material provider or a transition hook needs it.
 */
import { ITEMS_CHANGED } from '@yiwang/catalog';
import { verifyAuditChain } from '@yiwang/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADMIN_TOTP,
  call as apiCall,
  uploadPdf as apiUploadPdf,
  login,
  registerPerson,
  STAFF_PASSWORD,
} from '../../../../tests/api.ts';
import { startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { onTransition, registerFulfilment } from '../src/index.ts';
import { setSerialNoSourceForTests } from '../src/service.ts';

let rt: TestRuntime;
let admin: string;
let citizenA: string;
let citizenB: string;
let taskCode: string;
let enterpriseTask: string;
let depId: string;
let depCredit: string;

const FORM = { applicantName: '张三', phone: '13800138000', address: '禅城区岭南大道' };

/** `method url` under /api/v1 (tests/api.ts), with the raw answer as text for assertion messages. */
async function call(token: string | null, method: string, url: string, payload?: unknown) {
  const a = await apiCall(rt, token, method, url, payload);
  return { ...a, raw: a.raw.toString() };
}
const api = (token: string | null, method: string, url: string, payload?: unknown) =>
  call(token, method, `/cases${url}`, payload);
const uploadPdf = (token: string) => apiUploadPdf(rt, token, '申请表.pdf');

const ITEM = (code: string, serviceObject: string[], materials: unknown[]) => ({
  taskCode: `${depCredit}4${code}`,
  catalogCode: code,
  name: `快速提交测试事项${code}`,
  taskType: '01',
  useLevel: '4',
  departmentId: depId,
  projectType: 2,
  statutoryLimit: 20,
  statutoryUnit: 1,
  promisedLimit: 5,
  promisedUnit: 1,
  visitsRequired: 0,
  isOnline: true,
  onlineDepth: [1, 2, 3, 4],
  serviceObject,
  formSchema: {
    type: 'object',
    required: ['applicantName', 'phone'],
    properties: {
      applicantName: { type: 'string', title: '申请人姓名' },
      phone: { type: 'string', title: '联系电话', pattern: '^1\\d{10}$' },
      address: { type: 'string', title: '地址' },
    },
  },
  materials,
});
const MATERIALS = [
  { name: '申请表', type: 'original', required: true, copies: 1, fulfilment: 'UPLOAD' },
  { name: '承诺书', type: 'original', required: true, copies: 1, fulfilment: 'COMMITMENT' },
];

async function materials(token: string) {
  return [
    { name: '申请表', fileIds: [await uploadPdf(token)] },
    { name: '承诺书', fulfilment: 'COMMITMENT', commitment: true },
  ];
}

const db = () => rt.platform.db;
const countOf = async (table: string) =>
  Number(((await db().selectFrom(table).select(db().fn.countAll().as('n')).executeTakeFirstOrThrow()) as any).n);
const counts = async () => ({
  cases: await countOf('cases'),
  events: await countOf('case_events'),
  audit: await countOf('audit_log'),
  notifications: await countOf('notifications'),
  jobs: await countOf('jobs'),
});
const eventsOf = (id: string) =>
  db()
    .selectFrom('case_events')
    .select(['seq', 'from_state', 'to_state', 'action', 'actor_id', 'actor_name', 'reason', 'detail'])
    .where('case_id', '=', id)
    .orderBy('seq')
    .execute();
const auditOf = (id: string) =>
  db()
    .selectFrom('audit_log')
    .select(['seq', 'action', 'actor_id', 'actor_name', 'object_type', 'outcome', 'detail', 'request_id'])
    .where('object_type', '=', 'case')
    .where('object_id', '=', id)
    .orderBy('seq')
    .execute();

/**
 * Submits with a spy on `db.transaction`: answers the response and how many transactions the
 * cases service opened (the audit chainer's own transactions, which may run meanwhile, are not counted).
 */
async function submitWatched(token: string, payload: unknown) {
  const db = rt.platform.db;
  const original = db.transaction.bind(db);
  let transactions = 0;
  const spy = vi.spyOn(db, 'transaction').mockImplementation(() => {
    if (/modules[\\/]cases[\\/]src[\\/]service\.ts/.test(new Error().stack ?? '')) transactions++;
    return original();
  });
  try {
    const r = await api(token, 'POST', '', payload);
    return { r, transactions };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login(rt, 'admin', STAFF_PASSWORD, ADMIN_TOTP);
  citizenA = await registerPerson(rt, '张三', '11010519491231002X', '13800138000');
  citizenB = await registerPerson(rt, '李四', '440524188001010014', '13900139000');
  const dep: any = await db()
    .selectFrom('departments')
    .select(['id', 'credit_code'])
    .where('short_name', '=', '禅城区政数局')
    .executeTakeFirstOrThrow();
  depId = dep.id;
  depCredit = dep.credit_code;
  const created = await call(admin, 'POST', '/catalog/items', ITEM('FAST00000001', ['person'], MATERIALS));
  expect(created.status, created.raw).toBe(201);
  taskCode = created.body.taskCode;
  const ent = await call(admin, 'POST', '/catalog/items', ITEM('FAST00000002', ['enterprise'], MATERIALS));
  expect(ent.status, ent.raw).toBe(201);
  enterpriseTask = ent.body.taskCode;
});

afterAll(async () => {
  setSerialNoSourceForTests(null);
  await rt?.close();
});

describe('submission in one statement', () => {
  it('leaves the same events, audit records, version, view and timeline as a draft submitted afterwards', async () => {
    const before = await counts();
    const fast = await submitWatched(citizenA, {
      taskCode,
      formData: FORM,
      materials: await materials(citizenA),
      submit: true,
    });
    expect(fast.r.status, fast.r.raw).toBe(201);
    expect(fast.transactions).toBe(0); // the one-statement path
    const a = fast.r.body.case;
    expect(a.state).toBe('SUBMITTED');
    expect(a.version).toBe(2);
    expect(fast.r.body.queryPassword).toMatch(/^\d{6}$/);

    const draft = await api(citizenA, 'POST', '', { taskCode, formData: FORM, materials: await materials(citizenA) });
    expect(draft.status, draft.raw).toBe(201);
    const sub = await api(citizenA, 'POST', `/${draft.body.case.id}/actions`, {
      action: 'submit',
      expectedVersion: draft.body.case.version,
    });
    expect(sub.status, sub.raw).toBe(200);
    const b = sub.body;

    // Events: 1 create (→ DRAFT), 2 submit (DRAFT → SUBMITTED), same actor and detail.
    const ea = await eventsOf(a.id);
    const eb = await eventsOf(b.id);
    expect(ea).toEqual(eb);
    expect(ea.map((e: any) => [e.seq, e.from_state, e.to_state, e.action])).toEqual([
      [1, null, 'DRAFT', 'create'],
      [2, 'DRAFT', 'SUBMITTED', 'submit'],
    ]);

    // Audit: the same actions and details (the serial number is the case's own).
    const aa = await auditOf(a.id);
    const ab = await auditOf(b.id);
    const shape = (rows: any[], serialNo: string) =>
      rows.map((r) => ({
        ...r,
        seq: undefined,
        request_id: undefined,
        detail: JSON.parse(JSON.stringify(r.detail).replace(serialNo, '<serial>')),
      }));
    expect(shape(aa, a.serialNo)).toEqual(shape(ab, b.serialNo));
    expect(aa.map((r: any) => r.action)).toEqual(['cases.create', 'cases.submit']);
    expect(aa[1]!.detail).toEqual({ from: 'DRAFT', to: 'SUBMITTED', version: 2 });
    expect(aa[0]!.detail).toEqual({ serialNo: a.serialNo, taskCode, taskVersion: 1 });
    expect(new Set(aa.map((r: any) => r.request_id)).size).toBe(1);

    // Both records are linked into the hash chain and the chain verifies.
    const verified = await verifyAuditChain(db());
    expect(verified.ok).toBe(true);
    const chained = await db()
      .selectFrom('audit_chain')
      .select('seq')
      .where(
        'seq',
        'in',
        aa.map((r: any) => r.seq),
      )
      .execute();
    expect(chained).toHaveLength(2);

    // The view and the timeline, apart from identity and time.
    const va = (await api(citizenA, 'GET', `/${a.id}`)).body;
    const vb = (await api(citizenA, 'GET', `/${b.id}`)).body;
    const strip = (v: any) => {
      const { id: _i, serialNo: _s, createdAt: _c, updatedAt: _u, materials: m, ...rest } = v;
      return {
        ...rest,
        materials: m.map((x: any) => ({
          ...x,
          files: x.files.map((f: any) => ({ ...f, id: undefined })),
          evidence: { ...x.evidence, at: undefined },
        })),
      };
    };
    expect(strip(va)).toEqual(strip(vb));
    expect(strip(a)).toEqual(strip(b)); // the answers of POST /cases and of the submit action
    const ta = (await api(citizenA, 'GET', `/${a.id}/timeline`)).body;
    const tb = (await api(citizenA, 'GET', `/${b.id}/timeline`)).body;
    const noAt = (t: any) => JSON.parse(JSON.stringify(t, (k, v) => (k === 'at' ? undefined : v)));
    expect(noAt(ta)).toEqual(noAt(tb));

    // Nothing else: no notification (the applicant did it), no job.
    const after = await counts();
    expect(after.cases - before.cases).toBe(2);
    expect(after.events - before.events).toBe(4);
    expect(after.notifications).toBe(before.notifications);
    expect(after.jobs).toBe(before.jobs);

    // The public tracking finds it with its serial number and query password.
    const tracked = await call(null, 'POST', '/cases/track', {
      serialNo: a.serialNo,
      password: fast.r.body.queryPassword,
    });
    expect(tracked.status, tracked.raw).toBe(200);
  });

  it('a refused submission stores nothing: bad form, missing material, wrong applicant type, another applicant’s file', async () => {
    const foreignFile = await uploadPdf(citizenB);
    const before = await counts();
    const refusals: [unknown, string, string][] = [
      [
        { taskCode, formData: { applicantName: '张三' }, materials: await materials(citizenA), submit: true },
        'VALIDATION',
        'formData.phone',
      ],
      [
        { taskCode, formData: { ...FORM, phone: '12' }, materials: await materials(citizenA), submit: true },
        'VALIDATION',
        'formData.phone',
      ],
      [
        {
          taskCode,
          formData: FORM,
          materials: [{ name: '承诺书', fulfilment: 'COMMITMENT', commitment: true }],
          submit: true,
        },
        'MATERIAL_MISSING',
        'materials.申请表',
      ],
      [
        { taskCode: enterpriseTask, formData: FORM, materials: await materials(citizenA), submit: true },
        'WRONG_APPLICANT_TYPE',
        'taskCode',
      ],
      [
        {
          taskCode,
          formData: FORM,
          materials: [
            { name: '申请表', fileIds: [foreignFile] },
            { name: '承诺书', fulfilment: 'COMMITMENT', commitment: true },
          ],
          submit: true,
        },
        'FILE_UNKNOWN',
        'materials.申请表',
      ],
    ];
    const uploads = await counts(); // the uploads above are audited; nothing after them
    for (const [payload, code, field] of refusals) {
      const r = await api(citizenA, 'POST', '', payload);
      expect(r.status, r.raw).toBe(400);
      expect(r.body).toMatchObject({ code, field });
    }
    expect(await counts()).toEqual(uploads);
    expect(uploads.cases).toBe(before.cases);
  });

  it('retries a colliding serial number, and stores nothing when it keeps colliding', async () => {
    const first = await api(citizenA, 'POST', '', {
      taskCode,
      formData: FORM,
      materials: await materials(citizenA),
      submit: true,
    });
    expect(first.status, first.raw).toBe(201);
    const taken = first.body.case.serialNo as string;
    const body = { taskCode, formData: FORM, materials: await materials(citizenA), submit: true };

    // Twice the serial number of an existing case, then a fresh one: the third attempt is stored.
    let calls = 0;
    setSerialNoSourceForTests(() => (++calls <= 2 ? taken : `YW${taken.slice(2, 10)}${'7'.repeat(8)}`));
    const before = await counts();
    const retried = await api(citizenA, 'POST', '', body);
    expect(retried.status, retried.raw).toBe(201);
    expect(calls).toBe(3);
    expect(retried.body.case.serialNo).toBe(`YW${taken.slice(2, 10)}77777777`);
    const after = await counts();
    expect([after.cases - before.cases, after.events - before.events, after.audit - before.audit]).toEqual([1, 2, 2]);
    expect((await auditOf(retried.body.case.id)).map((r: any) => r.action)).toEqual(['cases.create', 'cases.submit']);

    // Always colliding: gives up after the retries, nothing stored.
    setSerialNoSourceForTests(() => taken);
    const stuck = await api(citizenA, 'POST', '', body);
    expect(stuck.status).toBeGreaterThanOrEqual(500);
    setSerialNoSourceForTests(null);
    expect(await counts()).toEqual(after);
  });

  it('uses the transaction when a material provider needs it, or a hook wants submit', async () => {
    // A provider that does not declare outsideTransaction runs inside the case's transaction
    // (here a stand-in for ECERT, which the licences module registers without the flag).
    let inTx: boolean | null = null;
    registerFulfilment({
      type: 'ECERT',
      async fulfil(fc) {
        inTx = fc.db.isTransaction;
        return { files: [], evidence: { kind: 'ECERT' } };
      },
    });
    const txItem = await call(
      admin,
      'POST',
      '/catalog/items',
      ITEM(
        'FAST00000003',
        ['person'],
        [
          {
            name: '证明',
            type: 'original',
            required: true,
            copies: 1,
            fulfilment: 'ECERT',
            licenceTypeCode: `${depCredit}001`,
          },
        ],
      ),
    );
    expect(txItem.status, txItem.raw).toBe(201);
    const slow = await submitWatched(citizenA, {
      taskCode: txItem.body.taskCode,
      formData: FORM,
      materials: [{ name: '证明', ref: 'any' }],
      submit: true,
    });
    expect(slow.r.status, slow.r.raw).toBe(201);
    expect(slow.transactions).toBe(1);
    expect(inTx).toBe(true);
    expect(slow.r.body.case).toMatchObject({ state: 'SUBMITTED', version: 2 });
    expect((await eventsOf(slow.r.body.case.id)).map((e: any) => e.action)).toEqual(['create', 'submit']);

    // A hook that wants submit of any case: the transaction path, and the hook runs in it.
    const seen: string[] = [];
    onTransition(
      async (tx, _ctx, row, t) => {
        expect(tx.isTransaction).toBe(true);
        seen.push(`${t.action}:${row.id}`);
      },
      { actions: ['submit'] },
    );
    const hooked = await submitWatched(citizenA, {
      taskCode,
      formData: FORM,
      materials: await materials(citizenA),
      submit: true,
    });
    expect(hooked.r.status, hooked.r.raw).toBe(201);
    expect(hooked.transactions).toBe(1);
    expect(seen).toEqual([`submit:${hooked.r.body.case.id}`]);
  });
});

describe('published items cache', () => {
  it('a new version is used at once after it is published; a cancelled item is refused at once', async () => {
    const code = ITEM('FAST00000004', ['person'], MATERIALS);
    const created = await call(admin, 'POST', '/catalog/items', code);
    expect(created.status, created.raw).toBe(201);
    const t = created.body.taskCode as string;
    const v1 = await api(citizenA, 'POST', '', { taskCode: t, formData: FORM, materials: await materials(citizenA) });
    expect(v1.body.case.taskVersion).toBe(1);
    const { taskCode: _t, ...input } = code;
    const updated = await call(admin, 'PUT', `/catalog/items/${t}`, {
      ...input,
      name: '快速提交测试事项（第二版）',
    });
    expect(updated.status, updated.raw).toBe(200);
    const v2 = await api(citizenA, 'POST', '', {
      taskCode: t,
      formData: FORM,
      materials: await materials(citizenA),
      submit: true,
    });
    expect(v2.body.case).toMatchObject({ taskVersion: 2, itemName: '快速提交测试事项（第二版）' });
    // A filed case keeps the version it was filed under.
    expect((await api(citizenA, 'GET', `/${v1.body.case.id}`)).body.taskVersion).toBe(1);
    const cancelled = await call(admin, 'POST', `/catalog/items/${t}/cancel`);
    expect(cancelled.status, cancelled.raw).toBe(200);
    const refused = await api(citizenA, 'POST', '', { taskCode: t, formData: FORM, submit: true });
    expect(refused.status).toBe(404);
  });

  it('another process’s change arrives as catalog.items.changed on the bus and drops the entry', async () => {
    const primed = await api(citizenA, 'POST', '', { taskCode, formData: FORM, materials: await materials(citizenA) });
    expect(primed.body.case.itemName).toBe('快速提交测试事项FAST00000001');
    // Another process renames the published version (as a stand-in for publishing) and tells the bus.
    await db()
      .updateTable('catalog_items')
      .set({ name: '另一进程改过的名称' })
      .where('task_code', '=', taskCode)
      .execute();
    const stale = await api(citizenA, 'POST', '', { taskCode, formData: FORM });
    expect(stale.body.case.itemName).toBe('快速提交测试事项FAST00000001'); // cached within the TTL
    await rt.platform.bus.publish(ITEMS_CHANGED, { taskCodes: [taskCode] });
    const fresh = await api(citizenA, 'POST', '', { taskCode, formData: FORM });
    expect(fresh.body.case.itemName).toBe('另一进程改过的名称');
    await db()
      .updateTable('catalog_items')
      .set({ name: '快速提交测试事项FAST00000001' })
      .where('task_code', '=', taskCode)
      .execute();
    await rt.platform.bus.publish(ITEMS_CHANGED, { taskCodes: null });
  });
});
