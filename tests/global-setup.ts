/**
 * Vitest global setup: one migrated database that every test file starts from, instead of each
 * running initdb and all migrations itself (about 6 s per PGlite runtime, 2 s per PostgreSQL one).
 *
 * - PGlite: the migrated data directory as a tarball in a temporary file
 *   (`YW_TEST_PGLITE_TEMPLATE`), loaded by `tests/harness.ts` with `openDatabase({ template })`.
 * - PostgreSQL (`DATABASE_URL` set): a migrated database (`YW_TEST_PG_TEMPLATE`) that each test
 *   file's database is created from (`create database … template …`), dropped at the end.
 *
 * The runtime still runs `migrate` on start, which finds nothing to do, so a test never runs on a
 * schema older than the code. Set `YW_TEST_TEMPLATE=off` to boot every runtime from scratch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '@yiwang/platform';
import { allMigrations } from '@yiwang/server';
import { adminQuery, databaseUrl, uniqueDbName } from './pg-admin.ts';

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.YW_TEST_TEMPLATE === 'off') return async () => {};
  const t0 = Date.now();
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openDatabase({ databaseUrl: null, dataDir: null });
    await migrate(handle.db, allMigrations);
    const tarball = await handle.dumpDataDir!();
    await handle.close();
    const dir = mkdtempSync(join(tmpdir(), 'yiwang-template-'));
    const file = join(dir, 'pglite.tar');
    writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
    process.env.YW_TEST_PGLITE_TEMPLATE = file;
    console.log(`test template: migrated PGlite data directory in ${Date.now() - t0} ms`);
    return async () => {
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const name = uniqueDbName('yw_tpl');
  await adminQuery(url, `create database ${name}`);
  const handle = await openDatabase({ databaseUrl: databaseUrl(url, name), dataDir: null });
  await migrate(handle.db, allMigrations);
  await handle.close();
  process.env.YW_TEST_PG_TEMPLATE = name;
  console.log(`test template: migrated PostgreSQL database ${name} in ${Date.now() - t0} ms`);
  return async () => {
    await adminQuery(url, `drop database if exists ${name} with (force)`);
  };
}
