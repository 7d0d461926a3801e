import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../../sdk/vectors/signatures.json' with { type: 'json' };
import { bodyVariants, diagnose, type Reason } from './diagnose.ts';
import { parseHeaders } from './headers.ts';

type Case = (typeof vectors.cases)[number];
const body = (c: Case) => new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(c.bodyBase64, 'base64'));
const vector = (name: string) => vectors.cases.find((c) => c.name === name)!;
const run = (c: Case, o: { headers?: Record<string, string>; body?: string; secret?: string; otherSecrets?: string[] } = {}) =>
  diagnose({ headers: o.headers ?? c.headers, body: o.body ?? body(c), secret: o.secret ?? c.secret, otherSecrets: o.otherSecrets, nowSec: c.now, toleranceSec: c.toleranceSec });

/** What the verifier should say of each of the SDK's vectors: mittr's own verdict (X-Mittr-Signature), with the reason named. */
const EXPECTED: Record<string, Reason> = {
  valid: 'match', tampered_body: 'bad_signature', wrong_secret: 'bad_signature', stale_timestamp: 'timestamp_out_of_tolerance',
  future_timestamp: 'timestamp_out_of_tolerance', edge_of_tolerance: 'match', rotated_current: 'match', rotated_previous: 'rotated_out_secret',
  several_signatures_none_match: 'bad_signature', unicode_body: 'match', empty_body: 'match', empty_body_tampered: 'bad_signature',
  large_body: 'match', plain_secret: 'match',
};

describe('the signature verifier, against sdk/vectors/signatures.json', () => {
  it('names every vector', () => {
    expect(vectors.cases.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const c of vectors.cases) {
    it(`${c.name}: ${c.why}`, async () => {
      const d = await run(c);
      expect(d.reason).toBe(EXPECTED[c.name]);
      // Valid exactly when mittr's own scheme says so.
      expect(d.valid).toBe(c.expected.mittr.valid);
      expect(d.message.length).toBeGreaterThan(20);
    });
  }
});

describe('the verifier names the most likely mistake', () => {
  const c = vector('valid');
  const json = body(c);

  it('a body re-serialized (pretty-printed, or a newline added) is named as such, not as a wrong secret', async () => {
    expect((await run(c, { body: JSON.stringify(JSON.parse(json), null, 2) })).reason).toBe('body_reserialized');
    expect((await run(c, { body: `${json}\n` })).reason).toBe('body_reserialized');
    expect(bodyVariants(json)).not.toContain(json);
  });

  it('a missing timestamp header', async () => {
    const headers = { 'x-mittr-signature': c.headers['x-mittr-signature'], 'x-mittr-event-id': c.headers['x-mittr-event-id'] };
    expect((await run(c, { headers })).reason).toBe('timestamp_missing');
  });

  it('a timestamp header from another request (the body was signed 40 s earlier)', async () => {
    const headers = { ...c.headers, 'x-mittr-timestamp': String(c.signer.timestamp + 40) };
    const d = await run(c, { headers });
    expect(d.reason).toBe('timestamp_mismatch');
    expect(d.message).toContain(String(c.signer.timestamp));
  });

  it('an HMAC over the body alone, as the API guide\'s last line describes', async () => {
    const bodyOnly = `v1=${createHmac('sha256', c.secret).update(json).digest('hex')}`;
    expect((await run(c, { headers: { ...c.headers, 'x-mittr-signature': bodyOnly } })).reason).toBe('body_only_hmac');
    const { 'x-mittr-timestamp': _t, 'webhook-timestamp': _w, ...noTimestamp } = c.headers;
    expect((await run(c, { headers: { ...noTimestamp, 'x-mittr-signature': bodyOnly } })).reason).toBe('body_only_hmac');
  });

  it('a rotated-out secret, when the endpoint\'s other secret signed it', async () => {
    const rotated = vector('rotated_current');
    const [current, previous] = rotated.signer.secrets as [string, string];
    const onlyMittr = { 'x-mittr-signature': rotated.headers['x-mittr-signature'], 'x-mittr-timestamp': rotated.headers['x-mittr-timestamp'] };
    expect((await run(rotated, { headers: onlyMittr, secret: previous, otherSecrets: [current] })).reason).toBe('rotated_out_secret');
    expect((await run(rotated, { headers: onlyMittr, secret: previous })).reason).toBe('bad_signature');
  });

  it('no signature header at all', async () => {
    expect((await run(c, { headers: { 'content-type': 'application/json' } })).reason).toBe('no_signature');
  });

  it('reads headers pasted as JSON or as `Name: value` lines (curl -v\'s `> ` prefix too)', () => {
    expect(parseHeaders('{"X-Mittr-Signature":"v1=ab"}')).toEqual({ 'x-mittr-signature': 'v1=ab' });
    expect(parseHeaders('> X-Mittr-Timestamp: 1\r\nwebhook-id: a:b')).toEqual({ 'x-mittr-timestamp': '1', 'webhook-id': 'a:b' });
  });
});
