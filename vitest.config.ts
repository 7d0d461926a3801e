import { defineConfig } from 'vitest/config';

// Tiers are marked in file names. Unit specs need no I/O; int/e2e specs share one stack
// (started once by the global setup) and isolate themselves by topic prefix and DB schema.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['**/*.unit.spec.ts'], exclude: ['node_modules/**', '.mittr/**'] } },
      {
        test: {
          name: 'int',
          include: ['**/*.int.spec.ts', '**/*.e2e.spec.ts'],
          exclude: ['node_modules/**', '.mittr/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        // The API under load from outside: against its OpenAPI document (Schemathesis) and hostile
        // input with /health held to 100 ms. Thousands of requests, and a latency bound, on 2 cores:
        // alone, after the int tier, so neither shares the CPU with other specs (argon2 signups and
        // logins in parallel specs once pushed a /health probe to 111 ms).
        test: {
          name: 'contract',
          include: ['**/*.contract.spec.ts'],
          exclude: ['node_modules/**', '.mittr/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
      {
        // Faults on the shared stack (Kafka and Postgres stopped and restarted): alone, one file at a time.
        test: {
          name: 'chaos',
          include: ['**/*.chaos.spec.ts'],
          exclude: ['node_modules/**', '.mittr/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 300_000,
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
