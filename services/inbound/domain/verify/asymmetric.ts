import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decode } from './compare.ts';
import { checkFresh, sentTimestamp } from './freshness.ts';
import { signedContent } from './recipe.ts';
import { refuse } from './refuse.ts';
import { valuesOf } from './secrets.ts';
import type { AsymmetricParams, ModeCheck } from './types.ts';

/** A public key from the config: Ed25519 as its 32 raw bytes (hex or base64), ECDSA as SPKI (base64 DER or PEM). */
function publicKey(text: string, params: AsymmetricParams): KeyObject | undefined {
  try {
    if (params.mode === 'ed25519') {
      const raw = decode(text.trim(), params.keyEncoding ?? 'hex');
      return raw?.length === 32 ? createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }) : undefined;
    }
    if (text.includes('-----BEGIN')) return createPublicKey(text);
    const der = decode(text.replace(/\s+/g, ''), 'base64');
    return der === undefined ? undefined : createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** A malformed signature is a refusal, never an exception out of the receiver. */
function verifies(algorithm: string | null, content: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(algorithm, content, key, signature);
  } catch {
    return false;
  }
}

/**
 * A provider's signature with its private key over a recipe: Ed25519 (Discord, Telnyx) or ECDSA
 * P-256 with SHA-256, DER-encoded (SendGrid). The user configures the provider's public key.
 */
export const checkAsymmetric: ModeCheck<AsymmetricParams> = (params, config, req, nowMs) => {
  const keys = (valuesOf(config, params.keyField) ?? []).map((text) => publicKey(text, params));
  if (keys.length === 0 || keys.some((k) => k === undefined)) return refuse('misconfigured', `sourceConfig.${params.keyField} is missing or not a ${params.mode} public key`);
  const header = req.headers[params.header];
  const signature = header === undefined ? undefined : decode(header.trim(), params.encoding);
  if (signature === undefined) return refuse('missing_signature', `no ${params.header} header`);
  const timestamp = sentTimestamp(params, req);
  if (typeof timestamp === 'object') return timestamp;
  const content = signedContent(params.recipe, req, { timestamp });
  const algorithm = params.mode === 'ed25519' ? null : 'sha256';
  const valid = keys.some((key) => verifies(algorithm, content, key as KeyObject, signature));
  if (!valid) return refuse('bad_signature', `the ${params.mode} signature does not match the request`);
  return timestamp === undefined ? undefined : checkFresh(timestamp, params.timestampFormat, params.toleranceSeconds, nowMs);
};
