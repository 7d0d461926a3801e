import { mittrSignatures, parseHeaders, standardSignatures } from './headers.ts';
import { base64, hex, hmacSigner, standardKeyBytes, utf8, type Signer } from './hmac.ts';

/**
 * Why a delivery's signature does or does not verify, as mittr signs it
 * (services/deliveries/domain/signing.ts):
 *  - X-Mittr-Signature: `v1=<hex HMAC-SHA256(secret as UTF-8, "<X-Mittr-Timestamp>.<raw body>")>`,
 *    made with the current secret only;
 *  - webhook-signature (Standard Webhooks): `v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>`,
 *    one per secret during a rotation's overlap.
 * When nothing verifies, it tries what people get wrong, most likely first, and names the first
 * that explains the signature: the body re-serialized, the timestamp of another request, an HMAC
 * over the body alone (as the API guide's last line says to compute), a rotated-out secret.
 */
export type Reason =
  | 'match'
  | 'no_signature'
  | 'timestamp_missing'
  | 'timestamp_out_of_tolerance'
  | 'timestamp_mismatch'
  | 'body_reserialized'
  | 'body_only_hmac'
  | 'rotated_out_secret'
  | 'bad_signature';

export type Diagnosis = { valid: boolean; reason: Reason; message: string };

export type VerifyInput = {
  headers: string | Record<string, string>;
  body: string;
  /** The secret the receiver verifies with. */
  secret: string;
  /** The endpoint's other secrets, if known (the previous one during a rotation's overlap). */
  otherSecrets?: string[];
  /** The receiver's clock, in unix seconds. */
  nowSec: number;
  toleranceSec?: number;
};

/** The window searched for the timestamp that did sign a body, around the one in the headers, and the largest body searched. */
const WINDOW_SEC = 600;
const WINDOW_MAX_BODY = 64 * 1024;

type Keys = { mittr: Signer; standard: Signer };
const keysOf = async (secret: string): Promise<Keys> => ({ mittr: await hmacSigner(utf8(secret)), standard: await hmacSigner(standardKeyBytes(secret)) });

/** The headers and how to check a body and timestamp against them with a secret's keys. */
function checks(h: Record<string, string>) {
  const mittr = mittrSignatures(h['x-mittr-signature']);
  const standard = standardSignatures(h['webhook-signature']);
  const id = h['webhook-id'] ?? h['x-mittr-event-id'] ?? '';
  return {
    mittr, standard,
    mittrOk: async (k: Keys, ts: string, body: string) => mittr.length > 0 && mittr.includes(hex(await k.mittr(`${ts}.${body}`))),
    /** Which of webhook-signature's values this key made (-1: none); the current secret's comes first. */
    standardIndex: async (k: Keys, ts: string, body: string) => (standard.length > 0 ? standard.indexOf(base64(await k.standard(`${id}.${ts}.${body}`))) : -1),
    standardOk: async (k: Keys, ts: string, body: string) => standard.length > 0 && standard.includes(base64(await k.standard(`${id}.${ts}.${body}`))),
  };
}

/** Re-serializations and whitespace changes a framework or a copy-paste makes of a body. */
export function bodyVariants(body: string): string[] {
  const out = new Set<string>([body.trim(), `${body}\n`, body.replace(/\r\n/g, '\n'), body.replace(/\n/g, '\r\n')]);
  try {
    const parsed: unknown = JSON.parse(body);
    for (const indent of [undefined, 2, 4, '\t']) out.add(JSON.stringify(parsed, null, indent));
  } catch { /* not JSON: whitespace variants only */ }
  out.delete(body);
  return [...out];
}

const say = (valid: boolean, reason: Reason, message: string): Diagnosis => ({ valid, reason, message });

