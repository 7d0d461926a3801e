import { randomUUID } from 'node:crypto';
import type { EndpointCircuitChanged } from '../endpoints/domain/messages.ts';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { admit, CLOSED, record, type Breaker } from './domain/breaker.ts';
import type { RetryPolicy } from './domain/retry.ts';
import { parseSealedTarget, type SealedTarget } from './domain/sealed-target.ts';
import { signatureHeaders } from './domain/signing.ts';
import { tenantHeaders } from './domain/delivery-headers.ts';
import { bodiless, type DeliveryAttempted, type DeliveryRequested } from './domain/messages.ts';
import type { HandlerContext, KeyedHandler } from '../platform/kafka/parallel-processor.ts';
import type { Incoming, Outgoing } from '../platform/kafka/processor.ts';
import { type Topics } from '../capabilities.ts';
import { laneOf, type Lane } from './lanes.ts';
import { requestTopic } from '../events/router.ts';
import type { SecretBox } from '../platform/security/secrets.ts';
import { signingSecrets } from '../platform/domain/rotation.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { circuitChange, localFailure, localOutcome, outcomeOf, type AttemptTiming } from './domain/outcome.ts';
import { queueForPoll } from '../poll/queue.ts';
import type { AttemptRecorder } from './metrics.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { ConnectorState } from '../connectors/domain/evolve.ts';
import type { ConnectorCircuitChanged } from '../connectors/domain/messages.ts';
import { limitsOf, type ConnectorLimits } from '../connectors/domain/limits.ts';
import type { TransformPool } from './transform/index.ts';
import { OriginSlots } from './origin-slots.ts';
import { CONNECTIONS_PER_ORIGIN, send, type AgentPool } from './sender.ts';
import type { SendResult } from './domain/outcome.ts';
import { tracing, type Span, type TraceHeaders } from '../platform/tracing/tracing.ts';
import { StorageSinks } from './storage-sink.ts';

/** One object for every delivery with a body (spread into its headers, never changed). */
const CONTENT_TYPE = { 'content-type': 'application/json' } as const;
/** How soon a held delivery (paused endpoint, open circuit) is looked at again. */
const HOLD_RECHECK_MS = 5_000;
/** A FIFO key holding in place re-checks this often. */
const HOLD_POLL_MS = 100;
/** Waiting for a connection to a busy origin, higher-priority deliveries go first. */
const SLOT_PRIORITY: Record<Lane, number> = { high: 2, normal: 1, fifo: 1, low: 0 };

export type EngineDeps = {
  topics: Topics;
  agents: AgentPool;
  store: ConfigStore;
  secrets: SecretBox;
  limiter: RateLimiter;
  transforms: TransformPool;
  /** How many engine processes share the work (an endpoint's rate limit is split between them). */
  engines: () => number;
  /** The storage sinks (deliveryMode storage); made on the first storage delivery when not given. */
  sinks?: StorageSinks;
  /** Counts each attempt made (services/deliveries/metrics.ts); none in specs that do not look. */
  recordAttempt?: AttemptRecorder;
  timeoutMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
  random?: () => number;
};

/**
 * The delivery engine, one message at a time per dispatch key (the ParallelProcessor keeps a
 * key's order and runs other keys meanwhile). A non-FIFO failure schedules its retry through
 * the delay tiers; a FIFO failure retries in place, so message n+1 of the key waits until n
 * succeeded or was dead-lettered. Paused endpoints and open circuits hold deliveries without
 * burning attempts: FIFO keys wait in place, others wait in a delay tier. Rate limits pace.
 */
