import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TransformPool } from '../deliveries/transform/index.ts';
import { eventCommands } from '../events/commands.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { withinDeadline } from '../platform/http/deadline.ts';
import type { Outgoing } from '../platform/kafka/processor.ts';
import { mapValue, secretFields } from './domain/config.ts';
import type { InboundState } from './domain/evolve.ts';
import type { InboundRequestReceived } from './domain/messages.ts';
import { presetOf } from './domain/presets/index.ts';
import { redactCredentials } from './domain/redact.ts';
import { bodyData, eventTypeOf, formFields, idempotencyKeyOf, inboundEvent, payloadText } from './domain/receipt.ts';
import type { Verdict } from './domain/verify/types.ts';
import { handshakeReply, verifyInbound, type HandshakeReply } from './domain/verify/index.ts';
import { PerKeyLimiter } from './limiter.ts';
import { receiverUrl } from './view.ts';

/** Refusals recorded a minute per inbound endpoint: past it a signature flood is answered 401 and not recorded. */
export const REFUSALS_RECORDED_PER_MINUTE = 600;

/** What the receiver answers: 202 with what became of the request, or a handshake's own answer. */
export type Answer = { accepted: { received: true; requestId: string; eventId: string | null; duplicate: boolean }; handshake?: undefined } | { handshake: HandshakeReply; accepted?: undefined };

export type Arrival = { method: string; path: string; headers: IncomingHttpHeaders; rawBody: Buffer; requestId: string };
type Outcome = Pick<InboundRequestReceived, 'verified' | 'reason' | 'detail' | 'deliveryId' | 'eventType' | 'eventId' | 'duplicate' | 'status'>;
const HELD = Symbol('the delivery id is held by an event already');

