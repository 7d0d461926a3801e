import { describe, expect, it } from 'vitest';
import { failure, parseOutput } from './contract.ts';

const valid = { eventType: 'order.created', payload: { id: 1 }, headers: { 'x-source': 'shop' }, url: 'https://example.com/h' };
const output = (patch: Record<string, unknown>) => parseOutput(JSON.stringify({ ...valid, ...patch }));
const errorOf = (patch: Record<string, unknown>) => {
  const result = output(patch);
  return result.kind === 'error' ? result.error : null;
};

describe('transform output contract', () => {
  it('given a well-formed output, when parsed, then it is ok with every field', () => {
    expect(output({})).toEqual({ kind: 'ok', ...valid });
  });
  it('given a null eventType and a null payload, when parsed, then both are kept', () => {
    expect(output({ eventType: null, payload: null })).toMatchObject({ kind: 'ok', eventType: null, payload: null });
  });
  it('given a non-http url, when parsed, then an error names the protocol', () => {
    expect(errorOf({ url: 'ftp://x' })).toMatch(/http or https.*ftp:/);
    expect(errorOf({ url: 'not a url' })).toMatch(/not a valid URL/);
    expect(errorOf({ url: 42 })).toMatch(/url must be a string/);
  });
  it('given headers that are not a string map, when parsed, then an error names the header', () => {
    expect(errorOf({ headers: { 'X-Count': 1 } })).toMatch(/X-Count must have a string value/);
    expect(errorOf({ headers: ['a'] })).toMatch(/headers must be an object/);
    expect(errorOf({ headers: { 'Bad Name': 'x' } })).toMatch(/not an HTTP header name/);
    expect(errorOf({ headers: { 'X-Split': 'a\r\nX-Injected: b' } })).toMatch(/CR, LF/);
  });
  it("given a transformation returning mittr's own or framing headers, then an error: it cannot forge them either (issue 17)", () => {
    for (const name of ['X-Mittr-Signature', 'webhook-signature', 'Host', 'Content-Type', 'User-Agent', 'Content-Length']) {
      expect(errorOf({ headers: { [name]: 'forged' } }), name).toMatch(/is set by mittr/);
    }
  });
  it('given a missing payload or a non-string eventType, when parsed, then an error', () => {
    expect(errorOf({ payload: undefined })).toMatch(/payload must be a JSON value/);
    expect(errorOf({ eventType: 7 })).toMatch(/eventType must be a string or null/);
  });
  it('given a non-object output, when parsed, then an error', () => {
    expect(parseOutput('[1]')).toMatchObject({ kind: 'error' });
    expect(parseOutput('not json')).toMatchObject({ kind: 'error' });
  });
  it('given a very long error message, when reported, then it is truncated', () => {
    const result = failure('x'.repeat(10_000));
    expect(result.kind === 'error' && result.error.length).toBeLessThan(1_100);
  });
});