export function engineHandler(d: EngineDeps): KeyedHandler {
  const now = d.now ?? Date.now;
  const random = d.random ?? Math.random;
  const recordAttempt = d.recordAttempt ?? (() => undefined);
  const opened = new Map<string, string>();
  const breakers = new Map<string, Breaker>();
  const slots = new OriginSlots(CONNECTIONS_PER_ORIGIN);
  // Connectors' own breakers and pacing, apart from the endpoints' (and from the rate-limit metrics, which are endpoints').
  const connectorBreakers = new Map<string, Breaker>();
  const connectorPaces = new RateLimiter();
  const connectorLimits = new Map<string, { version: number; limits: ConnectorLimits }>();

  /** The connector of a notification (undefined for any other delivery), and its limits, parsed once per version. */
  function connectorOf(r: DeliveryRequested): { c: ConnectorState; limits: ConnectorLimits } | undefined {
    if (!r.connectorId) return undefined;
    const c = d.store.state.connectors.get(r.connectorId);
    if (!c) return undefined;
    let cached = connectorLimits.get(c.connectorId);
    if (!cached || cached.version !== c.version) connectorLimits.set(c.connectorId, cached = { version: c.version, limits: limitsOf(c.definition) });
    return { c, limits: cached.limits };
  }

  /** Folds an attempt into the connector's breaker; answers the event to record when its shown state changed (opened, closed after a probe). */
  function recordConnector(k: { c: ConnectorState; limits: ConnectorLimits }, ok: boolean): ConnectorCircuitChanged | null {
    const before = connectorBreakers.get(k.c.connectorId) ?? CLOSED;
    const t = now();
    const after = record(before, k.limits, ok, t);
    connectorBreakers.set(k.c.connectorId, after);
    const shown = after.state === 'half_open' ? 'open' : after.state;
    if (shown === (k.c.circuit?.state ?? 'closed') && (shown !== 'open' || before.state === 'open')) return null;
    return { type: 'ConnectorCircuitChanged', connectorId: k.c.connectorId, accountId: k.c.accountId, projectId: k.c.projectId,
      version: k.c.version, state: shown, consecutiveFailures: after.failures, openUntil: after.openUntil, at: t };
  }

  function connectorAdmitted(k: { c: ConnectorState; limits: ConnectorLimits } | undefined): boolean {
    if (!k) return true;
    const verdict = admit(connectorBreakers.get(k.c.connectorId) ?? CLOSED, k.limits, now());
    connectorBreakers.set(k.c.connectorId, verdict.next);
    return verdict.allowed;
  }
  // Made on the first storage delivery when not given: an engine with only HTTP endpoints never builds one.
  let sinks = d.sinks;

  /** Sealed secrets are opened once per process. */
  const open = (sealed: string) => {
    let plain = opened.get(sealed);
    if (plain === undefined) { plain = d.secrets.open(sealed); opened.set(sealed, plain); }
    return plain;
  };

  /**
   * What signs a delivery: the endpoint's own secret, or for a direct event and an endpoint
   * without one the workspace's global secret; with the secret it replaced while that overlaps
   * (first: see signingSecrets).
   */
  async function secretsOf(r: DeliveryRequested, ep: EndpointState | undefined, at: number): Promise<string[]> {
    if (ep && ep.signingSecretEnc !== '') return signingSecrets(ep, at).map(open);
    await d.store.waitUntil(() => d.store.state.accounts.get(r.accountId) !== undefined, 30_000);
    const account = d.store.state.accounts.get(r.accountId);
    if (!account) throw new Error(`account ${r.accountId} is unknown to this engine`);
    return signingSecrets(account, at).map(open);
  }

  /** The endpoint of a fan-out dispatch, waiting (bounded) for configuration not yet seen here. */
  async function endpointOf(r: DeliveryRequested): Promise<EndpointState | undefined> {
    if (!r.endpointId) return undefined;
    await d.store.waitUntil(() => d.store.state.endpoints.get(r.endpointId!) !== undefined, 30_000);
    return d.store.state.endpoints.get(r.endpointId);
  }

  /** Whether the endpoint takes a delivery now: not paused, and its circuit (ours or another engine's) admits it. */
  function admitted(ep: EndpointState | undefined): boolean {
    if (!ep) return true;
    if (ep.paused) return false;
    const t = now();
    const shared = ep.circuit;
    if (shared.state === 'open' && shared.openUntil !== null && t < shared.openUntil) return false;
    const settings = { threshold: ep.config.circuitThreshold, resetMs: ep.config.circuitResetMs };
    const verdict = admit(breakers.get(ep.endpointId) ?? CLOSED, settings, t);
    breakers.set(ep.endpointId, verdict.next);
    return verdict.allowed;
  }

  /** Folds an attempt into the endpoint's breaker; answers the circuit event to record when its state changed. */
  function recordResult(ep: EndpointState | undefined, ok: boolean): EndpointCircuitChanged | null {
    if (!ep || ep.config.circuitThreshold <= 0) return null;
    const before = breakers.get(ep.endpointId) ?? CLOSED;
    const t = now();
    const after = record(before, { threshold: ep.config.circuitThreshold, resetMs: ep.config.circuitResetMs }, ok, t);
    breakers.set(ep.endpointId, after);
    return circuitChange(ep, before, after, ok, t);
  }

  const timing = (attemptedAt: number, rand = random()): AttemptTiming =>
    ({ attemptId: randomUUID(), attemptedAt, overheadUs: 0, rand, retry: d.retry });

  /**
   * One HTTP attempt and its outcome event. Waiting for the endpoint's rate limit or for a free
   * connection to its origin is not our processing: the overhead clock starts after both. The
   * slot is the configured URL's origin, even when a transformation sends elsewhere.
   */
  async function attempt(r: DeliveryRequested, ep: EndpointState | undefined, span?: Span): Promise<DeliveryAttempted> {
    // Every endpoint's delivery is counted (the rate-limit metrics' send rate); only a limited one may wait.
    const limit = ep?.config.rateLimitPerSec;
    const paced = ep && d.limiter.acquire(ep.endpointId, limit ? limit / Math.max(1, d.engines()) : 0);
    if (paced) await paced;
    const k = r.connectorId ? connectorOf(r) : undefined;
    const connectorPaced = k && k.limits.perSecond > 0 && connectorPaces.acquire(k.c.connectorId, k.limits.perSecond / Math.max(1, d.engines()));
    if (connectorPaced) await connectorPaced;
    const sealed = ep ? null : parseSealedTarget(r.url);
    return slots.run(ep?.config.url ?? sealed?.masked ?? r.url, SLOT_PRIORITY[laneOf(r.priority)], () => attemptNow(r, ep, sealed, span));
  }

  /** `attempt` as a span (tracing on), the child of the span the record names: every attempt of a delivery is a sibling. */
  async function tracedAttempt(r: DeliveryRequested, ep: EndpointState | undefined, parent: TraceHeaders | undefined): Promise<DeliveryAttempted> {
    const span = tracing!.start('attempt', 'consumer', parent, {
      'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'mittr.event_id': r.eventId,
      'mittr.dispatch_id': r.dispatchId, 'mittr.attempt': r.attempt, ...(r.endpointId ? { 'mittr.endpoint_id': r.endpointId } : {}),
    });
    try {
      const outcome = await attempt(r, ep, span);
      span.set({ 'mittr.disposition': outcome.disposition });
      if (outcome.disposition !== 'delivered') span.fail(outcome.error || outcome.disposition);
      return outcome;
    } catch (err) {
      span.fail(err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      span.end();
    }
  }

  async function attemptNow(r: DeliveryRequested, ep: EndpointState | undefined, sealed: SealedTarget | null, span?: Span): Promise<DeliveryAttempted> {
    const t0 = performance.now();
    const at = now();
    let body = r.payload;
    const sealedHeaders = sealed?.sealedHeaders ? JSON.parse(open(sealed.sealedHeaders)) as Record<string, string> : undefined;
    let userHeaders = tenantHeaders(ep?.config.customHeaders, r.headers, sealedHeaders);
    let url = ep?.config.url ?? (sealed ? JSON.parse(open(sealed.sealed)) as string : r.url);
    if (ep?.config.transformation) {
      const t = await d.transforms.run(ep.config.transformation, { eventType: r.eventType, payload: JSON.parse(body), headers: userHeaders, url });
      if (t.kind === 'error') return failedLocally(r, ep, url, `transformation failed: ${t.error}`, 'transform', at, t0);
      if (t.kind === 'cancel') return failedLocally(r, ep, url, 'cancelled by the transformation', 'cancelled', at, t0);
      body = JSON.stringify(t.payload);
      userHeaders = t.headers;
      url = t.url;
    }
    // Signed after the transformation, over the exact bytes sent; signature headers cannot be overridden.
    const method = r.method ?? 'POST';
    const headers: Record<string, string> = {
      ...userHeaders,
      ...(bodiless(method) ? undefined : CONTENT_TYPE),
      'user-agent': 'mittr/0.1',
      ...signatureHeaders({ secrets: await secretsOf(r, ep, at), eventId: r.eventId, timestampSec: Math.floor(at / 1000), body }),
    };
    const agent = ep
      ? d.agents.get(ep.config.allowedCidrs, ep.config.blockedCidrs,
        ep.mtlsCertPem && ep.mtlsKeyEnc ? { certPem: ep.mtlsCertPem, keyPem: open(ep.mtlsKeyEnc) } : undefined)
      : d.agents.get();
    // Tracing on: the request is a client span, and the receiver gets it as its W3C parent.
    const client = span && clientSpan(span, method, sealed?.masked ?? url, headers);
    const result = await send(agent, url, headers, body, ep?.config.timeoutMs ?? d.timeoutMs ?? 30_000, method);
    if (client) endClientSpan(client, result);
    // A sealed target is recorded as its masked form: the attempt is kept forever, the credential is not.
    const outcome = outcomeOf({ ...r, url: sealed?.masked ?? url }, ep, result, timing(at));
    outcome.processingOverheadUs = Math.max(0, Math.round((performance.now() - t0) * 1000 - (result.durationUs ?? result.durationMs * 1000)));
    return outcome;
  }

  /**
   * One delivery to a storage sink: written with its endpoint's batch, and recorded as an
   * attempt to the object it went to. The rate limit and origin slots are HTTP's; a batch is one request.
   */
  async function stored(r: DeliveryRequested, ep: EndpointState): Promise<DeliveryAttempted> {
    sinks ??= new StorageSinks((e) => d.agents.policy(e.config.allowedCidrs, e.config.blockedCidrs), open);
    const at = now();
    const { result, url } = await sinks.write(r, ep);
    // No processing overhead is counted: the time is the batch's wait and the write.
    return outcomeOf({ ...r, url }, ep, result, timing(at));
  }

  /** An attempt that ended before the network (localOutcome), with our time spent on it. */
  function failedLocally(r: DeliveryRequested, ep: EndpointState, url: string, error: string, category: 'transform' | 'cancelled', at: number, t0: number) {
    return { ...localOutcome({ ...r, url }, ep, error, category, timing(at)), processingOverheadUs: Math.round((performance.now() - t0) * 1000) };
  }

  /** Waits in place while `held()` and this process still owns the message. */
  async function holdInPlace(held: () => boolean, ctx: HandlerContext): Promise<void> {
    while (held() && ctx.active()) await new Promise((r) => setTimeout(r, HOLD_POLL_MS));
  }

  /** Puts a held non-FIFO delivery in a delay tier, its attempt not burned. */
  function park(m: Incoming, r: DeliveryRequested): Outgoing {
    const at = now();
    const parked = { ...r, dueAt: at + HOLD_RECHECK_MS };
    return { topic: requestTopic(d.topics, parked, at), key: m.key, event: parked, trace: m.trace };
  }

  return async (m, ctx) => {
    if (m.event.type !== 'DeliveryRequested') return [];
    let r: DeliveryRequested = m.event;
    const erased = () => d.store.state.erased.has(r.accountId);
    for (;;) {
      // An erased workspace's deliveries, queued or retrying, are dropped: nothing is sent or recorded.
      if (erased()) return [];
      const ep = await endpointOf(r);
      if (r.endpointId && (!ep || ep.deleted)) {
        const dead = outcomeOf(r, ep, localFailure('endpoint deleted', 'endpoint_deleted'), { ...timing(now(), 0), retry: undefined });
        recordAttempt(dead);
        return [{ topic: d.topics.outcomes, key: r.eventId, event: dead }];
      }
      if (ep?.config.deliveryMode === 'poll') return [queueForPoll(d.topics, r, ep, now())];
      const fifo = ep?.config.fifo ?? false;
      const k = r.connectorId ? connectorOf(r) : undefined;
      if (!connectorAdmitted(k)) return [park(m, r)];
      if (!admitted(ep)) {
        if (!fifo) return [park(m, r)];
        await holdInPlace(() => { const cur = d.store.state.endpoints.get(ep!.endpointId); return !erased() && (!cur || !admitted(cur)); }, ctx);
        if (!ctx.active()) throw new Error('partition revoked while holding');
        continue;
      }
      const outcome = await (ep?.config.deliveryMode === 'storage' ? stored(r, ep) : tracing ? tracedAttempt(r, ep, m.trace) : attempt(r, ep));
      recordAttempt(outcome);
      const circuit = recordResult(ep, outcome.disposition === 'delivered');
      const connectorCircuit = k && recordConnector(k, outcome.disposition === 'delivered');
      const out: Outgoing[] = [{ topic: d.topics.outcomes, key: r.eventId, event: outcome }];
      if (connectorCircuit) out.push({ topic: d.topics.connectors, key: connectorCircuit.connectorId, event: connectorCircuit });
      if (circuit) out.push({ topic: d.topics.endpoints, key: circuit.endpointId, event: circuit });
      if (outcome.disposition !== 'retry') return out;
      const next: DeliveryRequested = { ...r, attempt: r.attempt + 1, dueAt: outcome.nextAttemptAt! };
      if (!fifo) return [...out, { topic: requestTopic(d.topics, next, now()), key: m.key, event: next, trace: m.trace }];
      // FIFO: record this attempt now, then retry in place when due; the key waits, other keys go on.
      await ctx.emit(out);
      await holdInPlace(() => now() < next.dueAt && !erased(), ctx);
      if (!ctx.active()) throw new Error('partition revoked while waiting to retry');
      r = next;
    }
  };
}

/** The HTTP client span of an attempt; its W3C headers go into the request's, in place of any a tenant set. */
function clientSpan(attempt: Span, method: string, url: string, headers: Record<string, string>): Span {
  const u = new URL(url);
  // The query is left out: receivers' URLs often carry a token there.
  const client = tracing!.start(method, 'client', attempt, {
    'http.request.method': method, 'url.full': `${u.origin}${u.pathname}`, 'server.address': u.hostname,
    'server.port': Number(u.port) || (u.protocol === 'https:' ? 443 : 80),
  });
  // One traceparent on the wire (W3C: several make it invalid), whatever case a tenant's header had.
  for (const name of Object.keys(headers)) if (/^trace(?:parent|state)$/i.test(name)) delete headers[name];
  Object.assign(headers, client.headers);
  return client;
}

function endClientSpan(client: Span, result: SendResult): void {
  if (result.statusCode !== null) client.set({ 'http.response.status_code': result.statusCode });
  if (result.errorCategory) {
    client.set({ 'error.type': result.statusCode !== null ? String(result.statusCode) : result.errorCategory, 'mittr.error_category': result.errorCategory });
    client.fail(result.error || `answered ${result.statusCode}`);
  }
  client.end();
}
