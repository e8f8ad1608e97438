/**
 * Browser journey of electronic licences: a demo citizen's approved 个体工商户设立登记 issues a
 * 营业执照 that appears in 我的证照 (background job); she opens it, downloads the signed PDF, makes an
 * authorised copy and shows a 亮证 QR code that a verifier opens; the public verification page says
 * 有效 by identifier and by PDF, then 已撤销 after revocation; and her 食品经营许可证 is offered as an
 * electronic-licence material when she applies for 食品经营许可延续.
 */
import { readFile } from 'node:fs/promises';
import { DEMO_CITIZENS } from '@yiwang/cases';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CHEN = { ...DEMO_CITIZENS[0]!, password: 'Citizen#2026' };
const PDF = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n% ${text}\ntrailer<< /Root 1 0 R >>\n%%EOF\n`);

async function api(token: string | null, method: string, url: string, payload?: unknown) {
  const r = await j.rt.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null, raw: r.rawPayload, headers: r.headers };
}

async function bearer(username: string, password: string): Promise<string> {
  const r = await api(null, 'POST', '/identity/login', { username, password, tokenType: 'bearer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token;
}

async function uploadFile(token: string, taskCode: string, material: string): Promise<string> {
  const boundary = '----yw-licences-e2e';
  const part = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const payload = Buffer.concat([
    Buffer.from(part('taskCode', taskCode) + part('material', material)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    PDF(material),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const r = await j.rt.app.inject({
    method: 'POST',
    url: '/api/v1/cases/files',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

const taskCodeOf = async (name: string) =>
  (
    await j.rt.platform.db
      .selectFrom('catalog_items')
      .select('task_code')
      .where('name', '=', name)
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow()
  ).task_code as string;

async function signIn(page: Page, returnTo: string) {
  await page.goto(`${j.base}/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('用户名').fill(CHEN.idNumber);
  await page.getByLabel('密码', { exact: true }).fill(CHEN.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => u.pathname === returnTo);
}

let caseId = '';
let licenceId = '';
let identifier = '';
let pdf: Buffer = Buffer.alloc(0);

