/**
 * HMAC-SHA256 through WebCrypto (SubtleCrypto), the browser's own: nothing here hashes by hand,
 * and nothing leaves the page. Keys are imported once per secret and kept for the diagnosis.
 */
const encoder = new TextEncoder();

export const utf8 = (s: string): Uint8Array<ArrayBuffer> => encoder.encode(s);

/** The bytes of a Standard Webhooks key: the base64 part of `whsec_<base64>`; other secrets are their UTF-8 bytes (as mittr's signer does). */
export function standardKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith('whsec_')) return utf8(secret);
  try {
    const bin = atob(secret.slice(6));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return utf8(secret);
  }
}

export type Signer = (message: string) => Promise<Uint8Array>;

/** A signer for one key: HMAC-SHA256 over the UTF-8 bytes of a message. */
export async function hmacSigner(key: Uint8Array<ArrayBuffer>): Promise<Signer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (message) => new Uint8Array(await crypto.subtle.sign('HMAC', k, utf8(message)));
}

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const base64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
