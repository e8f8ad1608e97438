import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeOptionOf, type Journey, signInAdmin, startJourney } from './browser.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
});
afterAll(async () => {
  await j?.close();
});

describe('browser journeys: catalog administration', () => {
  it('the administrator edits an item’s form in the designer, sees it in the preview, publishes, and the guide shows the new version', async () => {
    const page = await j.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await signInAdmin(j, page);

    // the catalog list, found by pinyin initials
    await page.goto(`${j.base}/admin/catalog`);
    await page.getByRole('link', { name: '事项目录' }).waitFor();
    await page.getByLabel('关键词').fill('spjy');
    await page.getByLabel('关键词').press('Enter');
    // exact: 食品经营许可延续 matches the initials too
    await page.getByRole('link', { name: '食品经营许可', exact: true }).click();
    await page.waitForURL(/\/admin\/catalog\/[0-9A-Z]{31}$/);
    const taskCode = page.url().split('/').pop() as string;
    await page.getByText('当前为第 1 版').waitFor();

    // the workflow diagram follows the steps table as it is edited
    await page.getByRole('tab', { name: '审批流程' }).click();
    await page.getByRole('button', { name: '添加环节' }).click();
    await page.getByLabel('第 5 个环节名称').fill('现场核查');
    await page.getByRole('img', { name: /现场核查/ }).waitFor();
    await page.getByText('环节合计 6 个工作日；承诺时限 5').waitFor();
    await page.getByText(/超过承诺时限 5 个工作日/).waitFor();
    await page.getByRole('button', { name: '删除 现场核查' }).click();
    await page.getByText('环节合计 5 个工作日；承诺时限 5').waitFor();

    // the form designer: add a field, name it, see it in the live preview
    await page.getByRole('tab', { name: '申请表单' }).click();
    const preview = page.getByTestId('form-preview');
    await preview.getByText('经营场所').first().waitFor();
    await page.getByRole('button', { name: '添加字段' }).click();
    await page.getByLabel('字段标题').last().fill('联系邮箱');
    await page.getByLabel('字段名（英文）').last().fill('contactEmail');
    await preview.getByText('联系邮箱').waitFor();
    await preview.locator('#root_contactEmail').waitFor();

    await page.getByRole('button', { name: '发布新版本' }).click();
    await page.getByText('已发布第 2 版').waitFor();

    // an ECERT material keeps its licence type through the editor (食品经营许可延续: 食品经营许可证)
    await page.goto(`${j.base}/admin/catalog`);
    await page.getByLabel('关键词').fill('食品经营许可延续');
    await page.getByLabel('关键词').press('Enter');
    await page.getByRole('link', { name: '食品经营许可延续', exact: true }).click();
    await page.waitForURL(/\/admin\/catalog\/[0-9A-Z]{31}$/);
    const renewalCode = page.url().split('/').pop() as string;
    await page.getByRole('tab', { name: '申请材料' }).click();
    await page.getByText('食品经营许可证（11100000000013338W002）').waitFor();
    await page.getByRole('button', { name: '发布新版本' }).click();
    await page.getByText('已发布第 2 版').waitFor();
    const renewal = await (await fetch(`${j.base}/api/v1/catalog/items/${renewalCode}`)).json();
    expect(renewal.materials.find((m: any) => m.name === '食品经营许可证')).toMatchObject({
      fulfilment: 'ECERT',
      licenceTypeCode: '11100000000013338W002',
    });

    // the public guide shows the new version, and its form carries the new field
    await page.goto(`${j.base}/services/${taskCode}`);
    await page.getByRole('heading', { name: /食品经营许可/ }).waitFor();
    await page.getByText(/第 2 版/).waitFor();
    const guide = await j.rt.app.inject({ method: 'GET', url: `/api/v1/catalog/items/${taskCode}` });
    expect(guide.json().taskVersion).toBe(2);
    expect(guide.json().formSchema.properties.contactEmail).toEqual({ type: 'string', title: '联系邮箱' });
    expect(Object.keys(guide.json().formSchema.properties).pop()).toBe('contactEmail');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the administrator edits a no-proof material’s data source in its dialog, and the new version keeps it', async () => {
    const page = await j.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInAdmin(j, page);

    await page.goto(`${j.base}/admin/catalog`);
    await page.getByLabel('关键词').fill('高龄津贴申领');
    await page.getByLabel('关键词').press('Enter');
    await page.getByRole('link', { name: '高龄津贴申领', exact: true }).click();
    await page.waitForURL(/\/admin\/catalog\/[0-9A-Z]{31}$/);
    const taskCode = page.url().split('/').pop() as string;
    await page.getByRole('tab', { name: '申请材料' }).click();
    // 户籍证明 is the third material: its source is summarised with the resource's name
    await page.getByText('人口基础信息：展示 3 个字段，并按条件证明').waitFor();
    await page.getByRole('button', { name: '第 3 行 证照类型 / 数据来源' }).click();
    const dialog = page.getByRole('dialog', { name: '共享数据来源（免证明）' });
    await dialog.getByText('户籍地区划代码（residence_division）').waitFor();
    await dialog.getByText('位于行政区划内').waitFor();
    expect(await dialog.locator('#sharedSource_value').inputValue()).toBe('440600');
    // the source is checked against 民政局's standing grant, as applying checks it
    await dialog.getByText('可用：申请时将按下列设置代申请人查询').waitFor();
    await dialog.getByText(/本部门持有该资源的常设授权（至 \d{4}-12-31）/).waitFor();

    // show one more field, narrow the condition to 禅城区; a bad division code is refused in place
    const fields = dialog.locator('#sharedSource_fields');
    await fields.fill('性别');
    await (await activeOptionOf(page, fields, '性别')).waitFor();
    await fields.press('Enter');
    await fields.press('Escape');
    // 性别 is outside the grant: the dialog says it will not be fetched
    await dialog.getByText('可用，但部分设置不会生效').waitFor();
    await dialog.getByText('数据项“性别”不在授权范围内，不会获取').waitFor();
    await dialog.locator('#sharedSource_value').fill('4406');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText('区划代码应为 6、9 或 12 位数字').waitFor();
    await dialog.locator('#sharedSource_value').fill('440604');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('人口基础信息：展示 4 个字段，并按条件证明').waitFor();
    await page.getByRole('status').getByText('数据项“性别”不在授权范围内，不会获取').waitFor();

    await page.getByRole('button', { name: '发布新版本' }).click();
    await page.getByText('已发布第 2 版').waitFor();
    const guide = await (await fetch(`${j.base}/api/v1/catalog/items/${taskCode}`)).json();
    expect(guide.materials.find((m: any) => m.name === '户籍证明').source).toEqual({
      resourceCode: '101001001/000001',
      fields: ['name', 'birth_date', 'address', 'gender'],
      predicate: { field: 'residence_division', op: 'within', value: '440604' },
      prefill: { applicantName: 'name', birthDate: 'birth_date' },
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the administrator marks a holiday in the calendar month grid and saves the year', async () => {
    const page = await j.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signInAdmin(j, page);

    await page.goto(`${j.base}/admin/calendar`);
    await page.getByLabel('年份').fill('2026');
    await page.getByLabel('年份').press('Tab');
    // seeded days are marked by word: 2026-10-01 is a holiday, 2026-10-10 a make-up workday
    await page.getByRole('button', { name: /^2026-10-01 法定节假日 国庆节/ }).waitFor();
    await page.getByRole('button', { name: /^2026-10-10 调休上班日/ }).waitFor();
    await page.getByRole('button', { name: /^2026-11-02 工作日/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('法定节假日').check();
    await dialog.getByLabel('名称').fill('测试假日');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByRole('button', { name: /^2026-11-02 法定节假日 测试假日/ }).waitFor();
    await page.getByRole('button', { name: '保存本年日历' }).click();
    await page.getByText(/已保存 \d+ 个特殊日期/).waitFor();
    const cal = await j.rt.app.inject({ method: 'GET', url: '/api/v1/calendar/2026' });
    expect(cal.json().days).toContainEqual({ day: '2026-11-02', kind: 'holiday', name: '测试假日' });
    expect(cal.json().days).toContainEqual({ day: '2026-10-10', kind: 'workday', name: '国庆节调休上班' });
    // From October on, a next year without holidays is pointed out (only 2026 is seeded).
    const now = new Date();
    const next = now.getFullYear() + 1;
    const nextDays = (await j.rt.app.inject({ method: 'GET', url: `/api/v1/calendar/${next}` })).json().days;
    if (now.getMonth() >= 9 && nextDays.length === 0) {
      await page.getByText(`${next} 年的节假日安排尚未录入`).waitFor();
      await page.getByRole('button', { name: `录入 ${next} 年` }).click();
      expect(await page.getByLabel('年份').inputValue()).toBe(String(next));
    }
    await page.close();
  });
});
