import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Docker tests share a 2-core machine: one file at a time.
    fileParallelism: false,
    // The terminal's output, a JSON summary (scripts/test.mjs prints its closing line from it), and Allure results of the
    // test suite itself (npx allure generate reports/allure-results).
    reporters: ['default', 'json', ['allure-vitest/reporter', { resultsDir: 'reports/allure-results' }]],
    outputFile: { json: 'reports/vitest-results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
          // a deadline, not a speed target: some unit tests load every drill file or spawn the CLI, which takes
          // over vitest's default 5 s when the 2 cores are busy with Docker
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['tests/docker/**/*.test.ts'],
          environment: 'node',
          testTimeout: 15 * 60_000,
          hookTimeout: 15 * 60_000,
          pool: 'forks',
        },
      },
      {
        // Long series (interruptions, repeated runs, full matrices, chaos shrinking): `npm run test:nightly`.
        test: {
          name: 'nightly',
          include: ['tests/nightly/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120 * 60_000,
          hookTimeout: 15 * 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
