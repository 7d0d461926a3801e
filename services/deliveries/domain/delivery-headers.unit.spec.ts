import { describe, expect, it } from 'vitest';
import { HEADER_LIMITS, headerProblems, sendableHeaders } from './delivery-headers.ts';

describe('the delivery header rule', () => {
  it('given ordinary headers, then they pass', () => {
    expect(headerProblems({ 'X-Tenant': 'acme', 'X-Trace': 'a\tb', Authorization: 'Bearer t', 'X-Latin': 'café' }, 'headers')).toEqual([]);
  });
  it("given mittr's own or framing headers in any case, then each is refused (issue 17: forged signatures and Host)", () => {
    for (const name of ['X-Mittr-Signature', 'x-mittr-event-id', 'webhook-signature', 'Webhook-Id', 'webhook-timestamp', 'Content-Type',
      'content-length', 'Transfer-Encoding', 'Expect', 'Host', 'User-Agent', 'Connection', 'Upgrade', 'TE', 'Trailer', 'Proxy-Authorization', 'Content-Encoding']) {
      expect(headerProblems({ [name]: 'forged' }, 'headers'), name).toEqual([expect.stringMatching(/is set by mittr/)]);
    }
  });
  it('given names that are not HTTP tokens, values that split the header block, or wrong types, then they are refused', () => {
    expect(headerProblems({ 'bad name': 'x' }, 'headers')[0]).toMatch(/not an HTTP header name/);
    expect(headerProblems({ '': 'x' }, 'headers')[0]).toMatch(/not an HTTP header name/);
    expect(headerProblems({ 'X-A': 'a\r\nX-Injected: 1' }, 'headers')[0]).toMatch(/CR, LF/);
    expect(headerProblems({ 'X-A': 'a\u0000' }, 'headers')[0]).toMatch(/CR, LF/);
    expect(headerProblems({ 'X-A': '💩' }, 'headers')[0]).toMatch(/U\+00FF/);
    expect(headerProblems({ 'X-A': 5 }, 'headers')[0]).toMatch(/string value/);
    expect(headerProblems(['x'], 'events[1].headers')).toEqual(['events[1].headers must be an object of header name to string value']);
    expect(headerProblems({ 'X-A': 'x'.repeat(HEADER_LIMITS.valueLength + 1) }, 'headers')[0]).toMatch(/longer than/);
    const many = Object.fromEntries(Array.from({ length: HEADER_LIMITS.count + 1 }, (_, i) => [`X-${i}`, 'v']));
    expect(headerProblems(many, 'headers')[0]).toMatch(/at most 50/);
  });
  it('given headers recorded before the rule, then what it refuses is dropped from the wire and the rest kept', () => {
    const ok = { 'X-A': '1' };
    expect(sendableHeaders(ok)).toBe(ok);
    expect(sendableHeaders({ 'X-Mittr-Signature': 'v1=forged', Host: 'forged.example', 'X-A': '1', 'bad name': 'x', 'X-B': 'a\nb' })).toEqual({ 'X-A': '1' });
  });
});
