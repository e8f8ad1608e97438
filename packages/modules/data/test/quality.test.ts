import { idNumberCheckDigit } from '@yiwang/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTest, personResource } from './helpers.ts';

const id = (body17: string) => body17 + idNumberCheckDigit(body17);
const A = id('44060419900101101');
const B = id('44060419900101102');
const C = id('44060419900101103');
const BAD_CHECK = `${A.slice(0, 17)}${A[17] === '0' ? '1' : '0'}`;

let t: DataTest;
let police: { token: string; departmentId: string };
let civil: { token: string; departmentId: string };

async function load(token: string, resourceId: string, lines: string[]) {
  const c = await t.call(token, 'POST', `/resources/${resourceId}/connectors`, {
    name: 'CSV',
    kind: 'file',
    config: { format: 'csv' },
    syncMode: 'full',
  });
  expect(c.status, c.raw).toBe(201);
  const up = await t.call(token, 'POST', `/connectors/${c.body.id}/upload`, {
    filename: 'x.csv',
    contentBase64: Buffer.from(lines.join('\n')).toString('base64'),
  });
  expect(up.body.status, up.raw).toBe('succeeded');
  return up.body;
}

beforeAll(async () => {
  t = await DataTest.start();
  police = await t.officer('police_q', '公安局', ['data.manage']);
  civil = await t.officer('civil_q', '民政局', ['data.manage']);
});
afterAll(() => t?.close());

