import { checkCreditCode } from '@yiwang/shared';
import { describe, expect, it } from 'vitest';
import { isKnownPermission, PERMISSIONS } from '../src/permissions.ts';
import { rectangle, validPolygon } from '../src/polygon.ts';
import { demoCreditCode } from '../src/seed.ts';
import { ImportInvalid, readSheet } from '../src/sheet.ts';

describe('polygon validation', () => {
  it('accepts a closed ring and rejects open, short or out-of-range ones', () => {
    expect(validPolygon(rectangle(113, 23, 113.01, 23.01))).toBe(true);
    expect(
      validPolygon({
        type: 'Polygon',
        coordinates: [
          [
            [113, 23],
            [114, 23],
            [113, 23],
          ],
        ],
      }),
    ).toBe(false);
    expect(
      validPolygon({
        type: 'Polygon',
        coordinates: [
          [
            [113, 23],
            [114, 23],
            [114, 24],
            [113, 24],
          ],
        ],
      }),
    ).toBe(false);
    expect(
      validPolygon({
        type: 'Polygon',
        coordinates: [
          [
            [190, 23],
            [114, 23],
            [114, 24],
            [190, 23],
          ],
        ],
      }),
    ).toBe(false);
    expect(validPolygon({ type: 'MultiPolygon', coordinates: [] })).toBe(false);
    expect(validPolygon(null)).toBe(false);
  });
});

describe('seed credit codes', () => {
  it('pass the GB 32100 check', () => {
    for (let i = 1; i <= 30; i++) expect(checkCreditCode(demoCreditCode('440600', i))).toBeNull();
  });
});

describe('permissions', () => {
  it('knows the listed permissions and *', () => {
    expect(PERMISSIONS).toContain('org.read');
    expect(isKnownPermission('*')).toBe(true);
    expect(isKnownPermission('org.nothing')).toBe(false);
  });
});

describe('sheet reader', () => {
  it('keeps codes as text and reports missing columns', async () => {
    const rows = await readSheet(
      'a.csv',
      Buffer.from('\uFEFFcode,name\n440604,禅城区\n\n').toString('base64'),
      ['code', 'name'],
      ['code'],
    );
    expect(rows).toEqual([{ row: 2, values: { code: '440604', name: '禅城区' } }]);
    await expect(
      readSheet('a.csv', Buffer.from('x,y\n1,2\n').toString('base64'), ['code', 'name'], ['code']),
    ).rejects.toBeInstanceOf(ImportInvalid);
    await expect(readSheet('a.txt', 'eA==', ['code'], ['code'])).rejects.toMatchObject({
      code: 'UNSUPPORTED_FILE',
      field: 'file',
    });
  });
});
