import { describe, expect, it } from 'vitest';
import { verifyInbound } from '../verify/index.ts';
import type { Preset } from '../verify/types.ts';
import { PRESETS, presetOf } from './index.ts';
import { signFor } from './sign.fixture.ts';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);

/** Config fields a preset's parameters read: each must be declared in its `fields`. */
function fieldsRead(p: Preset): string[] {
  switch (p.mode) {
    case 'hmac': return [...(p.secretFields ?? ['secret']), ...(p.headerField === undefined ? [] : [p.headerField])];
    case 'keyed-header': case 'standard-webhooks': case 'mailgun': return ['secret'];
    case 'url-params': return [p.secretField];
    case 'ed25519': case 'ecdsa': return [p.keyField];
    case 'basic-auth': return ['username', 'password'];
    case 'token-header': return [p.tokenField ?? 'token', ...(p.headerField === undefined ? [] : [p.headerField])];
    case 'query-token': return [p.tokenField ?? 'token', ...(p.paramField === undefined ? [] : [p.paramField])];
    case 'adyen': return ['hmacKey'];
    case 'none': return [];
  }
}

const timestamped = (p: Preset) =>
  p.mode === 'keyed-header' || p.mode === 'standard-webhooks' || p.mode === 'mailgun'
  || ((p.mode === 'hmac' || p.mode === 'ed25519' || p.mode === 'ecdsa') && (p.timestampHeader !== undefined || p.timestampField !== undefined));
/** Modes whose signature covers the body bytes (Mailgun and Adyen sign fields; credentials sign nothing). */
const signsBody = (p: Preset) => ['hmac', 'keyed-header', 'standard-webhooks', 'url-params', 'ed25519', 'ecdsa'].includes(p.mode);
const credentialsOnly = (p: Preset) => ['basic-auth', 'token-header', 'query-token'].includes(p.mode);

/** Every header a preset reads, to fill with junk. */
function headersRead(p: Preset): string[] {
  const own = 'header' in p ? [p.header].flat() : [];
  const timestamp = 'timestampHeader' in p && p.timestampHeader !== undefined ? [p.timestampHeader] : [];
  const standard = p.mode === 'standard-webhooks' ? ['id', 'timestamp', 'signature'].flatMap((h) => [`webhook-${h}`, `svix-${h}`]) : [];
  return [...own, ...timestamp, ...standard, 'authorization', 'content-type'];
}
const JUNK = ['', ' ', 'garbage', 'sha256=', 'v0=', 't=,v1=', 't=1,v1=zz', 'v1,', 'v1,!!!', 'Basic', 'Basic !!!', 'Bearer ', '\u0000\u00ff', '9'.repeat(40), 'x'.repeat(20_000)];
const JUNK_BODIES = ['', '{', 'null', '[]', '{"notificationItems":[null]}', '{"signature":{"timestamp":1}}', Buffer.from([0xff, 0xfe, 0x00, 0x80])];

describe('the preset catalog', () => {
  it('holds 130+ presets with unique URL-safe sources, each found by presetOf', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(130);
    expect(new Set(PRESETS.map((p) => p.source)).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      expect(p.source).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
      expect(presetOf(p.source)).toBe(p);
    }
    expect(presetOf('no-such-provider')).toBeUndefined();
  });
  it('declares every config field its scheme reads, names headers in lower case, and offers no verification only by name', () => {
    for (const p of PRESETS) {
      const declared = p.fields.map((f) => f.name);
      expect(declared, p.source).toEqual(expect.arrayContaining(fieldsRead(p)));
      const headers = [p.idHeader, p.eventTypeHeader, 'header' in p ? p.header : undefined, 'timestampHeader' in p ? p.timestampHeader : undefined].flat();
      for (const h of headers) if (typeof h === 'string') expect(h, p.source).toBe(h.toLowerCase());
      expect(p.description.length, p.source).toBeGreaterThan(p.name.length + 10);
    }
    expect(PRESETS.filter((p) => p.mode === 'none').map((p) => p.source)).toEqual(['none']);
  });
});

describe.each(PRESETS.map((p) => [p.source, p] as const))('preset %s', (_source, preset) => {
  it('given a request signed by its documented recipe, then it is accepted', () => {
    const { config, req } = signFor(preset, 'right', NOW);
    expect(verifyInbound(preset, config, req, NOW)).toMatchObject({ ok: true });
  });
  if (preset.mode !== 'none') {
    it('given the signature made with another secret, then it is refused', () => {
      const { req } = signFor(preset, 'wrong', NOW);
      const { config } = signFor(preset, 'right', NOW);
      const verdict = verifyInbound(preset, config, req, NOW);
      expect(verdict).toMatchObject({ ok: false, reason: credentialsOnly(preset) ? 'bad_credentials' : 'bad_signature' });
    });
  }
  if (signsBody(preset)) {
    it('given a byte of the body changed after signing, then it is a bad signature', () => {
      const { config, req } = signFor(preset, 'right', NOW);
      // Change the last digit: the body stays well-formed (JSON or form), only its content differs.
      const text = req.rawBody.toString('utf8');
      const at = text.search(/\d(?=\D*$)/);
      const tampered = `${text.slice(0, at)}${(Number(text[at]) + 1) % 10}${text.slice(at + 1)}`;
      expect(verifyInbound(preset, config, { ...req, rawBody: Buffer.from(tampered) }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    });
  }
  if (timestamped(preset)) {
    it('given a genuine request replayed past the tolerance, then it is stale', () => {
      const tolerance = ('toleranceSeconds' in preset ? preset.toleranceSeconds : undefined) ?? 300;
      const { config, req } = signFor(preset, 'right', NOW - (tolerance + 60) * 1000);
      expect(verifyInbound(preset, config, req, NOW)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    });
  }
  if (preset.mode !== 'none') {
    it('given hostile headers, bodies and URLs, then it refuses them and never throws', () => {
      const { config } = signFor(preset, 'right', NOW);
      for (const junk of JUNK) {
        for (const body of JUNK_BODIES) {
          const headers = Object.fromEntries(headersRead(preset).map((h) => [h, junk]));
          const req = { method: 'POST', url: junk === '' ? 'not a url' : `https://m.example/inbound/x?token=${encodeURIComponent(junk)}&signature=${encodeURIComponent(junk)}`, headers, rawBody: Buffer.from(body) };
          expect(verifyInbound(preset, config, req, NOW)).toMatchObject({ ok: false });
        }
      }
    });
    it('given no config at all, then it is misconfigured, never accepted', () => {
      const { req } = signFor(preset, 'right', NOW);
      expect(verifyInbound(preset, {}, req, NOW)).toMatchObject({ ok: false, reason: 'misconfigured' });
    });
  }
});
