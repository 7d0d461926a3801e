import { LOGIN_LIMITS, retryAfterMs } from './domain/throttle.ts';

/** Most keys (e-mails, addresses) remembered; the oldest go first, so a flood of new ones cannot exhaust memory. */
const MAX_KEYS = 100_000;

/** Times of what is counted against each key, newest last, in this process's memory. */
class Tries {
  private readonly times = new Map<string, number[]>();
  private readonly windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  of(key: string): readonly number[] {
    return this.times.get(key) ?? [];
  }

  add(key: string, now: number): void {
    const kept = this.of(key).filter((t) => t > now - this.windowMs);
    kept.push(now);
    this.times.delete(key);
    this.times.set(key, kept);
    while (this.times.size > MAX_KEYS) this.times.delete(this.times.keys().next().value!);
  }

  clear(key: string): void {
    this.times.delete(key);
  }
}

/**
 * Failed logins per e-mail and per client address, in this API process's memory (each process
 * throttles on its own: with N processes behind a balancer a caller gets at most N times the
 * limit). The rule is retryAfterMs.
 */
export class LoginThrottle {
  private readonly failures = new Tries(LOGIN_LIMITS.windowMs);

  /** Milliseconds to wait before trying `email` from `address` again; 0 when a try is allowed. */
  wait(email: string, address: string, now: number): number {
    return Math.max(
      retryAfterMs(this.failures.of(`e:${email}`), LOGIN_LIMITS.perEmail, LOGIN_LIMITS.windowMs, now),
      retryAfterMs(this.failures.of(`a:${address}`), LOGIN_LIMITS.perAddress, LOGIN_LIMITS.windowMs, now),
    );
  }

  fail(email: string, address: string, now: number): void {
    this.failures.add(`e:${email}`, now);
    this.failures.add(`a:${address}`, now);
  }

  /** A successful login clears its e-mail's failures (not its address's: one address may try many e-mails). */
  succeed(email: string): void {
    this.failures.clear(`e:${email}`);
  }
}

const HOUR_MS = 60 * 60_000;

/**
 * Signups per client address in the last hour (every try counts: each hashes a password, and a
 * signup that succeeds is a workspace made), per API process as logins are. `perHour` 0: none.
 */
export class SignupThrottle {
  private readonly tries = new Tries(HOUR_MS);
  private readonly perHour: number;

  constructor(perHour: number) {
    this.perHour = perHour;
  }

  /** Milliseconds before `address` may try again (0: now), counting this try when it is let through. */
  take(address: string, now: number): number {
    if (this.perHour === 0) return 0;
    const wait = retryAfterMs(this.tries.of(address), this.perHour, HOUR_MS, now);
    if (wait === 0) this.tries.add(address, now);
    return wait;
  }
}
