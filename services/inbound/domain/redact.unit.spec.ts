import { describe, expect, it } from 'vitest';
import { presetOf, PRESETS } from './presets/index.ts';
import { redactCredentials } from './redact.ts';

const url = 'https://mittr.example/inbound/s?kind=a';

describe('what the request log keeps of a request\'s credentials', () => {
  it('given a bearer token, when recorded, then the Authorization header is redacted and the rest kept', () => {
    const r = redactCredentials(presetOf('generic-bearer'), {}, { authorization: 'Bearer t0ken', 'x-other': '1' }, url);
    expect(r).toEqual({ headers: { authorization: '[redacted]', 'x-other': '1' }, url });
  });
  it('given a token in a header of the preset\'s, when recorded, then that header is redacted; a signature is kept', () => {
    const tokenHeader = PRESETS.find((p) => p.mode === 'token-header' && 'header' in p && p.header !== 'authorization');
    expect(tokenHeader).toBeDefined();
    const header = (tokenHeader as { header: string }).header;
    expect(redactCredentials(tokenHeader, {}, { [header]: 'secret-token' }, url).headers[header]).toBe('[redacted]');
    expect(redactCredentials(presetOf('github'), {}, { 'x-hub-signature-256': 'sha256=abc' }, url).headers['x-hub-signature-256']).toBe('sha256=abc');
  });
  it('given a token in the query string, when recorded, then its value is redacted in the URL', () => {
    const queryToken = PRESETS.find((p) => p.mode === 'query-token');
    expect(queryToken).toBeDefined();
    const param = (queryToken as { param: string }).param;
    const r = redactCredentials(queryToken, {}, {}, `${url}&${param}=s3cret`);
    expect(r.url).not.toContain('s3cret');
    expect(new URL(r.url).searchParams.get(param)).toBe('[redacted]');
    expect(new URL(r.url).searchParams.get('kind')).toBe('a');
  });
});
