import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { inbound } from '../verify/fixture.ts';
import { signedContent } from '../verify/recipe.ts';
import type { AsymmetricParams, HmacParams, InboundRequest, KeyedHeaderParams, Preset, TimestampFormat } from '../verify/types.ts';

/**
 * Specs only: a request a provider would send under a preset, signed with node:crypto from the
 * preset's documented recipe, and the sourceConfig that verifies it. `secret` varies the key so
 * a spec can sign with one and verify with another.
 */
export type Signed = { config: Record<string, unknown>; req: InboundRequest };

const URL = 'https://mittr.example/inbound/hook?tenant=t1';

export function timestampText(atMs: number, format: TimestampFormat = 'unix-s'): string {
  return format === 'unix-ms' ? String(atMs) : format === 'iso8601' ? new Date(atMs).toISOString() : String(Math.floor(atMs / 1000));
}

/** A key of the length and encoding the preset expects, different for each seed. */
function keyText(encoding: 'utf8' | 'hex' | 'base64' | undefined, seed: string): string {
  const bytes = createHmac('sha256', 'key-seed').update(seed).digest();
  return encoding === 'hex' ? bytes.toString('hex') : encoding === 'base64' ? bytes.toString('base64') : `key-${seed}`;
}

const keyPairs = new Map<string, { publicKey: KeyObject; privateKey: KeyObject }>();
function keyPair(mode: 'ed25519' | 'ecdsa', seed: string) {
  const name = `${mode}:${seed}`;
  const pair = keyPairs.get(name) ?? (mode === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
  keyPairs.set(name, pair);
  return pair;
}

function jsonBody(preset: Preset, atMs: number): string {
  const timestamped = 'timestampField' in preset && preset.timestampField !== undefined ? { [preset.timestampField]: atMs } : {};
  return JSON.stringify({ id: 'evt_1', type: 'thing.happened', ...timestamped, data: { amount: 42 } });
}

function signHmac(p: Preset & HmacParams, seed: string, atMs: number): Signed {
  const config: Record<string, unknown> = { [(p.secretFields ?? ['secret'])[0] ?? 'secret']: keyText(p.secretEncoding, seed) };
  const timestamp = timestampText(atMs, p.timestampFormat);
  const headers: Record<string, string> = p.timestampHeader === undefined ? {} : { [p.timestampHeader]: timestamp };
  if (p.idHeader !== undefined) headers[p.idHeader] = 'delivery-1';
  const base = inbound(jsonBody(p, atMs), headers, URL);
  const key = Buffer.from(String(Object.values(config)[0]), p.secretEncoding ?? 'utf8');
  const digest = createHmac(p.algorithm, key).update(signedContent(p.recipe ?? '{body}', base, { timestamp, id: headers[p.idHeader ?? ''] })).digest(p.encoding);
  const signature = `${p.prefix ?? ''}${digest}`;
  if (p.queryParam !== undefined) return { config, req: { ...base, url: `${URL}&${p.queryParam}=${encodeURIComponent(signature)}` } };
  const header = typeof p.header === 'string' ? p.header : (p.header[0] ?? '');
  return { config, req: { ...base, headers: { ...base.headers, [header]: signature } } };
}

function signKeyed(p: Preset & KeyedHeaderParams, seed: string, atMs: number): Signed {
  const secret = keyText(p.secretEncoding, seed);
  const timestamp = timestampText(atMs, p.timestampFormat);
  const base = inbound(jsonBody(p, atMs), {}, URL);
  const signature = createHmac(p.algorithm, Buffer.from(secret, p.secretEncoding ?? 'utf8')).update(signedContent(p.recipe, base, { timestamp })).digest(p.encoding);
  return { config: { secret }, req: { ...base, headers: { [p.header]: `${p.timestampKey}=${timestamp}${p.pairSeparator}${p.signatureKey}=${signature}` } } };
}

function signAsymmetric(p: Preset & AsymmetricParams, seed: string, atMs: number): Signed {
  const { publicKey, privateKey } = keyPair(p.mode, seed);
  const keyText = p.mode === 'ed25519'
    ? Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString(p.keyEncoding ?? 'hex')
    : publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const timestamp = timestampText(atMs, p.timestampFormat);
  const base = inbound(jsonBody(p, atMs), p.timestampHeader === undefined ? {} : { [p.timestampHeader]: timestamp }, URL);
  const signature = sign(p.mode === 'ed25519' ? null : 'sha256', signedContent(p.recipe, base, { timestamp }), privateKey).toString(p.encoding);
  return { config: { [p.keyField]: keyText }, req: { ...base, headers: { ...base.headers, [p.header]: signature } } };
}

function signOther(p: Preset, seed: string, atMs: number): Signed {
  const body = jsonBody(p, atMs);
  const secret = keyText('utf8', seed);
  switch (p.mode) {
    case 'standard-webhooks': {
      const key = p.secretFormat === 'utf8-or-whsec' ? Buffer.from(secret) : createHmac('sha256', 'k').update(seed).digest();
      const ts = String(Math.floor(atMs / 1000));
      const sig = createHmac('sha256', key).update(`msg_1.${ts}.${body}`).digest('base64');
      const config = { secret: p.secretFormat === 'utf8-or-whsec' ? secret : `whsec_${key.toString('base64')}` };
      return { config, req: inbound(body, { [`${p.headerPrefix}-id`]: 'msg_1', [`${p.headerPrefix}-timestamp`]: ts, [`${p.headerPrefix}-signature`]: `v1,${sig}` }, URL) };
    }
    case 'url-params': {
      const form = `Body=hello&From=%2B15550001&To=%2B15550002&ts=${atMs}`;
      const signed = `${URL}BodyhelloFrom+15550001To+15550002ts${atMs}`;
      const sig = createHmac('sha1', secret).update(signed).digest('base64');
      return { config: { [p.secretField]: secret }, req: inbound(form, { 'content-type': 'application/x-www-form-urlencoded', [p.header]: sig }, URL) };
    }
    case 'mailgun': {
      const ts = String(Math.floor(atMs / 1000));
      const sig = createHmac('sha256', secret).update(`${ts}tok-${atMs}`).digest('hex');
      return { config: { secret }, req: inbound(JSON.stringify({ signature: { timestamp: ts, token: `tok-${atMs}`, signature: sig }, 'event-data': { event: 'delivered' } }), {}, URL) };
    }
    case 'adyen': {
      const hmacKey = keyText('hex', seed);
      const item = { pspReference: 'p1', merchantAccountCode: 'M', merchantReference: `r${atMs}`, amount: { value: 100, currency: 'EUR' }, eventCode: 'AUTHORISATION', success: 'true' };
      const sig = createHmac('sha256', Buffer.from(hmacKey, 'hex')).update(`p1::M:r${atMs}:100:EUR:AUTHORISATION:true`).digest('base64');
      return { config: { hmacKey }, req: inbound(JSON.stringify({ notificationItems: [{ NotificationRequestItem: { ...item, additionalData: { hmacSignature: sig } } }] }), {}, URL) };
    }
    case 'basic-auth':
      return { config: { username: 'sender', password: secret }, req: inbound(body, { authorization: `Basic ${Buffer.from(`sender:${secret}`).toString('base64')}` }, URL) };
    case 'token-header':
      return { config: { [p.tokenField ?? 'token']: secret }, req: inbound(body, { [p.header]: `${p.scheme ?? ''}${secret}` }, URL) };
    case 'query-token':
      return { config: { [p.tokenField ?? 'token']: secret }, req: inbound(body, {}, `${URL}&${p.param}=${secret}`) };
    case 'none':
      return { config: {}, req: inbound(body, {}, URL) };
    default:
      throw new Error(`no signer for ${p.mode}`);
  }
}

/** A request for the preset at `atMs`, signed (or credentialed) with the key derived from `seed`. */
export function signFor(preset: Preset, seed: string, atMs: number): Signed {
  switch (preset.mode) {
    case 'hmac': return signHmac(preset, seed, atMs);
    case 'keyed-header': return signKeyed(preset, seed, atMs);
    case 'ed25519':
    case 'ecdsa': return signAsymmetric(preset, seed, atMs);
    default: return signOther(preset, seed, atMs);
  }
}
