import { randomUUID } from 'node:crypto';
import type { DeliveryAttempted, DeliveryRequested } from '../domain/messages/events.ts';
import { backoffMs, classifyStatus, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from '../domain/delivery/retry.ts';
import { signatureHeaders } from '../domain/delivery/signing.ts';
import type { BatchHandler, Incoming, Outgoing } from '../kafka/processor.ts';
import type { Topics } from '../kafka/topics.ts';
import { requestTopic } from '../router/router.ts';
import type { SecretBox } from '../security/secrets.ts';
import type { EndpointState } from '../domain/endpoint/evolve.ts';
import type { ConfigStore } from '../state/config-store.ts';
import { send, type AgentPool, type SendResult } from './sender.ts';

/** How soon a paused endpoint's delivery is looked at again. */
const PAUSE_RECHECK_MS = 5_000;

export type EngineDeps = {
  topics: Topics;
  agents: AgentPool;
  store: ConfigStore;
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
  const opened = new Map<string, string>();
  /** Sealed secrets are opened once per process. */
  const open = (sealed: string) => {
    let plain = opened.get(sealed);
    if (plain === undefined) { plain = d.secrets.open(sealed); opened.set(sealed, plain); }
    return plain;
  };

  /** The endpoint's secrets (with a rotated-out one while it overlaps), else the account's global secret. */
  async function secretsOf(r: DeliveryRequested, ep: EndpointState | undefined, at: number): Promise<string[]> {
    if (ep) {
      const both = ep.previousSecretEnc && ep.previousExpiresAt && ep.previousExpiresAt > at;
      return both ? [open(ep.signingSecretEnc), open(ep.previousSecretEnc!)] : [open(ep.signingSecretEnc)];
    }
    await d.store.waitUntil(() => d.store.account(r.accountId) !== undefined, 30_000);
    const account = d.store.account(r.accountId);
    if (!account) throw new Error(`account ${r.accountId} is unknown to this engine`);
    return [open(account.signingSecretEnc)];
  }

  /** The endpoint of a fan-out dispatch, waiting (bounded) for configuration not yet seen here. */
  async function endpointOf(r: DeliveryRequested): Promise<EndpointState | undefined> {
    if (!r.endpointId) return undefined;
    await d.store.waitUntil(() => d.store.endpoint(r.endpointId!) !== undefined, 30_000);
    return d.store.endpoint(r.endpointId);
  }

  async function deliver(m: Incoming, r: DeliveryRequested): Promise<Outgoing[]> {
    const t0 = performance.now();
    const ep = await endpointOf(r);
    const at = now();
    if (r.endpointId && (!ep || ep.deleted)) {
      return outcomes(m, r, undefined, { statusCode: null, responseBody: '', error: 'endpoint deleted', errorCategory: 'endpoint_deleted', durationMs: 0, timedOut: false }, at, 0);
    }
    if (ep?.paused) return [park(m, r, at)];
    const body = r.payload;
    const headers: Record<string, string> = {
      ...ep?.config.customHeaders,
      ...r.headers,
      'content-type': 'application/json',
      'user-agent': 'mittr/0.1',
      ...signatureHeaders({ secrets: await secretsOf(r, ep, at), eventId: r.eventId, timestampSec: Math.floor(at / 1000), body }),
    };
    const url = ep?.config.url ?? r.url;
    const agent = ep
      ? d.agents.get(ep.config.allowedCidrs, ep.config.blockedCidrs,
        ep.mtlsCertPem && ep.mtlsKeyEnc ? { certPem: ep.mtlsCertPem, keyPem: open(ep.mtlsKeyEnc) } : undefined)
      : d.agents.get();
    const result = await send(agent, url, headers, body, ep?.config.timeoutMs ?? d.timeoutMs ?? 30_000);
    const totalUs = (performance.now() - t0) * 1000;
    return outcomes(m, { ...r, url }, ep, result, at, Math.max(0, Math.round(totalUs - result.durationMs * 1000)));
  }

  /** A paused endpoint's delivery waits in a delay tier, its attempt not burned, and is looked at again. */
  function park(m: Incoming, r: DeliveryRequested, at: number): Outgoing {
    const parked = { ...r, dueAt: at + PAUSE_RECHECK_MS };
    return { topic: requestTopic(d.topics, parked, at), key: m.key, event: parked };
  }

  function policyOf(ep: EndpointState | undefined): RetryPolicy {
    if (!ep) return d.retry ?? DEFAULT_RETRY;
    const c = ep.config;
    return { initialMs: c.retryBackoffMs, multiplier: c.retryBackoffMult, maxMs: c.retryBackoffMax, jitter: (d.retry ?? DEFAULT_RETRY).jitter };
  }

  function outcomes(m: Incoming, r: DeliveryRequested, ep: EndpointState | undefined, res: SendResult, attemptedAt: number, overheadUs: number): Outgoing[] {
    const verdict = res.statusCode === null
      ? (res.errorCategory === 'blocked' || res.errorCategory === 'endpoint_deleted' ? 'permanent' : 'retryable')
      : classifyStatus(res.statusCode);
    const exhausted = r.attempt >= r.maxAttempts || verdict === 'permanent';
    const disposition = verdict === 'success' ? 'delivered' : exhausted ? 'dead' : 'retry';
    const retryAfterMs = verdict === 'rate-limited' ? parseRetryAfter(res.retryAfter, attemptedAt) : undefined;
    const nextAttemptAt = disposition === 'retry'
      ? attemptedAt + backoffMs(policyOf(ep), r.attempt + 1, random(), retryAfterMs)
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
