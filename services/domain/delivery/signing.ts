import { createHmac } from 'node:crypto';

export type SignatureInput = { secrets: string[]; eventId: string; timestampSec: number; body: string };

/**
 * Headers proving a delivery came from mittr, in two schemes at once:
 *  - X-Mittr-Signature: `v1=<hex HMAC-SHA256(secret, "<timestamp>.<rawBody>")>` (the quickstart's
 *    snippets verify it as they are), with X-Mittr-Timestamp and X-Mittr-Event-ID;
 *  - Standard Webhooks: webhook-id / webhook-timestamp / webhook-signature
 *    (`v1,<base64 HMAC-SHA256(base64-decoded secret, "<id>.<timestamp>.<body>")>`).
 * Several secrets (a rotation's old and new) give several space-separated signatures.
 */
export function signatureHeaders(input: SignatureInput): Record<string, string> {
  const ts = String(input.timestampSec);
  const mittr = input.secrets.map((s) => `v1=${createHmac('sha256', s).update(`${ts}.${input.body}`).digest('hex')}`);
  const standard = input.secrets.map((s) =>
    `v1,${createHmac('sha256', standardKey(s)).update(`${input.eventId}.${ts}.${input.body}`).digest('base64')}`);
  return {
    'x-mittr-signature': mittr.join(' '),
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
