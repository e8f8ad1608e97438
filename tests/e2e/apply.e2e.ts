/** Browser journeys of applicants: apply online with materials, my cases, supplement, public tracking. */
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

const CITIZEN = { name: '王小梅', idNumber: '11010519491231002X', phone: '13800138000', password: 'Citizen#2026' };
const PDF = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n% ${text}\ntrailer<< /Root 1 0 R >>\n%%EOF\n`);

let serialNo = '';
let password = '';
let caseId = '';

async function register() {
  const r = await j.rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/register',
    payload: { type: 'person', ...CITIZEN },
  });
  expect(r.statusCode, r.body).toBe(201);
}

async function signIn(page: Page) {
  await page.getByLabel('用户名').fill(CITIZEN.idNumber);
  await page.getByLabel('密码', { exact: true }).fill(CITIZEN.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** A staff bearer token (approver01 handles the items of the market-regulation bureau). */
async function staffToken(username: string): Promise<string> {
  const r = await j.rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password: 'Yiwang@2026', tokenType: 'bearer' },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().token;
}

async function staffAct(token: string, id: string, action: string, extra: Record<string, unknown> = {}) {
  const one = await j.rt.app.inject({
    method: 'GET',
    url: `/api/v1/cases/${id}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(one.statusCode, one.body).toBe(200);
  const r = await j.rt.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${id}/actions`,
    headers: { authorization: `Bearer ${token}` },
    payload: { action, expectedVersion: one.json().version, ...extra },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** A text field of the item's form, by its title (the form marks required fields with "*"). */
const field = (page: Page, title: string) => page.getByRole('textbox', { name: new RegExp(`^(\\* )?${title}$`) });

/** The material card (role group named by the material). */
const material = (page: Page, name: string) => page.getByRole('group', { name, exact: true });

describe('browser journeys: applying online', () => {
  it('a citizen signs in from the guide, fills the form, uploads a PDF, saves a draft and submits', async () => {
    await register();
    const page = await j.browser.newPage();
    await page.goto(`${j.base}/services`);
    await page.getByRole('searchbox', { name: '搜索事项' }).fill('食品经营');
    await page.keyboard.press('Enter');
    await page
      .getByRole('link', { name: /食品经营许可/ })
      .first()
      .click();
    await page.waitForURL(/\/services\/[0-9A-Z]{31}$/);
    // Signed out: the button leads to the sign-in page, which returns to the form.
    await page.getByRole('button', { name: '登录后在线办理' }).click();
    await page.waitForURL(/\/login\?returnTo=/);
    await signIn(page);
    await page.waitForURL(/\/services\/[0-9A-Z]{31}\/apply$/);
    await page.getByRole('heading', { name: /在线申办：食品经营许可/ }).waitFor();

    // The form of the item (JSON Schema), pre-filled from the account where names match, with the
    // account's own values (never the masked ones shown elsewhere: the case is filed with them).
    expect(await field(page, '联系电话').inputValue()).toBe(CITIZEN.phone);
    await field(page, '单位名称').fill('佛山市禅城区小梅餐饮店');
    await field(page, '统一社会信用代码').fill('92440604MA4W000X1A');
    await field(page, '法定代表人').fill(CITIZEN.name);
    await field(page, '经营场所').fill('佛山市禅城区岭南大道北 1 号');
    await field(page, '经营项目').fill('预包装食品销售，热食类食品制售');

    // A file the server refuses: its message is shown.
    const form = material(page, '食品经营许可申请书');
    await form.getByText('支持格式：PDF、JPG、PNG；单个文件不超过 10 MB').waitFor();
    await form
      .locator('input[type=file]')
      .setInputFiles({ name: '申请书.txt', mimeType: 'text/plain', buffer: Buffer.from('not a pdf') });
    await form
      .getByRole('alert')
      .getByText(/上传失败：只接受以下格式：PDF、JPG、PNG/)
      .waitFor();
    await form
      .locator('input[type=file]')
      .setInputFiles({ name: '申请书.pdf', mimeType: 'application/pdf', buffer: PDF('application') });
    await form.getByRole('link', { name: /申请书\.pdf/ }).waitFor();

    // Save a draft: the serial number and the query password are shown once.
    await page.getByRole('button', { name: '保存草稿' }).click();
    const modal = page.getByRole('dialog').filter({ hasText: '请记录查询密码' });
    await modal.waitFor();
    serialNo = (await modal.getByTestId('serial-no').textContent()) ?? '';
    password = (await modal.getByTestId('query-password').textContent()) ?? '';
    expect(serialNo).toMatch(/^YW\d{16}$/);
    expect(password).toMatch(/^\d{6}$/);
    await modal.getByRole('button', { name: /知道了|确\s*定|OK/ }).click();
    await page.waitForURL(/\/apply\?draft=/);
    caseId = new URL(page.url()).searchParams.get('draft') ?? '';
    const draft = await j.rt.platform.db
      .selectFrom('cases')
      .select(['state', 'form_data'])
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(draft.state).toBe('DRAFT');

    // Submitting with a missing required field and materials is stopped with messages on the page.
    await field(page, '经营项目').fill('');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('请填写经营项目').waitFor();
    await material(page, '营业执照复印件').getByText('请勾选「营业执照复印件」的承诺').waitFor();
    await field(page, '经营项目').fill('预包装食品销售，热食类食品制售');
    await material(page, '营业执照复印件').getByRole('checkbox').check();
    await material(page, '食品安全规章制度').getByRole('checkbox').check();
    await material(page, '经营场所平面布局图和设备布局图')
      .locator('input[type=file]')
      .setInputFiles({ name: '平面图.pdf', mimeType: 'application/pdf', buffer: PDF('layout') });
    await material(page, '经营场所平面布局图和设备布局图')
      .getByRole('link', { name: /平面图\.pdf/ })
      .waitFor();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /提交申请/ })
      .click();
    await page.getByText('申请已提交').waitFor();
    expect(await page.getByTestId('serial-no').textContent()).toBe(serialNo);
    expect(await page.getByTestId('query-password').textContent()).toBe(password);
    await page.getByText(/查询密码只显示这一次/).waitFor();

    const row = await j.rt.platform.db
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('SUBMITTED');
    const formData = typeof row.form_data === 'string' ? JSON.parse(row.form_data) : row.form_data;
    expect(formData).toMatchObject({ entityName: '佛山市禅城区小梅餐饮店', phone: CITIZEN.phone });
    const mats = typeof row.materials === 'string' ? JSON.parse(row.materials) : row.materials;
    const mat = (name: string) => mats.find((m: any) => m.name === name);
    expect(mat('食品经营许可申请书').files.map((f: any) => f.name)).toEqual(['申请书.pdf']);
    expect(mat('营业执照复印件')).toMatchObject({ fulfilment: 'COMMITMENT', commitment: true, status: 'provided' });

    // My cases lists it; the detail shows the timeline.
    await page.getByRole('button', { name: '我的办件' }).click();
    await page.waitForURL(/\/my\/cases$/);
    const line = page.getByRole('row').filter({ hasText: serialNo });
    await line.getByText('已提交').waitFor();
    await line.getByRole('link', { name: '食品经营许可' }).click();
    await page.waitForURL(/\/my\/cases\/[0-9a-f-]{36}$/);
    await page.getByTestId('case-serial-no').getByText(serialNo).waitFor();
    await page.locator('.yw-case-timeline').getByText('提交申请').waitFor();
    await page.getByRole('link', { name: /申请书\.pdf/ }).waitFor();
    await page.close();
  });

  it('anyone tracks the case with the serial number and the query password, without personal data', async () => {
    const ctx = await j.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${j.base}/`);
    await page.getByRole('navigation').getByRole('link', { name: '办件查询' }).click();
    await page.waitForURL(/\/track$/);
    await page.getByLabel('申办流水号').fill(serialNo);
    await page.getByLabel('查询密码').fill(password === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.getByRole('alert').getByText('流水号或查询密码不正确').waitFor();
    await page.getByLabel('查询密码').fill(password);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.getByText('食品经营许可').first().waitFor();
    await page.locator('.ant-descriptions').getByText('已提交').waitFor();
    await page.locator('.yw-case-timeline').getByText('提交申请').waitFor();
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(CITIZEN.name);
    expect(text).not.toContain('小梅餐饮店');
    await ctx.close();
  });

  it('the applicant answers a supplement notice by uploading the listed material, then withdraws', async () => {
    const staff = await staffToken('approver01');
    await staffAct(staff, caseId, 'pre_review');
    await staffAct(staff, caseId, 'receive');
    await staffAct(staff, caseId, 'request_supplement', {
      reason: '请一次性补正以下材料',
      supplementItems: [{ material: '经营场所平面布局图和设备布局图', note: '请标明设备位置' }],
    });

    const page = await j.browser.newPage();
    await page.goto(`${j.base}/login?returnTo=${encodeURIComponent(`/my/cases/${caseId}`)}`);
    await signIn(page);
    await page.waitForURL(/\/my\/cases\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: '补正告知' }).waitFor();
    await page.getByText('请标明设备位置').first().waitFor();
    await page.locator('.ant-descriptions').getByText('待补正').waitFor();
    // The materials list says the same of the material asked for again.
    await page
      .getByRole('row', { name: /经营场所平面布局图和设备布局图/ })
      .getByText('待补正')
      .waitFor();
    const card = page.locator('.yw-supplement');
    await card
      .getByRole('group', { name: '经营场所平面布局图和设备布局图' })
      .locator('input[type=file]')
      .setInputFiles({ name: '平面图-补正.pdf', mimeType: 'application/pdf', buffer: PDF('layout v2') });
    await card.getByRole('link', { name: /平面图-补正\.pdf/ }).waitFor();
    await card.getByRole('button', { name: '提交补正材料' }).click();
    await page.locator('.ant-descriptions').getByText('已接件').waitFor();
    await page.locator('.yw-case-timeline').getByText('提交补正材料').waitFor();
    await page.getByText('已补正').waitFor();

    // Withdraw, confirmed in a dialog.
    await page.getByRole('button', { name: '撤回申请' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /撤回申请/ })
      .click();
    await page.locator('.ant-descriptions').getByText('已撤回').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: '撤回申请' }).count()).toBe(0);
    await page.locator('.yw-case-timeline').getByText('撤回申请').waitFor();
    const row = await j.rt.platform.db
      .selectFrom('cases')
      .select('state')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('WITHDRAWN');
    await page.close();
  });

  it('elderly mode keeps the application form usable with large controls', async () => {
    const ctx = await j.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${j.base}/login`);
    await page.evaluate(() => localStorage.setItem('yw.elder', '1'));
    await page.reload();
    await signIn(page);
    await page.waitForURL(/\/account/);
    const code = await j.rt.platform.db
      .selectFrom('catalog_items')
      .select('task_code')
      .where('name', '=', '食品经营许可')
      .executeTakeFirstOrThrow();
    await page.goto(`${j.base}/services/${code.task_code}/apply`);
    await field(page, '单位名称').waitFor();
    // the fields follow the order of the item's form (here its `required` list)
    const ids = await page.locator('.yw-apply input.ant-input').evaluateAll((els) => els.map((e) => e.id));
    expect(ids.slice(0, 3)).toEqual(['root_entityName', 'root_creditCode', 'root_legalPerson']);
    const sizes = await page.evaluate(() => {
      const h = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().height ?? 0;
      return {
        input: h('.ant-form-item-control-input:has(#root_entityName)'),
        checkbox: h('.yw-material .ant-checkbox'),
        button: h('.yw-apply .ant-btn-primary'),
        font: Number.parseFloat(getComputedStyle(document.querySelector('#root_entityName')!).fontSize),
      };
    });
    expect(sizes.input).toBeGreaterThanOrEqual(44);
    expect(sizes.checkbox).toBeGreaterThanOrEqual(24);
    expect(sizes.button).toBeGreaterThanOrEqual(44);
    expect(sizes.font).toBeGreaterThanOrEqual(18);
    await ctx.close();
  });
});