describe('browser journeys: electronic licences', () => {
  it('an approved case issues a licence that appears in 我的证照; the holder downloads it, makes a copy and shows it', async () => {
    const chen = await bearer(CHEN.idNumber, CHEN.password);
    const taskCode = await taskCodeOf('个体工商户设立登记');
    const created = await api(chen, 'POST', '/cases', {
      taskCode,
      submit: true,
      formData: {
        applicantName: CHEN.name,
        idNumber: CHEN.idNumber,
        phone: CHEN.phone,
        tradeName: '禅城区美玲甜品工作室',
        premises: '佛山市禅城区祖庙路 25 号',
        businessScope: '甜品制售',
      },
      materials: [
        { name: '个体工商户登记申请书', fileIds: [await uploadFile(chen, taskCode, '个体工商户登记申请书')] },
        { name: '经营者身份证明', fileIds: [await uploadFile(chen, taskCode, '经营者身份证明')] },
        { name: '经营场所使用证明', fulfilment: 'COMMITMENT', commitment: true },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    caseId = created.body.case.id;
    const before = (await api(chen, 'GET', '/licences/mine')).body as { id: string }[];

    const page = await j.browser.newPage({ acceptDownloads: true });
    await signIn(page, '/my/licences');
    await page.getByRole('heading', { name: '我的证照' }).waitFor();
    await page.getByRole('article').first().waitFor();
    expect(await page.getByRole('article').count()).toBe(before.length);

    // The approver decides (through the API); the licence is issued by a background job.
    const approver = await bearer('approver01', 'Yiwang@2026');
    for (const action of ['pre_review', 'receive', 'accept', 'start_review', 'approve']) {
      const one = await api(approver, 'GET', `/cases/${caseId}`);
      const r = await api(approver, 'POST', `/cases/${caseId}/actions`, { action, expectedVersion: one.body.version });
      expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    // Reload the wallet until the new licence is there (the job runner polls every second).
    const deadline = Date.now() + 15_000;
    while ((await page.getByRole('article').count()) === before.length) {
      if (Date.now() > deadline) throw new Error('the licence did not appear in the wallet within 15 s');
      await page.waitForTimeout(1000);
      await page.reload();
      await page.getByRole('article').first().waitFor();
    }
    const issued = await api(chen, 'GET', `/licences/cases/${caseId}`);
    expect(issued.body).toMatchObject({ status: 'issued' });
    licenceId = issued.body.licenceId;
    identifier = issued.body.identifier;
    const view = (await api(chen, 'GET', `/licences/${licenceId}`)).body;
    const card = page.getByRole('article').filter({ hasText: view.licenceNumber });
    await card.getByText('营业执照（个体工商户）').waitFor();
    await card.getByText('有效', { exact: true }).waitFor();
    await card.getByText('佛山市市场监督管理局').waitFor();

    // The detail: metadata, data fields from the case form, the signed PDF.
    await card.getByRole('link', { name: /查看/ }).click();
    await page.waitForURL(new RegExp(`/my/licences/${licenceId}$`));
    expect(await page.getByTestId('licence-identifier').textContent()).toBe(identifier);
    await page.getByText('禅城区美玲甜品工作室').waitFor();
    await page.getByText('佛山市禅城区祖庙路 25 号').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /下载 PDF/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const path = await download.path();
    pdf = await readFile(path);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    // An authorised copy (加注件) for a purpose: its link serves the watermarked PDF.
    await page.getByLabel('用途').fill('银行开户');
    await page.getByLabel('提供给').fill('佛山农商银行');
    await page.getByLabel('有效天数').fill('10');
    await page.getByRole('button', { name: '制作加注件' }).click();
    const copyUrl = (await page.getByTestId('copy-url').textContent()) ?? '';
    expect(copyUrl).toMatch(/\/api\/v1\/licences\/copies\/[\w-]+$/);
    const copyPdf = await j.rt.app.inject({ method: 'GET', url: new URL(copyUrl).pathname });
    expect(copyPdf.statusCode).toBe(200);
    expect(copyPdf.headers['content-type']).toBe('application/pdf');
    const row = page.getByRole('row').filter({ hasText: '银行开户' });
    await row.getByText('佛山农商银行').waitFor();
    await row.getByRole('button', { name: '撤回用于“银行开户”的加注件' }).waitFor();

    // 亮证: a QR code with a countdown; the verifier opening its link sees the status and the shown fields.
    await page.getByRole('button', { name: '亮证' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: '证照编号' }).check();
    const [shown] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/licences/${licenceId}/show`) && r.request().method() === 'POST'),
      dialog.getByRole('button', { name: '生成亮证码' }).click(),
    ]);
    const show = (await shown.json()) as { url: string };
    await dialog.getByRole('img', { name: /亮证二维码/ }).waitFor();
    expect(await dialog.getByTestId('show-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await dialog
      .getByRole('timer')
      .getByText(/剩余 0[45]:\d\d/)
      .waitFor();
    await dialog.getByText(/出示的信息：.*持证主体名称.*证照编号/).waitFor();
    const verifier = await j.browser.newPage();
    await verifier.goto(show.url);
    await verifier.getByTestId('verdict').getByText('有效', { exact: true }).waitFor();
    await verifier.getByText(CHEN.name, { exact: true }).waitFor();
    await verifier.getByText(view.licenceNumber, { exact: true }).waitFor();
    await verifier.close();
    await dialog.getByRole('button', { name: /完\s*成/ }).click();

    // The case page shows the issuance with a link to the wallet item.
    await page.goto(`${j.base}/my/cases/${caseId}`);
    const issuance = page.getByTestId('case-licence');
    await issuance.getByText('已签发').waitFor();
    await issuance.getByRole('link', { name: '在“我的证照”中查看' }).click();
    await page.waitForURL(new RegExp(`/my/licences/${licenceId}$`));
    await page.close();
  });

  it('the public verification page says 有效 by identifier and by PDF, and 已撤销 after revocation', async () => {
    const ctx = await j.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${j.base}/`);
    await page.getByRole('navigation').getByRole('link', { name: '证照核验' }).click();
    await page.waitForURL(/\/verify$/);
    // A wrong check character is refused under the field.
    const wrong = identifier.slice(0, -1) + (identifier.endsWith('0') ? '1' : '0');
    await page.getByLabel('证照标识').fill(wrong);
    await page.getByRole('button', { name: /核\s*验/ }).click();
    await page.getByText('证照标识校验位不正确').waitFor();
    await page.getByLabel('证照标识').fill(identifier);
    await page.getByRole('button', { name: /核\s*验/ }).click();
    await page.waitForURL((u) => decodeURIComponent(u.pathname) === `/verify/${identifier}`);
    const verdict = page.getByTestId('verdict');
    await verdict.getByText('有效', { exact: true }).waitFor();
    expect(await verdict.getAttribute('data-status')).toBe('valid');
    const result = page.getByTestId('verify-result');
    await result.getByText('营业执照（个体工商户）').waitFor();
    await result.getByText(/佛山市市场监督管理局/).waitFor();
    // Only the masked holder name unless the holder discloses it.
    expect(await result.innerText()).not.toContain(CHEN.name);

    // The downloaded PDF verifies too: the seal's certificate names the department.
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'licence.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByRole('heading', { name: '核验结果：licence.pdf' }).waitFor();
    await page.getByTestId('verdict').getByText('有效', { exact: true }).waitFor();
    await page.getByTestId('verify-result').getByText('签名者（印章证书）').waitFor();

    // The issuing department revokes it (through the API): the same page now says 已撤销.
    const approver = await bearer('approver01', 'Yiwang@2026');
    const revoked = await api(approver, 'POST', `/licences/${licenceId}/status`, {
      status: 'revoked',
      reason: '以欺骗手段取得登记',
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    await page.goto(`${j.base}/verify/${encodeURIComponent(identifier)}`);
    await page.getByTestId('verdict').getByText('已撤销或注销').waitFor();
    expect(await page.getByTestId('verdict').getAttribute('data-status')).toBe('revoked');
    await page.getByText('以欺骗手段取得登记').waitFor();
    await ctx.close();
  });

  it('applying for 食品经营许可延续, her 食品经营许可证 is offered as provided by electronic licence', async () => {
    const chen = await bearer(CHEN.idNumber, CHEN.password);
    const food = ((await api(chen, 'GET', '/licences/mine?typeCode=11100000000013338W002')).body as any[]).find(
      (l) => l.effectiveStatus === 'valid',
    );
    expect(food, 'the demo seed gives 陈美玲 a 食品经营许可证').toBeTruthy();
    const taskCode = await taskCodeOf('食品经营许可延续');
    const page = await j.browser.newPage();
    await signIn(page, `/services/${taskCode}/apply`);
    await page.getByRole('heading', { name: /在线申办：食品经营许可延续/ }).waitFor();
    const card = page.getByRole('group', { name: '食品经营许可证', exact: true });
    await card.getByText('由电子证照提供').waitFor();
    // Her only valid licence of the type is chosen; the select names it by type, number and issuer.
    await card.getByText(`食品经营许可证 ${food.licenceNumber}（佛山市市场监督管理局`).waitFor();
    await card.getByText(`已选择证照标识 ${food.identifier}`).waitFor();
    await card.getByText('不使用电子证照？也可以上传材料').waitFor();

    // Submitting sends the licence as the material; the case shows it as evidence, linked to verification.
    const field = (title: string) => page.getByRole('textbox', { name: new RegExp(`^(\\* )?${title}$`) });
    await field('单位名称').fill('禅城区美玲糖水铺');
    await field('统一社会信用代码').fill('92440604MA4W000X1A');
    await field('法定代表人').fill(CHEN.name);
    await field('联系电话').fill(CHEN.phone);
    await field('经营场所').fill('佛山市禅城区祖庙路 23 号首层');
    await field('经营项目').fill('热食类食品制售；冷食类食品制售');
    const form = page.getByRole('group', { name: '食品经营许可延续申请书', exact: true });
    await form
      .locator('input[type=file]')
      .setInputFiles({ name: '延续申请书.pdf', mimeType: 'application/pdf', buffer: PDF('renewal') });
    await form.getByRole('link', { name: /延续申请书\.pdf/ }).waitFor();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /提交申请/ })
      .click();
    await page.getByText('申请已提交').waitFor();
    await page.getByRole('button', { name: '查看办件详情' }).click();
    await page.waitForURL(/\/my\/cases\/[0-9a-f-]{36}$/);
    const evidence = page.getByTestId('ecert-evidence');
    await evidence.getByText(`食品经营许可证 · ${food.licenceNumber}`).waitFor();
    await evidence.getByRole('link', { name: `核验证照 ${food.identifier}` }).waitFor();
    const id = page.url().split('/').pop()!;
    const stored = await api(chen, 'GET', `/cases/${id}`);
    expect(stored.body.materials.find((m: any) => m.name === '食品经营许可证')).toMatchObject({
      fulfilment: 'ECERT',
      status: 'provided',
      evidence: { kind: 'ECERT', identifier: food.identifier, status: 'valid' },
    });
    await page.close();
  });
});
