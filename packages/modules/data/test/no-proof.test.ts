/** 免证明: a material fetched from the population library instead of being uploaded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogInputOf } from '../../../../tests/harness.ts';
import { POPULATION_CODE } from '../src/seed.ts';
import { DataTest } from './helpers.ts';

let t: DataTest;
let citizen: string;
let outsider: string;
let taskCode: string;
const CHEN = { name: '陈美玲', idNumber: '440604198803121022', phone: '13800001001' };

async function register(name: string, idNumber: string, phone: string) {
  const r = await t.call(null, 'POST', '/api/v1/identity/register', {
    type: 'person',
    name,
    idNumber,
    phone,
    password: 'Citizen#2026',
  });
  expect(r.status, r.raw).toBe(201);
  return t.login(idNumber, 'Citizen#2026');
}

async function uploadPdf(token: string): Promise<string> {
  const boundary = '----yw-data-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.rt.app.inject({
    method: 'POST',
    url: '/api/v1/cases/files',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function apply(token: string, residence: Record<string, unknown>, who = CHEN) {
  return t.call(token, 'POST', '/api/v1/cases', {
    taskCode,
    formData: {
      applicantName: who.name,
      idNumber: who.idNumber,
      phone: who.phone,
      birthDate: '1988-03-12',
      bankAccount: '6222020000000000',
    },
    materials: [
      { name: '高龄津贴申请表', fileIds: [await uploadPdf(token)] },
      { name: '申请人身份证', fileIds: [await uploadPdf(token)] },
      { name: '户籍证明', ...residence },
      { name: '银行账户信息', fileIds: [await uploadPdf(token)] },
    ],
    submit: true,
  });
}

beforeAll(async () => {
  t = await DataTest.start();
  const items = await t.call(null, 'GET', `/api/v1/catalog/items?q=${encodeURIComponent('高龄津贴申领')}`);
  taskCode = items.body.items.find((i: any) => i.name === '高龄津贴申领').taskCode;
  citizen = await register(CHEN.name, CHEN.idNumber, CHEN.phone);
  outsider = await register('赵京生', '11010519491231002X', '13900002000');
});
afterAll(() => t?.close());

describe('no-proof (免证明) with SHARED_DATA', () => {
  it('previews for the applicant what the platform fetches, with the form pre-filled from fields seen in clear', async () => {
    const r = await t.call(citizen, 'POST', '/no-proof/preview', { taskCode, material: '户籍证明' });
    expect(r.status, r.raw).toBe(200);
    expect(r.body).toMatchObject({
      satisfied: true,
      found: true,
      resourceCode: POPULATION_CODE,
      provider: '佛山市公安局',
      predicate: { field: 'residence_division', op: 'within', value: '440600', result: true },
      prefill: { applicantName: '陈美玲', birthDate: '1988-03-12' },
    });
    expect(r.body.shown).toEqual([
      { field: 'name', label: '姓名', value: '陈美玲' },
      { field: 'birth_date', label: '出生日期', value: '1988-03-12' },
      { field: 'address', label: '户籍地址', value: '广东省佛山市禅城区' },
    ]);
    expect(r.body.answerHashes).toHaveLength(2);
    const calls = await t.rt.platform.db.selectFrom('data_calls').selectAll().where('via', '=', 'preview').execute();
    expect(calls.map((c: any) => c.answer_hash).sort()).toEqual([...r.body.answerHashes].sort());
  });

  it('fulfils the material at application from the gateway and keeps the evidence on the case instead of an upload', async () => {
    const r = await apply(citizen, {});
    expect(r.status, r.raw).toBe(201);
    const caseId = r.body.case.id;
    const mat = r.body.case.materials.find((m: any) => m.name === '户籍证明');
    expect(mat).toMatchObject({ fulfilment: 'SHARED_DATA', status: 'provided', files: [] });
    expect(mat.evidence).toMatchObject({
      kind: 'SHARED_DATA',
      resource: POPULATION_CODE,
      provider: '佛山市公安局',
      result: true,
      fields: ['姓名', '出生日期', '户籍地址'],
    });
    expect(mat.evidence.requestId).toBeTruthy();
    expect(mat.evidence.answerHashes).toHaveLength(2);
    // The evidence holds no personal values, and each hash is a recorded, audited gateway call.
    expect(JSON.stringify(mat.evidence)).not.toContain('陈美玲');
    const calls = await t.rt.platform.db
      .selectFrom('data_calls')
      .selectAll()
      .where('via', '=', 'application')
      .execute();
    expect(calls.map((c: any) => c.answer_hash).sort()).toEqual([...mat.evidence.answerHashes].sort());
    expect(calls.every((c: any) => c.request_uid === mat.evidence.requestId && c.task_code === taskCode)).toBe(true);
    const audit = await t.rt.platform.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'data.gateway.predicate')
      .execute();
    expect(
      audit.some(
        (a: any) =>
          a.detail.answerHash === mat.evidence.answerHashes[0] || a.detail.answerHash === mat.evidence.answerHashes[1],
      ),
    ).toBe(true);
    const stored = await t.rt.platform.db
      .selectFrom('cases')
      .select('materials')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.materials)).toContain('SHARED_DATA');
    const saved = await t.call(null, 'GET', '/no-proof/savings');
    expect(saved.body.items).toEqual([
      expect.objectContaining({
        taskCode,
        name: '高龄津贴申领',
        materialsSaved: 1,
        visitsSaved: 1,
        materials: [{ name: '户籍证明', saved: 1 }],
      }),
    ]);
  });

  it('refuses the material when shared data cannot prove it, changing nothing; an upload is accepted instead', async () => {
    const before = await t.rt.platform.db.selectFrom('cases').select('id').execute();
    const callsBefore = await t.rt.platform.db.selectFrom('data_calls').select('id').execute();
    const r = await apply(outsider, {}, { name: '赵京生', idNumber: '11010519491231002X', phone: '13900002000' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'SHARED_DATA_NOT_SATISFIED', field: 'materials.户籍证明' });
    expect(await t.rt.platform.db.selectFrom('cases').select('id').execute()).toHaveLength(before.length);
    expect(await t.rt.platform.db.selectFrom('data_calls').select('id').execute()).toHaveLength(callsBefore.length);
    const upload = await apply(
      outsider,
      { fulfilment: 'UPLOAD', fileIds: [await uploadPdf(outsider)] },
      { name: '赵京生', idNumber: '11010519491231002X', phone: '13900002000' },
    );
    expect(upload.status, upload.raw).toBe(201);
  });

  it("checks a source for the catalog editor against the department's standing grant, the same check applying uses", async () => {
    const civilAffairs = await t.departmentId('民政局');
    const seeded = {
      resourceCode: POPULATION_CODE,
      fields: ['name', 'birth_date', 'address'],
      predicate: { field: 'residence_division', op: 'within', value: '440600' },
      prefill: { applicantName: 'name', birthDate: 'birth_date' },
    };
    const audited = async () =>
      Number(
        (
          await t.rt.platform.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auditBefore = await audited();
    const ok = await t.call(t.adminToken, 'POST', '/no-proof/check', { departmentId: civilAffairs, source: seeded });
    expect(ok.status, ok.raw).toBe(200);
    expect(ok.body).toMatchObject({
      resource: { code: POPULATION_CODE, name: '人口基础信息', provider: '佛山市公安局' },
      grant: { mode: 'rows', grantedClearFields: ['name', 'birth_date'] },
      pending: null,
      usable: true,
      fields: ['name', 'birth_date', 'address'],
      prefill: { applicantName: 'name', birthDate: 'birth_date' },
      problems: [],
    });
    // A read of grant metadata only: no personal data, nothing written, no gateway call.
    expect(await audited()).toBe(auditBefore);

    const bad = await t.call(t.adminToken, 'POST', '/no-proof/check', {
      departmentId: civilAffairs,
      source: {
        resourceCode: POPULATION_CODE,
        fields: ['name', 'phone', 'nickname', 'address'],
        predicate: { field: 'gender', op: 'eq', value: '1' },
        prefill: { applicantName: 'name', phone: 'phone', addr: 'address', other: 'birth_date' },
      },
    });
    expect(bad.status, bad.raw).toBe(200);
    expect(bad.body.usable).toBe(false);
    expect(bad.body.fields).toEqual(['name', 'address']);
    // address is granted but masked by grade, so it is shown and not pre-filled
    expect(bad.body.prefill).toEqual({ applicantName: 'name' });
    expect(bad.body.problems.map((x: any) => [x.field, x.code, x.blocking])).toEqual([
      ['fields.1', 'FIELD_NOT_GRANTED', false],
      ['fields.2', 'FIELD_UNKNOWN', false],
      ['predicate.field', 'FIELD_NOT_GRANTED', true],
      ['prefill.addr', 'PREFILL_MASKED', false],
      ['prefill.other', 'PREFILL_NOT_FETCHED', false],
    ]);
    expect(bad.body.problems[2]).toMatchObject({
      messageZh: '核验的数据项“性别”不在授权范围内',
      messageEn: 'The checked field "性别" is not granted',
    });
    const empty = await t.call(t.adminToken, 'POST', '/no-proof/check', {
      departmentId: civilAffairs,
      source: { resourceCode: POPULATION_CODE },
    });
    expect(empty.body.problems).toEqual([
      expect.objectContaining({ field: 'fields', code: 'NOTHING_ASKED', blocking: true }),
    ]);

    // Another department holds no grant on the population library.
    const market = await t.departmentId('市场监管局');
    const none = await t.call(t.adminToken, 'POST', '/no-proof/check', { departmentId: market, source: seeded });
    expect(none.body).toMatchObject({ grant: null, pending: null, usable: false });
    expect(none.body.problems[0]).toMatchObject({ field: 'resourceCode', code: 'NO_STANDING_GRANT', blocking: true });

    // Bad input names the field; strangers to the department are refused.
    const unknown = await t.call(t.adminToken, 'POST', '/no-proof/check', {
      departmentId: civilAffairs,
      source: { resourceCode: '999999999/000001', fields: ['name'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'RESOURCE_UNKNOWN', field: 'source.resourceCode' });
    const noDep = await t.call(t.adminToken, 'POST', '/no-proof/check', { source: seeded });
    expect(noDep.status).toBe(400);
    expect(
      (await t.call(citizen, 'POST', '/no-proof/check', { departmentId: civilAffairs, source: seeded })).status,
    ).toBe(403);
    const police = await t.login('data_police');
    expect(
      (await t.call(police, 'POST', '/no-proof/check', { departmentId: civilAffairs, source: seeded })).status,
    ).toBe(403);
    const civil = await t.login('data_civil');
    expect(
      (await t.call(civil, 'POST', '/no-proof/check', { departmentId: civilAffairs, source: seeded })).status,
    ).toBe(200);
  });

  it('tells the applicant to upload when the source asks for more than the grant allows (no gateway call is made)', async () => {
    const item = (await t.call(null, 'GET', `/api/v1/catalog/items/${taskCode}`)).body;
    const input = catalogInputOf(item);
    const republish = (source: Record<string, unknown>) =>
      t.call(t.adminToken, 'PUT', `/api/v1/catalog/items/${taskCode}`, {
        ...input,
        materials: input.materials.map((m: any) => (m.name === '户籍证明' ? { ...m, source } : m)),
      });
    const original = item.materials.find((m: any) => m.name === '户籍证明').source;
    const r1 = await republish({ ...original, predicate: { field: 'gender', op: 'eq', value: '2' } });
    expect(r1.status, r1.raw).toBe(200);
    const callsBefore = await t.rt.platform.db.selectFrom('data_calls').select('id').execute();
    const r = await t.call(citizen, 'POST', '/no-proof/preview', { taskCode, material: '户籍证明' });
    expect(r.status, r.raw).toBe(400);
    expect(r.body).toMatchObject({ code: 'SHARED_DATA_UNAVAILABLE', field: 'materials.户籍证明' });
    expect(await t.rt.platform.db.selectFrom('data_calls').select('id').execute()).toHaveLength(callsBefore.length);
    expect((await republish(original)).status).toBe(200);
    expect((await t.call(citizen, 'POST', '/no-proof/preview', { taskCode, material: '户籍证明' })).status).toBe(200);
  });

  it('fetches under the grant that covers the source, not the newest one, and falls back when a quota is spent', async () => {
    const police = await t.login('data_police');
    const civil = await t.login('data_civil');
    const granted = await t.call(police, 'GET', '/requests?side=provider&status=granted');
    const standing = granted.body.items.find((i: any) => i.resourceCode === POPULATION_CODE);
    const civilDep = await t.departmentId('民政局');
    expect(standing.consumerDepartmentId).toBe(civilDep);
    const fileAndGrant = async (fields: string[], decision: Record<string, unknown>) => {
      const r = await t.call(civil, 'POST', '/requests', {
        resourceId: standing.resourceId,
        purpose: '高龄津贴发放复核',
        legalBasis: '《广东省高龄老人津贴制度》',
        fields,
        clearFields: decision.clearFields,
        expectedVolume: 10,
        periodFrom: standing.periodFrom,
        periodTo: standing.periodTo,
      });
      expect(r.status, r.raw).toBe(201);
      const d = await t.call(police, 'POST', `/requests/${r.body.id}/decision`, {
        decision: 'approve',
        expectedVersion: r.body.version,
        ...decision,
      });
      expect(d.status, d.raw).toBe(200);
      return d.body;
    };
    const preview = () => t.call(citizen, 'POST', '/no-proof/preview', { taskCode, material: '户籍证明' });
    const callsOf = async (requestId: string) =>
      (await t.rt.platform.db.selectFrom('data_calls').select('id').where('request_id', '=', requestId).execute())
        .length;

    // A newer grant for another use (two fields, no clear values) does not replace the standing one.
    const narrow = await fileAndGrant(['id_number', 'gender'], { fields: ['id_number', 'gender'], clearFields: [] });
    const p1 = await preview();
    expect(p1.status, p1.raw).toBe(200);
    expect(p1.body).toMatchObject({ grantId: standing.id, satisfied: true, prefill: { applicantName: '陈美玲' } });
    const check = await t.call(t.adminToken, 'POST', '/no-proof/check', {
      departmentId: civilDep,
      source: (await t.call(null, 'GET', `/api/v1/catalog/items/${taskCode}`)).body.materials.find(
        (m: any) => m.name === '户籍证明',
      ).source,
    });
    expect(check.body).toMatchObject({ usable: true, grant: { id: standing.id } });
    expect(await callsOf(narrow.id)).toBe(0);

    // A newer grant that covers the source as well is used first; once its quota is spent, the
    // standing one answers, and the applicant never sees the gateway's limit.
    const covering = await fileAndGrant(standing.grantedFields, {
      fields: standing.grantedFields,
      clearFields: standing.grantedClearFields,
      dailyQuota: 2,
    });
    const p2 = await preview();
    expect(p2.status, p2.raw).toBe(200);
    expect(p2.body.grantId).toBe(covering.id);
    expect(await callsOf(covering.id)).toBe(2);
    const p3 = await preview();
    expect(p3.status, p3.raw).toBe(200);
    expect(p3.body).toMatchObject({ grantId: standing.id, satisfied: true });
    expect(await callsOf(covering.id)).toBe(2);

    for (const g of [narrow, covering]) {
      const rev = await t.call(police, 'POST', `/requests/${g.id}/revoke`, {
        reason: '测试结束',
        expectedVersion: g.version,
      });
      expect(rev.status, rev.raw).toBe(200);
    }
  });

  it('stops fetching once the standing grant is revoked', async () => {
    const civil = await t.login('data_police');
    const reqs = await t.call(civil, 'GET', '/requests?side=provider&status=granted');
    const g = reqs.body.items.find((i: any) => i.resourceCode === POPULATION_CODE);
    const rev = await t.call(civil, 'POST', `/requests/${g.id}/revoke`, {
      reason: '演示撤销',
      expectedVersion: g.version,
    });
    expect(rev.status, rev.raw).toBe(200);
    const r = await t.call(citizen, 'POST', '/no-proof/preview', { taskCode, material: '户籍证明' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('SHARED_DATA_UNAVAILABLE');
    const check = await t.call(t.adminToken, 'POST', '/no-proof/check', {
      departmentId: await t.departmentId('民政局'),
      source: { resourceCode: POPULATION_CODE, fields: ['name'] },
    });
    expect(check.body).toMatchObject({ grant: null, usable: false });
    expect(check.body.problems[0].code).toBe('NO_STANDING_GRANT');
  });
});
