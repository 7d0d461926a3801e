import { describe, expect, it } from 'vitest';
import { nulIn } from './storable-text.ts';

describe('text the read models can store', () => {
  it('given strings, keys and arrays without NUL, finds nothing', () => {
    expect(nulIn({ a: 'x', b: [1, 'y', { c: null }], d: true }, 'body')).toBeUndefined();
    expect(nulIn(undefined, 'body')).toBeUndefined();
  });

  it('given a NUL in a nested string, names where it is', () => {
    expect(nulIn({ headers: { 'X-A': 'a\u0000b' } }, 'body')).toBe('body.headers.X-A');
    expect(nulIn({ events: [{ destination: 'ok' }, { eventType: 'x\u0000' }] }, 'body')).toBe('body.events[1].eventType');
    expect(nulIn({ customHeaders: { 'a\u0000': 'v' } }, 'body')).toBe('body.customHeaders (a key)');
    expect(nulIn('\u0000', 'path')).toBe('path');
  });

  it('given a NUL inside an event payload, lets it through (stored as JSON text)', () => {
    expect(nulIn({ payload: { s: 'a\u0000b' }, headers: {} }, 'body')).toBeUndefined();
    expect(nulIn({ events: [{ payload: { s: '\u0000' } }] }, 'body')).toBeUndefined();
  });
});
