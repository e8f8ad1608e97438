import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOptionOf, type Journey, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

describe('browser journeys: service catalog', () => {
  it('a citizen finds an item by pinyin initials and reads its guide', async () => {
    const page = await j.browser.newPage();
    await page.goto(`${j.base}/`);
    await page.getByRole('link', { name: '办事服务' }).first().click();
    await page.waitForURL(/\/services/);
    await page.getByRole('searchbox', { name: '搜索事项' }).fill('spjy');
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: '食品经营许可', exact: true }).click();
    await page.waitForURL(/\/services\/[0-9A-Z]{31}/);
    // exact: the search list also holds 食品经营许可延续
    await page.getByRole('heading', { name: '食品经营许可', exact: true }).waitFor();
    await page.getByText('申请材料').first().waitFor();
    await page.close();
  });

  it('a citizen searches from the home page, then narrows by theme, department and applicant type; the URL keeps the filters', async () => {
    const page = await j.browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${j.base}/`);
    await page.getByRole('searchbox', { name: '搜索办事事项' }).fill('sydj');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/services\?q=sydj$/);
    await page.getByRole('link', { name: '生育登记', exact: true }).waitFor();
    expect(await page.getByRole('searchbox', { name: '搜索事项' }).inputValue()).toBe('sydj');

    // a theme (life event) chip on the home page lists its items
    await page.goto(`${j.base}/`);
    await page
      .getByRole('navigation', { name: '按主题和人生事件' })
      .getByRole('link', { name: /^生育（\d+）$/ })
      .click();
    await page.waitForURL(/theme=%E7%94%9F%E8%82%B2/);
    await page.getByRole('link', { name: '生育登记', exact: true }).waitFor();
    const names = async () => page.locator('.yw-item-title a').allTextContents();
    // immediate items say so instead of "0 working days"
    await page.getByText('承诺时限：即办').first().waitFor();

    // the department filter keeps the theme
    const dep = page.getByRole('combobox', { name: '实施部门' });
    await dep.fill('公安局');
    await (await activeOptionOf(page, dep, '佛山市公安局')).waitFor();
    await dep.press('Enter');
    await page.waitForURL(/department=/);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.yw-item-desc')];
      return rows.length > 0 && rows.every((r) => r.textContent?.includes('佛山市公安局'));
    });
    expect(await names()).toContain('出生登记（新生儿入户）');

    // businesses: no person-only item remains; the reloaded page shows the same list
    await page.locator('.ant-segmented-item', { hasText: '法人办事' }).click();
    await page.waitForURL(/for=enterprise/);
    await page.getByText('没有找到相关事项').or(page.locator('.ant-list-item')).first().waitFor();
    const before = await names();
    expect(before).not.toContain('出生登记（新生儿入户）');
    await page.reload();
    await page.getByRole('radio', { name: '法人办事', checked: true }).waitFor({ state: 'attached' });
    expect(await names()).toEqual(before);
    expect(errors).toEqual([]);
    await page.close();
  });
});
