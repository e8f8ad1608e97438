/**
 * Test harness: a whole platform per test file on a throw-away database: PGlite in memory,
 * or (when DATABASE_URL is set) a fresh PostgreSQL database created here and dropped after.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DbHandle, loadConfig, openDatabase } from '@yiwang/platform';
import { buildRuntime, type Runtime } from '@yiwang/server';
import { adminQuery, databaseUrl, uniqueDbName } from './pg-admin.ts';

export interface TestRuntime extends Runtime {
  dbName: string | null;
}

let pgliteTemplate: Blob | undefined;

/**
 * A fresh in-memory PGlite: from the migrated template of the run when there is one
 * (tests/global-setup.ts), else from scratch.
 */
export function openPgliteForTest(): Promise<DbHandle> {
  const file = process.env.YW_TEST_PGLITE_TEMPLATE;
  if (file && !pgliteTemplate) pgliteTemplate = new Blob([readFileSync(file)]);
  return openDatabase({ databaseUrl: null, dataDir: null, template: pgliteTemplate });
}

async function throwAwayDatabase(): Promise<{ handle: DbHandle; dbName: string | null; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openPgliteForTest();
    return { handle, dbName: null, drop: async () => {} };
  }
  const dbName = uniqueDbName('yw_test');
  const template = process.env.YW_TEST_PG_TEMPLATE;
  await adminQuery(url, `create database ${dbName}${template ? ` template ${template}` : ''}`);
  const handle = await openDatabase({ databaseUrl: databaseUrl(url, dbName), dataDir: null });
  return { handle, dbName, drop: () => adminQuery(url, `drop database if exists ${dbName} with (force)`) };
}

export async function startTestRuntime(
  opts: { seed?: boolean; env?: Record<string, string>; webDist?: string | null } = {},
): Promise<TestRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'yiwang-test-'));
  // The historical demo cases are for people looking at the demo; tests that want them ask for them.
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    SEED_DEMO_CASES: 'false',
    PORT: '0',
    ...opts.env,
  });
  const { handle, dbName, drop } = await throwAwayDatabase();
  const rt = await buildRuntime({
    config,
    handle,
    seed: opts.seed ?? false,
    logger: false,
    webDist: opts.webDist ?? null,
  });
  return {
    ...rt,
    dbName,
    async close() {
      await rt.close();
      await drop();
    },
  };
}

export const dbLabel = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

/** A TCP port that was free a moment ago (for servers that must know their URL before listening). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The editable input of a published guide (what the editor sends back): the body of
 * `PUT /api/v1/catalog/items/{taskCode}` from `GET /catalog/items/{taskCode}`, without the read-only fields.
 */
export function catalogInputOf(guide: Record<string, unknown>): Record<string, any> {
  const {
    id: _i,
    taskVersion: _v,
    departmentName: _dn,
    regionCode: _r,
    status: _s,
    createdAt: _c,
    updatedAt: _u,
    taskTypeName: _t,
    statutoryUnitName: _su,
    promisedUnitName: _pu,
    ...rest
  } = guide;
  return rest;
}
