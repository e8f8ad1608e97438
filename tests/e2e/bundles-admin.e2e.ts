/**
 * Browser journey of bundle administration: the administrator sees the seeded bundles, composes a
 * new one (scenario, two members, one form field mapped to both, materials standing for theirs),
 * is refused with the field named when the prerequisites form a cycle and when a member's required
 * material is not covered, saves it as a draft, which
 * the portal does not show, publishes it (the portal shows it) and withdraws it again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, startJourney, totpNow } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CODE = 'out-of-work';
const NAME = '失业一件事';
const CLAIM_Q = '是否申领失业保险金？';

/** Chooses an option of a searchable select (single or multiple) by typing (`typed`, else its text) and Enter. */
async function pick(page: Page, id: string, text: string, typed = text) {
  const input = page.locator(`#${id}`);
  await input.fill(typed);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option-active', { hasText: text }).waitFor();
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
  it('the administrator composes a bundle, is refused a prerequisite cycle and an uncovered material, saves a draft, publishes and withdraws it', async () => {
    const page = await j.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${j.base}/login`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByLabel('动态验证码').fill(totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO'));
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(/\/(workbench|admin|account)/);

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
