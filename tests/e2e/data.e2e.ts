/**
 * Browser journey of no-proof services (免证明): a demo citizen applies for 高龄津贴申领; her 户籍证明
 * is fetched from the population library (人口基础库, loaded through the CSV connector) under 民政局's
 * standing grant instead of being uploaded, the form is pre-filled from it, and the case keeps the
 * evidence (resource, request id, answer hashes) that matches the audited gateway calls.
 */
import { DEMO_CITIZENS } from '@yiwang/cases';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOptionOf, chooseOption, type Journey, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

const CHEN = { ...DEMO_CITIZENS[0]!, password: 'Citizen#2026' };

/** Signs a demo data staff member in and opens `to`. */
async function signIn(username: string, to: string) {
  const page = await j.browser.newPage();
  await page.goto(`${j.base}/login?returnTo=${encodeURIComponent(to)}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill('Yiwang@2026');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  return page;
}

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
    const description = `浏览器旅程：地址已变更 ${Date.now()}`;
    const civil = await signIn('data_civil', '/data?tab=requests');
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

    const police = await signIn('data_police', '/data?tab=objections');
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

  it('lets the data officer register, edit (data element, authoritative source) and retire a resource', async () => {
    const name = `机动车登记信息（旅程 ${Date.now()}）`;
    const page = await signIn('data_police', '/data?tab=mine');
    await page.getByRole('button', { name: '登记数据资源' }).click();
    let dialog = page.getByRole('dialog', { name: '登记数据资源' });
    await dialog.getByLabel('顺序码').fill('000901');
    await dialog.getByLabel('资源名称').fill(name);
    await dialog.getByLabel('摘要').fill('机动车号牌与所有人（浏览器旅程）');
    await dialog.getByLabel('共享条件').fill('仅用于交通管理与政务服务核验');
    await chooseOption(page, dialog, '共享方式', '库表');
    const related = dialog.getByLabel('关联资源代码');
    await related.fill('101001001/000001');
    await (await activeOptionOf(page, related, '101001001/000001')).waitFor();
    await related.press('Enter');
    await related.press('Escape');
    const first = dialog.getByRole('group', { name: '第 1 个数据项' });
    await first.getByLabel('数据项', { exact: true }).fill('plate_number');
    await first.getByLabel('中文名称').fill('号牌号码');
    await first.getByLabel('必填').check();
    await first.getByLabel('唯一').check();
    await dialog.getByRole('button', { name: '添加数据项' }).click();
    const second = dialog.getByRole('group', { name: '第 2 个数据项' });
    await second.getByLabel('数据项', { exact: true }).fill('owner_name');
    await second.getByLabel('中文名称').fill('所有人姓名');
    await second.getByLabel('数据元').fill('person.name');
    // the key field follows the renamed first field
    await dialog.locator('.ant-select', { hasText: 'plate_number（号牌号码）' }).waitFor();
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { name: new RegExp(name.replace(/[()（）]/g, '.')) }).waitFor();
    await page.getByText('库表', { exact: true }).waitFor();
    await page.getByRole('link', { name: '101001001/000001' }).waitFor();
    const id = page.url().split('/').pop()!;

    // Edit: the dialog holds the resource; the data element and authoritative flag of a field are set.
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    dialog = page.getByRole('dialog', { name: `编辑数据资源：${name}` });
    const plate = dialog.getByRole('group', { name: '第 1 个数据项' });
    await expect.poll(() => plate.getByLabel('数据项', { exact: true }).inputValue()).toBe('plate_number');
    expect(await plate.getByLabel('唯一').isChecked()).toBe(true);
    expect(await dialog.getByRole('group', { name: '第 2 个数据项' }).getByLabel('数据元').inputValue()).toBe(
      'person.name',
    );
    // checked in the browser as the server would: an authority names its element, elements are dotted
    await plate.getByLabel('权威来源').check();
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await plate.getByText('权威来源须指明数据元').waitFor();
    await plate.getByLabel('数据元').fill('Vehicle Plate');
    await plate.getByText(/^数据元应形如 person\.name/).waitFor();
    await plate.getByLabel('数据元').fill('vehicle.plate_number');
    await plate.getByText('权威来源须指明数据元').waitFor({ state: 'detached' });
    await plate.getByLabel('说明').fill('公安交管登记的号牌');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByRole('row', { name: /plate_number/ });
    await row.getByText('vehicle.plate_number').waitFor();
    await row.getByText('权威来源').waitFor();
    await row.getByText('公安交管登记的号牌').waitFor();
    const stored = await j.rt.platform.db
      .selectFrom('data_fields')
      .select(['element', 'authoritative', 'unique_values'])
      .where('resource_id', '=', id)
      .where('name', '=', 'plate_number')
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ element: 'vehicle.plate_number', authoritative: true, unique_values: true });

    // A change made meanwhile (version 2 → 3) is not overwritten: the dialog says so and reloads.
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await dialog.getByRole('group', { name: '第 1 个数据项' }).waitFor();
    await j.rt.platform.db.updateTable('data_resources').set({ version: 3 }).where('id', '=', id).execute();
    await plate.getByLabel('说明').fill('不会保存的修改');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText(/该资源在您编辑期间已被他人修改或停用，您的修改未保存/).waitFor();
    await dialog.getByRole('button', { name: '载入最新版本' }).click();
    await expect.poll(() => plate.getByLabel('说明').inputValue()).toBe('公安交管登记的号牌');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Retire, after a confirmation: the resource leaves the catalog and can no longer be changed here.
    await page.getByRole('button', { name: /停\s*用$/ }).click();
    const confirm = page.getByRole('dialog', { name: `停用数据资源“${name}”？` });
    await confirm.getByRole('button', { name: /停\s*用/ }).click();
    await page.getByText('资源已停用', { exact: true }).waitFor();
    await page.locator('h2 .ant-tag', { hasText: '已停用' }).waitFor();
    await page.getByRole('button', { name: /编\s*辑/ }).waitFor({ state: 'detached' });
    const res = await j.rt.platform.db
      .selectFrom('data_resources')
      .select(['status', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(res).toMatchObject({ status: 'retired', version: 5 });
    await page.getByRole('link', { name: '← 返回我的资源' }).click();
    await page.getByRole('link', { name: '人口基础信息' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name }).count()).toBe(0);
    await chooseOption(page, page.locator('main'), '状态', '已停用');
    await page.getByRole('link', { name }).waitFor();
    await page.close();
  });
});
