import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';

/**
 * Postgres cannot hold NUL (U+0000) in text or jsonb, and a read model that cannot hold a record
 * stops at it. So the API refuses it, once for every route, before any route sees the request:
 * a NUL in any string or key of the body, the query or the path is a 400. The one exception is
 * an event's `payload`: it is kept as the JSON text it was sent as (json, not jsonb), where a
 * NUL stays an escape, and is delivered as sent.
 */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const where = nulIn(req.body, 'body') ?? nulIn(req.query, 'query') ?? nulIn(req.params, 'path');
    if (where) {
      throw new DomainError('VALIDATION_ERROR', `${where} contains a NUL character (\\u0000), which mittr cannot store`, { field: where });
    }
  });
}

/** Where in `value` a string or key holds a NUL (a dotted path), if anywhere. */
export function nulIn(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  // A raw body (the inbound receiver's) is kept as bytes, never as text: nothing to refuse, nor to walk byte by byte.
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulIn(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path} (a key)`;
    if (key === 'payload') continue;
    const found = nulIn(v, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
