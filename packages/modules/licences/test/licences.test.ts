/**
 * Licences end to end through the API, on PGlite or PostgreSQL: case approval → licence issued →
 * wallet; verification by identifier, by PDF and by show token; revocation visible at once;
 * authorised copies; an expired seal refuses to sign; ECERT materials; VC export; trust lists.
 */
import { DEMO_CITIZENS } from '@yiwang/cases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call as apiCall,
  login as apiLogin,
  uploadPdf as apiUpload,
  registerPerson,
  STAFF_PASSWORD,
} from '../../../../tests/api.ts';
import { dbLabel, startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { forgetCa } from '../src/keys.ts';
import { FOOD_LICENCE_TYPE } from '../src/seed.ts';
import { verifyLicenceCredential } from '../src/vc.ts';

let rt: TestRuntime;
let admin: string;
let approver01: string;
let window01: string;
let citizen: string;
let chen: string;

const PASSWORD = STAFF_PASSWORD;
const login = (r: TestRuntime, username: string, password: string, secret?: string) =>
  apiLogin(r, username, password, secret);
const register = (r: TestRuntime, name: string, idNumber: string) => registerPerson(r, name, idNumber);
const call = (token: string | null, method: string, url: string, payload?: unknown, r: TestRuntime = rt) =>
  apiCall(r, token, method, url, payload);
const uploadPdf = (token: string) => apiUpload(rt, token);

async function postPdf(bytes: Buffer, r: TestRuntime = rt) {
  const res = await r.app.inject({
    method: 'POST',
    url: '/api/v1/licences/verify',
    headers: { 'content-type': 'application/pdf' },
    payload: bytes,
  });
  return { status: res.statusCode, body: res.json() };
}

const taskCodeOf = async (name: string) =>
  (
    await rt.platform.db
      .selectFrom('catalog_items')
      .select('task_code')
      .where('name', '=', name)
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow()
  ).task_code as string;

async function approve(token: string, id: string) {
  for (const action of ['pre_review', 'receive', 'accept', 'start_review', 'approve']) {
    const { version } = await rt.platform.db
      .selectFrom('cases')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const r = await call(token, 'POST', `/cases/${id}/actions`, { action, expectedVersion: version });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  }
}

/** Waits for the durable issuance job of a case (the job runner polls every second). */
async function issuedFor(token: string, caseId: string) {
  for (let i = 0; i < 40; i++) {
    const r = await call(token, 'GET', `/licences/cases/${caseId}`);
    expect(r.status).toBe(200);
    if (r.body?.status === 'issued') return r.body;
    if (r.body?.status === 'failed') throw new Error(`issuance failed: ${r.body.error}`);
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('licence not issued in time');
}

beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
  admin = await login(rt, 'admin', PASSWORD, 'JBSWY3DPEHPK3PXPYIWANGDEMO');
  approver01 = await login(rt, 'approver01', PASSWORD);
  window01 = await login(rt, 'window01', PASSWORD);
  citizen = await register(rt, '张小明', '11010519491231002X');
  chen = await register(rt, DEMO_CITIZENS[0]!.name, DEMO_CITIZENS[0]!.idNumber);
});
afterAll(async () => {
  await rt?.close();
});

let licence: any;
let pdf: Buffer;

