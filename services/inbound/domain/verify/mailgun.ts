import { createHmac } from 'node:crypto';
import { jsonObject } from './body.ts';
import { decode, sameBytes } from './compare.ts';
import { checkFresh } from './freshness.ts';
import { refuse } from './refuse.ts';
import { keysOf } from './secrets.ts';
import type { InboundRequest, MailgunParams, ModeCheck } from './types.ts';

type Signed = { timestamp: string; token: string; signature: string; event?: string };

/** The signature block: `signature: {timestamp, token, signature}` of a JSON event, or the same as form fields (legacy and inbound routes). */
function signedFields(req: InboundRequest): Signed | undefined {
  const json = jsonObject(req.rawBody);
  const block = (json?.signature ?? undefined) as Record<string, unknown> | undefined;
  const form = json === undefined ? new URLSearchParams(req.rawBody.toString('utf8')) : undefined;
  const read = (name: string) => {
    const value = block?.[name] ?? form?.get(name) ?? undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const [timestamp, token, signature] = [read('timestamp'), read('token'), read('signature')];
  if (timestamp === undefined || token === undefined || signature === undefined) return undefined;
  const event = (json?.['event-data'] as Record<string, unknown> | undefined)?.event;
  return { timestamp, token, signature, event: typeof event === 'string' ? event : undefined };
}

/**
 * Mailgun: HMAC-SHA256, hex, of `timestamp + token` with the webhook signing key, all three sent
 * in the body. The token is unique per delivery, so it is the delivery id that dedupes replays.
 */
export const checkMailgun: ModeCheck<MailgunParams> = (params, config, req, nowMs) => {
  const keys = keysOf(config, ['secret']);
  if (keys === undefined) return refuse('misconfigured', 'sourceConfig has no secret (the webhook signing key)');
  const signed = signedFields(req);
  const sent = signed === undefined ? undefined : decode(signed.signature, 'hex');
  if (signed === undefined || sent === undefined) return refuse('missing_signature', 'no signature {timestamp, token, signature} in the body');
  const content = Buffer.from(signed.timestamp + signed.token, 'utf8');
  if (!keys.some((key) => sameBytes(sent, createHmac('sha256', key).update(content).digest()))) return refuse('bad_signature', 'the signature does not match');
  return checkFresh(signed.timestamp, 'unix-s', params.toleranceSeconds, nowMs) ?? { ok: true, deliveryId: signed.token, eventType: signed.event };
};