describe('quality report', () => {
  it('finds missing required values, bad check digits, bad dates and phones, duplicates, and staleness', async () => {
    const body = personResource(police.departmentId, '000401');
    // Elements in a namespace of this test, apart from the demo seed's population library.
    body.fields = body.fields.map((f: any) => ({
      ...f,
      ...(f.name === 'phone' ? { unique: true } : {}),
      ...(f.element ? { element: f.element.replace('person.', 'qtest.') } : {}),
    }));
    const r = await t.call(police.token, 'POST', '/resources', body);
    expect(r.status, r.raw).toBe(201);
    const header = 'id_number,name,phone,address,residence_division,birth_date,updated_at';
    await load(police.token, r.body.id, [
      header,
      `${A},陈一,13800138000,广东省佛山市禅城区岭南大道1号,440604001000,1990-01-01,2026-11-01T08:00:00Z`,
      `${B},,13800138000,广东省佛山市禅城区岭南大道2号,440604001000,1990-13-45,2026-11-01T08:00:00Z`,
      `${BAD_CHECK.slice(0, 16)}9${BAD_CHECK[17]},张三,12345,,999999,1990-01-03,2026-11-01T08:00:00Z`,
      `${C},李四,13800138003,,440604001000,1990-01-04,2026-11-01T08:00:00Z`,
    ]);
    const q = await t.call(police.token, 'GET', `/resources/${r.body.id}/quality`);
    expect(q.status, q.raw).toBe(200);
    const f = Object.fromEntries(q.body.fields.map((x: any) => [x.field, x]));
    expect(q.body.rows).toBe(4);
    expect(f.name.missing).toBe(1);
    expect(f.name.samples[0].issue).toBe('missing');
    expect(f.id_number.invalid).toBe(1);
    expect(Object.keys(f.id_number.problems)).toHaveLength(1);
    expect(f.birth_date.invalid).toBe(1);
    expect(f.birth_date.problems).toEqual({ date: 1 });
    expect(f.phone.invalid).toBe(1);
    expect(f.phone.duplicateGroups).toBe(1);
    expect(f.phone.duplicateRows).toBe(2);
    expect(f.residence_division.invalid).toBe(1);
    expect(f.address.missing).toBe(2);
    expect(q.body.freshness).toMatchObject({ updateCycle: '每日', stale: false });
    expect(q.body.findings).toBeGreaterThanOrEqual(7);
    // The score is the share of rows without a finding: only 李四's row (an optional address
    // missing) is clean; 陈一's shares a phone number with the second row.
    expect(q.body.rowsWithFindings).toBe(3);
    expect(q.body.score).toBe(25);
    // Findings name rows by a masked key, never by values.
    expect(q.raw).not.toContain(A);
    expect(q.raw).not.toContain(B);
    expect(q.raw).not.toContain('陈一');
    expect(f.name.samples[0].key).toMatch(/^\d{4}\*+\d{3}[\dX]$/);
    expect(await t.auditCount('data.quality.report')).toBe(1);

    // Data older than its update cycle is stale.
    await t.rt.platform.db
      .updateTable('data_sync_runs')
      .set({ finished_at: new Date(Date.now() - 3 * 86_400_000).toISOString() })
      .where('resource_id', '=', r.body.id)
      .execute();
    const stale = await t.call(police.token, 'GET', `/resources/${r.body.id}/quality`);
    expect(stale.body.freshness.stale).toBe(true);
    expect(stale.body.score).toBe(15);

    // Another department's officer cannot read the report.
    const other = await t.call(civil.token, 'GET', `/resources/${r.body.id}/quality`);
    expect(other.status).toBe(403);
  });

  it('reports one-source (一数一源) conflicts: two authorities, no authority, copies that disagree', async () => {
    const auth = await t.call(police.token, 'GET', '/resources?q=000401');
    expect(auth.body.total).toBe(1);
    // 民政局 keeps a copy of names keyed by ID number: one disagrees with the authority.
    const copy = await t.call(civil.token, 'POST', '/resources', {
      ...personResource(civil.departmentId, '000402'),
      classification: { class: 3, item: '01', catalog: '001', detail: '001' },
      code: '301001001/000402',
      fields: [
        {
          name: 'id_number',
          label: '身份证号',
          type: 'string',
          identifier: 'direct',
          level: 'L4',
          nationalLabel: '重要',
          element: 'qtest.id_number',
        },
        {
          name: 'name',
          label: '姓名',
          type: 'string',
          identifier: 'direct',
          level: 'L3',
          nationalLabel: '一般',
          element: 'qtest.name',
        },
        {
          name: 'marital',
          label: '婚姻状况',
          type: 'string',
          identifier: 'none',
          level: 'L2',
          nationalLabel: '一般',
          element: 'qtest.marital_status',
        },
      ],
    });
    expect(copy.status, copy.raw).toBe(201);
    await load(civil.token, copy.body.id, ['id_number,name,marital', `${A},陈一,已婚`, `${C},李肆,未婚`]);
    // …and a third resource wrongly claims to be authoritative for qtest.name.
    const claim = await t.call(civil.token, 'POST', '/resources', {
      ...personResource(civil.departmentId, '000403'),
      classification: { class: 3, item: '01', catalog: '001', detail: '001' },
      code: '301001001/000403',
      keyField: 'name',
      fields: [
        {
          name: 'name',
          label: '姓名',
          type: 'string',
          identifier: 'direct',
          level: 'L3',
          nationalLabel: '一般',
          element: 'qtest.name',
          authoritative: true,
        },
      ],
    });
    expect(claim.status, claim.raw).toBe(201);
    const before = await t.call(police.token, 'GET', '/quality/one-source');
    expect(before.status, before.raw).toBe(200);
    const kinds = before.body.conflicts
      .filter((c: any) => c.element.startsWith('qtest.'))
      .map((c: any) => `${c.kind}:${c.element}`)
      .sort();
    expect(kinds).toEqual(['MULTIPLE_AUTHORITIES:qtest.name', 'NO_AUTHORITY:qtest.marital_status']);
    await t.call(civil.token, 'POST', `/resources/${claim.body.id}/retire`);
    const after = await t.call(police.token, 'GET', '/quality/one-source');
    const mismatch = after.body.conflicts.find(
      (c: any) => c.kind === 'VALUE_MISMATCH' && c.element.startsWith('qtest.'),
    );
    expect(mismatch).toMatchObject({ element: 'qtest.name', mismatches: 1 });
    expect(after.raw).not.toContain('李肆');
  });
});
