import { createHash, timingSafeEqual } from 'node:crypto';
import type { Encoding } from './types.ts';

/** Constant-time equality of two byte strings; a length mismatch is not a secret (digests have fixed lengths). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two texts of any lengths (tokens, passwords): compares their SHA-256 so the length does not leak. */
export function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

const HEX = /^(?:[0-9a-f]{2})+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A signature's bytes, or undefined when the text is not in the encoding (a tampered header). */
export function decode(text: string, encoding: Encoding): Buffer | undefined {
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
  // Node's base64 decoder reads base64url too; providers differ on padding.
  return BASE64.test(text) ? Buffer.from(text, encoding === 'base64url' ? 'base64url' : 'base64') : undefined;
}
