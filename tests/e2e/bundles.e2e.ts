/**
 * Browser journey of 一件事一次办: a citizen applies for 开办餐饮店 with one form and one set of
 * materials, follows the parallel child cases, sees the dependent item start once staff conclude
 * its prerequisite (through the API), tracks the bundle publicly, and withdraws another one.
 *
 * And bundle administration (after it, on the same platform): the administrator sees the seeded
 * bundles, composes a new one (scenario, two members, one form field mapped to both, materials
 * standing for theirs), is refused with the field named when the prerequisites form a cycle and when
 * a member's required material is not covered, saves it as a draft, which the portal does not show,
 * publishes it (the portal shows it), sees the list, the editor and the portal flag it once a member
 * item is cancelled in the catalog, and withdraws it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOptionOf, type Journey, signInAdmin, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CITIZEN = { name: '陈美玲', idNumber: '11010519491231002X', phone: '13800138000', password: 'Citizen#2026' };
const PDF = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n% ${text}\ntrailer<< /Root 1 0 R >>\n%%EOF\n`);

const SIGN_Q = '是否设置户外门头招牌？';
const PLACE_Q = '店内是否同时经营住宿、美容美发、沐浴等公共场所服务？';

let bundleId = '';
let serialNo = '';
let password = '';

async function signIn(page: Page) {
  await page.getByLabel('用户名').fill(CITIZEN.idNumber);
  await page.getByLabel('密码', { exact: true }).fill(CITIZEN.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

async function staffToken(username: string): Promise<string> {
  const r = await j.rt.app.inject({
    method: 'POST',
    url: '/api/v1/identity/login',
    payload: { username, password: 'Yiwang@2026', tokenType: 'bearer' },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().token;
}

async function staffAct(token: string, id: string, action: string) {
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
    payload: { action, expectedVersion: one.json().version },
  });
  expect(r.statusCode, `${action}: ${r.body}`).toBe(200);
}

/** A text field of the one form, by its title. */
const field = (page: Page, title: string) => page.getByRole('textbox', { name: new RegExp(`^(\\* )?${title}$`) });
/** A material card (role group named by the bundle material). */
const material = (page: Page, name: string) => page.getByRole('group', { name, exact: true });
/** A child case card on the bundle case page (region named by the item). */
const child = (page: Page, item: string) => page.getByRole('region', { name: item, exact: true });
const answer = (page: Page, question: string, value: '是' | '否') =>
  page.getByRole('radiogroup', { name: question }).getByRole('radio', { name: value, exact: true }).check();

async function upload(page: Page, name: string, file: string) {
  const card = material(page, name);
  await card.locator('input[type=file]').setInputFiles({ name: file, mimeType: 'application/pdf', buffer: PDF(name) });
  await card.getByRole('link', { name: new RegExp(file.replace('.', '\\.')) }).waitFor();
}

