import { join } from 'node:path';
import { loadConfig, openDatabase, verifyAuditChain } from '@yiwang/platform';

const config = loadConfig();
const handle = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.databaseUrl ? null : join(config.dataDir, 'pglite'),
});
const r = await verifyAuditChain(handle.db);
await handle.close();
if (r.ok) {
  console.log(`audit chain intact: ${r.count} records verified`);
} else {
  console.error(`audit chain BROKEN at record seq=${r.brokenSeq}: ${r.reason} (${r.count} records verified before it)`);
  process.exit(1);
}
