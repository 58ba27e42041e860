#!/usr/bin/env node
// Runs vitest with the given arguments, then prints one plain closing line for CI: "Tests: N passed, N failed".
// The exit code is vitest's own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'reports', 'vitest-results.json');
mkdirSync(dirname(out), { recursive: true });
rmSync(out, { force: true });
// Reporters (terminal, JSON to reports/vitest-results.json, Allure to reports/allure-results) are in vitest.config.ts:
// a --reporter here would replace them all.
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
try {
  const j = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`Tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
} catch {
  console.log('Tests: 0 passed, 1 failed (no vitest results were written)');
}
process.exit(r.status ?? 1);
