import { DomainError } from '../domain/errors.ts';

/** How long a command waits for Kafka to take its records before the caller gets a 503. */
export const APPEND_TIMEOUT_MS = 10_000;

/**
 * Resolves or rejects as `work` does, or rejects with SERVICE_UNAVAILABLE after `ms`, whichever
 * comes first. `work` itself goes on: a caller that must react to its late outcome keeps a
 * handle on it.
 */
export async function withinDeadline<T>(work: Promise<T>, what: string, ms = APPEND_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DomainError('SERVICE_UNAVAILABLE', `${what} is unavailable, retry shortly`)), ms);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
