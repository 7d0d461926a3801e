import { randomUUID } from 'node:crypto';
import type { Agent } from 'undici';
import type { DeliveryAttempted, DeliveryRequested } from '../domain/messages/events.ts';
import { backoffMs, classifyStatus, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from '../domain/delivery/retry.ts';
import { signatureHeaders } from '../domain/delivery/signing.ts';
import type { BatchHandler, Incoming, Outgoing } from '../kafka/processor.ts';
import type { Topics } from '../kafka/topics.ts';
import { requestTopic } from '../router/router.ts';
import type { SecretBox } from '../security/secrets.ts';
import type { AccountStore } from '../state/accounts.ts';
import { send, type SendResult } from './sender.ts';

export type EngineDeps = {
  topics: Topics;
  agent: Agent;
  accounts: AccountStore;
  secrets: SecretBox;
  timeoutMs?: number;
  retry?: RetryPolicy;
  maxInFlight?: number;
  now?: () => number;
  random?: () => number;
};

/**
 * The delivery engine's batch handler. Messages of one key run one after another, keys run
 * concurrently; each attempt yields a DeliveryAttempted outcome and, when it failed with
 * attempts left, the next DeliveryRequested through the delay tiers. The runner commits the
 * outcomes with the consumed offsets in one transaction, so a delivery recorded as succeeded
 * is never sent again.
 */
export function engineHandler(d: EngineDeps): BatchHandler {
  const now = d.now ?? Date.now;
  const random = d.random ?? Math.random;
  const secretCache = new Map<string, string>();

  async function secretOf(accountId: string): Promise<string> {
    const cached = secretCache.get(accountId);
    if (cached) return cached;
    const account = d.accounts.account(accountId) ?? await d.accounts.awaitAccount(accountId, 30_000);
    if (!account) throw new Error(`account ${accountId} is unknown to this engine`);
    const secret = d.secrets.open(account.signingSecretEnc);
    secretCache.set(accountId, secret);
    return secret;
  }

  async function deliver(m: Incoming, r: DeliveryRequested): Promise<Outgoing[]> {
    const t0 = performance.now();
    const timestampSec = Math.floor(now() / 1000);
    const secret = await secretOf(r.accountId);
    const headers: Record<string, string> = {
      ...r.headers,
      'content-type': 'application/json',
      'user-agent': 'mittr/0.1',
      ...signatureHeaders({ secrets: [secret], eventId: r.eventId, timestampSec, body: r.payload }),
    };
    const attemptedAt = now();
    const result = await send(d.agent, r.url, headers, r.payload, d.timeoutMs ?? 30_000);
    const totalUs = (performance.now() - t0) * 1000;
    return outcomes(m, r, result, attemptedAt, Math.max(0, Math.round(totalUs - result.durationMs * 1000)));
  }

  function outcomes(m: Incoming, r: DeliveryRequested, res: SendResult, attemptedAt: number, overheadUs: number): Outgoing[] {
    const verdict = res.statusCode === null ? (res.errorCategory === 'blocked' ? 'permanent' : 'retryable') : classifyStatus(res.statusCode);
    const exhausted = r.attempt >= r.maxAttempts || verdict === 'permanent';
    const disposition = verdict === 'success' ? 'delivered' : exhausted ? 'dead' : 'retry';
    const retryAfterMs = verdict === 'rate-limited' ? parseRetryAfter(res.retryAfter, attemptedAt) : undefined;
    const nextAttemptAt = disposition === 'retry'
      ? attemptedAt + backoffMs(d.retry ?? DEFAULT_RETRY, r.attempt + 1, random(), retryAfterMs)
      : null;
    const attempted: DeliveryAttempted = {
      type: 'DeliveryAttempted', attemptId: randomUUID(), dispatchId: r.dispatchId, eventId: r.eventId,
      accountId: r.accountId, projectId: r.projectId, endpointId: r.endpointId, eventType: r.eventType, url: r.url,
      attemptNumber: r.attempt, maxAttempts: r.maxAttempts,
      outcome: verdict === 'success' ? 'success' : res.timedOut ? 'timeout' : 'failure',
      disposition, statusCode: res.statusCode, responseBody: res.responseBody, error: res.error,
      errorCategory: res.errorCategory, durationMs: res.durationMs, processingOverheadUs: overheadUs,
      attemptedAt, nextAttemptAt, eventCreatedAt: r.createdAt,
    };
    const out: Outgoing[] = [{ topic: d.topics.outcomes, key: r.eventId, event: attempted }];
    if (nextAttemptAt !== null) {
      const next: DeliveryRequested = { ...r, attempt: r.attempt + 1, dueAt: nextAttemptAt };
      out.push({ topic: requestTopic(d.topics, next, attemptedAt), key: m.key, event: next });
    }
    return out;
  }

  return async (messages) => {
    const byKey = new Map<string, Incoming[]>();
    for (const m of messages) {
      if (m.event.type !== 'DeliveryRequested') continue;
      const list = byKey.get(m.key) ?? [];
      list.push(m);
      byKey.set(m.key, list);
    }
    const results = await mapLimit([...byKey.values()], d.maxInFlight ?? 256, async (list) => {
      const out: Outgoing[] = [];
      for (const m of list) out.push(...await deliver(m, m.event as DeliveryRequested));
      return out;
    });
    return { out: results.flat(), handled: messages.length };
  };
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
