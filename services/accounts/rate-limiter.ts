import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { planOf } from '../plans/account-plan.ts';
import { admit, RATE_WINDOW_MS } from './domain/rate-limit.ts';

/** Requests a minute for a key without a rateLimit of its own on a plan that sets none (self-hosted). */
export const DEFAULT_REQUESTS_PER_MINUTE = 600_000;
const HEARTBEAT_MS = 2_000;
/** A process not seen for this long has stopped serving. */
const GONE_MS = 3 * HEARTBEAT_MS;

/** The API processes serving now (projections/migrations/1700000000015_api_processes.sql), counted every heartbeat. */
export class ApiPeers {
  count = 1;
  private readonly id = randomUUID();
  private timer?: NodeJS.Timeout;
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  async start(): Promise<void> {
    const beat = async () => {
      await this.db.query(sql.unsafe`INSERT INTO api_processes (id) VALUES (${this.id}) ON CONFLICT (id) DO UPDATE SET seen_at = now()`);
      const n = await this.db.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM api_processes WHERE seen_at > now() - ${GONE_MS} * interval '1 millisecond'`);
      this.count = Math.max(1, n);
    };
    await beat().catch(() => undefined);
    // Postgres away: the last count stands.
    this.timer = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.db.query(sql.unsafe`DELETE FROM api_processes WHERE id = ${this.id}`).catch(() => undefined);
  }
}

type Window = { start: number; previous: number; current: number };

/**
 * Each API key's rate limit (requests a minute), enforced across every API process: each admits
 * its share (the limit over the processes serving), counted in its own memory, so the hot path
 * reads no shared store. With traffic spread over the processes the key gets its limit; sent all
 * to one process, that process's share. Every answer to a key carries X-RateLimit-Limit,
 * -Remaining and -Reset; past the limit, 429 RATE_LIMITED with Retry-After.
 */
export function rateLimiter(ctx: ApiContext, peers: ApiPeers) {
  const windows = new LRUCache<string, Window>({ max: 100_000 });
  return (req: FastifyRequest, reply: FastifyReply): void => {
    const { keyId } = req.credential;
    if (keyId === null) return;
    const limit = ctx.store.state.accounts.keyOf(req.principal.accountId, keyId)?.rateLimit
      ?? planOf(ctx, req.principal.accountId).limits.apiRequestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
    const now = Date.now();
    const start = now - (now % RATE_WINDOW_MS);
    let w = windows.get(keyId);
    if (!w || w.start !== start) {
      w = { start, previous: w && w.start === start - RATE_WINDOW_MS ? w.current : 0, current: 0 };
      windows.set(keyId, w);
    }
    const verdict = admit(w, start, now, limit, limit / peers.count);
    reply.header('x-ratelimit-limit', String(limit));
    reply.header('x-ratelimit-remaining', String(verdict.remaining));
    reply.header('x-ratelimit-reset', String(Math.ceil(verdict.resetMs / 1000)));
    if (!verdict.allowed) {
      throw new DomainError('RATE_LIMITED', `this API key's limit of ${limit} requests a minute is reached`, { retryAfterSeconds: Math.max(1, Math.ceil(verdict.resetMs / 1000)) });
    }
    w.current++;
  };
}
