/**
 * Connectors against the machine's real PostgreSQL and MariaDB (source databases created here and
 * dropped after), CSV/XLSX uploads and an HTTP JSON endpoint. The source is only read.
 */
import { createServer, type Server } from 'node:http';
import { idNumberCheckDigit } from '@yiwang/shared';
import ExcelJS from 'exceljs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTest, personResource } from './helpers.ts';

const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/test';
const MY = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

async function pgReachable() {
  const c = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
async function myReachable() {
  try {
    const c = await mysql.createConnection({ ...MY, connectTimeout: 3000 });
    await c.end();
    return true;
  } catch {
    return false;
  }
}
const pgUp = await pgReachable();
const myUp = await myReachable();
if (!pgUp) console.warn('SKIPPED: PostgreSQL source tests — no PostgreSQL at 127.0.0.1:5432 (user postgres)');
if (!myUp) console.warn('SKIPPED: MariaDB source tests — no MariaDB/MySQL at 127.0.0.1:3306 (root, empty password)');

const id = (body17: string) => body17 + idNumberCheckDigit(body17);
const IDS = Array.from({ length: 6 }, (_, i) => id(`44060419900101${String(100 + i).padStart(3, '0')}`));

/** `n` valid, distinct ID numbers (more than the sync's batch of 500, to cross batch boundaries). */
const manyIds = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    id(`4406041990${String(1 + Math.floor(i / 1000)).padStart(2, '0')}01${String(i % 1000).padStart(3, '0')}`),
  );
const MANY = 1203;

let t: DataTest;
let police: { token: string; departmentId: string };
let market: { token: string; departmentId: string };
let seq = 300;

beforeAll(async () => {
  t = await DataTest.start();
  police = await t.officer('police_data', '公安局', ['data.manage']);
  market = await t.officer('market_data', '市场监管局', ['data.manage']);
});
afterAll(() => t?.close());

async function newResource(): Promise<{ id: string; code: string }> {
  const r = await t.call(
    police.token,
    'POST',
    '/resources',
    personResource(police.departmentId, String(++seq).padStart(6, '0')),
  );
  expect(r.status, r.raw).toBe(201);
  return r.body;
}

async function rows(resourceId: string) {
  return t.rt.platform.db.selectFrom('data_rows').selectAll().where('resource_id', '=', resourceId).execute();
}

describe('connector validation and sealing', () => {
  it('refuses bad connector settings with the field at fault, and only the provider may connect', async () => {
    const res = await newResource();
    const base = {
      name: '人口库',
      kind: 'postgres',
      config: { host: '127.0.0.1', port: 5432, database: 'x', user: 'postgres', table: 'public.persons' },
      syncMode: 'full',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ config: { ...base.config, table: 'persons; drop table x' } }, 'config.table'],
      [{ config: { ...base.config, port: 70000 } }, 'config.port'],
      [{ config: { ...base.config, columns: { nope: 'a' } } }, 'config.columns.nope'],
      [{ config: { ...base.config, columns: { name: 'a b' } } }, 'config.columns.name'],
      [{ syncMode: 'incremental' }, 'changeColumn'],
      [{ scheduleMinutes: 1 }, 'scheduleMinutes'],
      [{ kind: 'http', config: { url: 'ftp://x' } }, 'config.url'],
      [{ kind: 'file', config: { format: 'csv' }, queryThrough: true }, 'queryThrough'],
    ];
    for (const [patch, field] of cases) {
      const r = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, { ...base, ...patch });
      expect(r.status, JSON.stringify(patch)).toBe(400);
      expect(r.body.field, JSON.stringify(patch)).toBe(field);
    }
    const other = await t.call(market.token, 'POST', `/resources/${res.id}/connectors`, base);
    expect(other.status).toBe(403);
    const n = await t.rt.platform.db
      .selectFrom('data_connectors')
      .select('id')
      .where('resource_id', '=', res.id)
      .execute();
    expect(n).toHaveLength(0);
  });

  it('keeps the credentials sealed and never answers them', async () => {
    const res = await newResource();
    const r = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口库',
      kind: 'mysql',
      config: { host: '127.0.0.1', port: 3306, database: 'x', user: 'reader', table: 'persons' },
      secret: { password: 'S3cret-Passw0rd' },
      syncMode: 'full',
    });
    expect(r.status, r.raw).toBe(201);
    expect(r.body.hasSecret).toBe(true);
    expect(r.raw).not.toContain('S3cret-Passw0rd');
    const stored = await t.rt.platform.db
      .selectFrom('data_connectors')
      .selectAll()
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain('S3cret-Passw0rd');
    expect(stored.secret_enc).toMatch(/^v1\./);
    const list = await t.call(police.token, 'GET', `/resources/${res.id}/connectors`);
    expect(list.raw).not.toContain('S3cret-Passw0rd');
  });
});

