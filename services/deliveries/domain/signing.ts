import { createHmac } from 'node:crypto';

export type SignatureInput = { secrets: string[]; eventId: string; timestampSec: number; body: string };

/**
 * Headers proving a delivery came from mittr, in two schemes at once:
 *  - X-Mittr-Signature: `v1=<hex HMAC-SHA256(secret, "<timestamp>.<rawBody>")>` (the quickstart's
 *    snippets verify it as they are), with X-Mittr-Timestamp and X-Mittr-Event-ID;
 *  - Standard Webhooks: webhook-id / webhook-timestamp / webhook-signature
 *    (`v1,<base64 HMAC-SHA256(base64-decoded secret, "<id>.<timestamp>.<body>")>`).
 * During a rotation's overlap `secrets` holds two, the current one first
 * (services/platform/domain/rotation.ts orders them): X-Mittr-Signature always carries exactly
 * ONE `v1=` value, made with the first, so the quickstart's snippets (which compare one value)
 * verify it unchanged; webhook-signature carries one signature per secret, space-separated, as
 * Standard Webhooks allows.
 */
export function signatureHeaders(input: SignatureInput): Record<string, string> {
  const ts = String(input.timestampSec);
  const first = input.secrets[0];
  if (first === undefined) throw new Error('a delivery is signed with at least one secret');
  const mittr = `v1=${createHmac('sha256', first).update(`${ts}.${input.body}`).digest('hex')}`;
  const standard = input.secrets.map((s) =>
    `v1,${createHmac('sha256', standardKey(s)).update(`${input.eventId}.${ts}.${input.body}`).digest('base64')}`);
  return {
    'x-mittr-signature': mittr,
    'x-mittr-timestamp': ts,
    'x-mittr-event-id': input.eventId,
    'webhook-id': input.eventId,
    'webhook-timestamp': ts,
    'webhook-signature': standard.join(' '),
  };
}

/** Standard Webhooks keys are the base64 part of `whsec_<base64>`; other secrets sign as UTF-8. */
function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}