describe(`licences on ${dbLabel}`, () => {
  it('seeds the CA, seals of three algorithms and the licence types', async () => {
    const types = await call(null, 'GET', '/licences/types');
    expect(types.status).toBe(200);
    expect(types.body.map((t: any) => t.name)).toEqual(
      expect.arrayContaining(['营业执照（个体工商户）', '食品经营许可证', '广东省居住证']),
    );
    const seals = await call(admin, 'GET', '/licences/seals');
    expect(seals.status).toBe(200);
    expect(new Set(seals.body.map((s: any) => s.algorithm))).toEqual(new Set(['ED25519', 'P256', 'SM2']));
    for (const s of seals.body) {
      expect(JSON.stringify(s)).not.toMatch(/PRIVATE KEY|private_key/);
      expect(s.certPem).toMatch(/BEGIN CERTIFICATE/);
    }
    const ca = await rt.platform.db.selectFrom('pki_cas').select(['kind', 'key_sealed']).execute();
    expect(ca.map((c: any) => c.kind).sort()).toEqual(['issuing', 'root']);
    for (const c of ca) expect(c.key_sealed).not.toMatch(/BEGIN/);
  });

  it('refuses bad licence types and seals with the field at fault, storing nothing', async () => {
    const before = await rt.platform.db.selectFrom('licence_types').select('id').execute();
    const types = (await call(null, 'GET', '/licences/types')).body;
    const base = { ...types[0], typeCode: '11100000000013338W099' };
    delete base.id;
    delete base.status;
    const cases: [Record<string, unknown>, string][] = [
      [{ typeCode: '11100000000013338X099' }, 'typeCode'],
      [{ typeCode: '91350100M000100Y43099', authorityCode: '91350100M000100Y44' }, 'typeCode'],
      [{ metadataSchema: { type: 'string' } }, 'metadataSchema'],
      [{ issuingDepartmentIds: [] }, 'issuingDepartmentIds'],
      [{ template: { fields: [{ key: 'nope', label: '无' }] } }, 'template.fields.0.key'],
    ];
    for (const [patch, field] of cases) {
      const r = await call(admin, 'POST', '/licences/types', { ...base, ...patch });
      expect(r.status, JSON.stringify(patch)).toBe(400);
      expect(r.body.field).toBe(field);
      expect(r.body.message).toBeTruthy();
      expect(r.body.messageEn).toBeTruthy();
    }
    expect(await rt.platform.db.selectFrom('licence_types').select('id').execute()).toHaveLength(before.length);
    const deps = await rt.platform.db.selectFrom('departments').select('id').limit(1).execute();
    const badSeal = await call(admin, 'POST', '/licences/seals', {
      departmentId: deps[0]!.id,
      sealType: 'licence',
      algorithm: 'RSA',
      validTo: '2030-01-01',
    });
    expect(badSeal.status).toBe(400);
    expect(badSeal.body.field).toBe('algorithm');
    const backwards = await call(admin, 'POST', '/licences/seals', {
      departmentId: deps[0]!.id,
      sealType: 'licence',
      algorithm: 'P256',
      validFrom: '2030-01-01',
      validTo: '2029-01-01',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.field).toBe('validTo');
    // Staff without licences.manage cannot create seals (403, audited).
    const denied = await call(window01, 'POST', '/licences/seals', {
      departmentId: deps[0]!.id,
      sealType: 'licence',
      algorithm: 'P256',
      validTo: '2030-01-01',
    });
    expect(denied.status).toBe(403);
  });

  it('issues the licence of an approved case automatically; it appears in the holder wallet', async () => {
    const taskCode = await taskCodeOf('个体工商户设立登记');
    const created = await call(citizen, 'POST', '/cases', {
      taskCode,
      submit: true,
      formData: {
        applicantName: '张小明',
        idNumber: '11010519491231002X',
        phone: '13800138000',
        tradeName: '禅城区小明五金店',
        premises: '佛山市禅城区季华五路 8 号',
        businessScope: '五金、日用百货零售',
      },
      materials: [
        { name: '个体工商户登记申请书', fileIds: [await uploadPdf(citizen)] },
        { name: '经营者身份证明', fileIds: [await uploadPdf(citizen)] },
        { name: '经营场所使用证明', fulfilment: 'COMMITMENT', commitment: true },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // As in a process restarted on existing data: no CA in memory yet. Issuing reads it inside the
    // issuing transaction (reading it outside had hung the embedded database, and the server with it).
    forgetCa(rt.platform.db);
    await approve(approver01, created.body.case.id);
    const st = await issuedFor(citizen, created.body.case.id);
    const wallet = await call(citizen, 'GET', '/licences/mine');
    expect(wallet.status).toBe(200);
    licence = wallet.body.find((l: any) => l.id === st.licenceId);
    expect(licence).toMatchObject({
      typeName: '营业执照（个体工商户）',
      holderName: '张小明',
      holderCodeMasked: '1101**********002X',
      issuerName: '佛山市市场监督管理局',
      effectiveStatus: 'valid',
      caseId: created.body.case.id,
      data: { tradeName: '禅城区小明五金店', operator: '张小明', premises: '佛山市禅城区季华五路 8 号' },
    });
    expect(licence.identifier).toMatch(
      /^1\.2\.156\.3005\.2\.11100000000013338W001\.[0-9A-Z]{18}\.440600\d{12}\.001\.[0-9A-Z]$/,
    );
    expect(JSON.stringify(wallet.body)).not.toContain('11010519491231002X');
    const notes = await rt.platform.db
      .selectFrom('notifications')
      .select('kind')
      .where('kind', '=', 'licences.issued')
      .execute();
    expect(notes.length).toBeGreaterThan(0);
    const dl = await call(citizen, 'GET', `/licences/${licence.id}/pdf`);
    expect(dl.status).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    pdf = Buffer.from(dl.raw);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Another citizen cannot read it (403, audited).
    const other = await call(chen, 'GET', `/licences/${licence.id}`);
    expect(other.status).toBe(403);
    const denied = await rt.platform.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'denied:licences.read')
      .execute();
    expect(denied.length).toBeGreaterThan(0);
  });

  it('verifies by identifier and by PDF; a bad check character is a 400; a flipped byte is tampered', async () => {
    const v = await call(null, 'GET', `/licences/verify/${encodeURIComponent(licence.identifier)}`);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({
      status: 'valid',
      typeName: '营业执照（个体工商户）',
      issuerName: '佛山市市场监督管理局',
    });
    expect(JSON.stringify(v.body)).not.toContain('张小明'); // only the masked name unless disclosed
    const wrong = licence.identifier.slice(0, -1) + (licence.identifier.endsWith('0') ? '1' : '0');
    const bad = await call(null, 'GET', `/licences/verify/${encodeURIComponent(wrong)}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'IDENTIFIER_CHECK', field: 'identifier' });
    const unknownId = '1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3';
    expect((await call(null, 'GET', `/licences/verify/${unknownId}`)).body.status).toBe('unknown');

    const byPdf = await postPdf(pdf);
    expect(byPdf.status).toBe(200);
    expect(byPdf.body).toMatchObject({ status: 'valid', identifier: licence.identifier });
    expect(byPdf.body.signer.subject).toContain('佛山市市场监督管理局');
    const flipped = Buffer.from(pdf);
    const at = flipped.indexOf('禅') > 0 ? flipped.indexOf('禅') : Math.floor(flipped.length / 3);
    flipped[at] = flipped[at]! ^ 0x01;
    expect((await postPdf(flipped)).body.status).toBe('tampered');
    expect((await postPdf(Buffer.from('not a pdf at all'))).body.status).toBe('unknown');
    const audits = await rt.platform.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['licences.verify.identifier', 'licences.verify.pdf'])
      .execute();
    expect(audits.length).toBeGreaterThanOrEqual(5);
  });

  it('detects a changed database record through the record signature', async () => {
    const orig = await rt.platform.db
      .selectFrom('licences')
      .select('valid_to')
      .where('id', '=', licence.id)
      .executeTakeFirstOrThrow();
    await rt.platform.db.updateTable('licences').set({ valid_to: '2099-12-31' }).where('id', '=', licence.id).execute();
    const v = await call(null, 'GET', `/licences/verify/${encodeURIComponent(licence.identifier)}`);
    expect(v.body.status).toBe('tampered');
    await rt.platform.db
      .updateTable('licences')
      .set({ valid_to: orig.valid_to })
      .where('id', '=', licence.id)
      .execute();
    expect((await call(null, 'GET', `/licences/verify/${encodeURIComponent(licence.identifier)}`)).body.status).toBe(
      'valid',
    );
  });

  it('shows a licence with a short-lived QR token; after expiry the token answers 410', async () => {
    const bad = await call(citizen, 'POST', `/licences/${licence.id}/show`, { ttlSeconds: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('ttlSeconds');
    const t = await call(citizen, 'POST', `/licences/${licence.id}/show`, {
      fields: ['holderName', 'data'],
      ttlSeconds: 60,
    });
    expect(t.status).toBe(201);
    const token = t.body.token as string;
    const seen = await call(null, 'GET', `/licences/show/${token}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      status: 'valid',
      disclosed: { holderName: '张小明', data: { tradeName: '禅城区小明五金店' } },
    });
    // Time passes: the token's expiry is in the past.
    await rt.platform.db
      .updateTable('licence_show_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('licence_id', '=', licence.id)
      .execute();
    const late = await call(null, 'GET', `/licences/show/${token}`);
    expect(late.status).toBe(410);
    expect(late.body.code).toBe('TOKEN_EXPIRED');
    expect((await call(chen, 'POST', `/licences/${licence.id}/show`, {})).status).toBe(403);
  });

  it('makes an authorised copy for a purpose, signed and verifiable, that expires', async () => {
    const c = await call(citizen, 'POST', `/licences/${licence.id}/copies`, {
      purpose: '银行开户',
      recipient: '某银行',
      validDays: 7,
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    const got = await rt.app.inject({ method: 'GET', url: `/api/v1/licences/copies/${c.body.token}` });
    expect(got.statusCode).toBe(200);
    const copy = Buffer.from(got.rawPayload);
    expect(copy.equals(pdf)).toBe(false);
    expect((await postPdf(copy)).body).toMatchObject({ status: 'valid', identifier: licence.identifier });
    const list = await call(citizen, 'GET', `/licences/${licence.id}/copies`);
    expect(list.body).toHaveLength(1);
    await rt.platform.db
      .updateTable('licence_copies')
      .set({ valid_until: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', c.body.id)
      .execute();
    const late = await rt.app.inject({ method: 'GET', url: `/api/v1/licences/copies/${c.body.token}` });
    expect(late.statusCode).toBe(410);
  });

  it('exports a W3C Verifiable Credential that verifies against the published issuer document', async () => {
    const vc = await call(citizen, 'GET', `/licences/${licence.id}/vc`);
    expect(vc.status, JSON.stringify(vc.body)).toBe(200);
    expect(vc.body.type).toContain('VerifiableCredential');
    expect(vc.body.proof.cryptosuite).toBe('eddsa-rdfc-2022');
    expect(JSON.stringify(vc.body)).not.toContain('11010519491231002X');
    const doc = await call(null, 'GET', `/licences/issuers/${licence.issuerCode}`);
    expect(doc.status).toBe(200);
    // did:web resolution at the host root answers the same document.
    const didWeb = await rt.app.inject({ method: 'GET', url: `/issuers/${licence.issuerCode}/did.json` });
    expect(didWeb.statusCode).toBe(200);
    expect(didWeb.json()).toEqual(doc.body);
    expect(doc.body.id).toBe(vc.body.issuer.id ?? vc.body.issuer);
    const issuers = await rt.platform.db
      .selectFrom('seals')
      .innerJoin('departments', 'departments.id', 'seals.department_id')
      .select('seals.public_key_pem')
      .where('departments.credit_code', '=', licence.issuerCode)
      .where('seals.algorithm', '=', 'ED25519')
      .execute();
    const res = await verifyLicenceCredential(vc.body, {
      issuers: issuers.map((k: any) => ({ controller: doc.body.id, publicKeyPem: k.public_key_pem })),
      checkStatus: async () => ({ verified: true }),
    });
    expect(res.verified, res.error).toBe(true);
    const forged = structuredClone(vc.body);
    forged.credentialSubject.name = '李四';
    expect(
      (
        await verifyLicenceCredential(forged, {
          issuers: issuers.map((k: any) => ({ controller: doc.body.id, publicKeyPem: k.public_key_pem })),
          checkStatus: async () => ({ verified: true }),
        })
      ).verified,
    ).toBe(false);
  });

  it('ECERT: an application shows the held licence instead of an upload; renewal makes a new version', async () => {
    const wallet = await call(chen, 'GET', `/licences/mine?typeCode=${FOOD_LICENCE_TYPE}`);
    expect(wallet.status).toBe(200);
    expect(wallet.body).toHaveLength(1); // the seeded legacy licence, claimed by her new account
    const food = wallet.body[0];
    const taskCode = await taskCodeOf('食品经营许可延续');
    const form = {
      entityName: '禅城区美玲糖水铺',
      creditCode: '92440604MA4W000010',
      legalPerson: '陈美玲',
      phone: '13800138000',
      premises: '佛山市禅城区祖庙路 23 号首层',
      businessScope: '热食类食品制售',
    };
    const wrongType = await call(chen, 'POST', '/cases', {
      taskCode,
      formData: form,
      submit: true,
      materials: [
        { name: '食品经营许可延续申请书', fileIds: [await uploadPdf(chen)] },
        { name: '食品经营许可证', fulfilment: 'ECERT', ref: licence.id },
      ],
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ field: 'materials.食品经营许可证' });
    const ok = await call(chen, 'POST', '/cases', {
      taskCode,
      formData: form,
      submit: true,
      materials: [
        { name: '食品经营许可延续申请书', fileIds: [await uploadPdf(chen)] },
        { name: '食品经营许可证', fulfilment: 'ECERT', ref: food.identifier },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const mat = ok.body.case.materials.find((m: any) => m.name === '食品经营许可证');
    expect(mat).toMatchObject({ fulfilment: 'ECERT', status: 'provided', files: [] });
    expect(mat.evidence).toMatchObject({
      kind: 'ECERT',
      identifier: food.identifier,
      typeCode: FOOD_LICENCE_TYPE,
      status: 'valid',
    });
    await approve(approver01, ok.body.case.id);
    const st = await issuedFor(chen, ok.body.case.id);
    const renewed = await call(chen, 'GET', `/licences/${st.licenceId}`);
    expect(renewed.body).toMatchObject({ version: 2, previousId: food.id, licenceNumber: food.licenceNumber });
    expect(renewed.body.identifier).toContain('.002.');
    const old = await call(null, 'GET', `/licences/verify/${encodeURIComponent(food.identifier)}`);
    expect(old.body).toMatchObject({ status: 'revoked', reason: 'superseded' });
  });

  it('revocation is visible to verification at once; only the issuing department may revoke', async () => {
    const denied = await call(window01, 'POST', `/licences/${licence.id}/status`, {
      status: 'revoked',
      reason: '测试',
    });
    expect(denied.status).toBe(403);
    const noReason = await call(approver01, 'POST', `/licences/${licence.id}/status`, {
      status: 'revoked',
      reason: ' ',
    });
    expect(noReason.status).toBe(400);
    const r = await call(approver01, 'POST', `/licences/${licence.id}/status`, {
      status: 'revoked',
      reason: '以欺骗手段取得登记',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await call(null, 'GET', `/licences/verify/${encodeURIComponent(licence.identifier)}`)).body).toMatchObject({
      status: 'revoked',
      statusReason: '以欺骗手段取得登记',
    });
    expect((await postPdf(pdf)).body.status).toBe('revoked');
    const again = await call(approver01, 'POST', `/licences/${licence.id}/status`, {
      status: 'cancelled',
      reason: '重复',
    });
    expect(again.status).toBe(409);
  });

  it('an expired or suspended seal refuses to sign', async () => {
    const types = (await call(null, 'GET', '/licences/types')).body;
    const permit = types.find((t: any) => t.name === '广东省居住证');
    const seals = (await call(admin, 'GET', '/licences/seals')).body;
    const sm2 = seals.find((s: any) => s.algorithm === 'SM2');
    const permitsBefore = await rt.platform.db
      .selectFrom('licences')
      .select('id')
      .where('type_id', '=', permit.id)
      .execute();
    const suspended = await call(admin, 'POST', `/licences/seals/${sm2.id}/status`, {
      status: 'suspended',
      reason: '密钥介质送检',
    });
    expect(suspended.status).toBe(200);
    const issue = () =>
      call(admin, 'POST', '/licences', {
        typeId: permit.id,
        departmentId: permit.issuingDepartmentIds[0],
        holder: { name: '何晓燕', code: DEMO_CITIZENS[2]!.idNumber, codeType: '111' },
        data: { name: '何晓燕', residence: '佛山市顺德区大良街道' },
      });
    const refused = await issue();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('NO_VALID_SEAL');
    // A seal whose validity ended also refuses.
    const expired = await call(admin, 'POST', '/licences/seals', {
      departmentId: permit.issuingDepartmentIds[0],
      sealType: 'licence',
      algorithm: 'P256',
      validFrom: '2020-01-01T00:00:00Z',
      validTo: '2021-01-01T00:00:00Z',
    });
    expect(expired.status).toBe(201);
    expect((await issue()).body.code).toBe('NO_VALID_SEAL');
    expect(
      await rt.platform.db.selectFrom('licences').select('id').where('type_id', '=', permit.id).execute(),
    ).toHaveLength(permitsBefore.length);
    // Reactivated, the SM2 seal signs again; its PDF verifies.
    expect((await call(admin, 'POST', `/licences/seals/${sm2.id}/status`, { status: 'active' })).status).toBe(200);
    const ok = await issue();
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const smPdf = await call(admin, 'GET', `/licences/${ok.body.id}/pdf`);
    expect((await postPdf(Buffer.from(smPdf.raw))).body).toMatchObject({
      status: 'valid',
      signer: { algorithm: 'SM2' },
    });
    // A retired type issues no more licences; active again, it does.
    const { id: _id, status: _status, ...typeInput } = permit;
    const retired = await call(admin, 'PUT', `/licences/types/${permit.id}`, { ...typeInput, status: 'retired' });
    expect(retired.status, JSON.stringify(retired.body)).toBe(200);
    expect(retired.body.status).toBe('retired');
    const refusedRetired = await issue();
    expect(refusedRetired.status).toBe(400);
    expect(refusedRetired.body).toMatchObject({ code: 'TYPE_UNKNOWN', field: 'typeId' });
    expect((await call(admin, 'PUT', `/licences/types/${permit.id}`, { ...typeInput, status: 'active' })).status).toBe(
      200,
    );
  });

  it("a second node's licence verifies here once its trust list is imported", async () => {
    const nodeB = await startTestRuntime({ seed: true });
    try {
      const adminB = await login(nodeB, 'admin', PASSWORD, 'JBSWY3DPEHPK3PXPYIWANGDEMO');
      const typesB = (await call(null, 'GET', '/licences/types', undefined, nodeB)).body;
      const biz = typesB.find((t: any) => t.name === '营业执照（个体工商户）');
      const issued = await call(
        adminB,
        'POST',
        '/licences',
        {
          typeId: biz.id,
          departmentId: biz.issuingDepartmentIds[0],
          holder: { name: '黄伟明', code: DEMO_CITIZENS[3]!.idNumber, codeType: '111' },
          data: { tradeName: '南海区伟明士多', operator: '黄伟明' },
        },
        nodeB,
      );
      expect(issued.status, JSON.stringify(issued.body)).toBe(201);
      const bPdf = Buffer.from((await call(adminB, 'GET', `/licences/${issued.body.id}/pdf`, undefined, nodeB)).raw);
      expect((await postPdf(bPdf)).body.status).toBe('unknown');
      const list = (await call(null, 'GET', '/licences/trust-list', undefined, nodeB)).body;
      const imp = await call(admin, 'POST', '/licences/trust-anchors', {
        node: '乙节点（测试）',
        certificates: list.certificates,
      });
      expect(imp.status, JSON.stringify(imp.body)).toBe(201);
      expect((await postPdf(bPdf)).body).toMatchObject({ status: 'valid', trustedNode: '乙节点（测试）' });
      const bad = await call(admin, 'POST', '/licences/trust-anchors', {
        node: 'x',
        certificates: ['not a certificate'],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe('certificates.0');
    } finally {
      await nodeB.close();
    }
  });
});
