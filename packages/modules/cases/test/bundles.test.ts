/** Bundles (一件事一次办): one form and one set of materials spawning parallel child cases. */

import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogInputOf, dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { DEMO_CITIZENS } from '../src/seed.ts';
import { STATES } from '../src/workflow.ts';

let rt: TestRuntime;
let admin: string;
let approver01: string;
let citizen: string;

const PASSWORD = 'Yiwang@2026';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function login(username: string, password: string, secret?: string): Promise<string> {
  const totp = secret ? new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate() : undefined;
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, ...(totp ? { totp } : {}), tokenType: 'bearer' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

async function call(token: string | null, method: string, url: string, payload?: unknown) {
  const res = await rt.app.inject({
    method: method as any,
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as any } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : null, raw: res.body };
}

async function pdf(): Promise<string> {
  const boundary = '----yw-bundle';
  const res = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/cases/files',
    headers: { authorization: `Bearer ${citizen}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      PDF,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const FORM = {
  operatorName: '陈美玲',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  shopName: '禅城区美玲粥粉面店',
  premises: '佛山市禅城区祖庙街道福贤路18号',
  businessScope: '热食类食品制售',
  placeCategory: '美容店',
  signSize: '6x1',
  signPeriod: '3年',
};

async function materials(withSign: boolean, withHygiene: boolean) {
  const m: any[] = [
    { name: '个体工商户登记申请书', fileIds: [await pdf()] },
    { name: '经营者身份证明', fileIds: [await pdf()] },
    { name: '经营场所使用证明', fulfilment: 'COMMITMENT', commitment: true },
    { name: '食品经营许可申请书', fileIds: [await pdf()] },
    { name: '经营场所平面布局图', fileIds: [await pdf()] },
    { name: '食品安全与卫生管理制度', fulfilment: 'COMMITMENT', commitment: true },
  ];
  if (withHygiene) m.push({ name: '公共场所卫生许可申请表', fileIds: [await pdf()] });
  if (withSign)
    m.push(
      { name: '户外广告设置申请表', fileIds: [await pdf()] },
      { name: '招牌效果图及结构图', fileIds: [await pdf()] },
    );
  return m;
}

const caseRow = (id: string) =>
  rt.platform.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Walks a child case to COMPLETED (or DECIDED/DENIED then COMPLETED) as staff with the right scope. */
async function conclude(token: string, id: string, outcome: 'approve' | 'deny' = 'approve') {
  for (const action of ['pre_review', 'receive', 'accept', 'start_review', outcome, 'conclude']) {
    const { version } = await caseRow(id);
    const r = await call(token, 'POST', `/cases/${id}/actions`, {
      action,
      expectedVersion: version,
      ...(action === 'deny' ? { reason: '经营场所不符合要求' } : {}),
    });
    expect(r.status, `${action}: ${r.raw}`).toBe(200);
  }
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login('admin', PASSWORD, 'JBSWY3DPEHPK3PXPYIWANGDEMO');
  approver01 = await login('approver01', PASSWORD);
  const reg = await rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/register',
    payload: {
      type: 'person',
      name: '陈美玲',
      idNumber: '11010519491231002X',
      phone: '13800138000',
      password: 'Citizen#2026',
    },
  });
  expect(reg.statusCode, reg.body).toBe(201);
  citizen = await login('11010519491231002X', 'Citizen#2026');
});
afterAll(async () => {
  await rt?.close();
});

describe(`bundles on ${dbLabel}`, () => {
  it('lists the seeded bundles with their guide, one form and de-duplicated materials', async () => {
    const list = await call(null, 'GET', '/bundles');
    expect(list.status).toBe(200);
    expect(list.body.items.map((b: any) => b.name).sort()).toEqual(['开办餐饮店', '新生儿出生一件事'].sort());
    const g = await call(null, 'GET', '/bundles/KBCYD');
    expect(g.status).toBe(200);
    expect(g.body.members.map((m: any) => m.itemName)).toEqual([
      '个体工商户设立登记',
      '食品经营许可',
      '公共场所卫生许可',
      '户外广告设置许可',
    ]);
    expect(g.body.formSchema.required).toContain('shopName');
    const plan = g.body.materials.find((m: any) => m.name === '经营场所平面布局图');
    expect(plan.satisfies).toHaveLength(2);
    expect((await call(null, 'GET', '/bundles/NOPE')).status).toBe(404);
  });

  it('an administrator creates a bundle as a draft, publishes and withdraws it; bad definitions are refused with the field, and change nothing', async () => {
    const got = await call(admin, 'GET', '/bundles/admin/definitions/KBCYD');
    expect(got.status, got.raw).toBe(200);
    const kb = got.body;
    const [reg, food] = kb.members.map((m: any) => m.taskCode);
    const def = {
      name: '小餐饮开业',
      nameEn: 'Open a small eatery',
      description: '个体工商户登记与食品经营许可一次办',
      theme: '企业开办',
      leadDepartmentId: kb.leadDepartmentId,
      applicantTypes: ['person'],
      scenarios: [],
      members: [{ taskCode: reg }, { taskCode: food, dependsOn: [reg] }],
      form: [
        {
          id: 'shopName',
          title: '店铺名称',
          titleEn: 'Shop name',
          type: 'string',
          required: true,
          mapsTo: kb.form
            .find((f: any) => f.id === 'shopName')
            .mapsTo.filter((t: any) => [reg, food].includes(t.taskCode)),
        },
      ],
      // every required material of both members, as the seeded bundle gives them
      materials: kb.materials
        .map((x: any) => ({ ...x, satisfies: x.satisfies.filter((t: any) => [reg, food].includes(t.taskCode)) }))
        .filter((x: any) => x.satisfies.length > 0),
      jointDeadlineDays: 15,
    };
    const url = '/bundles/admin/definitions/XCYKY';
    // Only a city-wide catalog administrator.
    expect((await call(approver01, 'GET', '/bundles/admin/definitions')).status).toBe(403);
    expect((await call(approver01, 'PUT', url, def)).status).toBe(403);
    expect((await call(null, 'PUT', url, def)).status).toBe(401);

    const audits = async () =>
      (await rt.platform.db.selectFrom('audit_log').select('seq').where('object_type', '=', 'bundle').execute()).length;
    const auditsBefore = await audits();
    const refused: [unknown, string][] = [
      [
        {
          ...def,
          members: [
            { taskCode: reg, dependsOn: [food] },
            { taskCode: food, dependsOn: [reg] },
          ],
        },
        'members.0.dependsOn',
      ],
      [{ ...def, members: [...def.members, { taskCode: 'NO_SUCH_ITEM' }] }, 'members.2.taskCode'],
      [{ ...def, members: [{ taskCode: reg }, { taskCode: reg }] }, 'members.1.taskCode'],
      [{ ...def, members: [{ taskCode: reg, condition: { scenario: 'nope', equals: true } }] }, 'members.0.condition'],
      [{ ...def, form: [{ ...def.form[0], mapsTo: [{ taskCode: reg, field: 'noSuchField' }] }] }, 'form.0.mapsTo'],
      [{ ...def, form: [def.form[0], def.form[0]] }, 'form.1.id'],
      [
        { ...def, materials: [{ ...def.materials[0], satisfies: [{ taskCode: reg, material: '不存在的材料' }] }] },
        'materials.0.satisfies',
      ],
      [
        { ...def, materials: [{ ...def.materials[0], fulfilment: 'RESULT', producedBy: null }] },
        'materials.0.producedBy',
      ],
      // a required material of the registration that no bundle material stands for: its child could never be filed
      [{ ...def, materials: def.materials.filter((x: any) => x.name !== '经营者身份证明') }, 'members.0.taskCode'],
      [{ ...def, leadDepartmentId: 'no-such-department' }, 'leadDepartmentId'],
      [{ ...def, jointDeadlineDays: 0 }, 'jointDeadlineDays'],
      [{ ...def, applicantTypes: [] }, 'applicantTypes'],
    ];
    for (const [body, field] of refused) {
      const r = await call(admin, 'PUT', url, body);
      expect(r.status, `${field}: ${r.raw}`).toBe(400);
      expect(r.body.field, r.raw).toBe(field);
      expect(r.body.message).toBeTruthy();
    }
    const bad = await call(admin, 'PUT', '/bundles/admin/definitions/bad%20code', def);
    expect(bad.body).toMatchObject({ code: 'VALIDATION', field: 'code' });
    expect((await call(admin, 'GET', url)).status).toBe(404);
    expect(await audits()).toBe(auditsBefore);

    const created = await call(admin, 'PUT', `${url}?create=true`, def);
    expect(created.status, created.raw).toBe(200);
    // Creating with a code in use replaces nothing.
    const taken = await call(admin, 'PUT', `${url}?create=true`, { ...def, name: '另一个' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'BUNDLE_EXISTS', field: 'code' });
    expect((await call(admin, 'GET', url)).body.name).toBe(def.name);
    expect(created.body).toMatchObject({ code: 'XCYKY', status: 'draft', cases: 0, jointDeadlineDays: 15 });
    // A draft is not on the portal.
    expect((await call(null, 'GET', '/bundles')).body.items.map((b: any) => b.code)).not.toContain('XCYKY');
    expect((await call(null, 'GET', '/bundles/XCYKY')).status).toBe(404);

    const pub = await call(admin, 'POST', `${url}/publish`);
    expect(pub.body.status).toBe('published');
    expect((await call(admin, 'POST', `${url}/publish`)).body.code).toBe('BUNDLE_STATUS');
    const guide = await call(null, 'GET', '/bundles/XCYKY');
    expect(guide.body.members.map((m: any) => m.itemName)).toEqual(['个体工商户设立登记', '食品经营许可']);
    expect(guide.body.formSchema.required).toEqual(['shopName']);

    const renamed = await call(admin, 'PUT', url, { ...def, name: '小餐饮开业一件事' });
    expect(renamed.body).toMatchObject({ status: 'published', name: '小餐饮开业一件事' });
    const withdrawn = await call(admin, 'POST', `${url}/withdraw`);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await call(null, 'GET', '/bundles/XCYKY')).status).toBe(404);
    const list = await call(admin, 'GET', '/bundles/admin/definitions');
    expect(list.body.items.find((b: any) => b.code === 'XCYKY').status).toBe('withdrawn');
    const actions = await rt.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_type', '=', 'bundle')
      .where('object_id', '=', 'XCYKY')
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'bundles.create',
      'bundles.publish',
      'bundles.update',
      'bundles.withdraw',
    ]);
  });

  it('refuses a missing answer, field or material by name, and stores nothing', async () => {
    const before = (await rt.platform.db.selectFrom('cases').select('id').execute()).length;
    const noAnswer = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { signboard: false },
      formData: FORM,
      materials: await materials(false, false),
    });
    expect(noAnswer.body).toMatchObject({ code: 'VALIDATION', field: 'answers.publicPlace' });
    const { shopName: _, ...noShop } = FORM;
    const noField = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { publicPlace: false, signboard: false },
      formData: noShop,
      materials: await materials(false, false),
    });
    expect(noField.body).toMatchObject({ code: 'VALIDATION', field: 'formData.shopName' });
    const m = (await materials(false, false)).filter((x) => x.name !== '经营场所平面布局图');
    const noMaterial = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { publicPlace: false, signboard: false },
      formData: FORM,
      materials: m,
    });
    expect(noMaterial.status).toBe(400);
    expect(noMaterial.body).toMatchObject({ code: 'MATERIAL_MISSING', field: 'materials.经营场所平面布局图' });
    const produced = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { publicPlace: false, signboard: false },
      formData: FORM,
      materials: [...(await materials(false, false)), { name: '营业执照', fileIds: [await pdf()] }],
    });
    expect(produced.body.field).toBe('materials.营业执照');
    expect((await rt.platform.db.selectFrom('cases').select('id').execute()).length).toBe(before);
    expect(await rt.platform.db.selectFrom('bundle_cases').select('id').execute()).toHaveLength(0);
  });

  it('spawns parallel child cases, starts dependants when the prerequisite concludes, completes when all conclude', async () => {
    const m = await materials(true, true);
    const r = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { publicPlace: true, signboard: true },
      formData: FORM,
      materials: m,
    });
    expect(r.status, r.raw).toBe(201);
    expect(r.body.queryPassword).toMatch(/^\d{6}$/);
    const parentId = r.body.bundleCase.id;
    let view = await call(citizen, 'GET', `/bundles/cases/${parentId}`);
    expect(view.status).toBe(200);
    const byName = () => new Map<string, any>(view.body.children.map((c: any) => [c.itemName, c]));
    let kids: Map<string, any> = byName();
    expect(kids.size).toBe(4);
    // No prerequisites: submitted at once, in two departments in parallel.
    expect(kids.get('个体工商户设立登记').state).toBe('SUBMITTED');
    expect(kids.get('户外广告设置许可').state).toBe('SUBMITTED');
    expect(kids.get('个体工商户设立登记').departmentId).not.toBe(kids.get('户外广告设置许可').departmentId);
    expect(kids.get('食品经营许可').state).toBe('DRAFT');
    // A waiting child is submitted by the platform, not by the applicant.
    expect(kids.get('食品经营许可').allowedActions).not.toContain('submit');
    const early = await call(citizen, 'POST', `/cases/${kids.get('食品经营许可').id}/actions`, {
      action: 'submit',
      expectedVersion: (await caseRow(kids.get('食品经营许可').id)).version,
    });
    expect(early.body.code).toBe('WAITING_FOR_PREREQUISITE');
    expect(kids.get('公共场所卫生许可').state).toBe('DRAFT');
    // One form feeds every member; one upload satisfies two members.
    expect(kids.get('食品经营许可').formData.entityName).toBe(FORM.shopName);
    expect(kids.get('户外广告设置许可').formData.location).toBe(FORM.premises);
    const planId = m.find((x) => x.name === '经营场所平面布局图').fileIds[0];
    const fileOf = (c: any, name: string) => c.materials.find((x: any) => x.name === name).files[0]?.id;
    expect(fileOf(kids.get('食品经营许可'), '经营场所平面布局图和设备布局图')).toBe(planId);
    expect(fileOf(kids.get('公共场所卫生许可'), '场所平面图及卫生设施说明')).toBe(planId);

    // An administrator edits the bundle meanwhile (the licence is now to be uploaded, not produced by
    // the registration): the bundle case keeps the definition it was filed under.
    const original = (await call(admin, 'GET', '/bundles/admin/definitions/KBCYD')).body;
    const { code: _c, status: _s, updatedAt: _u, cases: _n, problems: _p, ...definition } = original;
    const edited = await call(admin, 'PUT', '/bundles/admin/definitions/KBCYD', {
      ...definition,
      materials: definition.materials.map((x: any) =>
        x.fulfilment === 'RESULT' ? { ...x, fulfilment: 'UPLOAD', producedBy: null } : x,
      ),
    });
    expect(edited.status, edited.raw).toBe(200);

    await conclude(approver01, kids.get('个体工商户设立登记').id);
    expect((await call(admin, 'PUT', '/bundles/admin/definitions/KBCYD', definition)).status).toBe(200);
    view = await call(citizen, 'GET', `/bundles/cases/${parentId}`);
    kids = byName();
    expect(kids.get('食品经营许可').state).toBe('SUBMITTED');
    expect(kids.get('公共场所卫生许可').state).toBe('SUBMITTED');
    const licence = kids.get('食品经营许可').materials.find((x: any) => x.name === '营业执照复印件');
    expect(licence.status).toBe('provided');
    expect(licence.evidence).toMatchObject({ kind: 'BUNDLE_RESULT', caseId: kids.get('个体工商户设立登记').id });
    expect(view.body.bundleCase.state).toBe('IN_PROGRESS');

    await conclude(approver01, kids.get('食品经营许可').id);
    await conclude(admin, kids.get('公共场所卫生许可').id);
    await conclude(admin, kids.get('户外广告设置许可').id);
    view = await call(citizen, 'GET', `/bundles/cases/${parentId}`);
    expect(view.body.bundleCase.state).toBe('COMPLETED');
    expect(view.body.bundleCase.completedAt).toBeTruthy();
    // One combined timeline, in time order, naming each item.
    const tl = view.body.timeline;
    expect(new Set(tl.map((e: any) => e.itemName)).size).toBe(4);
    expect(tl.map((e: any) => e.at)).toEqual([...tl.map((e: any) => e.at)].sort());
    expect(tl.filter((e: any) => e.action === 'conclude')).toHaveLength(4);

    const track = await call(null, 'POST', '/bundles/track', {
      serialNo: r.body.bundleCase.serialNo,
      password: r.body.queryPassword,
    });
    expect(track.status).toBe(200);
    expect(track.body.state).toBe('COMPLETED');
    expect(track.raw).not.toContain('陈美玲');
    const notes = await call(citizen, 'GET', '/notifications?pageSize=100');
    expect(JSON.stringify(notes.body)).toContain('一件事已办结');
  });

  it('voids dependants when the prerequisite is denied; the others run on', async () => {
    const r = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { publicPlace: false, signboard: false },
      formData: FORM,
      materials: await materials(false, false),
    });
    expect(r.status, r.raw).toBe(201);
    const parentId = r.body.bundleCase.id;
    let view = await call(citizen, 'GET', `/bundles/cases/${parentId}`);
    expect(view.body.children).toHaveLength(2);
    const reg = view.body.children.find((c: any) => c.itemName === '个体工商户设立登记');
    await conclude(approver01, reg.id, 'deny');
    view = await call(citizen, 'GET', `/bundles/cases/${parentId}`);
    const food = view.body.children.find((c: any) => c.itemName === '食品经营许可');
    expect(food.state).toBe('VOIDED');
    const voided = view.body.timeline.find((e: any) => e.caseId === food.id && e.action === 'void');
    expect(voided.reason).toContain('个体工商户设立登记');
    expect(view.body.bundleCase.state).toBe('COMPLETED');
  });

  it('the applicant withdraws a bundle: undecided children are voided', async () => {
    const r = await call(citizen, 'POST', '/bundles/XSECS/apply', {
      answers: {},
      formData: {
        babyName: '陈小宝',
        birthDate: '2026-11-20',
        motherName: '陈美玲',
        fatherName: '李志强',
        idNumber: '11010519491231002X',
        guardianName: '李志强',
        phone: '13800138000',
      },
      materials: [
        { name: '出生医学证明首次签发登记表', fileIds: [await pdf()] },
        { name: '父母居民身份证', fileIds: [await pdf()] },
        { name: '结婚证', fulfilment: 'COMMITMENT', commitment: true },
        { name: '父母居民户口簿', fileIds: [await pdf()] },
      ],
    });
    expect(r.status, r.raw).toBe(201);
    const id = r.body.bundleCase.id;
    const view = await call(citizen, 'GET', `/bundles/cases/${id}`);
    expect(view.body.children.map((c: any) => c.state).sort()).toEqual(['DRAFT', 'SUBMITTED', 'SUBMITTED']);
    expect((await call(citizen, 'POST', `/bundles/cases/${id}/withdraw`, { expectedVersion: 9 })).status).toBe(409);
    const w = await call(citizen, 'POST', `/bundles/cases/${id}/withdraw`, { expectedVersion: 1 });
    expect(w.status, w.raw).toBe(200);
    expect(w.body.state).toBe('WITHDRAWN');
    const after = await call(citizen, 'GET', `/bundles/cases/${id}`);
    expect(after.body.children.every((c: any) => c.state === 'VOIDED')).toBe(true);
    const mine = await call(citizen, 'GET', '/bundles/cases/mine');
    expect(mine.body.items.map((b: any) => b.id)).toContain(id);
  });
  it('a member item republished without a field the bundle maps: the problem names the mapping until the field is back', async () => {
    const def = (await call(admin, 'GET', '/bundles/admin/definitions/XSECS')).body;
    expect(def.problems).toEqual([]);
    const i = def.form.findIndex((f: any) => f.mapsTo.length > 0);
    const { taskCode, field } = def.form[i].mapsTo[0];
    const item = (await call(null, 'GET', `/catalog/items/${taskCode}`)).body;
    const input = catalogInputOf(item);
    const { [field]: _dropped, ...properties } = input.formSchema.properties;
    const without = {
      ...input,
      formSchema: {
        ...input.formSchema,
        properties,
        required: (input.formSchema.required ?? []).filter((r: string) => r !== field),
      },
    };
    const r1 = await call(admin, 'PUT', `/catalog/items/${taskCode}`, without);
    expect(r1.status, r1.raw).toBe(200);
    const after = (await call(admin, 'GET', '/bundles/admin/definitions/XSECS')).body;
    expect(after.problems.map((p: any) => p.field)).toEqual([`form.${i}.mapsTo`]);
    expect(after.problems[0].messageZh).toContain(field);
    expect(after.problems[0].messageEn).toContain(field);
    expect((await call(null, 'GET', '/bundles/XSECS')).body.available).toBe(false);
    // Saving it unchanged is refused on the same field.
    const { code: _code, status: _st, updatedAt: _up, cases: _n, problems: _p, ...body } = after;
    const saved = await call(admin, 'PUT', '/bundles/admin/definitions/XSECS', body);
    expect(saved.status, saved.raw).toBe(400);
    expect(saved.body.field).toBe(`form.${i}.mapsTo`);

    // The item's next version has the field again: the bundle is whole without being touched.
    const r2 = await call(admin, 'PUT', `/catalog/items/${taskCode}`, input);
    expect(r2.status, r2.raw).toBe(200);
    expect((await call(admin, 'GET', '/bundles/admin/definitions/XSECS')).body.problems).toEqual([]);
    expect((await call(null, 'GET', '/bundles/XSECS')).body.available).toBe(true);
  });
  // Last in this block: it cancels a seeded item.
  it('a member item cancelled after publication: the definition shows the problem, publishing and applying are refused', async () => {
    const kb = (await call(admin, 'GET', '/bundles/admin/definitions/KBCYD')).body;
    expect(kb.problems).toEqual([]);
    const food = kb.members.find((m: any) => m.taskCode !== kb.members[0].taskCode && !m.condition).taskCode;
    const index = kb.members.findIndex((m: any) => m.taskCode === food);
    const cancelled = await call(admin, 'POST', `/catalog/items/${food}/cancel`);
    expect(cancelled.status, cancelled.raw).toBe(200);

    const list = await call(admin, 'GET', '/bundles/admin/definitions');
    const after = list.body.items.find((b: any) => b.code === 'KBCYD');
    expect(after.status).toBe('published');
    expect(after.problems).toHaveLength(1);
    expect(after.problems[0]).toMatchObject({ field: `members.${index}.taskCode` });
    expect(after.problems[0].messageZh).toContain(food);
    expect(after.problems[0].messageEn).toContain(food);
    // Bundles without that item are untouched.
    for (const b of list.body.items.filter((x: any) => !x.members.some((m: any) => m.taskCode === food)))
      expect(b.problems, b.code).toEqual([]);

    // The portal says the bundle cannot be applied for, and applying is refused before anything is stored.
    const guide = await call(null, 'GET', '/bundles/KBCYD');
    expect(guide.body.available).toBe(false);
    expect(guide.body.members.map((m: any) => m.taskCode)).not.toContain(food);
    const casesBefore = (await rt.platform.db.selectFrom('bundle_cases').select('id').execute()).length;
    const r = await call(citizen, 'POST', '/bundles/KBCYD/apply', {
      answers: { publicPlace: false, signboard: false },
      formData: FORM,
      materials: await materials(false, false),
    });
    expect(r.status, r.raw).toBe(409);
    expect(r.body).toMatchObject({ code: 'BUNDLE_UNAVAILABLE', field: 'code' });
    expect((await rt.platform.db.selectFrom('bundle_cases').select('id').execute()).length).toBe(casesBefore);
    expect((await call(null, 'GET', '/bundles/XSECS')).body.available).toBe(true);

    // The withdrawn XCYKY has the item too: it cannot be published again, nor saved unchanged.
    const xc = (await call(admin, 'GET', '/bundles/admin/definitions/XCYKY')).body;
    expect(xc.problems.map((p: any) => p.field)).toEqual(['members.1.taskCode']);
    const pub = await call(admin, 'POST', '/bundles/admin/definitions/XCYKY/publish');
    expect(pub.status, pub.raw).toBe(400);
    expect(pub.body).toMatchObject({ code: 'VALIDATION', field: 'members.1.taskCode' });
    expect((await call(admin, 'GET', '/bundles/admin/definitions/XCYKY')).body.status).toBe('withdrawn');
    const { code: _c, status: _s, updatedAt: _u, cases: _n, problems: _p, ...body } = xc;
    const saved = await call(admin, 'PUT', '/bundles/admin/definitions/XCYKY', body);
    expect(saved.status, saved.raw).toBe(400);
    expect(saved.body.field).toBe('members.1.taskCode');
  });
});

describe('historical demo cases', () => {
  it('the demo seed holds a few hundred cases in every state, with timelines', async () => {
    const demo = await startTestRuntime({ seed: true, env: { SEED_DEMO_CASES: 'true' } });
    try {
      const rows: any[] = await demo.platform.db
        .selectFrom('cases')
        .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('state')
        .execute();
      const byState = new Map(rows.map((r) => [r.state, Number(r.n)]));
      for (const s of STATES) expect(byState.get(s) ?? 0, s).toBeGreaterThan(0);
      const total = [...byState.values()].reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(250);
      const events: any = await demo.platform.db
        .selectFrom('case_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(events.n)).toBeGreaterThan(total * 3);
      // Every timeline runs forward from the case's creation, and the case's update is its last event.
      const backwards: any = await demo.platform.db
        .selectFrom('cases as c')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where((eb) =>
          eb.or([
            eb('c.updated_at', '<', eb.ref('c.created_at')),
            eb.exists(
              eb
                .selectFrom('case_events as e')
                .select('e.seq')
                .whereRef('e.case_id', '=', 'c.id')
                .where((x) => x.or([x('e.at', '<', x.ref('c.created_at')), x('e.at', '>', sql<string>`now()`)])),
            ),
          ]),
        )
        .executeTakeFirstOrThrow();
      expect(Number(backwards.n)).toBe(0);
      // A demo citizen signs in and sees their cases.
      const res = await demo.app.inject({
        method: 'POST',
        url: '/api/v1/identity/login',
        payload: { username: DEMO_CITIZENS[0]!.idNumber, password: 'Citizen#2026', tokenType: 'bearer' },
      });
      expect(res.statusCode, res.body).toBe(200);
    } finally {
      await demo.close();
    }
  }, 120_000);
});
