/**
 * Browser journey of no-proof services (免证明): a demo citizen applies for 高龄津贴申领; her 户籍证明
 * is fetched from the population library (人口基础库, loaded through the CSV connector) under 民政局's
 * standing grant instead of being uploaded, the form is pre-filled from it, and the case keeps the
 * evidence (resource, request id, answer hashes) that matches the audited gateway calls.
 */
import { DEMO_CITIZENS } from '@yiwang/cases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CHEN = { ...DEMO_CITIZENS[0]!, password: 'Citizen#2026' };
const PDF = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n% ${text}\ntrailer<< /Root 1 0 R >>\n%%EOF\n`);

describe('no-proof: residence proof fetched instead of uploaded', () => {
  it('applies for 高龄津贴申领 with 户籍证明 fetched from shared data', async () => {
    const item = await j.rt.platform.db
      .selectFrom('catalog_items')
      .select('task_code')
      .where('name', '=', '高龄津贴申领')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    const page = await j.browser.newPage();
    await page.goto(`${j.base}/login?returnTo=${encodeURIComponent(`/services/${item.task_code}/apply`)}`);
    await page.getByLabel('用户名').fill(CHEN.idNumber);
    await page.getByLabel('密码', { exact: true }).fill(CHEN.password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('heading', { name: /在线申办：高龄津贴申领/ }).waitFor();

    const card = page.getByRole('group', { name: '户籍证明', exact: true });
    await card.getByText('已从“人口基础信息”（佛山市公安局）获取，无需上传').waitFor();
    // the division the check names is the platform's own (佛山市), named with its code
    await card.getByText('户籍地区划代码 属于 佛山市（440600）：是').waitFor();
    await card.getByText('广东省佛山市禅城区').waitFor();
    // The birth date the grant sees in clear pre-fills the form.
    const field = (title: string) => page.getByRole('textbox', { name: new RegExp(`^(\\* )?${title}$`) });
    await expect.poll(() => field('出生日期').inputValue()).toBe('1988-03-12');
    await field('银行账号').fill('6222020000000001');
    for (const name of ['高龄津贴申请表', '申请人身份证', '银行账户信息']) {
      const m = page.getByRole('group', { name, exact: true });
      await m
        .locator('input[type=file]')
        .first()
        .setInputFiles({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: PDF(name) });
      await m.getByRole('link', { name: new RegExp(`${name}\\.pdf`) }).waitFor();
    }
    await page.getByRole('button', { name: '提交申请' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /提交申请/ })
      .click();
    await page.getByText('申请已提交').waitFor();
    await page.getByRole('button', { name: '查看办件详情' }).click();
    await page.waitForURL(/\/my\/cases\/[0-9a-f-]{36}$/);
    // The case shows the evidence instead of an upload.
    const evidence = page.getByTestId('shared-data-evidence');
    await evidence.getByText('由“人口基础信息”（佛山市公安局）共享数据提供').waitFor();
    // the operator in the page's language, the time as the rest of the app writes it
    await evidence.getByText(/户籍地区划代码 属于 佛山市（440600）：/).waitFor();
    await evidence.getByText(/查询时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/).waitFor();
    const id = page.url().split('/').pop()!;
    const row = await j.rt.platform.db
      .selectFrom('cases')
      .select('materials')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const materials = typeof row.materials === 'string' ? JSON.parse(row.materials) : row.materials;
    const proof = materials.find((m: any) => m.name === '户籍证明');
    expect(proof).toMatchObject({
      fulfilment: 'SHARED_DATA',
      status: 'provided',
      files: [],
      evidence: { kind: 'SHARED_DATA', resource: '101001001/000001', result: true },
    });
    // This application's gateway calls (the demo seed filed two 高龄津贴 applications of its own).
    const calls = await j.rt.platform.db
      .selectFrom('data_calls')
      .selectAll()
      .where('via', '=', 'application')
      .where('request_uid', '=', proof.evidence.requestId)
      .execute();
    expect(calls.map((c: any) => c.answer_hash).sort()).toEqual([...proof.evidence.answerHashes].sort());
    await page.close();
  });

  it('lets the population officer see the sync run with its rejected rows and the quality findings', async () => {
    const page = await j.browser.newPage();
    await page.goto(`${j.base}/login?returnTo=${encodeURIComponent('/data?tab=mine')}`);
    await page.getByLabel('用户名').fill('data_police');
    await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('link', { name: '人口基础信息' }).click();
    await page.getByRole('heading', { name: /人口基础信息/ }).waitFor();
    await page.getByRole('tab', { name: '连接器与同步' }).click();
    await page.getByText('人口库导出文件（CSV）（file）').waitFor();
    await page.getByRole('cell', { name: '2002' }).waitFor();
    await page.getByRole('tab', { name: '数据质量' }).click();
    await page.getByRole('button', { name: '生成质量报告' }).click();
    const idRow = page.getByRole('row', { name: /公民身份号码/ });
    await idRow.getByText('5', { exact: true }).waitFor();
    await page.close();
  });

  it('lets the consumer report wrong data (数据异议) and the provider answer it', async () => {
    const login = async (username: string, to: string) => {
      const page = await j.browser.newPage();
      await page.goto(`${j.base}/login?returnTo=${encodeURIComponent(to)}`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      return page;
    };
    const description = `浏览器旅程：地址已变更 ${Date.now()}`;
    const civil = await login('data_civil', '/data?tab=requests');
    const granted = civil
      .getByRole('row', { name: /人口基础信息/ })
      .filter({ hasText: '已授权' })
      .first();
    await granted.getByRole('button', { name: '提出异议' }).click();
    const dialog = civil.getByRole('dialog');
    await dialog.getByLabel('记录').fill(DEMO_CITIZENS[0]!.idNumber);
    await dialog.getByLabel('异议内容').fill(description);
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await civil.getByText('异议已提交，已通知提供部门').waitFor();
    await civil.getByRole('tab', { name: '我方提出的异议' }).click();
    const mine = civil.getByRole('row', { name: new RegExp(description) });
    await mine.getByText('待处理').waitFor();
    // The ID number is kept masked only.
    expect(await civil.content()).not.toContain(DEMO_CITIZENS[0]!.idNumber);

    const police = await login('data_police', '/data?tab=objections');
    const theirs = police.getByRole('row', { name: new RegExp(description) });
    await theirs.getByRole('button', { name: /采\s*纳/ }).click();
    await police.getByRole('dialog').getByLabel('处理意见').fill('已核实并更正地址');
    await police
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await theirs.getByText('已核实并更正地址').waitFor();
    await police.close();

    await civil.reload();
    await civil
      .getByRole('row', { name: new RegExp(description) })
      .getByText('已采纳')
      .waitFor();
    await civil.close();
  });
});