describe.skipIf(!pgUp)('PostgreSQL source', () => {
  const dbName = `yw_src_${Date.now().toString(36)}`;
  let src: pg.Client;
  const checksum = async () =>
    (
      await src.query(
        `select md5(coalesce(string_agg(p::text, '|' order by p.pid), '')) as h, count(*)::int as n from persons p`,
      )
    ).rows[0];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    src = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}` });
    await src.connect();
    await src.query(`
      create table persons (pid serial primary key, sfzh text, xm text, dh text, dz text, hjqh text, csrq date, gxsj timestamptz not null);
      create view v_persons as select sfzh, xm, dh, dz, hjqh, csrq, gxsj from persons;
    `);
    for (const [i, sfzh] of IDS.slice(0, 4).entries())
      await src.query('insert into persons (sfzh, xm, dh, dz, hjqh, csrq, gxsj) values ($1, $2, $3, $4, $5, $6, $7)', [
        sfzh,
        ['陈一', '李二', '张三', '王四'][i],
        `1380013800${i}`,
        `广东省佛山市禅城区岭南大道${i + 1}号`,
        '440604001000',
        '1990-01-01',
        `2026-11-0${i + 1}T08:00:00Z`,
      ]);
    // a row without its key and a duplicate key: rejected with their reasons, never silently dropped
    await src.query(
      `insert into persons (sfzh, xm, gxsj) values (null, '无号', '2026-11-05T08:00:00Z'), ($1, '重复', '2026-11-01T07:00:00Z')`,
      [IDS[0]],
    );
  });
  afterAll(async () => {
    await src?.end();
    const admin = new pg.Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('syncs a view in full, reports rejected rows, seals personal fields, leaves the source unchanged, and picks up changes incrementally', async () => {
    const before = await checksum();
    const res = await newResource();
    const columns = {
      id_number: 'sfzh',
      name: 'xm',
      phone: 'dh',
      address: 'dz',
      residence_division: 'hjqh',
      birth_date: 'csrq',
      updated_at: 'gxsj',
    };
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '公安人口库（视图）',
      kind: 'postgres',
      config: { host: '127.0.0.1', port: 5432, database: dbName, user: 'postgres', table: 'public.v_persons', columns },
      syncMode: 'incremental',
      changeColumn: 'gxsj',
      scheduleMinutes: 60,
      queryThrough: true,
    });
    expect(c.status, c.raw).toBe(201);
    const run = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, { mode: 'full' });
    expect(run.status, run.raw).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded', mode: 'full', rowsRead: 6, rowsWritten: 4, rowsRejected: 2 });
    expect(run.body.rejections.map((r: any) => r.reason).sort()).toEqual(['DUPLICATE_KEY', 'KEY_MISSING']);
    expect(run.body.rejections[0].message).toBeTruthy();
    expect(run.body.durationMs).toBeGreaterThanOrEqual(0);
    expect(await checksum()).toEqual(before);

    const stored = await rows(res.id);
    expect(stored).toHaveLength(4);
    const dump = JSON.stringify(stored);
    for (const sfzh of IDS.slice(0, 4)) expect(dump).not.toContain(sfzh);
    expect(dump).not.toContain('陈一');
    expect(dump).not.toContain('13800138000');
    // quasi-identifiers are sealed too, and HMAC-indexed for lookups
    expect(stored.every((r: any) => !('residence_division' in r.clear))).toBe(true);
    expect(stored.filter((r: any) => r.hashes.residence_division)).toHaveLength(3);

    // A change in the source (and a new person) is picked up by the next incremental run.
    await src.query(
      `update persons set dz = '广东省佛山市南海区桂城街道1号', gxsj = '2026-11-20T08:00:00Z' where sfzh = $1`,
      [IDS[1]],
    );
    await src.query(`insert into persons (sfzh, xm, gxsj) values ($1, '赵五', '2026-11-21T08:00:00Z')`, [IDS[4]]);
    const afterChange = await checksum();
    const inc = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(inc.body).toMatchObject({ status: 'succeeded', mode: 'incremental', rowsWritten: 2, rowsRejected: 1 });
    // Only the changed rows (and the one at the watermark) were read.
    expect(inc.body.rowsRead).toBeLessThanOrEqual(3);
    expect(await rows(res.id)).toHaveLength(5);
    expect(await checksum()).toEqual(afterChange);

    // Query-through reads the source live by key.
    const { queryThrough } = await import('../src/connectors.ts');
    const { requireResource } = await import('../src/catalog.ts');
    const live = await queryThrough(t.rt.platform, await requireResource(t.rt.platform.db, res.id), IDS[1]);
    expect(live?.address).toBe('广东省佛山市南海区桂城街道1号');

    // The scheduled run is a durable job; when due it runs like a manual one.
    const jobs = await t.rt.platform.db.selectFrom('jobs').selectAll().where('queue', '=', 'data.sync').execute();
    expect(
      jobs.some(
        (j: any) => (typeof j.payload === 'string' ? JSON.parse(j.payload) : j.payload).connectorId === c.body.id,
      ),
    ).toBe(true);
    await t.rt.platform.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where('queue', '=', 'data.sync')
      .execute();
    await t.rt.platform.jobs.runDue();
    const runs = await t.call(police.token, 'GET', `/connectors/${c.body.id}/runs`);
    expect(runs.body.items[0].trigger).toBe('schedule');
    expect(runs.body.items).toHaveLength(3);
    expect(await checksum()).toEqual(afterChange);

    // A full run removes what the source no longer has.
    await src.query('delete from persons where sfzh = $1', [IDS[4]]);
    const full = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, { mode: 'full' });
    expect(full.body.rowsDeleted).toBe(1);
    expect(await rows(res.id)).toHaveLength(4);
    expect(await t.auditCount('data.sync')).toBeGreaterThanOrEqual(4);
  });

  it('reads a source of several batches through one cursor: every row once, in order, and only the changed ones next time', async () => {
    await src.query(`
      create table many_persons (sfzh text primary key, xm text not null, phone text, address text,
        residence_division text, birth_date date, gxsj timestamptz not null)`);
    await src.query(
      `insert into many_persons (sfzh, xm, gxsj)
        select sfzh, '居民' || n, timestamptz '2026-11-01 00:00:00Z' + n * interval '1 second'
        from unnest($1::text[]) with ordinality as u(sfzh, n)`,
      [manyIds(MANY)],
    );
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '公安人口库（多批）',
      kind: 'postgres',
      config: {
        host: '127.0.0.1',
        port: 5432,
        database: dbName,
        user: 'postgres',
        table: 'many_persons',
        columns: { id_number: 'sfzh', name: 'xm', updated_at: 'gxsj' },
      },
      syncMode: 'incremental',
      changeColumn: 'gxsj',
    });
    expect(c.status, c.raw).toBe(201);
    const run = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(run.body, run.raw).toMatchObject({
      status: 'succeeded',
      rowsRead: MANY,
      rowsWritten: MANY,
      rowsRejected: 0,
    });
    expect(await rows(res.id)).toHaveLength(MANY);
    await src.query(`update many_persons set xm = '改名', gxsj = '2026-12-01T00:00:00Z' where sfzh = any($1)`, [
      manyIds(MANY).slice(600, 602),
    ]);
    const inc = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    // the two changed rows and the last one at the previous watermark (>=); only the changed are written
    expect(inc.body).toMatchObject({ status: 'succeeded', rowsRead: 3, rowsWritten: 2, rowsUnchanged: 1 });
    // No cursor or transaction is left open in the source.
    const open = await src.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    expect(open.rows[0].n).toBe(0);
  });

  it('ends the read with the error when the source connection is lost between two batches', async () => {
    await src.query(
      `create table lost_persons as select 'P' || lpad(n::text, 5, '0') as sfzh from generate_series(1, 300) n`,
    );
    const { readSource } = await import('../src/sources.ts');
    const reader = readSource(
      'postgres',
      { host: '127.0.0.1', port: 5432, database: dbName, user: 'postgres', table: 'lost_persons' },
      {},
      { columns: ['sfzh'], keyColumn: 'sfzh', changeColumn: null, since: null, batch: 100 },
    );
    const read = async () => {
      let n = 0;
      for await (const batch of reader) {
        n += batch.length;
        // the reader is idle now (the batch is being stored): its session is ended by the source
        if (n === 100)
          await src.query(
            `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
          );
      }
      return n;
    };
    await expect(read()).rejects.toThrow(/terminat|connection|not queryable/i);
  });

  it('refuses to write to the source: the read-only transaction rejects any change there', async () => {
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}` });
    await c.connect();
    await c.query('begin isolation level repeatable read read only');
    await expect(c.query(`update persons set xm = 'x'`)).rejects.toThrow(/read-only/);
    await c.query('rollback');
    await c.end();
  });

  it('records a failed run (bad credentials, missing table) instead of failing silently', async () => {
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '不存在的表',
      kind: 'postgres',
      config: { host: '127.0.0.1', port: 5432, database: dbName, user: 'postgres', table: 'public.nothing_here' },
      syncMode: 'full',
    });
    const run = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toMatch(/nothing_here/);
  });
});

describe.skipIf(!myUp)('MariaDB source', () => {
  const dbName = `yw_src_${Date.now().toString(36)}`;
  let src: mysql.Connection;
  const checksum = async () => {
    const [r] = await src.query('checksum table persons');
    return (r as any[])[0].Checksum;
  };

  beforeAll(async () => {
    src = await mysql.createConnection(MY);
    await src.query(`create database ${dbName} character set utf8mb4`);
    await src.query(`use ${dbName}`);
    await src.query(
      'create table persons (id_number varchar(18) primary key, name varchar(50), phone varchar(20), address varchar(200), residence_division varchar(12), birth_date date, updated_at datetime(3) not null)',
    );
    for (const [i, sfzh] of IDS.entries())
      await src.query('insert into persons values (?, ?, ?, ?, ?, ?, ?)', [
        sfzh,
        `居民${i}`,
        `1390013900${i}`,
        `广东省佛山市顺德区大良街道${i}号`,
        '440606001000',
        i === 5 ? null : `1985-06-0${i + 1}`,
        new Date(Date.UTC(2026, 10, 1 + i, 8)),
      ]);
  });
  afterAll(async () => {
    if (src) {
      await src.query(`drop database if exists ${dbName}`);
      await src.end();
    }
  });

  it('syncs a MariaDB table fully then incrementally, leaving the source unchanged', async () => {
    const before = await checksum();
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: 'MariaDB 人口库',
      kind: 'mysql',
      config: { host: MY.host, port: MY.port, database: dbName, user: 'root', table: 'persons' },
      syncMode: 'incremental',
      changeColumn: 'updated_at',
    });
    expect(c.status, c.raw).toBe(201);
    const first = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(first.body, first.raw).toMatchObject({ status: 'succeeded', rowsRead: 6, rowsWritten: 6, rowsRejected: 0 });
    expect(await checksum()).toBe(before);
    const again = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(again.body).toMatchObject({ status: 'succeeded', rowsWritten: 0 });
    expect(again.body.rowsRead).toBe(1); // only the row at the watermark
    await src.query('update persons set address = ?, updated_at = ? where id_number = ?', [
      '广东省佛山市高明区荷城街道8号',
      new Date(Date.UTC(2026, 10, 25, 8)),
      IDS[2],
    ]);
    const changed = await checksum();
    const inc = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    // the changed row and the one at the previous watermark are read; only the changed one is written
    expect(inc.body).toMatchObject({ status: 'succeeded', rowsRead: 2, rowsWritten: 1 });
    expect(await checksum()).toBe(changed);
    const { fromStored, valueHash } = await import('../src/rows.ts');
    const key = t.rt.platform.config.secretKey;
    const row = await t.rt.platform.db
      .selectFrom('data_rows')
      .selectAll()
      .where('resource_id', '=', res.id)
      .where('key_hash', '=', valueHash(key, IDS[2]))
      .executeTakeFirstOrThrow();
    expect(fromStored(key, row as any)).toMatchObject({
      address: '广东省佛山市高明区荷城街道8号',
      birth_date: '1985-06-03',
    });
  });
  it('streams a source of several batches in one query, and closes the connection when the reader stops early', async () => {
    await src.query(
      'create table many_persons (id_number varchar(18) primary key, name varchar(50) not null, phone varchar(20), address varchar(200), residence_division varchar(12), birth_date date, updated_at datetime(3) not null)',
    );
    const ids = manyIds(MANY);
    await src.query('insert into many_persons (id_number, name, updated_at) values ?', [
      ids.map((sfzh, i) => [sfzh, `居民${i}`, new Date(Date.UTC(2026, 10, 1, 0, 0, i))]),
    ]);
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: 'MariaDB 人口库（多批）',
      kind: 'mysql',
      config: { host: MY.host, port: MY.port, database: dbName, user: 'root', table: 'many_persons' },
      syncMode: 'full',
    });
    expect(c.status, c.raw).toBe(201);
    const run = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(run.body, run.raw).toMatchObject({
      status: 'succeeded',
      rowsRead: MANY,
      rowsWritten: MANY,
      rowsRejected: 0,
    });
    expect(await rows(res.id)).toHaveLength(MANY);

    const sessions = async () => {
      const [r] = await src.query('select count(*) as n from information_schema.processlist where db = ?', [dbName]);
      return Number((r as any[])[0].n);
    };
    const idle = await sessions();
    const { readSource } = await import('../src/sources.ts');
    const reader = readSource(
      'mysql',
      { host: MY.host, port: MY.port, database: dbName, user: 'root', table: 'many_persons' },
      {},
      { columns: ['id_number', 'name'], keyColumn: 'id_number', changeColumn: null, since: null, batch: 100 },
    );
    const got: string[] = [];
    for await (const batch of reader) {
      got.push(...batch.map((b) => String(b.record?.id_number)));
      if (got.length >= 200) break;
    }
    expect(got).toEqual([...ids].sort().slice(0, 200));
    await expect.poll(sessions, { timeout: 5000 }).toBe(idle);
  });

  it('ends the read with the error when the source connection is killed mid-stream', async () => {
    const { readSource } = await import('../src/sources.ts');
    const reader = readSource(
      'mysql',
      { host: MY.host, port: MY.port, database: dbName, user: 'root', table: 'many_persons' },
      {},
      { columns: ['id_number'], keyColumn: 'id_number', changeColumn: null, since: null, batch: 100 },
    );
    const read = async () => {
      let n = 0;
      for await (const batch of reader) {
        n += batch.length;
        if (n === 100) {
          const [r] = await src.query(
            'select id from information_schema.processlist where db = ? and id <> connection_id()',
            [dbName],
          );
          for (const { id } of r as { id: number }[]) await src.query(`kill ${Number(id)}`);
        }
      }
      return n;
    };
    await expect(read()).rejects.toThrow();
  });

  it('records a failed run for wrong credentials and a missing table', async () => {
    const res = await newResource();
    const cases = [
      {
        name: '错误密码',
        config: { host: MY.host, port: MY.port, database: dbName, user: 'root', table: 'persons' },
        secret: { password: 'wrong-password' },
        error: /denied/i,
      },
      {
        name: '不存在的表',
        config: { host: MY.host, port: MY.port, database: dbName, user: 'root', table: 'nothing_here' },
        error: /nothing_here/,
      },
    ];
    for (const { name, config, secret, error } of cases) {
      const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
        name,
        kind: 'mysql',
        config,
        ...(secret ? { secret } : {}),
        syncMode: 'full',
      });
      expect(c.status, c.raw).toBe(201);
      const run = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
      expect(run.body.status, run.raw).toBe('failed');
      expect(run.body.error).toMatch(error);
    }
  });
});

describe('file and HTTP sources', () => {
  let server: Server;
  let base = '';
  const feed = [
    { sfzh: IDS[0], xm: '甲', gxsj: '2026-11-01T00:00:00Z' },
    { sfzh: IDS[1], xm: '乙', gxsj: '2026-11-02T00:00:00Z' },
    { sfzh: '', xm: '无号', gxsj: '2026-11-03T00:00:00Z' },
  ];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.headers.authorization !== 'Bearer feed-token') {
        res.writeHead(401).end();
        return;
      }
      const since = u.searchParams.get('since');
      const m = /^\/persons\/(.+)$/.exec(u.pathname);
      if (m) {
        const one = feed.find((f) => f.sfzh === decodeURIComponent(m[1]!));
        res
          .writeHead(one ? 200 : 404, { 'content-type': 'application/json' })
          .end(JSON.stringify(one ? { data: one } : {}));
        return;
      }
      const items = since ? feed.filter((f) => f.gxsj >= since) : feed;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { items } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as any).port}`;
  });
  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('parses a CSV upload of several batches as a stream, with the line of every rejected row', async () => {
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口 CSV（多批）',
      kind: 'file',
      config: { format: 'csv', delimiter: ';' },
      syncMode: 'full',
    });
    expect(c.status, c.raw).toBe(201);
    const ids = manyIds(MANY);
    const lines = ['id_number;name;updated_at', ...ids.map((sfzh, i) => `${sfzh};居民${i};2026-11-01 08:00:00`)];
    lines[700] = `${ids[699]};列数;不对;多一列`; // line 701 of the file
    lines[1100] = `${ids[5]};重复;2026-11-01 08:00:00`; // line 1101
    const up = await t.call(police.token, 'POST', `/connectors/${c.body.id}/upload`, {
      filename: 'many.csv',
      contentBase64: Buffer.from(lines.join('\r\n')).toString('base64'),
    });
    expect(up.body, up.raw).toMatchObject({
      status: 'succeeded',
      rowsRead: MANY,
      rowsWritten: MANY - 2,
      rowsRejected: 2,
    });
    expect(up.body.rejections.map((r: any) => [r.row, r.reason])).toEqual([
      [701, 'COLUMN_COUNT'],
      [1101, 'DUPLICATE_KEY'],
    ]);
    expect(await rows(res.id)).toHaveLength(MANY - 2);
  });

  it('reads an XLSX upload as a stream: the named sheet after another, several batches, gaps, dates, and the row of every rejected row', async () => {
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口 XLSX（多批）',
      kind: 'file',
      config: { format: 'xlsx', sheet: '人口' },
      syncMode: 'full',
    });
    expect(c.status, c.raw).toBe(201);
    const ids = manyIds(MANY);
    const wb = new ExcelJS.Workbook();
    // A sheet before the data one, as a real export has a cover sheet; it must not be read.
    const cover = wb.addWorksheet('说明');
    cover.addRow(['id_number', 'name']);
    cover.addRow([ids[0], '不应读取']);
    const ws = wb.addWorksheet('人口');
    ws.addRow(['id_number', 'name', 'birth_date', 'updated_at']);
    ids.forEach((sfzh, i) => {
      // row i + 2 of the sheet; row 601 is left empty, so the rows after it keep their sheet numbers
      const r = i + 2 >= 601 ? i + 3 : i + 2;
      ws.getRow(r).values = [
        i === 900 ? ids[4] : sfzh, // a duplicate key at sheet row 903
        { richText: [{ text: '居民' }, { text: String(i) }] },
        new Date(Date.UTC(1990, 0, 1)),
        '2026-11-01 08:00:00',
      ];
    });
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const up = await t.call(police.token, 'POST', `/connectors/${c.body.id}/upload`, {
      filename: 'many.xlsx',
      contentBase64: xlsx.toString('base64'),
    });
    expect(up.body, up.raw).toMatchObject({
      status: 'succeeded',
      rowsRead: MANY,
      rowsWritten: MANY - 1,
      rowsRejected: 1,
    });
    expect(up.body.rejections.map((r: any) => [r.row, r.reason])).toEqual([[903, 'DUPLICATE_KEY']]);
    const stored = await rows(res.id);
    expect(stored).toHaveLength(MANY - 1);
    const { fromStored } = await import('../src/rows.ts');
    const key = t.rt.platform.config.secretKey;
    const last = stored.map((r: any) => fromStored(key, r)).find((v: any) => v.id_number === ids[MANY - 1]);
    expect(last).toMatchObject({ name: `居民${MANY - 1}`, birth_date: '1990-01-01' });

    // A sheet the workbook does not have fails the run with the reason, and keeps the rows.
    const other = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口 XLSX（错表）',
      kind: 'file',
      config: { format: 'xlsx', sheet: '不存在' },
      syncMode: 'full',
    });
    expect(other.status, other.raw).toBe(201);
    const bad = await t.call(police.token, 'POST', `/connectors/${other.body.id}/upload`, {
      filename: 'many.xlsx',
      contentBase64: xlsx.toString('base64'),
    });
    expect(bad.body).toMatchObject({ status: 'failed' });
    expect(bad.body.error).toContain('no such sheet');
    expect(await rows(res.id)).toHaveLength(MANY - 1);
  });

  it('syncs a CSV upload with line numbers for rejected rows, then an XLSX upload', async () => {
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口 CSV',
      kind: 'file',
      config: { format: 'csv' },
      syncMode: 'full',
    });
    expect(c.status, c.raw).toBe(201);
    const csv = [
      'id_number,name,phone,address,residence_division,birth_date,updated_at',
      `${IDS[0]},陈一,13800138000,广东省佛山市禅城区岭南大道1号,440604001000,1990/1/1,2026-11-01 08:00:00`,
      `${IDS[1]},李二,13800138001,,440604001000,19900101,2026-11-01 08:00:00`,
      ',无号,,,,,',
      `${IDS[2]},列数不对`,
      `${IDS[0]},重复,,,,,`,
    ].join('\n');
    const up = await t.call(police.token, 'POST', `/connectors/${c.body.id}/upload`, {
      filename: 'persons.csv',
      contentBase64: Buffer.from(csv).toString('base64'),
    });
    expect(up.status, up.raw).toBe(200);
    expect(up.body).toMatchObject({
      status: 'succeeded',
      trigger: 'upload',
      rowsRead: 5,
      rowsWritten: 2,
      rowsRejected: 3,
    });
    expect(up.body.rejections.map((r: any) => [r.row, r.reason])).toEqual([
      [4, 'KEY_MISSING'],
      [5, 'COLUMN_COUNT'],
      [6, 'DUPLICATE_KEY'],
    ]);
    const { fromStored, valueHash } = await import('../src/rows.ts');
    const key = t.rt.platform.config.secretKey;
    const one = await t.rt.platform.db
      .selectFrom('data_rows')
      .selectAll()
      .where('key_hash', '=', valueHash(key, IDS[1]))
      .where('resource_id', '=', res.id)
      .executeTakeFirstOrThrow();
    expect(fromStored(key, one as any)).toMatchObject({
      birth_date: '1990-01-01',
      address: null,
      updated_at: '2026-11-01T08:00:00.000Z',
    });

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人口');
    ws.addRow(['id_number', 'name', 'phone', 'address', 'residence_division', 'birth_date', 'updated_at']);
    ws.addRow([
      IDS[3],
      '王四',
      '13800138003',
      '广东省佛山市三水区西南街道1号',
      '440607001000',
      new Date(Date.UTC(1991, 1, 2)),
      new Date(),
    ]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const up2 = await t.call(police.token, 'POST', `/connectors/${c.body.id}/upload`, {
      filename: 'persons.xlsx',
      contentBase64: xlsx.toString('base64'),
    });
    // The connector is CSV: the XLSX bytes do not parse as the expected header.
    expect(up2.body.rowsWritten).toBe(0);
    const x = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口 XLSX',
      kind: 'file',
      config: { format: 'xlsx', sheet: '人口' },
      syncMode: 'incremental',
    });
    const up3 = await t.call(police.token, 'POST', `/connectors/${x.body.id}/upload`, {
      filename: 'persons.xlsx',
      contentBase64: xlsx.toString('base64'),
    });
    expect(up3.body).toMatchObject({ status: 'succeeded', rowsRead: 1, rowsWritten: 1, rowsRejected: 0 });
    const nosync = await t.call(police.token, 'POST', `/connectors/${x.body.id}/sync`, {});
    expect(nosync.status).toBe(400);
    expect(nosync.body.code).toBe('FILE_REQUIRED');
  });

  it('syncs an HTTP JSON endpoint with a sealed bearer token, incrementally, and queries it through by key', async () => {
    const res = await newResource();
    const c = await t.call(police.token, 'POST', `/resources/${res.id}/connectors`, {
      name: '人口接口',
      kind: 'http',
      config: {
        url: `${base}/persons`,
        itemsPath: 'data.items',
        sinceParam: 'since',
        lookupUrl: `${base}/persons/{key}`,
        lookupPath: 'data',
        columns: { id_number: 'sfzh', name: 'xm', updated_at: 'gxsj' },
      },
      secret: { authorization: 'Bearer feed-token' },
      syncMode: 'incremental',
      changeColumn: 'gxsj',
      queryThrough: true,
    });
    expect(c.status, c.raw).toBe(201);
    const run = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(run.body).toMatchObject({ status: 'succeeded', rowsRead: 3, rowsWritten: 2, rowsRejected: 1 });
    feed.push({ sfzh: IDS[5], xm: '丙', gxsj: '2026-11-10T00:00:00Z' });
    const inc = await t.call(police.token, 'POST', `/connectors/${c.body.id}/sync`, {});
    expect(inc.body).toMatchObject({ status: 'succeeded', rowsRead: 2, rowsWritten: 1 });
    const { queryThrough } = await import('../src/connectors.ts');
    const { requireResource } = await import('../src/catalog.ts');
    const live = await queryThrough(t.rt.platform, await requireResource(t.rt.platform.db, res.id), IDS[5]);
    expect(live?.name).toBe('丙');
  });
});
