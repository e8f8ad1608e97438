/**
 * The main journey of the one-stop services, both sides in the browser (two browser contexts):
 * a citizen finds 食品经营许可, applies online with uploads; approver01 (市场监管局) pre-reviews,
 * receives and sends a supplement notice; the citizen supplements; staff accept, review, approve
 * and conclude; the citizen sees the result, rates it 不满意 through the rating dialog, and the bad
 * rating opens a rectification task that supervisor01 finds on /workbench/evaluations.
 * The API is used only to read state for assertions.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOptionOf, chooseOption, type Journey, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CITIZEN = { name: '林晓彤', idNumber: '440604198503151238', phone: '13900139000', password: 'Citizen#2026' };
const ITEM = '食品经营许可';
const M_FORM = '食品经营许可申请书';
const M_LAYOUT = '经营场所平面布局图和设备布局图';
const NOTE = '请标明冷藏设备与操作间的位置';
const REASON = '布局图不清晰，请一次性补正';
const COMMENT = '补正要求在指南中没有写明，多跑了一次';

const MEASURES = '已在办事指南中补充平面布局图的绘制要求，并对窗口人员进行培训';

const PDF = (text: string) =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
    'latin1',
  );

/** Reads through the API as the given account (assertions only). */
async function read(token: string, url: string) {
  const r = await j.rt.app.inject({
    method: 'GET',
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r.statusCode, `GET ${url}: ${r.body}`).toBe(200);
  return r.json();
}

async function bearer(username: string, password: string): Promise<string> {
  const r = await j.rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password, tokenType: 'bearer' },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().token;
}

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** A text field of the item's form (rjsf), by its title ("* " marks a required one). */
const field = (page: Page, title: string) => page.getByRole('textbox', { name: new RegExp(`^(\\* )?${title}$`) });
/** A material card of the application form (role group named by the material). */
const material = (scope: Page | Locator, name: string) => scope.getByRole('group', { name, exact: true });

/** The state tag of the staff case page. */
async function staffStateIs(page: Page, label: string) {
  const summary = page.locator('.ant-card').filter({ has: page.getByRole('heading', { name: '办件信息' }) });
  await summary.locator('.ant-tag', { hasText: new RegExp(`^${label}$`) }).waitFor();
}

/** The state tag of the applicant's case page. */
async function citizenStateIs(page: Page, label: string) {
  await page
    .locator('.ant-descriptions')
    .locator('.ant-tag', { hasText: new RegExp(`^${label}$`) })
    .waitFor();
}

/** Waits until a dialog has opened and its zoom-in animation is over (a click during it may miss). */
async function opened(page: Page, dialog: Locator) {
  await dialog.and(page.locator('.ant-modal:not([class*="-zoom-"])')).waitFor();
}

