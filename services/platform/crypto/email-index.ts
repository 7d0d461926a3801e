import { blindIndex } from './envelope.ts';

/** What a stored blind index starts with: told apart from an address a table held in clear before. */
const INDEX_PREFIX = 'bi1:';

/**
 * The searchable, unique stand-in of an e-mail address (or a SCIM userName) in a Postgres
 * column: its blind index (HMAC-SHA256 of the trimmed, lower-cased text), prefixed. The same
 * address always gives the same value, so a unique index or an equality lookup works on it,
 * and nothing in it reads back to the address.
 */
export function emailIndex(indexKey: Buffer, email: string): string {
  return INDEX_PREFIX + blindIndex(indexKey, email);
}

export function isEmailIndex(v: string): boolean {
  return v.startsWith(INDEX_PREFIX);
}
