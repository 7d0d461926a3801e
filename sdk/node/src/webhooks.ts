import { createHmac, timingSafeEqual } from 'node:crypto';

/** Which of mittr's two header schemes a delivery was verified by. */
export type Scheme = 'mittr' | 'standard';
export type VerifyReason = 'ok' | 'missing_headers' | 'bad_signature' | 'timestamp_out_of_tolerance';
export type VerifyResult = { valid: boolean; reason: VerifyReason; scheme?: Scheme };
export type Headers = Record<string, string | string[] | undefined> | globalThis.Headers;
export type VerifyOptions = {
  /** The endpoint's signing secret (`whsec_…`, or a custom one). */
  secret: string;
  headers: Headers;
  /** The raw body exactly as received: a parsed-and-restringified body will not verify. */
  body: string | Uint8Array;
  /** How far the signed timestamp may be from now, either way (seconds, default 300). */
  toleranceSec?: number;
  /** The clock (unix seconds); for tests. */
  nowSec?: number;
  /** Only this scheme; by default whichever the headers carry (either passing is enough). */
  scheme?: Scheme;
};

export const DEFAULT_TOLERANCE_SEC = 300;

/**
 * Verifies a delivery mittr signed (services/deliveries/domain/signing.ts):
 *  - mittr: `X-Mittr-Signature: v1=<hex HMAC-SHA256(secret, "<X-Mittr-Timestamp>.<body>")>`;
 *  - Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`,
 *    space-separated during a rotation, the key being the base64 part of `whsec_…` (other secrets: their UTF-8 bytes).
 * Answers a verdict rather than throwing, so a caller can log why.
 */
export function verifyWebhook(o: VerifyOptions): VerifyResult {
  const get = headerReader(o.headers);
  const body = typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : Buffer.from(o.body);
  const now = o.nowSec ?? Math.floor(Date.now() / 1000);
  const tolerance = o.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const tried: VerifyResult[] = [];
  if (o.scheme !== 'standard' && get('x-mittr-signature') !== undefined) {
    tried.push(check('mittr', get('x-mittr-timestamp'), now, tolerance, () =>
      anyEqual(get('x-mittr-signature')!, 'v1=', hmac(Buffer.from(o.secret, 'utf8'), `${get('x-mittr-timestamp')}.`, body).toString('hex'))));
  }
  if (o.scheme !== 'mittr' && get('webhook-signature') !== undefined && get('webhook-id') !== undefined) {
    tried.push(check('standard', get('webhook-timestamp'), now, tolerance, () =>
      anyEqual(get('webhook-signature')!, 'v1,', hmac(standardKey(o.secret), `${get('webhook-id')}.${get('webhook-timestamp')}.`, body).toString('base64'))));
  }
  return tried.find((t) => t.valid) ?? tried[0] ?? { valid: false, reason: 'missing_headers' };
}

function check(scheme: Scheme, timestamp: string | undefined, now: number, tolerance: number, matches: () => boolean): VerifyResult {
  if (timestamp === undefined || !/^\d+$/.test(timestamp)) return { valid: false, reason: 'missing_headers', scheme };
  // The signature first: a stale timestamp on a forged request should not tell the forger it was close.
  if (!matches()) return { valid: false, reason: 'bad_signature', scheme };
  if (Math.abs(now - Number(timestamp)) > tolerance) return { valid: false, reason: 'timestamp_out_of_tolerance', scheme };
  return { valid: true, reason: 'ok', scheme };
}

function hmac(key: Buffer, prefix: string, body: Buffer): Buffer {
  return createHmac('sha256', key).update(prefix, 'utf8').update(body).digest();
}

/** True when one of the space-separated `<prefix><value>` signatures equals `expected`, compared in constant time. */
function anyEqual(header: string, prefix: string, expected: string): boolean {
  const want = Buffer.from(expected);
  return header.split(' ').filter((s) => s.startsWith(prefix)).some((s) => {
    const got = Buffer.from(s.slice(prefix.length));
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

function headerReader(headers: Headers): (name: string) => string | undefined {
  if (typeof (headers as globalThis.Headers).get === 'function') return (n) => (headers as globalThis.Headers).get(n) ?? undefined;
  const lower = new Map(Object.entries(headers as Record<string, string | string[] | undefined>).map(([k, v]) => [k.toLowerCase(), v]));
  return (n) => { const v = lower.get(n); return Array.isArray(v) ? v.join(' ') : v; };
}

/**
 * Signs as mittr does, both schemes: what `mittr-cli listen` puts on a forwarded event (poll
 * messages carry no signature of their own), and what a receiver's own tests can use.
 */
export function signWebhook(o: { secrets: string[]; eventId: string; timestampSec: number; body: string }): Record<string, string> {
  const ts = String(o.timestampSec);
  const first = o.secrets[0];
  if (first === undefined) throw new Error('signWebhook needs at least one secret');
  const body = Buffer.from(o.body, 'utf8');
  return {
    'x-mittr-signature': `v1=${hmac(Buffer.from(first, 'utf8'), `${ts}.`, body).toString('hex')}`,
    'x-mittr-timestamp': ts,
    'x-mittr-event-id': o.eventId,
    'webhook-id': o.eventId,
    'webhook-timestamp': ts,
    'webhook-signature': o.secrets.map((s) => `v1,${hmac(standardKey(s), `${o.eventId}.${ts}.`, body).toString('base64')}`).join(' '),
  };
}