/** Clicks an action of the staff case page and submits its dialog (after `fill`). */
async function act(page: Page, button: RegExp, fill?: (dialog: Locator) => Promise<void>) {
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog');
  await opened(page, dialog);
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Chooses options of a searchable multiple select in a dialog by keyboard (robust against the drop-down animation). */
async function pickOptions(page: Page, dialog: Locator, fieldLabel: string, options: string[]) {
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
  await dialog.locator('.ant-modal-title').click();
}

/** Clicks an action of the rectification page and confirms its dialog (after `fill`). */
async function rectAct(page: Page, name: string, fill?: (dialog: Locator) => Promise<void>) {
  // antd puts a space between two Chinese characters of a button ("办 结")
  const button = new RegExp(`^${[...name].join('\\s*')}$`);
  await page
    .locator('.ant-card')
    .filter({ has: page.getByRole('heading', { name: '可执行的操作' }) })
    .getByRole('button', { name: button })
    .click();
  const dialog = page.getByRole('dialog', { name });
  await opened(page, dialog);
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** The state tag of the rectification page (under its title). */
async function rectStateIs(page: Page, label: string) {
  await page
    .locator('main .ant-space')
    .first()
    .locator('.ant-tag', { hasText: new RegExp(`^${label}$`) })
    .waitFor();
}

/** Signs the staff context in as another account. */
async function switchAccount(ctx: BrowserContext, page: Page, username: string) {
  await ctx.clearCookies();
  await page.goto(`${j.base}/login`);
  await signIn(page, username, 'Yiwang@2026');
  await page.waitForURL(/\/workbench/);
}

/** Collects a page's script errors, for the failure message. */
function watch(page: Page, errors: string[], who: string) {
  page.on('pageerror', (e) => errors.push(`${who}: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${who}: ${m.text()}`);
  });
}

describe('browser journey: one-stop services end to end', () => {
  it('apply with uploads → supplement notice → supplement → accept, review, approve, conclude → result, bad rating → rectification loop', async () => {
    const errors: string[] = [];
    const citizenCtx: BrowserContext = await j.browser.newContext();
    const staffCtx: BrowserContext = await j.browser.newContext();
    const citizen = await citizenCtx.newPage();
    const staff = await staffCtx.newPage();
    watch(citizen, errors, 'citizen');
    watch(staff, errors, 'staff');
    try {
      // ---- 1. the citizen registers, signs in, finds the item and applies ----
      await citizen.goto(`${j.base}/register`);
      await citizen.getByLabel('姓名').fill(CITIZEN.name);
      await citizen.getByLabel('身份证号').fill(CITIZEN.idNumber);
      await citizen.getByLabel('手机号').fill(CITIZEN.phone);
      await citizen.getByLabel('密码', { exact: true }).fill(CITIZEN.password);
      await citizen.getByLabel('确认密码').fill(CITIZEN.password);
      await citizen.getByRole('button', { name: /注\s*册/ }).click();
      await citizen.waitForURL(/\/login/);
      await signIn(citizen, CITIZEN.idNumber, CITIZEN.password);
      await citizen.waitForURL(/\/account/);

      await citizen.goto(`${j.base}/services`);
      const search = citizen.getByRole('searchbox', { name: '搜索事项' });
      const itemLink = citizen.getByRole('link', { name: ITEM, exact: true });
      // by pinyin initials (after a search that finds nothing, so the hit is from this search)
      await search.fill('zzqqxxww');
      await search.press('Enter');
      await citizen.getByText('没有找到相关事项').first().waitFor();
      await search.fill('spjy');
      await search.press('Enter');
      await itemLink.waitFor();
      // by the Chinese keyword
      await search.fill('zzqqxxww');
      await search.press('Enter');
      await citizen.getByText('没有找到相关事项').first().waitFor();
      await search.fill('食品经营许可');
      await search.press('Enter');
      await itemLink.click();
      await citizen.waitForURL(/\/services\/[0-9A-Z]{31}$/);
      const taskCode = new URL(citizen.url()).pathname.split('/')[2]!;
      await citizen.getByRole('heading', { name: ITEM, exact: true }).waitFor();
      await citizen.getByRole('cell', { name: M_LAYOUT }).waitFor();
      await citizen.getByRole('button', { name: '在线办理' }).click();
      await citizen.waitForURL(new RegExp(`/services/${taskCode}/apply$`));
      await citizen.getByRole('heading', { name: new RegExp(`在线申办：${ITEM}`) }).waitFor();

      await field(citizen, '单位名称').fill('佛山市禅城区晓彤餐饮店');
      await field(citizen, '统一社会信用代码').fill('92440604MA4W000X1A');
      await field(citizen, '法定代表人').fill(CITIZEN.name);
      await field(citizen, '联系电话').fill(CITIZEN.phone);
      await field(citizen, '经营场所').fill('佛山市禅城区祖庙路 8 号');
      await field(citizen, '经营项目').fill('热食类食品制售');

      // A PDF for every UPLOAD material, the commitments ticked.
      const guide = await read(await bearer(CITIZEN.idNumber, CITIZEN.password), `/catalog/items/${taskCode}`);
      const uploads: string[] = guide.materials.filter((m: any) => m.fulfilment === 'UPLOAD').map((m: any) => m.name);
      const commitments: string[] = guide.materials
        .filter((m: any) => m.fulfilment === 'COMMITMENT')
        .map((m: any) => m.name);
      expect(uploads).toEqual(expect.arrayContaining([M_FORM, M_LAYOUT]));
      expect(commitments.length).toBeGreaterThan(0);
      for (const [i, name] of uploads.entries()) {
        const card = material(citizen, name);
        await card
          .locator('input[type=file]')
          .setInputFiles({ name: `材料${i + 1}.pdf`, mimeType: 'application/pdf', buffer: PDF(name) });
        await card.getByRole('link', { name: new RegExp(`材料${i + 1}\\.pdf`) }).waitFor();
      }
      for (const name of commitments) await material(citizen, name).getByRole('checkbox').check();

      await citizen.getByRole('button', { name: '提交申请' }).click();
      const confirm = citizen.getByRole('dialog');
      await opened(citizen, confirm);
      await confirm.getByRole('button', { name: /提交申请/ }).click();
      await citizen.getByText('申请已提交').waitFor();
      const serialNo = ((await citizen.getByTestId('serial-no').textContent()) ?? '').trim();
      expect(serialNo).toMatch(/^YW\d{16}$/);

      const citizenToken = await bearer(CITIZEN.idNumber, CITIZEN.password);
      const mine = await read(citizenToken, '/cases/mine');
      const caseId: string = mine.items.find((c: any) => c.serialNo === serialNo)?.id;
      expect(caseId, 'the new case in /cases/mine').toBeTruthy();
      expect((await read(citizenToken, `/cases/${caseId}`)).state).toBe('SUBMITTED');

      // ---- 2. approver01 finds the case in the inbox, pre-reviews, receives, sends a supplement notice ----
      await staff.goto(`${j.base}/login`);
      await signIn(staff, 'approver01', 'Yiwang@2026');
      await staff.waitForURL(/\/workbench/);
      await staff.goto(`${j.base}/workbench/cases`);
      await staff.getByRole('heading', { name: '办件收件箱' }).waitFor();
      await staff.getByLabel('搜索办件').fill(serialNo);
      await staff.getByRole('button', { name: /查\s*询/ }).click();
      const row = staff.getByRole('row', { name: new RegExp(serialNo) });
      await row.getByText('已提交').waitFor();
      await staff.getByRole('link', { name: new RegExp(serialNo) }).click();
      await staff.waitForURL(new RegExp(`/workbench/cases/${caseId}$`));
      await staff
        .getByRole('heading', { name: new RegExp(ITEM) })
        .first()
        .waitFor();
      await staffStateIs(staff, '已提交');

      await act(staff, /开始预审/);
      await staffStateIs(staff, '预审中');
      await act(staff, /^接\s*件$/);
      await staffStateIs(staff, '已接件');
      await act(staff, /一次性告知补正/, async (d) => {
        await pickOptions(staff, d, '需补正的材料', [M_LAYOUT]);
        await d.getByLabel(`“${M_LAYOUT}”的补正要求`).fill(NOTE);
        await d.getByLabel('补正原因').fill(REASON);
      });
      await staffStateIs(staff, '补正告知');
      const inNotice = await read(citizenToken, `/cases/${caseId}`);
      expect(inNotice.state).toBe('SUPPLEMENT_NOTICE');
      expect(inNotice.supplement.items).toEqual([{ material: M_LAYOUT, note: NOTE }]);

      // ---- 3. the citizen sees the notice with the note and supplements ----
      await citizen.goto(`${j.base}/my/cases/${caseId}`);
      await citizen.getByTestId('case-serial-no').getByText(serialNo).waitFor();
      await citizenStateIs(citizen, '待补正');
      const notice = citizen.locator('.yw-supplement');
      await notice.getByRole('heading', { name: '补正告知' }).waitFor();
      await notice.getByText(NOTE).first().waitFor();
      const again = material(notice, M_LAYOUT);
      await again
        .locator('input[type=file]')
        .setInputFiles({ name: '平面布局图-补正.pdf', mimeType: 'application/pdf', buffer: PDF('layout v2') });
      await again.getByRole('link', { name: /平面布局图-补正\.pdf/ }).waitFor();
      await notice.getByRole('button', { name: '提交补正材料' }).click();
      await citizenStateIs(citizen, '已接件');
      await citizen.locator('.yw-case-timeline').getByText('提交补正材料').waitFor();
      const supplemented = await read(citizenToken, `/cases/${caseId}`);
      expect(supplemented.supplement).toBeNull();
      const layout = supplemented.materials.find((m: any) => m.name === M_LAYOUT);
      expect(layout.status).toBe('supplemented');
      expect(layout.files.map((f: any) => f.name)).toEqual(['平面布局图-补正.pdf']);

      // ---- 4. staff accept, review (completing the steps the page asks for), approve, conclude ----
      await staff.reload();
      await staffStateIs(staff, '已接件');
      await act(staff, /^受\s*理$/);
      await staffStateIs(staff, '已受理');
      await act(staff, /开始审查/);
      await staffStateIs(staff, '审查中');
      const approveButton = staff.getByRole('button', { name: /准予许可/ });
      const stepButton = staff.getByRole('button', { name: /完成当前环节/ });
      let steps = 0;
      for (;;) {
        await approveButton.or(stepButton).first().waitFor();
        if (!(await stepButton.isVisible())) break;
        expect(++steps, 'review steps').toBeLessThanOrEqual(10);
        await act(staff, /完成当前环节/, async (d) => {
          await d.getByLabel('同意', { exact: true }).check();
          await d.getByLabel('意见说明').fill('材料齐全，符合条件');
        });
        // the page reloads the case: wait until its progress shows this step done before looking again
        await staff
          .getByText(/（已完成）$/)
          .nth(steps - 1)
          .waitFor();
      }
      await act(staff, /准予许可/);
      await staffStateIs(staff, '已决定');
      await act(staff, /^办\s*结$/);
      await staffStateIs(staff, '已办结');
      const done = await read(citizenToken, `/cases/${caseId}`);
      expect(done.state).toBe('COMPLETED');
      expect(done.outcome).toBe('APPROVED');

      // ---- 5. the citizen sees the result and rates it 不满意 ----
      await citizen.reload();
      await citizenStateIs(citizen, '已办结');
      const result = citizen.locator('.ant-card').filter({ has: citizen.getByRole('heading', { name: '办理结果' }) });
      await result.getByText('准予许可').waitFor();
      const ratingCard = citizen
        .locator('.ant-card')
        .filter({ has: citizen.getByRole('heading', { name: '您的评价' }) });
      await ratingCard.getByRole('button', { name: '评价本次服务' }).click();
      const dialog = citizen.getByRole('dialog', { name: '办件服务评价（好差评）' });
      await opened(citizen, dialog);
      await dialog.getByRole('radio', { name: '不满意', exact: true }).check();
      const scores = { 整体满意度: 2, 办事效率: 3, 办事指南精确度: 1, 办事便捷度: 2, 平台操作性: 4 };
      for (const [name, n] of Object.entries(scores)) {
        const rate = dialog.getByRole('radiogroup', { name });
        await rate
          .getByRole('radio')
          .nth(n - 1)
          .click();
        await dialog
          .locator('.ant-form-item')
          .filter({ has: citizen.getByRole('radiogroup', { name }) })
          .getByText(`${n} 分`, { exact: true })
          .waitFor();
        expect(await rate.getByRole('radio', { checked: true }).count()).toBe(n);
      }
      // a bad rating needs a comment
      await dialog.getByRole('button', { name: '提交评价' }).click();
      await dialog.getByText('请说明具体问题（差评必填）').last().waitFor();
      await dialog.getByRole('textbox').fill(COMMENT);
      await dialog.getByRole('button', { name: '提交评价' }).click();
      await dialog.waitFor({ state: 'detached' });
      await ratingCard.locator('.ant-tag', { hasText: /^不满意$/ }).waitFor();
      await ratingCard.getByText(COMMENT).waitFor();
      await ratingCard.getByRole('heading', { name: '整改情况' }).waitFor();
      await ratingCard.getByText('相关部门正在核实整改，完成后将通知您。').waitFor();

      const stored = await read(citizenToken, `/cases/${caseId}/rating`);
      expect(stored.rating).toMatchObject({
        level: 2,
        indicators: { overall: 2, efficiency: 3, guideAccuracy: 1, convenience: 2, usability: 4 },
        comment: COMMENT,
        realName: true,
      });
      expect(stored.canRate).toBe(false);
      expect(stored.rectification).toMatchObject({ state: 'OPEN' });

      // The citizen was told of every change of state: the bell counts them, /notifications lists them.
      await citizen.reload();
      const bell = citizen.getByRole('button', { name: /^通知，\d+ 条未读$/ });
      await bell.waitFor();
      const unread = Number((await bell.getAttribute('aria-label'))?.match(/(\d+) 条未读/)?.[1]);
      expect(unread).toBeGreaterThanOrEqual(7);
      await bell.click();
      await citizen.waitForURL(/\/notifications$/);
      await citizen.getByRole('heading', { name: '我的通知' }).waitFor();
      for (const title of [
        `办件预审中：${ITEM}`,
        `办件已接件：${ITEM}`,
        `办件待补正：${ITEM}`,
        `办件已受理：${ITEM}`,
        `办件审查中：${ITEM}`,
        `办件已作出决定：${ITEM}`,
        `办件已办结：${ITEM}`,
      ])
        await citizen.getByText(title, { exact: true }).first().waitFor();
      // The notice message lists the material with its note, then the overall reason.
      await citizen
        .getByText(`${serialNo}）请按补正告知一次性补齐材料：${M_LAYOUT}（${NOTE}）。说明：${REASON}`)
        .waitFor();
      await citizen
        .getByText(/结果：准予/)
        .first()
        .waitFor();

      // ---- 6. the bad rating opened a rectification task: supervisor01 sees it ----
      await switchAccount(staffCtx, staff, 'supervisor01');
      await staff.goto(`${j.base}/workbench/evaluations`);
      await staff.getByRole('heading', { name: '好差评与差评整改' }).waitFor();
      const task = staff.getByRole('row', { name: new RegExp(serialNo) });
      await task.waitFor();
      await task.getByText('待核实').waitFor();
      await task.getByText('不满意', { exact: true }).waitFor();
      await task.getByText(ITEM).waitFor();
      const supervisorToken = await bearer('supervisor01', 'Yiwang@2026');
      const tasks = await read(supervisorToken, '/evaluations/rectifications?state=OPEN&pageSize=100');
      expect(tasks.items.find((x: any) => x.serialNo === serialNo)).toMatchObject({
        caseId,
        state: 'OPEN',
        level: 2,
      });

      // The supervisor was told of the new task (in-app) and opens it from the list.
      await staff.getByRole('button', { name: /^通知，\d+ 条未读$/ }).waitFor();
      await task.getByRole('link', { name: new RegExp(`处理\\s*${serialNo}`) }).click();
      await staff.waitForURL(/\/workbench\/evaluations\/[0-9a-f-]{36}$/);
      await staff.getByRole('heading', { name: `差评整改：${ITEM}` }).waitFor();
      await staff.getByText(COMMENT).waitFor();

      // ---- bonus: the loop through to the end ----
      // supervisor01 verifies the bad rating
      await rectAct(staff, '核实属实');
      await rectStateIs(staff, '待整改');
      // the department (approver01) records the measures and a return visit, then tells the rater
      await switchAccount(staffCtx, staff, 'approver01');
      await staff.goto(`${j.base}/workbench/evaluations`);
      await task.getByText('待整改').waitFor();
      await task.getByRole('link', { name: new RegExp(`处理\\s*${serialNo}`) }).click();
      await rectAct(staff, '登记整改', async (d) => {
        await chooseOption(staff, d, '整改方式', '立行立改');
        await d.getByLabel('整改措施').fill(MEASURES);
      });
      await rectStateIs(staff, '已整改');
      await rectAct(staff, '登记回访', async (d) => {
        await chooseOption(staff, d, '回访方式', '电话');
        await d.getByLabel('记录内容').fill('电话回访申请人，已说明补正要求并致歉');
      });
      await staff
        .getByRole('listitem')
        .filter({ hasText: /· 电话 · .+：电话回访申请人/ })
        .waitFor();
      await rectAct(staff, '向评价人反馈');
      await rectStateIs(staff, '已反馈');

      // the citizen is told, reads the measures on the case page and answers 满意
      await citizen.goto(`${j.base}/notifications`);
      await citizen.getByText(`您的评价已整改：${ITEM}`).waitFor();
      await citizen.goto(`${j.base}/my/cases/${caseId}`);
      await ratingCard.getByText(MEASURES).waitFor();
      await ratingCard.getByText('立行立改').waitFor();
      await ratingCard.getByText('整改时间').waitFor();
      await ratingCard.getByLabel('您对整改结果是否满意？').fill('已了解，谢谢');
      await ratingCard.getByRole('button', { name: /^满\s*意$/ }).click();
      await ratingCard.getByText('您已答复：满意').waitFor();

      // supervisor01 closes the task (a real-name bad rating needed the return visit first)
      await switchAccount(staffCtx, staff, 'supervisor01');
      await staff.goto(`${j.base}/workbench/evaluations`);
      await task.getByRole('link', { name: new RegExp(`处理\\s*${serialNo}`) }).click();
      await staff.getByText('满意：已了解，谢谢').waitFor();
      await rectAct(staff, '办结');
      await rectStateIs(staff, '已办结');
      const closed = await read(
        supervisorToken,
        `/evaluations/rectifications/${tasks.items.find((x: any) => x.serialNo === serialNo).id}`,
      );
      expect(closed.state).toBe('CLOSED');
      expect(closed.feedback).toMatchObject({ satisfied: true, comment: '已了解，谢谢' });
      expect(closed.returnVisits).toHaveLength(1);
      expect(closed.events.map((e: any) => e.action)).toEqual([
        'open',
        'verify',
        'rectify',
        'return_visit',
        'send_feedback',
        'respond',
        'close',
      ]);

      if (process.env.E2E_SCREENSHOTS) {
        await citizen.screenshot({ path: join(tmpdir(), 'onestop-e2e-citizen.png'), fullPage: true });
        await staff.screenshot({ path: join(tmpdir(), 'onestop-e2e-staff.png'), fullPage: true });
      }
    } catch (e) {
      await citizen.screenshot({ path: join(tmpdir(), 'onestop-e2e-failure-citizen.png'), fullPage: true });
      await staff.screenshot({ path: join(tmpdir(), 'onestop-e2e-failure-staff.png'), fullPage: true });
      throw new Error(`${(e as Error).message}\nbrowser errors: ${errors.join(' | ')}`);
    } finally {
      await citizenCtx.close();
      await staffCtx.close();
    }
  }, 240_000);
});
