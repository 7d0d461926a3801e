import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { kafkaBrokers: string; databaseUrl: string; registryUrl: string };
  }
}

const ROOT = join(import.meta.dirname, '..');

function dockerAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * Starts the stack once per run: testcontainers where a Docker engine answers, scripts/stack
 * (Kafka, Apicurio and Postgres without Docker) otherwise. Specs isolate themselves inside it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The dashboard the browser specs open (web/ -> web/dist, when missing or stale), the
  // Chromium they drive (apt, when absent), and stripe-mock, the billing specs' Stripe (built
  // with go install into .mittr/cache, when absent): installed once here, not in parallel workers.
  execFileSync('bash', [join(ROOT, 'scripts', 'build-web')], { stdio: 'inherit' });
  execFileSync('bash', [join(ROOT, 'scripts', 'browser')], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('bash', [join(ROOT, 'scripts', 'stripe-mock')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (process.env.MITTR_TEST_STACK !== 'scripts' && dockerAnswers()) {
    const { startContainers } = await import('./support/containers.ts');
    const stack = await startContainers();
    project.provide('stack', stack.urls);
    return stack.stop;
  }
  execFileSync('bash', [join(ROOT, 'scripts', 'stack'), 'up'], { stdio: 'inherit' });
  project.provide('stack', {
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://mittr:mittr@127.0.0.1:5432/mittr',
    registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  });
  return async () => undefined; // the stack stays up for the next run; `scripts/stack down` stops it
}
