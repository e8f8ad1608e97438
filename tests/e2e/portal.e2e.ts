import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, signInAdmin, startJourney } from './browser.ts';

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

describe('browser journeys: page structure', () => {
  it('every public page has one h1 and no skipped heading level', async () => {
    const page = await j.browser.newPage();
    const items = await (await fetch(`${j.base}/api/v1/catalog/items?q=spjy`)).json();
    const bundles = await (await fetch(`${j.base}/api/v1/bundles`)).json();
    const pages = [
      '/',
      '/services',
      `/services/${items.items[0].taskCode}`,
      '/services/power-list',
      '/bundles',
      `/bundles/${bundles.items[0].code}`,
      '/track',
      '/verify',
      '/login',
      '/register',
    ];
    for (const path of pages) {
      await page.goto(`${j.base}${path}`);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const levels = await page.evaluate(() =>
        [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
          .filter((h) => (h as HTMLElement).offsetParent !== null)
          .map((h) => Number(h.tagName[1])),
      );
      expect(
        levels.filter((l) => l === 1),
        path,
      ).toHaveLength(1);
      expect(levels[0], path).toBe(1);
      for (let i = 1; i < levels.length; i++)
        expect(
          levels[i]! - Math.max(...levels.slice(0, i)),
          `${path}: heading ${i} of ${levels.join(',')}`,
        ).toBeLessThanOrEqual(1);
    }
    await page.close();
  });
});

describe('browser journeys: the platform names its city', () => {
  it("the administrator makes 禅城区 the platform's division on 区划管理, and the portal says so", async () => {
    const page = await j.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signInAdmin(j, page);
    await page.goto(`${j.base}/admin/regions`);
    const tree = page.getByRole('tree', { name: '区划树' });
    await tree.getByText('广东省（440000）').click();
    // The tree opens level by level; 佛山市 carries the 本平台 tag.
    await tree.locator('.ant-tree-switcher').first().click();
    await tree.getByText('佛山市（440600）').waitFor();
    await tree.locator('.ant-tree-treenode', { hasText: '佛山市（440600）' }).getByText('本平台').waitFor();
    await tree.locator('.ant-tree-treenode', { hasText: '佛山市（440600）' }).locator('.ant-tree-switcher').click();
    await tree.getByText('禅城区（440604）').click();
    await page.getByRole('button', { name: '设为本平台所在地区' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('本平台所在地区已设为禅城区').waitFor();
    await page.goto(`${j.base}/`);
    await page.getByRole('heading', { level: 1, name: '禅城区一网通办' }).waitFor();
    // Put the demo city back for the other journeys of this file.
    const site = await j.rt.app.inject({ method: 'GET', url: '/api/v1/org/site' });
    expect(site.json().division.code).toBe('440604');
    await page.goto(`${j.base}/admin/regions`);
    await page.getByRole('tree', { name: '区划树' }).getByText('广东省（440000）').click();
    await page.getByRole('tree', { name: '区划树' }).locator('.ant-tree-switcher').first().click();
    await page.getByRole('tree', { name: '区划树' }).getByText('佛山市（440600）').click();
    await page.getByRole('button', { name: '设为本平台所在地区' }).click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('本平台所在地区已设为佛山市').waitFor();
    await page.close();
  });
});
