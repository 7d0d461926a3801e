import { LOGIN_LIMITS, loginRetryAfterMs } from './domain/throttle.ts';

/** Most keys (e-mails, addresses) remembered; the oldest go first, so a flood of new ones cannot exhaust memory. */
const MAX_KEYS = 100_000;

/**
 * Failed logins per e-mail and per client address, in this API process's memory (each process
 * throttles on its own: with N processes behind a balancer a caller gets at most N times the
 * limit). The rule is loginRetryAfterMs.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  /** Milliseconds to wait before trying `email` from `address` again; 0 when a try is allowed. */
  wait(email: string, address: string, now: number): number {
    return Math.max(
      loginRetryAfterMs(this.failures.get(`e:${email}`) ?? [], LOGIN_LIMITS.perEmail, LOGIN_LIMITS.windowMs, now),
      loginRetryAfterMs(this.failures.get(`a:${address}`) ?? [], LOGIN_LIMITS.perAddress, LOGIN_LIMITS.windowMs, now),
    );
  }

  fail(email: string, address: string, now: number): void {
    for (const key of [`e:${email}`, `a:${address}`]) {
      const kept = (this.failures.get(key) ?? []).filter((t) => t > now - LOGIN_LIMITS.windowMs);
      kept.push(now);
      this.failures.delete(key);
      this.failures.set(key, kept);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful login clears its e-mail's failures (not its address's: one address may try many e-mails). */
  succeed(email: string): void {
    this.failures.delete(`e:${email}`);
  }
}
