import { join } from 'node:path';
import { loadConfig, migrate, openDatabase } from '@yiwang/platform';
import { allMigrations } from '../app.ts';

const config = loadConfig();
const handle = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.databaseUrl ? null : join(config.dataDir, 'pglite'),
});
const applied = await migrate(handle.db, allMigrations);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
await handle.close();
