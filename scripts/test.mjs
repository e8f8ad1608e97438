// `npm test`: unit + integration tests (PGlite, or PostgreSQL when DATABASE_URL is set), then the
// browser journeys when Chromium is installed. Ends with one line: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };
/**
 * Longest a suite may run: each takes 2.5–5.5 min on the 2-core CI machine. At 8, a hung suite still
 * leaves the whole CI run (three suites and the install) under its 20 minutes, and fails it.
 */
const SUITE_MINUTES = Number(process.env.YW_SUITE_MINUTES || 8);
let exit = 0;

function run(label, args, env = {}) {
  const out = join(root, `.vitest-results-${label}.json`);
  rmSync(out, { force: true });
  console.log(`\n=== ${label} ===`);
  // vitest itself (not through npx), so that a run that hangs can be stopped: a test file's worker
  // once stayed asleep with no test running and no timeout firing, and CI would have waited forever.
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vitest/vitest.mjs'),
      'run',
      ...args,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
      timeout: SUITE_MINUTES * 60_000,
      killSignal: 'SIGKILL',
    },
  );
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL') {
    console.log(`${label}: vitest did not finish within ${SUITE_MINUTES} min (YW_SUITE_MINUTES) and was stopped`);
    totals.failed += 1;
    exit = 1;
    return;
  }
  if (r.status !== 0) exit = 1;
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed +=
      j.numFailedTests + (j.numFailedTestSuites > 0 && j.numFailedTests === 0 ? j.numFailedTestSuites : 0);
    totals.skipped += j.numPendingTests + j.numTodoTests;
    // Errors outside tests (unhandled rejections) fail the run without failing a test: count them.
    if (r.status !== 0 && j.numFailedTests === 0 && j.numFailedTestSuites === 0) {
      totals.failed += 1;
      console.log(
        `${label}: vitest exited ${r.status} with no failed test (an unhandled error above) — counted as 1 failure`,
      );
    }
  } else {
    totals.failed += 1;
  }
}

console.log(
  `database for integration tests: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}`,
);
run('unit-integration', []);
if (process.env.YW_E2E === 'skip') {
  console.log('\nbrowser journeys: skipped (YW_E2E=skip)');
} else if (existsSync(chromium)) {
  run('browser-journeys', ['--config', 'tests/e2e/vitest.config.ts']);
} else {
  console.log(
    `\nbrowser journeys: SKIPPED — no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(exit || (totals.failed ? 1 : 0));