export async function diagnose(input: VerifyInput): Promise<Diagnosis> {
  const h = typeof input.headers === 'string' ? parseHeaders(input.headers) : Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const c = checks(h);
  const tolerance = input.toleranceSec ?? 300;
  if (c.mittr.length === 0 && c.standard.length === 0) {
    return say(false, 'no_signature', 'No X-Mittr-Signature (v1=…) or webhook-signature (v1,…) header was pasted: paste every header of the request.');
  }
  const yours = await keysOf(input.secret);
  const mts = h['x-mittr-timestamp'];
  const sts = h['webhook-timestamp'];
  if (mts === undefined && sts === undefined) {
    if (c.mittr.includes(hex(await yours.mittr(input.body)))) return bodyOnly();
    return say(false, 'timestamp_missing', 'The timestamp header is missing: mittr signs "<X-Mittr-Timestamp>.<body>", so the signature cannot be checked without X-Mittr-Timestamp (or webhook-timestamp). Paste it from the same request.');
  }
  const ts = (c.mittr.length > 0 ? mts : sts) ?? mts ?? sts ?? '';
  const mittrValid = await c.mittrOk(yours, ts, input.body);
  const standardAt = await c.standardIndex(yours, sts ?? ts, input.body);
  if (mittrValid || (standardAt >= 0 && c.mittr.length === 0)) return inTolerance(Number(ts), input.nowSec, tolerance);
  if (standardAt > 0) {
    return say(false, 'rotated_out_secret', 'Your secret is the previous one, being rotated out: webhook-signature still carries a signature made with it during the overlap, but X-Mittr-Signature is made with the current secret only. Verify with the current secret (GET /api/v1/endpoints/{id}/secret).');
  }
  return (await explain(c, h, input, yours, ts)) ?? say(false, 'bad_signature', 'Neither the body\'s formatting, the timestamp nor a rotation explains it: this secret did not sign this body. Check that it is this endpoint\'s secret (an endpoint without its own secret signs with the workspace\'s), and that the body is the request\'s raw bytes with its content unchanged.');
}

function inTolerance(ts: number, now: number, tolerance: number): Diagnosis {
  const drift = now - ts;
  if (Math.abs(drift) > tolerance) {
    return say(false, 'timestamp_out_of_tolerance', `The signature matches, but it was made ${Math.abs(drift)} s ${drift > 0 ? 'before' : 'after'} your clock (tolerance ${tolerance} s): ${drift > 0 ? 'a replayed or long-delayed request' : 'a clock ahead of yours'}; refuse it, or check your clock.`);
  }
  return say(true, 'match', 'The signature matches: this body was signed with this secret, within the timestamp tolerance.');
}

function bodyOnly(): Diagnosis {
  return say(false, 'body_only_hmac', 'This signature is an HMAC over the body alone, but mittr signs "<X-Mittr-Timestamp>.<body>" (timestamp, a dot, then the raw body). Computing HMAC-SHA256(secret, body), as the API guide\'s last line says, never matches: prepend the timestamp and a dot.');
}

type Checks = ReturnType<typeof checks>;

/** The first mistake that explains the signature, cheapest checks first; undefined when none does. */
async function explain(c: Checks, h: Record<string, string>, input: VerifyInput, yours: Keys, ts: string): Promise<Diagnosis | undefined> {
  for (const variant of bodyVariants(input.body)) {
    if (await c.mittrOk(yours, ts, variant) || await c.standardOk(yours, h['webhook-timestamp'] ?? ts, variant)) {
      return say(false, 'body_reserialized', 'The body was changed after mittr signed it: re-serialized or its whitespace changed (a JSON parser and stringify, a pretty-printer, an added newline). Verify over the raw request bytes, before any parsing.');
    }
  }
  if (c.mittr.includes(hex(await yours.mittr(input.body)))) return bodyOnly();
  const found = await signingTimestamp(c, input.body, yours, ts);
  if (found !== undefined) {
    return say(false, 'timestamp_mismatch', `The timestamp header is from another request: this body was signed with timestamp ${found}, the header says ${ts}. Take X-Mittr-Timestamp and X-Mittr-Signature from the same request as the body.`);
  }
  for (const [i, other] of (input.otherSecrets ?? []).filter((s) => s && s !== input.secret).entries()) {
    const k = await keysOf(other);
    if (await c.mittrOk(k, ts, input.body) || await c.standardOk(k, h['webhook-timestamp'] ?? ts, input.body)) {
      return say(false, 'rotated_out_secret', `It was signed with another of the endpoint's secrets (the other secret #${i + 1}), not yours: after a rotation, verify with the current secret; the previous one verifies only webhook-signature, and only until the overlap ends.`);
    }
  }
  return undefined;
}

/** The timestamp that signed this body, if one within WINDOW_SEC of the header's did (the header is another request's). Small bodies only: each try is one HMAC. */
async function signingTimestamp(c: Checks, body: string, k: Keys, ts: string): Promise<string | undefined> {
  if (c.mittr.length === 0) return undefined;
  const base = Number(ts);
  if (!Number.isFinite(base) || body.length > WINDOW_MAX_BODY) return undefined;
  for (let d = 1; d <= WINDOW_SEC; d++) {
    for (const t of [base - d, base + d]) if (await c.mittrOk(k, String(t), body)) return String(t);
  }
  return undefined;
}
