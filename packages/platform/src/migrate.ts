import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './db.ts';

/**
 * One set of versioned migrations for the whole platform. Each module contributes named
 * migrations; names start with a global sequence number ("0003_org_divisions") so that
 * the order is one line across modules. A migration is never edited after it has landed.
 */
export type Migrations = Record<string, Migration>;

export async function migrate(db: Db, sets: Migrations[]): Promise<string[]> {
  const all: Migrations = {};
  for (const set of sets) {
    for (const [name, m] of Object.entries(set)) {
      if (all[name]) throw new Error(`duplicate migration name ${name}`);
      if (!/^\d{4}_[a-z0-9_]+$/.test(name)) throw new Error(`migration name ${name} must look like 0001_module_what`);
      all[name] = m;
    }
  }
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Modules number their migrations in their own ranges (platform 0001–0009, catalog 0020–0029,
    // cases 0030–0039…), so a module's new migration may sort before another module's applied one:
    // apply whatever is missing instead of refusing. Migrations never depend on a later-numbered one.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
