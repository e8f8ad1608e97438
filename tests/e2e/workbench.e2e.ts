/**
 * Browser journey of the staff workbench: a citizen's case (prepared through the API) is handled by
 * approver01 (市场监管局) in the browser — inbox, detail, supplement notice, 容缺受理, review, decision,
 * conclusion — while the citizen's own steps go through the API.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOptionOf, type Journey, startJourney, totpNow } from './browser.ts';

let j: Journey;
/** The case of the second journey, reused by the third. */
let reviewingCaseId: string | null = null;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CITIZEN = {
  type: 'person',
  name: '王小红',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  password: 'Citizen#2026',
};
const FORM = {
  applicantName: '王小红',
  idNumber: '11010519491231002X',
  phone: '13800138000',
  premises: '禅城区季华五路 1 号',
};
const M_FORM = '个体经营申请书';
const M_ID = '经营者身份证明';
const M_SITE = '经营场所使用证明';

/** A small, valid one-page PDF and a 1×1 PNG. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function call(token: string | null, method: string, url: string, payload?: unknown) {
  const res = await j.rt.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  const body = res.body ? JSON.parse(res.body) : null;
  return { status: res.statusCode, body, raw: res.body };
}

async function ok(token: string | null, method: string, url: string, payload?: unknown, status = 200) {
  const r = await call(token, method, url, payload);
  expect(r.status, `${method} ${url}: ${r.raw}`).toBe(status);
  return r.body;
}

async function login(username: string, password: string, totp?: string): Promise<string> {
  return (await ok(null, 'POST', '/identity/login', { username, password, totp, tokenType: 'bearer' })).token;
}

/** Uploads a material file through the real HTTP port (multipart), as the citizen's browser would. */
async function upload(token: string, taskCode: string, material: string, name: string, bytes: Buffer, mime: string) {
  const fd = new FormData();
  fd.append('taskCode', taskCode);
  fd.append('material', material);
  fd.append('file', new Blob([new Uint8Array(bytes)], { type: mime }), name);
  const res = await fetch(`${j.base}/api/v1/cases/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: fd,
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text).id as string;
}

/** Clicks an action button of the case page and submits its dialog (after `fill`, if given). */
async function act(page: Page, button: RegExp, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function stateIs(page: Page, label: string) {
  const summary = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: '办件信息' }) });
  await summary.locator('.ant-tag', { hasText: new RegExp(`^${label}$`) }).waitFor();
}

/**
 * Chooses options of a (searchable) select in a dialog by keyboard: type, wait for the option to be
 * active, Enter, and check that the choice shows in the field — robust against drop-down animation.
 */
async function pickOptions(page: Page, dialog: ReturnType<Page['getByRole']>, fieldLabel: string, options: string[]) {
  const input = dialog.getByLabel(fieldLabel);
  for (const o of options) {
    await input.fill(o);
    await (await activeOptionOf(page, input, o)).waitFor();
    await input.press('Enter');
    const chosen = ['.ant-select-selection-item', '.ant-select-content-value', '.ant-select-content'];
    await dialog
      .locator(chosen.map((c) => `${c}[title^="${o}"]`).join(', '))
      .first()
      .waitFor();
  }
  // Close the drop-down by clicking the dialog's title (Escape would close the dialog as well).
  await dialog.locator('.ant-modal-title').click();
}

describe('browser journeys: staff workbench', () => {
  it('staff handle a case from the inbox to conclusion: supplement notice, 容缺受理, review, approval', async () => {
    // ---- preparation through the API: an item of 市场监管局 with one optional material, a citizen's case ----
    let admin: string | null = null;
    for (const ahead of [0, 1]) {
      const r = await call(null, 'POST', '/identity/login', {
        username: 'admin',
        password: 'Yiwang@2026',
        totp: totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO', ahead),
        tokenType: 'bearer',
      });
      if (r.status === 200) {
        admin = r.body.token;
        break;
      }
    }
    expect(admin, 'administrator sign-in').toBeTruthy();
    const depts = await ok(admin, 'GET', '/org/departments');
    const market = depts.items.find((d: { shortName?: string }) => d.shortName === '市场监管局');
    expect(market, 'demo department 市场监管局').toBeTruthy();
    const item = await ok(
      admin,
      'POST',
      '/catalog/items',
      {
        taskCode: `${market.creditCode}3WBE2E0000001`,
        catalogCode: 'WBE2E0000001',
        name: '个体经营场所备案（测试）',
        taskType: '07',
        useLevel: '3',
        departmentId: market.id,
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
          required: ['applicantName', 'idNumber', 'phone'],
          properties: {
            applicantName: { type: 'string', title: '申请人姓名' },
            idNumber: { type: 'string', title: '身份证号码' },
            phone: { type: 'string', title: '联系电话' },
            premises: { type: 'string', title: '经营场所' },
          },
        },
        materials: [
          { name: M_FORM, type: 'original', required: true, copies: 1, fulfilment: 'UPLOAD', format: 'pdf,jpg,png' },
          { name: M_ID, type: 'copy', required: true, copies: 1, fulfilment: 'UPLOAD', format: 'pdf,jpg,png' },
          { name: M_SITE, type: 'copy', required: false, copies: 1, fulfilment: 'UPLOAD', format: 'pdf,jpg,png' },
        ],
        steps: [{ name: '审查', days: 3, unit: 1 }],
      },
      201,
    );
    const taskCode: string = item.taskCode;

    await ok(null, 'POST', '/identity/register', CITIZEN, 201);
    const citizen = await login(CITIZEN.idNumber, CITIZEN.password);
    const created = await ok(
      citizen,
      'POST',
      '/cases',
      {
        taskCode,
        formData: FORM,
        materials: [
          {
            name: M_FORM,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_FORM, '申请书.pdf', PDF, 'application/pdf')],
          },
          {
            name: M_ID,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_ID, '身份证.png', PNG, 'image/png')],
          },
        ],
        submit: true,
      },
      201,
    );
    const caseId: string = created.case.id;
    const serialNo: string = created.case.serialNo;
    expect(created.case.state).toBe('SUBMITTED');

    // ---- staff in the browser ----
    const page = await j.browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    try {
      await page.goto(`${j.base}/login`);
      await page.getByLabel('用户名').fill('approver01');
      await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.waitForURL(/\/workbench/);

      // The inbox lists the case; counts per deadline status are on top.
      await page.getByRole('heading', { name: '办件收件箱' }).waitFor();
      await page.getByTestId('count-overdue').filter({ hasText: /^\d+$/ }).waitFor();
      await page.getByLabel('搜索办件').fill(serialNo);
      await page.getByRole('button', { name: /查\s*询/ }).click();
      const link = page.getByRole('link', { name: new RegExp(serialNo) });
      await link.waitFor();
      await link.click();
      await page.waitForURL(new RegExp(`/workbench/cases/${caseId}$`));
      await page.getByRole('heading', { name: /个体经营场所备案/ }).waitFor();
      await stateIs(page, '已提交');

      // Personal data is masked; showing it in full is explained as audited and works for an approver.
      const applicantCard = page
        .locator('.ant-card')
        .filter({ has: page.getByRole('heading', { name: '申请人与申请表' }) });
      await applicantCard.getByText('身份证号码').waitFor();
      expect(await applicantCard.textContent()).not.toContain(FORM.idNumber);
      await page.getByRole('button', { name: '查看完整信息' }).click();
      const unmaskDialog = page.getByRole('dialog');
      await unmaskDialog.getByText(/审计日志/).waitFor();
      await unmaskDialog.getByRole('button', { name: '确认查看' }).click();
      await applicantCard.getByText(FORM.idNumber).waitFor();
      await applicantCard.getByText('正在显示完整信息（已记录审计）').waitFor();

      // A material previews inline (the PDF in a frame).
      await page.getByRole('button', { name: '预览 申请书.pdf' }).click();
      const preview = page.getByRole('dialog');
      await preview.locator('iframe[src^="/api/v1/cases/files/"]').waitFor();
      await preview
        .locator('.ant-modal-footer')
        .getByRole('button', { name: /关\s*闭/ })
        .click();
      await preview.waitFor({ state: 'detached' });

      await act(page, /开始预审/);
      await stateIs(page, '预审中');
      await act(page, /^接\s*件$/);
      await stateIs(page, '已接件');

      // One supplement notice listing two materials, a note for each and an overall reason.
      await act(page, /一次性告知补正/, async (d) => {
        await pickOptions(page, d, '需补正的材料', [M_FORM, M_ID]);
        await d.getByLabel(`“${M_FORM}”的补正要求`).fill('请上传签名后的申请书');
        await d.getByLabel(`“${M_ID}”的补正要求`).fill('身份证正反面须清晰');
        await d.getByLabel('补正原因').fill('材料不清晰，请一次性补正');
      });
      await stateIs(page, '补正告知');
      await page.getByText(/补正告知（/).waitFor();

      // The citizen supplements both materials through the API.
      const inNotice = await ok(citizen, 'GET', `/cases/${caseId}`);
      expect(inNotice.supplement.items.map((i: { material: string }) => i.material).sort()).toEqual(
        [M_ID, M_FORM].sort(),
      );
      await ok(citizen, 'POST', `/cases/${caseId}/actions`, {
        action: 'supplement',
        expectedVersion: inNotice.version,
        materials: [
          {
            name: M_FORM,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_FORM, '申请书-签名.pdf', PDF, 'application/pdf')],
          },
          {
            name: M_ID,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_ID, '身份证-清晰.png', PNG, 'image/png')],
          },
        ],
      });

      await page.reload();
      await stateIs(page, '已接件');
      // 容缺受理: the missing (optional) material is tolerated until a due day.
      const due = new Date(Date.now() + 10 * 86_400_000);
      const dueDay = `${due.getFullYear()}-${String(due.getMonth() + 1).padStart(2, '0')}-${String(due.getDate()).padStart(2, '0')}`;
      await act(page, /^受\s*理$/, async (d) => {
        await d.getByLabel('容缺受理', { exact: true }).check();
        await pickOptions(page, d, '容缺材料', [M_SITE]);
        await d.getByLabel('补齐期限').fill(dueDay);
        await page.keyboard.press('Enter');
      });
      await stateIs(page, '已受理');
      await page.getByText(`容缺补齐期限 ${dueDay}`, { exact: false }).waitFor();
      const accepted = await ok(citizen, 'GET', `/cases/${caseId}`);
      expect(accepted.materials.find((m: { name: string }) => m.name === M_SITE)).toMatchObject({
        status: 'tolerated',
        toleratedUntil: dueDay,
      });

      await act(page, /开始审查/);
      await stateIs(page, '审查中');
      await act(page, /完成当前环节/, async (d) => {
        await d.getByLabel('同意', { exact: true }).check();
        await d.getByLabel('意见说明').fill('材料齐全，符合条件');
      });
      await page.getByText('审查（已完成）').waitFor();
      // Approval waits for the tolerated material, which the citizen now hands in.
      expect(await page.getByRole('button', { name: /准予许可/ }).count()).toBe(0);
      const reviewing = await ok(citizen, 'GET', `/cases/${caseId}`);
      await ok(citizen, 'POST', `/cases/${caseId}/actions`, {
        action: 'provide_materials',
        expectedVersion: reviewing.version,
        materials: [
          {
            name: M_SITE,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_SITE, '租赁合同.pdf', PDF, 'application/pdf')],
          },
        ],
      });
      await page.reload();
      await act(page, /准予许可/);
      await stateIs(page, '已决定');
      await act(page, /^办\s*结$/);
      await stateIs(page, '已办结');

      // The history shows every step, in order.
      const events = page.getByTestId('timeline-event');
      const actions = await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      // Applying with submit: true may record the creation of the draft first.
      expect(actions.filter((a) => a !== 'create')).toEqual([
        'submit',
        'pre_review',
        'receive',
        'request_supplement',
        'supplement',
        'accept',
        'start_review',
        'complete_step',
        'provide_materials',
        'approve',
        'conclude',
      ]);
      const history = page.locator('.yw-timeline');
      for (const text of [
        '开始预审',
        '一次性告知补正',
        `${M_FORM}（请上传签名后的申请书）`,
        '容缺材料',
        '完成当前环节',
        '准予许可',
        '办结',
      ])
        await history.getByText(text, { exact: false }).first().waitFor();

      if (process.env.E2E_SCREENSHOTS)
        await page.screenshot({ path: join(tmpdir(), 'workbench-e2e-done.png'), fullPage: true });
      // The server agrees.
      const final = await ok(citizen, 'GET', `/cases/${caseId}`);
      expect(final.state).toBe('COMPLETED');
      expect(final.outcome).toBe('APPROVED');
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), 'workbench-e2e-failure.png'), fullPage: true });
      throw new Error(`${(e as Error).message}\nbrowser errors: ${pageErrors.join(' | ')}`);
    } finally {
      await page.close();
    }
  });

  it('in English and elderly mode: inbox deadline status, keyboard dialogs, 409 on a concurrent change, suspend and resume', async () => {
    const citizen = await login(CITIZEN.idNumber, CITIZEN.password);
    const approver = await login('approver01', 'Yiwang@2026');
    const items = await ok(null, 'GET', '/catalog/items?q=WBE2E');
    const taskCode: string =
      items.items.find((i: { name: string }) => i.name.includes('个体经营场所备案'))?.taskCode ??
      (await ok(null, 'GET', '/catalog/items?q=个体经营场所备案')).items[0].taskCode;
    const created = await ok(
      citizen,
      'POST',
      '/cases',
      {
        taskCode,
        formData: FORM,
        materials: [
          {
            name: M_FORM,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_FORM, 'form.pdf', PDF, 'application/pdf')],
          },
          {
            name: M_ID,
            fulfilment: 'UPLOAD',
            fileIds: [await upload(citizen, taskCode, M_ID, 'id.png', PNG, 'image/png')],
          },
        ],
        submit: true,
      },
      201,
    );
    const id: string = created.case.id;
    reviewingCaseId = id;
    const serialNo: string = created.case.serialNo;
    for (const action of ['pre_review', 'receive', 'accept', 'start_review']) {
      const { version } = await ok(approver, 'GET', `/cases/${id}`);
      await ok(approver, 'POST', `/cases/${id}/actions`, { action, expectedVersion: version });
    }

    const context = await j.browser.newContext();
    await context.addInitScript(() => {
      localStorage.setItem('yw.lang', 'en');
      localStorage.setItem('yw.elder', '1');
    });
    const page = await context.newPage();
    try {
      await page.goto(`${j.base}/login`);
      await page.getByLabel('Username').fill('approver01');
      await page.getByLabel('Password', { exact: true }).fill('Yiwang@2026');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/workbench/);
      await page.goto(`${j.base}/workbench/cases`);
      await page.getByRole('heading', { name: 'Case inbox' }).waitFor();
      const row = page.getByRole('row', { name: new RegExp(serialNo) });
      // Found by keyword (demo data fills the first pages); filtering by "Overdue" then hides it.
      await page.getByLabel('Search cases').fill(serialNo);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      // The running case is "On time" (text and icon, not colour alone) and counted as such.
      await row.getByText('On time').waitFor();
      await row.getByText('Under review').waitFor();
      // The cards count within the search: this one case, on time.
      await page.getByTestId('count-normal').filter({ hasText: /^1$/ }).waitFor();
      await page.getByTestId('count-overdue').filter({ hasText: /^0$/ }).waitFor();
      await page.getByRole('button', { name: /Overdue/ }).click();
      await page.getByText('No cases match').waitFor();
      await page.getByRole('button', { name: /Overdue/ }).click();
      await row.waitFor();
      // The inbox opens on "To do"; "Closed" lists terminal cases only, without deadline cards.
      const views = page.getByRole('radiogroup', { name: 'Which cases' });
      await views.getByRole('radio', { name: 'To do', checked: true }).waitFor({ state: 'attached' });
      await page.locator('.ant-segmented-item', { hasText: 'Closed' }).click();
      await page.getByText('No cases match').waitFor();
      expect(await page.getByTestId('count-normal').count()).toBe(0);
      await page.locator('.ant-segmented-item', { hasText: 'All' }).click();
      await row.waitFor();
      await page.getByTestId('count-normal').waitFor();
      if (process.env.E2E_SCREENSHOTS)
        await page.screenshot({ path: join(tmpdir(), 'workbench-e2e-inbox-en-elder.png'), fullPage: true });

      await page.getByRole('link', { name: new RegExp(serialNo) }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/workbench/cases/${id}$`));
      await page.getByRole('heading', { name: 'Actions' }).waitFor();

      // A dialog opened from the keyboard; meanwhile someone else extends the time limit.
      await page.getByRole('button', { name: 'Suspend (special procedure)' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const { version } = await ok(approver, 'GET', `/cases/${id}`);
      await ok(approver, 'POST', `/cases/${id}/actions`, {
        action: 'extend',
        expectedVersion: version,
        extendDays: 3,
        reason: '需要现场核查',
      });
      await pickOptions(page, dialog, 'Special procedure', ['Expert review']);
      await dialog.getByLabel('Reason').fill('专家评审经营场所安全');
      await dialog.getByRole('button', { name: 'Submit' }).click();
      // 409: the message is shown and the case reloaded (the extension is now visible); nothing changed.
      await page.getByRole('alert').filter({ hasText: 'The case was changed meanwhile' }).waitFor();
      await page.getByText('3 working days').first().waitFor();
      expect((await ok(approver, 'GET', `/cases/${id}`)).state).toBe('REVIEWING');

      // Trying again works; the procedure is listed; resuming ends it.
      await page.getByRole('button', { name: 'Suspend (special procedure)' }).click();
      const again = page.getByRole('dialog');
      await pickOptions(page, again, 'Special procedure', ['Expert review']);
      await again.getByLabel('Reason').fill('专家评审经营场所安全');
      await again.getByRole('button', { name: 'Submit' }).click();
      await again.waitFor({ state: 'detached' });
      const procedures = page
        .locator('.ant-card')
        .filter({ has: page.getByRole('heading', { name: 'Review progress' }) });
      await procedures.getByRole('cell', { name: 'Expert review' }).waitFor();
      await procedures.getByRole('cell', { name: 'Ongoing' }).waitFor();
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Submit' }).click();
      await procedures.getByRole('cell', { name: 'Ongoing' }).waitFor({ state: 'detached' });
      const after = await ok(approver, 'GET', `/cases/${id}`);
      expect(after.state).toBe('REVIEWING');
      expect(after.extendedDays).toBe(3);
      expect(after.procedures).toHaveLength(1);
      expect(after.procedures[0].type).toBe('expert_review');
      if (process.env.E2E_SCREENSHOTS)
        await page.screenshot({ path: join(tmpdir(), 'workbench-e2e-case-en-elder.png'), fullPage: true });
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), 'workbench-e2e-failure.png'), fullPage: true });
      throw e;
    } finally {
      await context.close();
    }
  });

  it('a supervisor without cases.unmask reads the case masked, is told why unmasking is refused, and has no actions', async () => {
    expect(reviewingCaseId, 'case of the previous journey').toBeTruthy();
    const page = await j.browser.newPage();
    try {
      await page.goto(`${j.base}/login`);
      await page.getByLabel('用户名').fill('supervisor01');
      await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.waitForURL(/\/workbench/);
      await page.goto(`${j.base}/workbench/cases/${reviewingCaseId}`);
      await page.getByText('当前没有您可以执行的办理操作。').waitFor();
      const applicantCard = page
        .locator('.ant-card')
        .filter({ has: page.getByRole('heading', { name: '申请人与申请表' }) });
      await applicantCard.getByText('1101**********002X').waitFor();
      await page.getByRole('button', { name: '查看完整信息' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '确认查看' }).click();
      const refusal = applicantCard.getByRole('alert');
      await refusal.waitFor();
      expect((await refusal.textContent())?.trim().length).toBeGreaterThan(0);
      expect(await applicantCard.textContent()).not.toContain(FORM.idNumber);
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), 'workbench-e2e-failure.png'), fullPage: true });
      throw e;
    } finally {
      await page.close();
    }
  });
});
