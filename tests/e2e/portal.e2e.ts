import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

describe('browser journeys: portal preferences', () => {
  it('switches to English and to the elderly-friendly mode, and remembers both', async () => {
    const page = await j.browser.newPage();
    // An anonymous visit asks nothing it is refused: no failed request logged in the console.
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(`${j.base}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByRole('navigation', { name: /主导航|main/i }).waitFor();
    // The city is the division the platform serves (GET /org/site, public), not a fixed name.
    await page.getByRole('heading', { level: 1, name: '佛山市一网通办' }).waitFor();
    expect(await page.locator('footer').innerText()).toContain('佛山市');
    await page.goto(`${j.base}/services`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.goto(`${j.base}/`);
    await page.getByRole('heading', { level: 1, name: '佛山市一网通办' }).waitFor();
    expect(consoleErrors).toEqual([]);
    await page.getByLabel('语言').click();
    await page.getByTitle('English').click();
    await page.getByText('Elder mode').first().waitFor();
    await page.getByRole('heading', { level: 1, name: 'Foshan one-stop government services' }).waitFor();
    expect(await page.locator('footer').innerText()).toContain('Foshan');
    await page.getByRole('switch', { name: 'Elder mode' }).click();
    expect(await page.evaluate(() => document.body.classList.contains('yw-elder'))).toBe(true);
    const sizes = await page.evaluate(() =>
      [document.body, document.querySelector('.yw-main .ant-btn')].map((el) =>
        Number.parseFloat(getComputedStyle(el!).fontSize),
      ),
    );
    expect(sizes[0]).toBeGreaterThanOrEqual(20);
    expect(sizes[1]).toBeGreaterThanOrEqual(18);
    await page.reload();
    await page.getByText('Elder mode').first().waitFor();
    expect(await page.evaluate(() => document.body.classList.contains('yw-elder'))).toBe(true);
    // Keyboard: the skip link is the first stop and leads to the main content.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    expect(focused).toMatch(/#/);
    await page.close();
  });
});
