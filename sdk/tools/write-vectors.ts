/**
 * Writes sdk/vectors/signatures.json once, from mittr's own signer (services/deliveries/domain/signing.ts):
 * every verifier (Node, Python, Go, the quickstart's snippets) and the signer itself are tested
 * against this one file, so the three languages cannot disagree with what mittr sends.
 *
 *   node sdk/tools/write-vectors.ts
 *
 * Secrets and ids are fixed, not random, so a rerun writes the same file byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signatureHeaders } from '../../services/deliveries/domain/signing.ts';

const TS = 1_765_000_000;
const TOLERANCE = 300;
const whsec = (text: string) => 'whsec_' + Buffer.from(text.padEnd(32, '.')).toString('base64');
const CURRENT = whsec('the current secret of the vectors');
const PREVIOUS = whsec('the previous secret, rotated out');
const OTHER = whsec('somebody else entirely');
const EVENT_ID = '0b9f6a5e-3c1d-4e8a-9f2b-7a6c5d4e3f21';
const ORDER = '{"eventType":"order.created","payload":{"orderId":"ord_123","amount":9900}}';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** A body over 256 KiB: JSON with one long repeated field. */
const LARGE = JSON.stringify({ eventType: 'bulk.export', payload: { rows: 'row,'.repeat(70_000) } });

type Verdict = { valid: boolean; reason: 'ok' | 'bad_signature' | 'timestamp_out_of_tolerance' };
type Case = {
  name: string; why: string;
  signer: { secrets: string[]; eventId: string; timestamp: number; bodyBase64?: string };
  headers: Record<string, string>;
  secret: string; bodyBase64: string; now: number; toleranceSec: number;
  expected: { mittr: Verdict; standard: Verdict };
};

const ok: Verdict = { valid: true, reason: 'ok' };
const bad: Verdict = { valid: false, reason: 'bad_signature' };
const stale: Verdict = { valid: false, reason: 'timestamp_out_of_tolerance' };

/** One case: the signer signs `signed` with `secrets`; a verifier holding `secret` is shown `presented`. */
function make(name: string, why: string, o: { secrets?: string[]; secret?: string; signed?: string; presented?: string; now?: number; timestamp?: number; expected: Case['expected'] }): Case {
  const secrets = o.secrets ?? [CURRENT];
  const signed = o.signed ?? ORDER;
  const presented = o.presented ?? signed;
  const timestamp = o.timestamp ?? TS;
  const headers = signatureHeaders({ secrets, eventId: EVENT_ID, timestampSec: timestamp, body: signed });
  return {
    name, why,
    signer: { secrets, eventId: EVENT_ID, timestamp, ...(presented !== signed ? { bodyBase64: b64(signed) } : {}) },
    headers, secret: o.secret ?? secrets[0]!, bodyBase64: b64(presented), now: o.now ?? TS + 5, toleranceSec: TOLERANCE,
    expected: o.expected,
  };
}

const cases: Case[] = [
  make('valid', 'signed and verified with the same secret, within the tolerance', { expected: { mittr: ok, standard: ok } }),
  make('tampered_body', 'one byte of the body changed after signing', { presented: ORDER.replace('9900', '9901'), expected: { mittr: bad, standard: bad } }),
  make('wrong_secret', "the verifier holds another endpoint's secret", { secret: OTHER, expected: { mittr: bad, standard: bad } }),
  make('stale_timestamp', `signed ${TOLERANCE + 1} s before the verifier's clock: a replay`, { now: TS + TOLERANCE + 1, expected: { mittr: stale, standard: stale } }),
  make('future_timestamp', `signed ${TOLERANCE + 1} s after the verifier's clock`, { now: TS - TOLERANCE - 1, expected: { mittr: stale, standard: stale } }),
  make('edge_of_tolerance', `signed exactly ${TOLERANCE} s before: still accepted`, { now: TS + TOLERANCE, expected: { mittr: ok, standard: ok } }),
  make('rotated_current', "during a rotation's overlap, verified with the new (current) secret", { secrets: [CURRENT, PREVIOUS], secret: CURRENT, expected: { mittr: ok, standard: ok } }),
  make('rotated_previous', 'during the overlap, verified with the previous secret: X-Mittr-Signature carries only the current one, webhook-signature carries both',
    { secrets: [CURRENT, PREVIOUS], secret: PREVIOUS, expected: { mittr: bad, standard: ok } }),
  make('several_signatures_none_match', "two signatures in webhook-signature, neither made with the verifier's secret", { secrets: [CURRENT, PREVIOUS], secret: OTHER, expected: { mittr: bad, standard: bad } }),
  make('unicode_body', 'a body with non-ASCII characters: signed over its UTF-8 bytes', { signed: '{"note":"ünïcode ✓ 🎉","name":"Zoë"}', expected: { mittr: ok, standard: ok } }),
  make('empty_body', 'an empty body still signs its timestamp (and id)', { signed: '', expected: { mittr: ok, standard: ok } }),
  make('empty_body_tampered', 'an empty signature body, presented with content', { signed: '', presented: '{}', expected: { mittr: bad, standard: bad } }),
  make('large_body', `a body of ${LARGE.length} bytes`, { signed: LARGE, expected: { mittr: ok, standard: ok } }),
  make('plain_secret', 'a custom secret without the whsec_ prefix: both schemes use its UTF-8 bytes as the key', { secrets: ['my-own-plain-secret'], expected: { mittr: ok, standard: ok } }),
];

const out = join(import.meta.dirname, '..', 'vectors', 'signatures.json');
writeFileSync(out, JSON.stringify({
  description: `Signature test vectors, generated by sdk/tools/write-vectors.ts from mittr's signer. Body bytes are base64; \`now\` is the verifier's clock (unix seconds); \`expected\` per scheme: mittr = X-Mittr-Signature/X-Mittr-Timestamp, standard = webhook-id/webhook-timestamp/webhook-signature.`,
  toleranceSec: TOLERANCE,
  cases,
}, null, 2) + '\n');
console.log(`wrote ${cases.length} cases to ${out}`);
