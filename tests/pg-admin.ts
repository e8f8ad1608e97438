/**
 * PostgreSQL administration for the tests and benchmarks: throw-away database names, one statement
 * at a time on the server's admin database.
 */
import pg from 'pg';

/** A database name no other test run uses (`<prefix>_<time>_<random>`). */
export function uniqueDbName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs one statement (create or drop database) over its own connection to `url` (5 s to connect). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** `url` pointing at database `name` on the same server. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