describe('browser journeys: 一件事一次办', () => {
  it('a citizen applies for 开办餐饮店 with one form and one set of materials; the children run in parallel', async () => {
    const reg = await j.rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/register',
      payload: { type: 'person', ...CITIZEN },
    });
    expect(reg.statusCode, reg.body).toBe(201);

    const page = await j.browser.newPage();
    await page.goto(`${j.base}/login`);
    await signIn(page);
    await page.waitForURL(/\/account$/);
    await page.goto(`${j.base}/`);
    await page.getByRole('link', { name: '一件事一次办' }).click();
    await page.waitForURL(/\/bundles$/);
    const card = page.getByRole('article', { name: '开办餐饮店' });
    await card.getByText('户外广告设置许可').waitFor();
    await card.getByText('联办时限 10 个工作日').waitFor();
    await card.getByRole('link', { name: '开办餐饮店', exact: true }).click();
    await page.waitForURL(/\/bundles\/KBCYD$/);
    await page.getByRole('heading', { name: '开办餐饮店', level: 1 }).waitFor();

    // The guide: lead department, conditions (如适用) and prerequisites.
    await page.getByText('佛山市市场监督管理局').first().waitFor();
    const hygieneRow = page.getByRole('row').filter({ hasText: '公共场所卫生许可' });
    await hygieneRow.getByText('如适用').waitFor();
    await hygieneRow.getByText('在「个体工商户设立登记」办结后自动提交').waitFor();

    // Scenario questions decide the members and the materials.
    await answer(page, SIGN_Q, '是');
    await answer(page, PLACE_Q, '否');
    await page.getByRole('row').filter({ hasText: '户外广告设置许可' }).getByText('办理', { exact: true }).waitFor();
    await hygieneRow.getByText('不涉及').waitFor();
    await page.getByText('本次将一并申办 3 个事项').waitFor();
    expect(await material(page, '公共场所卫生许可申请表').count()).toBe(0);
    expect(await field(page, '公共场所类别（如适用）').count()).toBe(0);
    await material(page, '营业执照').getByText('由「个体工商户设立登记」办结后自动提供').waitFor();
    expect(await material(page, '营业执照').locator('input').count()).toBe(0);
    await material(page, '经营场所使用证明').getByText('同时用于：个体工商户设立登记、户外广告设置许可').waitFor();
    await material(page, '经营场所平面布局图').getByText('用于：食品经营许可').waitFor();

    // One form, pre-filled with the account's own name, ID number and phone (not the masked ones).
    expect(await field(page, '经营者姓名').inputValue()).toBe(CITIZEN.name);
    await expect.poll(() => field(page, '经营者身份证号码').inputValue()).toBe(CITIZEN.idNumber);
    expect(await field(page, '联系电话').inputValue()).toBe(CITIZEN.phone);
    await field(page, '店铺名称（个体工商户名称）').fill('禅城区美玲粥粉面店');
    await field(page, '经营场所').fill('佛山市禅城区祖庙街道福贤路18号');
    await field(page, '经营范围（经营项目）').fill('热食类食品制售');
    await field(page, '招牌规格（米，如适用）').fill('6x1');
    await field(page, '招牌设置期限（如适用）').fill('3年');

    // Submitting without materials: the missing material is named on its card.
    await page.getByRole('button', { name: '提交一件事申请' }).click();
    await material(page, '个体工商户登记申请书').getByText('请提供「个体工商户登记申请书」').waitFor();

    // One set of materials.
    await upload(page, '个体工商户登记申请书', '登记申请书.pdf');
    await upload(page, '经营者身份证明', '身份证.pdf');
    await upload(page, '食品经营许可申请书', '食品申请书.pdf');
    await upload(page, '经营场所平面布局图', '平面图.pdf');
    await upload(page, '户外广告设置申请表', '广告申请表.pdf');
    await upload(page, '招牌效果图及结构图', '效果图.pdf');
    await material(page, '经营场所使用证明').getByRole('checkbox').check();
    await material(page, '食品安全与卫生管理制度').getByRole('checkbox').check();

    // A blank shop name passes the form but not the server: its 400 lands on the field.
    await field(page, '店铺名称（个体工商户名称）').fill('   ');
    const shopItem = page.locator('.ant-form-item').filter({ has: page.locator('#root_shopName') });
    expect(await shopItem.getByText('请填写店铺名称（个体工商户名称）').count()).toBe(0);
    await page.getByRole('button', { name: '提交一件事申请' }).click();
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/bundles/KBCYD/apply'));
    await page.getByRole('dialog').getByRole('button', { name: '提交一件事申请' }).click();
    expect((await refused).status()).toBe(400);
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await shopItem.getByText('请填写店铺名称（个体工商户名称）').waitFor();
    expect(
      await j.rt.platform.db.selectFrom('bundle_cases').select('id').execute(),
      'nothing is stored on a refusal',
    ).toHaveLength(0);
    await field(page, '店铺名称（个体工商户名称）').fill('禅城区美玲粥粉面店');

    await page.getByRole('button', { name: '提交一件事申请' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText(/个体工商户设立登记、食品经营许可、户外广告设置许可/).waitFor();
    await confirm.getByRole('button', { name: '提交一件事申请' }).click();
    await page.getByText('一件事申请已提交').waitFor();
    serialNo = (await page.getByTestId('serial-no').textContent()) ?? '';
    password = (await page.getByTestId('query-password').textContent()) ?? '';
    expect(serialNo).toMatch(/^YB\d{16}$/);
    expect(password).toMatch(/^\d{6}$/);
    await page.getByText(/查询密码只显示这一次/).waitFor();
    await page.getByRole('button', { name: /复制/ }).first().waitFor();

    // The bundle case: parallel children in two departments, the dependent one waiting.
    await page.getByRole('button', { name: '查看一件事办件' }).click();
    await page.waitForURL(/\/my\/bundles\/[0-9a-f-]{36}$/);
    bundleId = page.url().split('/').pop() ?? '';
    await page.getByTestId('bundle-serial-no').getByText(serialNo).waitFor();
    await page.getByTestId('bundle-state').getByText('办理中').waitFor();
    await child(page, '个体工商户设立登记').getByText('已提交').waitFor();
    await child(page, '个体工商户设立登记').getByText('佛山市市场监督管理局').waitFor();
    await child(page, '户外广告设置许可').getByText('已提交').waitFor();
    await child(page, '户外广告设置许可').getByText('佛山市城市管理和综合执法局').waitFor();
    await child(page, '食品经营许可').getByText('等待前置事项').waitFor();
    await child(page, '食品经营许可').getByText('将在「个体工商户设立登记」办结后自动提交').waitFor();
    expect(await child(page, '公共场所卫生许可').count()).toBe(0);

    const rows = await j.rt.platform.db
      .selectFrom('cases')
      .select(['id', 'item_name', 'state', 'department_id', 'form_data'])
      .where('bundle_case_id', '=', bundleId)
      .execute();
    const byItem = new Map(rows.map((r) => [r.item_name, r]));
    expect([...byItem.keys()].sort()).toEqual(['个体工商户设立登记', '户外广告设置许可', '食品经营许可'].sort());
    expect(byItem.get('个体工商户设立登记')!.department_id).not.toBe(byItem.get('户外广告设置许可')!.department_id);
    const signForm = byItem.get('户外广告设置许可')!.form_data;
    const sf = typeof signForm === 'string' ? JSON.parse(signForm) : signForm;
    expect(sf).toMatchObject({
      entityName: '禅城区美玲粥粉面店',
      location: '佛山市禅城区祖庙街道福贤路18号',
      size: '6x1',
    });

    // Staff conclude the registration; the food licence is then submitted with the licence provided.
    const staff = await staffToken('approver01');
    const regId = byItem.get('个体工商户设立登记')!.id;
    for (const action of ['pre_review', 'receive', 'accept', 'start_review', 'approve', 'conclude'])
      await staffAct(staff, regId, action);
    await page.reload();
    await child(page, '食品经营许可').getByText('已提交').waitFor();
    await child(page, '个体工商户设立登记').getByText('已办结').waitFor();
    expect(await child(page, '食品经营许可').getByText('等待前置事项').count()).toBe(0);
    const items = await page.getByTestId('timeline-item').allTextContents();
    expect(new Set(items)).toEqual(new Set(['个体工商户设立登记', '户外广告设置许可', '食品经营许可']));

    // The child card leads to the single case.
    await child(page, '食品经营许可')
      .getByRole('link', { name: /查看办件详情/ })
      .click();
    await page.waitForURL(/\/my\/cases\/[0-9a-f-]{36}$/);
    await page
      .getByRole('heading', { name: /食品经营许可/ })
      .first()
      .waitFor();

    // My cases lists the bundle case.
    await page.goto(`${j.base}/my/cases`);
    const line = page.getByRole('region', { name: '一件事办件' }).getByRole('row').filter({ hasText: serialNo });
    await line.getByText('办理中').waitFor();
    await line.getByRole('link', { name: '开办餐饮店' }).click();
    await page.waitForURL(new RegExp(`/my/bundles/${bundleId}$`));
    await page.close();
  });

  it('anyone tracks the bundle with its YB serial number and query password', async () => {
    const ctx = await j.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${j.base}/track`);
    await page.getByLabel('申办流水号').fill(serialNo);
    await page.getByLabel('查询密码').fill(password);
    await page.getByRole('button', { name: /查\s*询/ }).click();
    const result = page.getByRole('region', { name: '一件事办件：开办餐饮店' });
    await result.getByRole('row').filter({ hasText: '食品经营许可' }).getByText('已提交').waitFor();
    await result.getByRole('row').filter({ hasText: '个体工商户设立登记' }).getByText('已办结').waitFor();
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(CITIZEN.name);
    expect(text).not.toContain('美玲粥粉面店');
    await ctx.close();
  });

  it('the citizen withdraws a bundle (新生儿出生一件事): every undecided child is voided', async () => {
    // Applied through the API (the browser journey above covers the form); withdrawn in the browser.
    const login = await j.rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: { username: CITIZEN.idNumber, password: CITIZEN.password, tokenType: 'bearer' },
    });
    const token = login.json().token as string;
    const pdf = async () => {
      const boundary = '----yw-e2e';
      const r = await j.rt.app.inject({
        method: 'POST',
        url: '/api/v1/cases/files',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          PDF('birth'),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const applied = await j.rt.app.inject({
      method: 'POST',
      url: '/api/v1/bundles/XSECS/apply',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        answers: {},
        formData: {
          babyName: '陈小宝',
          birthDate: '2026-11-20',
          motherName: CITIZEN.name,
          fatherName: '李志强',
          idNumber: CITIZEN.idNumber,
          guardianName: '李志强',
          phone: CITIZEN.phone,
        },
        materials: [
          { name: '出生医学证明首次签发登记表', fileIds: [await pdf()] },
          { name: '父母居民身份证', fileIds: [await pdf()] },
          { name: '结婚证', fulfilment: 'COMMITMENT', commitment: true },
          { name: '父母居民户口簿', fileIds: [await pdf()] },
        ],
      },
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const id = applied.json().bundleCase.id as string;

    const page = await j.browser.newPage();
    await page.goto(`${j.base}/login?returnTo=${encodeURIComponent(`/my/bundles/${id}`)}`);
    await signIn(page);
    await page.waitForURL(new RegExp(`/my/bundles/${id}$`));
    await child(page, '出生登记（新生儿入户）').getByText('将在「出生医学证明首次签发」办结后自动提交').waitFor();
    await page.getByRole('button', { name: '撤回一件事申请' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '撤回一件事申请' }).click();
    await page.getByTestId('bundle-state').getByText('已撤回').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: '撤回一件事申请' }).count()).toBe(0);
    for (const item of ['出生医学证明首次签发', '生育登记', '出生登记（新生儿入户）'])
      await child(page, item).getByText('已作废').waitFor();
    const states = await j.rt.platform.db
      .selectFrom('cases')
      .select('state')
      .where('bundle_case_id', '=', id)
      .execute();
    expect(states.map((s) => s.state)).toEqual(['VOIDED', 'VOIDED', 'VOIDED']);
    await page.close();
  });

  it('in English and in elderly mode the guide and the application stay usable', async () => {
    const ctx = await j.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${j.base}/login`);
    await page.evaluate(() => {
      localStorage.setItem('yw.lang', 'en');
      localStorage.setItem('yw.elder', '1');
    });
    await page.reload();
    await page.locator('#username, input[autocomplete=username]').first().fill(CITIZEN.idNumber);
    await page.locator('input[type=password]').first().fill(CITIZEN.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/account$/);
    await page.goto(`${j.base}/bundles/KBCYD`);
    await page.getByRole('heading', { name: 'Open a restaurant', level: 1 }).waitFor();
    const sign = page.getByRole('radiogroup', { name: 'Will you put up an outdoor shop sign?' });
    await sign.getByRole('radio', { name: 'Yes', exact: true }).check();
    await page.getByRole('row').filter({ hasText: '户外广告设置许可' }).getByText('Included').waitFor();
    await page.getByRole('textbox', { name: /Sign size in metres/ }).waitFor();
    await material(page, '营业执照')
      .getByText('Provided automatically once "个体工商户设立登记" is concluded')
      .waitFor();
    const sizes = await page.evaluate(() => {
      const h = (sel: string) => document.querySelector(sel)?.getBoundingClientRect().height ?? 0;
      return {
        radio: h('.yw-bundle-scenario .ant-radio'),
        input: h('.ant-form-item-control-input:has(#root_shopName)'),
        button: h('.yw-apply .ant-btn-primary'),
        font: Number.parseFloat(getComputedStyle(document.querySelector('#root_shopName')!).fontSize),
      };
    });
    expect(sizes.radio).toBeGreaterThanOrEqual(24);
    expect(sizes.input).toBeGreaterThanOrEqual(44);
    expect(sizes.button).toBeGreaterThanOrEqual(44);
    expect(sizes.font).toBeGreaterThanOrEqual(18);
    await ctx.close();
  });
});

