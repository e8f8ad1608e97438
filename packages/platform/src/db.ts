import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';

// int8 as string everywhere (node-postgres does this by default; PGlite is told below).
pg.types.setTypeParser(20, (v) => v);

/** The database handle. Modules narrow it to their own tables with `db.withTables<T>()`. */
export type Db = Kysely<any>;
export type Tx = Transaction<any>;

interface PoolClient {
  query(sql: string, params: unknown[]): Promise<{ rows: unknown[]; rowCount: number; command: string }>;
  release(): void;
}

/**
 * Presents one PGlite instance as a node-postgres-like pool to Kysely's PostgresDialect.
 * PGlite has a single connection, so a client is handed out to one user at a time: a
 * transaction holds it from BEGIN to COMMIT, and other queries wait their turn.
 */
class PGlitePool {
  private tail: Promise<void> = Promise.resolve();
  /** Clients handed out or waiting: above 1, this caller waits for the one who holds it. */
  private users = 0;
  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PoolClient> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((r) => {
      release = () => {
        this.users--;
        r();
      };
    });
    // A query on the database handle made while the same code holds a transaction waits for that
    // transaction, which waits for the query: on one connection that never ends. Such a wait is
    // reported (with where it was asked) instead of hanging in silence; PostgreSQL would not hang.
    let stuck: NodeJS.Timeout | undefined;
    if (this.users++ > 0) {
      // The Error keeps where this was asked; V8 formats its stack only if the report is printed.
      const asked = new Error('PGlite: still waiting for the connection after 30 s');
      stuck = setTimeout(() => console.error(`${asked.stack}\n(a query on the handle inside a transaction?)`), 30_000);
      stuck.unref();
    }
    await previous;
    clearTimeout(stuck);
    const pglite = this.pglite;
    return {
      async query(sql: string, params: unknown[]) {
        const command = (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase();
        if (params.length === 0 && sql.includes(';')) {
          const results = await pglite.exec(sql);
          const last = results[results.length - 1];
          return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0, command };
        }
        const r = await pglite.query(sql, params);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command };
      },
      release,
    };
  }
  async end() {
    await this.pglite.close();
  }
}

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /** PGlite only: the whole data directory as an uncompressed tarball (loadable as `template`). */
  dumpDataDir?(): Promise<Blob>;
}

/**
 * Opens PostgreSQL (`databaseUrl`) or an embedded PGlite (in `dataDir`, or in memory when null).
 * `template` (PGlite only) starts the database from a data-directory tarball made by `dumpDataDir`,
 * skipping initdb: the tests use it to start from an already migrated database.
 */
export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir: string | null;
  template?: Blob;
}): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: Number(process.env.DB_POOL_SIZE || 10) });
    // An idle client losing its connection (server restart, failover) emits 'error' on the pool;
    // unhandled, that would kill the process. The pool replaces the client on the next checkout.
    pool.on('error', (err) => {
      process.emitWarning(`PostgreSQL idle client error: ${err.message}`);
    });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({
    dataDir: opts.dataDir ?? undefined,
    parsers: { 20: (v: string) => v },
    ...(opts.template ? { loadDataDir: opts.template } : {}),
  });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) as any }) });
  return { db, kind: 'pglite', close: () => db.destroy(), dumpDataDir: () => pglite.dumpDataDir('none') };
}
