import { describe, expect, it } from 'vitest';
import { signatureHeaders } from '../../../services/deliveries/domain/signing.ts';
import { verifyWebhook as quickstartSnippet } from './quickstart-snippet.mjs';
import { signedBody, vectors } from '../../vectors/vectors.ts';
import { signWebhook, verifyWebhook, type Scheme } from '../src/webhooks.ts';

const cases = vectors();
const MITTR = ['x-mittr-signature', 'x-mittr-timestamp', 'x-mittr-event-id'];
/** Only one scheme's headers, so each scheme is judged on its own. */
const only = (headers: Record<string, string>, scheme: Scheme) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => MITTR.includes(k) === (scheme === 'mittr')));

/** One vector file for every verifier, and for mittr's own signer (sdk/vectors/signatures.json). */
describe('signature vectors', () => {
  it('cover what the issue lists', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['tampered_body', 'wrong_secret', 'stale_timestamp', 'rotated_previous', 'several_signatures_none_match', 'unicode_body', 'empty_body', 'large_body']));
    expect(cases.some((c) => c.bodyBase64.length > 256 * 1024)).toBe(true);
  });

  it.each(cases)('mittr\'s signer still makes the headers of $name', (c) => {
    expect(signatureHeaders({ secrets: c.signer.secrets, eventId: c.signer.eventId, timestampSec: c.signer.timestamp, body: signedBody(c) })).toEqual(c.headers);
  });

  it.each(cases)('the SDK\'s signer (used by listen) makes the headers of $name', (c) => {
    expect(signWebhook({ secrets: c.signer.secrets, eventId: c.signer.eventId, timestampSec: c.signer.timestamp, body: signedBody(c) })).toEqual(c.headers);
  });

  it.each(cases)('verifyWebhook judges $name as expected in each scheme ($why)', (c) => {
    const body = Buffer.from(c.bodyBase64, 'base64');
    for (const scheme of ['mittr', 'standard'] as const) {
      const got = verifyWebhook({ secret: c.secret, headers: only(c.headers, scheme), body, nowSec: c.now, toleranceSec: c.toleranceSec });
      expect({ scheme, valid: got.valid, reason: got.reason }).toEqual({ scheme, ...c.expected[scheme] });
    }
    // Both header sets together: valid when either scheme is.
    const both = verifyWebhook({ secret: c.secret, headers: c.headers, body, nowSec: c.now, toleranceSec: c.toleranceSec });
    expect(both.valid).toBe(c.expected.mittr.valid || c.expected.standard.valid);
  });

  it('answers missing_headers when neither scheme\'s headers are there', () => {
    expect(verifyWebhook({ secret: 'x', headers: {}, body: '' })).toEqual({ valid: false, reason: 'missing_headers' });
  });

  it.each(cases)('the quickstart\'s Node snippet, verbatim, matches the mittr signature of $name (it checks no timestamp)', (c) => {
    const body = Buffer.from(c.bodyBase64, 'base64').toString('utf8');
    expect(quickstartSnippet(c.secret, c.headers['x-mittr-signature'], c.headers['x-mittr-timestamp'], body)).toBe(c.expected.mittr.reason !== 'bad_signature');
  });
});
