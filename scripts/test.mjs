#!/usr/bin/env node
// Runs vitest with the given arguments, then prints one plain closing line for CI: "Tests: N passed, N failed".
// The exit code is vitest's own. Each run writes its results to a folder of its own (reports/vitest/<time>-<pid>/),
// so two test runs in one checkout never read or remove each other's results.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runDir = join(root, 'reports', 'vitest', `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${process.pid}`);
const out = join(runDir, 'results.json');
mkdirSync(runDir, { recursive: true });
// Reporters (terminal, JSON, Allure to reports/allure-results) are in vitest.config.ts: a --reporter here would
// replace them all; only the JSON file's place is this run's.
const r = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
try {
  const j = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`Tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''} (results: ${out})`);
} catch {
  console.log('Tests: 0 passed, 1 failed (no vitest results were written)');
}
process.exit(r.status ?? 1);
