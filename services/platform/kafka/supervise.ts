import type { Consumer } from 'kafkajs';

/**
 * kafkajs restarts a crashed consumer only when the error is retriable. A non-retriable one (seen
 * right after a broker restart: "Failed to find group coordinator") leaves it stopped for good,
 * and the role it serves silently stops (the chaos suite caught the router doing so). This starts
 * it again: `restart` builds and runs a fresh consumer, and is retried with backoff until it
 * succeeds or the owner stops.
 */
export function superviseConsumer(consumer: Consumer, name: string, restart: () => Promise<void>, stopping: () => boolean): void {
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart || stopping()) return;
    console.error(`mittr ${name}: consumer stopped after ${e.payload.error.name}: ${e.payload.error.message}; starting it again`);
    const attempt = (delayMs: number) => {
      setTimeout(() => {
        if (stopping()) return;
        restart().catch((err: unknown) => {
          console.error(`mittr ${name}: restart failed (${String(err)}); trying again`);
          attempt(Math.min(delayMs * 2, 30_000));
        });
      }, delayMs);
    };
    attempt(1_000);
  });
}
