import { systemCtx, writeAudit } from '@yiwang/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../../../tests/harness.ts';
import { loadGrants } from '../src/index.ts';
import { rectangle } from '../src/polygon.ts';
import * as repo from '../src/repository.ts';
import { locateGrid } from '../src/service.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ seed: true });
});
afterAll(async () => {
  await rt?.close();
});

it('locates a point among 10,000 grids (speed is measured in bench/, not here)', async () => {
  const db = rt.platform.db;
  // 100 communities × 100 grids in a 0.001° lattice well away from the seeded ones
  const divisions: repo.Division[] = [
    { code: '440606900000', name: '性能测试镇', level: 'township', parentCode: '440606' },
  ];
  const grids: repo.Grid[] = [];
  for (let c = 1; c <= 100; c++) {
    const community = `440606900${String(c).padStart(3, '0')}`;
    divisions.push({ code: community, name: `社区${c}`, level: 'village', parentCode: '440606900000' });
    for (let k = 1; k <= 100; k++) {
      const x = 114 + c * 0.001;
      const y = 24 + k * 0.001;
      grids.push({
        code: `${community}${String(k).padStart(3, '0')}`,
        name: `网格${c}-${k}`,
        divisionCode: community,
        polygon: rectangle(x, y, x + 0.0009, y + 0.0009),
        workerStaffId: null,
      });
    }
  }
  await db.transaction().execute(async (tx) => {
    await repo.insertDivisions(tx, divisions);
    await repo.insertGrids(tx, grids);
    await writeAudit(tx, systemCtx('test'), { action: 'org.test.bulk', objectType: 'grid' });
  });
  await locateGrid(db, 114.05005, 24.05005); // warm up
  const g = await locateGrid(db, 114 + 37 * 0.001 + 0.0004, 24 + 58 * 0.001 + 0.0004);
  expect(g?.code).toBe('440606900037058');
  expect(await locateGrid(db, 114 + 37 * 0.001 + 0.00095, 24 + 58 * 0.001 + 0.0004)).toBeNull(); // in the gap
});

it('loadGrants expands roles with scopes and flags admin roles', async () => {
  const admin = await repo.staffByAccount(
    rt.platform.db,
    (
      (await rt.platform.db
        .selectFrom('staff')
        .select('account_id')
        .where('username', '=', 'chancheng_admin')
        .executeTakeFirst()) as any
    ).account_id,
  );
  const g = await loadGrants(rt.platform.db, admin!.accountId);
  expect(g.requiresMfa).toBe(true);
  expect(g.departmentId).toBe(admin!.departmentId);
  expect(g.departmentName).toBeTruthy();
  expect(g.grants).toContainEqual({ permission: 'org.grid.manage', regionCode: '440604', departmentId: null });
  const w = (await rt.platform.db
    .selectFrom('staff')
    .select('account_id')
    .where('username', '=', 'window01')
    .executeTakeFirst()) as any;
  const wg = await loadGrants(rt.platform.db, w.account_id);
  expect(wg.requiresMfa).toBe(false);
  expect(wg.grants).toEqual(
    ['org.read', 'cases.read', 'cases.handle'].map((permission) => ({
      permission,
      regionCode: '440604',
      departmentId: null,
    })),
  );
  expect(await loadGrants(rt.platform.db, 'nobody')).toEqual({
    grants: [],
    departmentId: null,
    departmentName: null,
    requiresMfa: false,
  });
});
