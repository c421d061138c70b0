import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal workers have crashed inside worker threads: every test file gets its own process.
    pool: 'forks',
    // Stray console output hides real failures; tests that expect logs capture them.
    silent: 'passed-only',
    // Two cores: one Temporal server plus one worker per file is what the machine can hold.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/workflows/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Kills, outages and fuzzing: `npm run test:faults`, run by .ci/run after the main suite.
          name: 'faults',
          // One fault at a time: a kill or an outage measured while another file loads both cores says little.
          fileParallelism: false,
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
