import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type Journey, startJourney, totpNow } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

/** A bearer token for the administrator. A TOTP code is accepted once, so try now and the next step. */
async function adminToken(): Promise<string> {
  for (const ahead of [0, 1]) {
    const r = await j.rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/login',
      payload: {
        username: 'admin',
        password: 'Yiwang@2026',
        totp: totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO', ahead),
        tokenType: 'bearer',
      },
    });
    if (r.statusCode === 200) return r.json().token;
  }
  throw new Error('administrator sign-in failed');
}

describe('browser journeys: identity and admin', () => {
  it('a citizen registers and signs in', async () => {
    const page = await j.browser.newPage();
    await page.goto(`${j.base}/register`);
    await page.getByLabel('姓名').fill('陈小明');
    await page.getByLabel('身份证号').fill('440524188001010014');
    await page.getByLabel('手机号').fill('13800138001');
    await page.getByLabel('密码', { exact: true }).fill('Citizen#2026');
    await page.getByLabel('确认密码').fill('Citizen#2026');
    await page.getByRole('button', { name: /注\s*册/ }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('用户名').fill('440524188001010014');
    await page.getByLabel('密码', { exact: true }).fill('Citizen#2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(/\/account/);
    await expect(page.getByText('陈小明').first()).toBeTruthy();
    await page.getByText('4405**********0014').first().waitFor();
    await page.close();
  });

  it('the administrator signs in with TOTP and creates a department and a staff member', async () => {
    const page = await j.browser.newPage();
    await page.goto(`${j.base}/login`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByLabel('动态验证码').fill(totpNow('JBSWY3DPEHPK3PXPYIWANGDEMO'));
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(/\/(workbench|admin|account)/);

    await page.goto(`${j.base}/admin/departments`);
    await page.getByRole('button', { name: /新建部门/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('部门名称').fill('佛山市测试数据局');
    await dialog.getByLabel('简称').fill('测试数据局');
    await dialog.getByLabel('统一社会信用代码').fill('91350100M000100Y43');
    await dialog.getByLabel('所属区划').fill('440600');
    await dialog.getByLabel('类型').click();
    await page
      .getByTitle(/政府部门|government/)
      .first()
      .click();
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('佛山市测试数据局').first().waitFor();

    await page.goto(`${j.base}/admin/staff`);
    await page.getByRole('button', { name: /新建工作人员/ }).click();
    const s = page.getByRole('dialog');
    await s.getByLabel('用户名').fill('tester01');
    await s.getByLabel('姓名').fill('测试员');
    await s.getByLabel('初始密码').fill('Staff#2026x');
    await s.getByLabel('所属部门').click();
    await page.keyboard.type('测试数据局');
    await page.getByTitle('佛山市测试数据局').first().click();
    await s.getByLabel('所属区划').fill('440600');
    await s.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('tester01').first().waitFor();

    const rows = await j.rt.platform.db
      .selectFrom('staff')
      .select('username')
      .where('username', '=', 'tester01')
      .execute();
    expect(rows.length).toBe(1);
    await page.close();
  });

  it('a departmental application signs its user in through Yiwang (OIDC)', async () => {
    const token = await adminToken();
    const rpPort = await freePort();
    const rpBase = `http://127.0.0.1:${rpPort}`;
    const reg = await j.rt.app.inject({
      method: 'POST',
      url: '/api/v1/identity/clients',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: '测试业务系统', redirectUris: [`${rpBase}/callback`] },
    });
    expect(reg.statusCode).toBe(201);
    const { clientId, clientSecret } = reg.json();
    const config = await client.discovery(new URL(j.base), clientId, clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    // A relying party: /start sends the user to Yiwang, /callback shows who signed in.
    const rp: Server = createServer(async (req, res) => {
      const url = new URL(req.url!, rpBase);
      if (url.pathname === '/start') {
        const to = client.buildAuthorizationUrl(config, {
          redirect_uri: `${rpBase}/callback`,
          scope: 'openid profile',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        });
        res.writeHead(302, { location: to.href }).end();
      } else if (url.pathname === '/callback') {
        try {
          const tokens = await client.authorizationCodeGrant(config, url, {
            pkceCodeVerifier: verifier,
            expectedState: state,
          });
          const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<h1>欢迎 ${info.name}</h1>`);
        } catch (e) {
          res.writeHead(500).end(String(e));
        }
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => rp.listen(rpPort, '127.0.0.1', () => r()));

    const page = await j.browser.newPage();
    await page.goto(`${rpBase}/start`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('用户名').fill('window01');
    await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(/\/sso\/consent\//);
    await page.getByText('测试业务系统').first().waitFor();
    await page.getByRole('button', { name: /同\s*意/ }).click();
    await page.waitForURL(/127\.0\.0\.1:\d+\/callback/);
    const h1 = await page.locator('h1').textContent();
    expect(h1).toMatch(/^欢迎 /);
    await page.close();
    rp.close();
  });
});
