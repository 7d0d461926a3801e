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
        // The API against its OpenAPI document (Schemathesis): thousands of requests on 2 cores,
        // so it runs alone, after the int tier, and timing-sensitive specs do not share the CPU with it.
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
