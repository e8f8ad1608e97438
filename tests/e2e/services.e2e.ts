import { afterAll, beforeAll, describe, it } from 'vitest';
import { type Journey, startJourney } from './browser.ts';

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
});