// ---------- administration ----------

const CODE = 'out-of-work';
const NAME = '失业一件事';
const CLAIM_Q = '是否申领失业保险金？';

/** Chooses an option of a searchable select (single or multiple) by typing (`typed`, else its text) and Enter. */
async function pick(page: Page, id: string, text: string, typed = text) {
  const input = page.locator(`#${id}`);
  await input.fill(typed);
  await (await activeOptionOf(page, input, text)).waitFor();
  await input.press('Enter');
  await page
    .locator(`.ant-select:has(#${id})`)
    .locator('.ant-select-selection-item, .ant-select-content-value, .ant-select-content')
    .filter({ hasText: text })
    .first()
    .waitFor();
  await input.press('Escape');
}

describe('browser journeys: bundle administration', () => {
  it('the administrator composes a bundle, is refused a prerequisite cycle and an uncovered material, saves a draft, publishes it, sees it flagged once a member is cancelled, and withdraws it', async () => {
    const page = await j.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await signInAdmin(j, page);

    // the seeded bundles, published
    await page.goto(`${j.base}/admin/bundles`);
    await page.getByRole('link', { name: '一件事管理' }).waitFor();
    const seeded = page.getByRole('row', { name: /开办餐饮店/ });
    await seeded.getByText('已发布').waitFor();
    await page
      .getByRole('row', { name: /新生儿出生一件事/ })
      .getByText('已发布')
      .waitFor();

    // a seeded definition loads into the editor: its members by name, its produced material
    await page.getByRole('link', { name: '开办餐饮店', exact: true }).click();
    await page.getByRole('heading', { name: '编辑一件事：开办餐饮店' }).waitFor();
    await page
      .locator('#bundle')
      .getByText(/^食品经营许可（/)
      .first()
      .waitFor();
    await page.locator('#bundle').getByText('由前置事项产生').first().waitFor();
    await page.getByRole('link', { name: '返回一件事列表' }).click();

    // compose a new one
    const REG = '失业登记';
    const CLAIM = '失业保险金申领';
    await page.getByRole('button', { name: '新建一件事' }).click();
    await page.waitForURL(/\/admin\/bundles\/new$/);
    await page.locator('#bundle_code').fill(CODE);
    await page.locator('#bundle_name').fill(NAME);
    await page.locator('#bundle_nameEn').fill('Out of work');
    await page.locator('#bundle_theme').fill('人生一件事');
    await pick(page, 'bundle_leadDepartmentId', '佛山市人力资源和社会保障局', '人力资源');
    await page.locator('#bundle_jointDeadlineDays').fill('15');

    await page.getByRole('button', { name: '添加情形' }).click();
    await page.locator('#bundle_scenarios_0_id').fill('claim');
    await page.locator('#bundle_scenarios_0_question').fill(CLAIM_Q);
    await page.locator('#bundle_scenarios_0_questionEn').fill('Do you claim unemployment insurance benefits?');

    await page.getByRole('button', { name: '添加事项' }).click();
    await pick(page, 'bundle_members_0_taskCode', REG);
    await page.getByRole('button', { name: '添加事项' }).click();
    await pick(page, 'bundle_members_1_taskCode', CLAIM, 'sybxj');
    await pick(page, 'bundle_members_1_condition_scenario', CLAIM_Q);
    // each waits for the other: a cycle
    await pick(page, 'bundle_members_0_dependsOn', CLAIM);
    await pick(page, 'bundle_members_1_dependsOn', REG);

    await page.getByRole('button', { name: '添加字段' }).click();
    await page.locator('#bundle_form_0_id').fill('applicantName');
    await page.locator('#bundle_form_0_title').fill('申请人姓名');
    await page.locator('#bundle_form_0_titleEn').fill('Applicant name');
    for (const [i, item] of [REG, CLAIM].entries()) {
      await page.getByRole('button', { name: '添加映射' }).click();
      await pick(page, `bundle_form_0_mapsTo_${i}_taskCode`, item);
      await pick(page, `bundle_form_0_mapsTo_${i}_field`, '申请人姓名');
    }

    /** Adds a bundle material standing for materials of the members. */
    const addMaterial = async (n: number, code: string, name: string, satisfies: [string, string][]) => {
      await page.getByRole('button', { name: '添加材料' }).click();
      await page.locator(`#bundle_materials_${n}_code`).fill(code);
      await page.locator(`#bundle_materials_${n}_name`).fill(name);
      const row = page.locator('.yw-list-row').filter({ has: page.locator(`#bundle_materials_${n}_code`) });
      for (const [i, [item, material]] of satisfies.entries()) {
        await row.getByRole('button', { name: '添加对应' }).click();
        await pick(page, `bundle_materials_${n}_satisfies_${i}_taskCode`, item);
        await pick(page, `bundle_materials_${n}_satisfies_${i}_material`, material);
      }
    };
    await addMaterial(0, 'idCard', '居民身份证（复印件）', [
      [REG, '居民身份证'],
      [CLAIM, '居民身份证'],
    ]);
    await addMaterial(1, 'claimForm', '失业保险金申领表', [[CLAIM, '失业保险金申领表']]);

    // the server refuses the cycle and names the field; nothing is stored
    const save = page.getByRole('button', { name: /保\s*存/ });
    const alert = page.locator('#bundle').getByRole('alert');
    await save.click();
    await alert.filter({ hasText: '前置事项形成了循环' }).waitFor();
    await page.locator('.ant-form-item-has-error #bundle_members_0_dependsOn').waitFor();
    const before = await page.request.get(`${j.base}/api/v1/bundles/admin/definitions`);
    expect(before.status()).toBe(200);
    expect(((await before.json()).items as { code: string }[]).map((d) => d.code)).not.toContain(CODE);

    // 失业登记 no longer waits for the claim; but the claim's bank account is asked of nobody
    await page.locator('#bundle_members_0_dependsOn').focus();
    await page.locator('#bundle_members_0_dependsOn').press('Backspace');
    await save.click();
    await alert.filter({ hasText: '失业保险金申领的必要材料“本人银行账户信息”没有对应一套材料中的材料' }).waitFor();
    await page.locator('.ant-form-item-has-error #bundle_members_1_taskCode').waitFor();

    await addMaterial(2, 'bank', '银行账户信息', [[CLAIM, '本人银行账户信息']]);
    await save.click();
    await page.getByText('已保存为草稿，发布后门户可见').waitFor();
    await page.waitForURL(new RegExp(`/admin/bundles/${CODE}$`));
    await page.getByRole('heading', { name: `编辑一件事：${NAME}` }).waitFor();
    await page.getByText('草稿', { exact: true }).waitFor();

    // a draft is not on the portal
    expect((await fetch(`${j.base}/api/v1/bundles/${CODE}`)).status).toBe(404);

    await page.getByRole('button', { name: `发布 ${NAME}` }).click();
    await page.getByText('已发布，门户可见').waitFor();
    const guide = await (await fetch(`${j.base}/api/v1/bundles/${CODE}`)).json();
    expect(guide.members.map((m: { taskCode: string; dependsOn?: string[] }) => m.dependsOn ?? [])).toEqual([
      [],
      [guide.members[0].taskCode],
    ]);
    expect(guide.materials.map((m: { satisfies: unknown[] }) => m.satisfies.length)).toEqual([2, 1, 1]);

    // the portal lists it, and its guide asks the scenario question
    await page.goto(`${j.base}/bundles`);
    await page.getByText(NAME).first().waitFor();
    await page.goto(`${j.base}/bundles/${CODE}`);
    await page.getByText(CLAIM_Q).first().waitFor();

    // the claim item is cancelled in the catalog: the list and the editor say what is wrong, the portal
    // says the bundle cannot be applied for
    const csrf = (await page.context().cookies()).find((c) => c.name === 'yw_csrf')?.value ?? '';
    const cancelled = await page.request.post(`${j.base}/api/v1/catalog/items/${guide.members[1].taskCode}/cancel`, {
      headers: { 'x-csrf-token': csrf },
    });
    expect(cancelled.status(), await cancelled.text()).toBe(200);
    await page.goto(`${j.base}/admin/bundles`);
    await page
      .getByRole('row', { name: new RegExp(NAME) })
      .getByText('1 个问题')
      .waitFor();
    await page.getByRole('link', { name: NAME, exact: true }).click();
    await page.getByRole('heading', { name: `编辑一件事：${NAME}` }).waitFor();
    const warning = page.locator('.ant-alert-warning');
    await warning.getByText('目录已变化，该一件事暂不能申请').waitFor();
    await warning.getByText(`${guide.members[1].taskCode} 不存在或未发布`).waitFor();
    await page.locator('.ant-form-item-has-error #bundle_members_1_taskCode').waitFor();
    await page.goto(`${j.base}/bundles/${CODE}`);
    await page.getByText('本一件事中的事项已变更或停止办理，暂不能在线申请').waitFor();

    // withdraw it from the list (asks first)
    await page.goto(`${j.base}/admin/bundles`);
    const row = page.getByRole('row', { name: new RegExp(NAME) });
    await row.getByText('已发布').waitFor();
    await row.getByRole('button', { name: `下线 ${NAME}` }).click();
    await page.getByRole('button', { name: /^是$/ }).click();
    await page.getByText('已下线，门户不再显示，已申办的办件照常办理').waitFor();
    await row.getByText('已下线').waitFor();
    expect((await fetch(`${j.base}/api/v1/bundles/${CODE}`)).status).toBe(404);

    expect(errors).toEqual([]);
    await page.close();
  });
});