/** Header names lower-cased, repeated headers joined as HTTP joins them. */
export function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * What the receiver does with a request it admitted: verify (the preset's scheme, pure), record
 * it on the inbound-requests topic whatever the verdict, and turn a verified one into an event
 * through the events' own command (quota, idempotency reservation, append), after the
 * inbound endpoint's transformation in the sandbox.
 */
export function receive(ctx: ApiContext) {
  const { reserveAndAccept } = eventCommands(ctx);
  const refusals = new PerKeyLimiter(REFUSALS_RECORDED_PER_MINUTE);
  let pool: TransformPool | undefined;
  /** Unsealed sourceConfigs by inbound endpoint, for the version they were opened at. */
  const opened = new Map<string, { version: number; config: Record<string, string | string[]> }>();

  function sourceConfigOf(s: InboundState): Record<string, string | string[]> {
    const hit = opened.get(s.inboundEndpointId);
    if (hit?.version === s.version) return hit.config;
    const secret = secretFields(s.config.source);
    const stored = JSON.parse(s.config.sourceConfig) as Record<string, string | string[]>;
    const config = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, secret.has(k) ? mapValue(v, (one) => ctx.secrets.open(one)) : v]));
    opened.set(s.inboundEndpointId, { version: s.version, config });
    return config;
  }

  /** The request's own record on the inbound-requests topic, with what became of it. */
  function requestRecord(s: InboundState, a: Arrival, headers: Record<string, string>, url: string, receivedAt: number, o: Outcome): Outgoing {
    // The log keeps no credential of the inbound endpoint's (a bearer token, a token in the query).
    const kept = redactCredentials(presetOf(s.config.source), sourceConfigOf(s), headers, url);
    const event: InboundRequestReceived = {
      type: 'InboundRequestReceived', requestId: a.requestId, inboundEndpointId: s.inboundEndpointId, accountId: s.accountId,
      projectId: s.projectId, receivedAt, method: a.method, url: kept.url, headers: kept.headers, body: a.rawBody, ...o,
    };
    return { topic: ctx.topics.inboundRequests, key: s.inboundEndpointId, event };
  }

  async function record(s: InboundState, a: Arrival, headers: Record<string, string>, url: string, receivedAt: number, o: Outcome) {
    await withinDeadline(ctx.appender.append([requestRecord(s, a, headers, url, receivedAt, o)]), 'the event log');
  }

  /**
   * The event a verified request becomes, or why there is none; throws what the events' command
   * throws. An event made goes to the log in one append with the request's record (`recorded`).
   */
  async function accept(s: InboundState, a: Arrival, headers: Record<string, string>, url: string, now: number, verdict: Verdict & { ok: true }): Promise<Omit<Outcome, 'verified' | 'reason' | 'status'> & { recorded?: true }> {
    const query = formFields(new URL(url).searchParams);
    const body = bodyData(headers['content-type'], a.rawBody);
    let eventType = eventTypeOf(s.config.eventTypeMapping, { headers, data: body.data, query }, verdict.eventType, s.config.source);
    let payload: unknown = body.data;
    let eventHeaders: Record<string, string> = {};
    const base = { deliveryId: verdict.deliveryId ?? null, eventType, eventId: null, duplicate: false };
    if (s.config.transformation !== null) {
      const result = await (pool ??= new TransformPool()).run(s.config.transformation, { eventType, payload, headers: {}, url: receiverUrl(ctx.config.publicUrl, s.config.pathSuffix) });
      if (result.kind === 'cancel') return { ...base, detail: 'cancelled by the transformation: no event' };
      if (result.kind === 'error') return { ...base, detail: `the transformation failed, no event: ${result.error}` };
      eventType = result.eventType || eventType;
      payload = result.payload;
      eventHeaders = result.headers;
    }
    const event = inboundEvent({
      eventId: randomUUID(), accountId: s.accountId, projectId: s.projectId, eventType, headers: eventHeaders,
      payload: payloadText(body, payload, s.config.transformation !== null),
      idempotencyKey: idempotencyKeyOf(s.inboundEndpointId, verdict.deliveryId, a.requestId), destinationIds: s.config.destinationIds,
      now, configOffset: ctx.store.offset(ctx.topics.endpoints),
    });
    const made = { ...base, eventType, eventId: event.eventId, detail: null };
    let held: string | undefined;
    try {
      await reserveAndAccept([event], (taken) => { held = taken[0]!.eventId; throw HELD; },
        [requestRecord(s, a, headers, url, now, { ...made, verified: true, reason: null, status: 202 })]);
    } catch (err) {
      if (err !== HELD) throw err;
      return { ...base, eventType, eventId: held!, duplicate: true, detail: 'a retry of a delivery already accepted: no second event' };
    }
    return { ...made, recorded: true };
  }

  async function receiveOne(s: InboundState, a: Arrival): Promise<Answer> {
    const receivedAt = Date.now();
    const headers = flatHeaders(a.headers);
    // The URL as the provider called it (Twilio signs it): the public base, then the path and query.
    const url = `${ctx.config.publicUrl}${a.path}`;
    const preset = presetOf(s.config.source);
    const request = { method: a.method, url, headers, rawBody: a.rawBody };
    const verdict: Verdict = preset
      ? verifyInbound(preset, sourceConfigOf(s), request, receivedAt)
      : { ok: false, reason: 'misconfigured', detail: `the preset ${s.config.source} is no longer known` };
    if (!verdict.ok) {
      const refused = { verified: false, reason: verdict.reason, detail: verdict.detail, deliveryId: null, eventType: null, eventId: null, duplicate: false, status: 401 };
      // A flood of bad signatures is answered, and recorded only up to a rate: it must not flood the log.
      if (refusals.take(s.inboundEndpointId, receivedAt) === null) await record(s, a, headers, url, receivedAt, refused);
      throw new DomainError('INVALID_SIGNATURE', `the request is refused: ${verdict.detail}`, { reason: verdict.reason });
    }
    // The provider validating the URL (Slack's url_verification, Zoom's, Twitch's, Discord's PING),
    // signed like an event: it wants its answer, and is no event.
    const handshake = handshakeReply(preset!, sourceConfigOf(s), request);
    if (handshake) {
      await record(s, a, headers, url, receivedAt, { verified: true, reason: null, detail: 'a handshake (the provider validating this URL): answered, no event',
        deliveryId: verdict.deliveryId ?? null, eventType: null, eventId: null, duplicate: false, status: handshake.status });
      return { handshake };
    }
    let outcome: Awaited<ReturnType<typeof accept>>;
    try {
      outcome = await accept(s, a, headers, url, receivedAt, verdict);
    } catch (err) {
      const status = err instanceof DomainError && err.code === 'QUOTA_EXCEEDED' ? 402 : 503;
      await record(s, a, headers, url, receivedAt, { verified: true, reason: null, detail: `no event: ${(err as Error).message}`,
        deliveryId: verdict.deliveryId ?? null, eventType: null, eventId: null, duplicate: false, status }).catch(() => undefined);
      throw err;
    }
    const { recorded, ...made } = outcome;
    if (!recorded) await record(s, a, headers, url, receivedAt, { ...made, verified: true, reason: null, status: 202 });
    return { accepted: { received: true, requestId: a.requestId, eventId: outcome.eventId, duplicate: outcome.duplicate } };
  }

  return {
    receive: receiveOne,
    async close() {
      await pool?.close();
    },
  };
}
