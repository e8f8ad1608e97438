/** Browser-journey harness: the real server (built web app) on a free port and Debian's Chromium. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@yiwang/platform';
import { buildRuntime, type Runtime } from '@yiwang/server';
import * as OTPAuth from 'otpauth';
import { freePort, openPgliteForTest } from '../harness.ts';

export { freePort };

import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const WEB_DIST = join(import.meta.dirname, '../../apps/web/dist');

/** The TOTP code of now (or of a later 30 s step: each code is accepted once, one step early). */
export const totpNow = (secret: string, stepsAhead = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });

export interface Journey {
  rt: Runtime;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startJourney(): Promise<Journey> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('web app not built: run `npm run build` first');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-e2e-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: base,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'true',
  });
  const handle = await openPgliteForTest();
  const rt = await buildRuntime({ config, handle, logger: false, webDist: WEB_DIST });
  await rt.app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    rt,
    base,
    browser,
    async close() {
      await browser.close();
      await rt.close();
    },
  };
}

/** The TOTP step of the last sign-in: the server takes each step once and only later ones after it. */
let lastStep = 0;

/** Signs the demo administrator in (password and TOTP) on `page`, each time on a fresh TOTP step. */
export async function signInAdmin(j: Journey, page: Page) {
  const now = () => Math.floor(Date.now() / 30_000);
  // a code one step ahead is accepted; wait only when even that one was used already
  while (lastStep >= now() + 1) await new Promise((r) => setTimeout(r, 1_000));
  const step = Math.max(now(), lastStep + 1);
  lastStep = step;
  await page.goto(`${j.base}/login`);
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByLabel('动态验证码').fill(totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO', step - now()));
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL(/\/(workbench|admin|account)/);
}

/**
 * The active option of the dropdown that belongs to `input` (an antd Select's search input): its
 * list has the id `<input id>_list`. An unscoped `.ant-select-dropdown:visible` can also match the
 * dropdown of the previous select while it is still closing (a strict-mode failure seen in CI).
 */
export async function activeOptionOf(page: Page, input: Locator, text?: string): Promise<Locator> {
  const id = await input.getAttribute('id');
  if (!id) throw new Error('the select input has no id');
  return page.locator(
    `.ant-select-dropdown:visible:has([id="${id}_list"]) .ant-select-item-option-active`,
    text === undefined ? {} : { hasText: text },
  );
}

/**
 * Chooses the option of a plain select within `scope` (a dialog, the page's main) by keyboard: open with
 * ↓, move to the option, Enter; then waits until that select shows it. Clicking an option during the
 * drop-down's animation may miss, and an unscoped option can belong to another select.
 */
export async function chooseOption(page: Page, scope: Locator, fieldLabel: string, option: string) {
  const input = scope.getByLabel(fieldLabel, { exact: true });
  await input.focus();
  await input.press('ArrowDown');
  const active = await activeOptionOf(page, input);
  await active.waitFor();
  for (let i = 0; i < 10 && (await active.textContent())?.trim() !== option; i++) await input.press('ArrowDown');
  await (await activeOptionOf(page, input, option)).waitFor();
  await input.press('Enter');
  const id = await input.getAttribute('id');
  await scope.locator(`.ant-select:has([id="${id}"])`, { hasText: option }).waitFor();
}
