/** Browser-journey harness: the real server (built web app) on a free port and Debian's Chromium. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openDatabase } from '@yiwang/platform';
import { buildRuntime, type Runtime } from '@yiwang/server';
import * as OTPAuth from 'otpauth';
import { freePort } from '../harness.ts';

export { freePort };

import { type Browser, chromium } from 'playwright-core';

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
  const handle = await openDatabase({ databaseUrl: null, dataDir: null });
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
