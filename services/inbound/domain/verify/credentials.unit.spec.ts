import { describe, expect, it } from 'vitest';
import { checkBasicAuth, checkQueryToken, checkTokenHeader } from './credentials.ts';
import { inbound } from './fixture.ts';
import type { TokenHeaderParams } from './types.ts';

const NOW = 0;
const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
const config = { username: 'postmark', password: 'p:ss' };

describe('basic-auth mode', () => {
  it('given the configured user and password (a colon inside the password), then accepted', () => {
    expect(checkBasicAuth({ mode: 'basic-auth' }, config, inbound('{}', basic('postmark', 'p:ss')), NOW)).toBeUndefined();
  });
  it('given a wrong password or user, then bad credentials; given none, then missing', () => {
    expect(checkBasicAuth({ mode: 'basic-auth' }, config, inbound('{}', basic('postmark', 'nope')), NOW)).toMatchObject({ reason: 'bad_credentials' });
    expect(checkBasicAuth({ mode: 'basic-auth' }, config, inbound('{}', basic('other', 'p:ss')), NOW)).toMatchObject({ reason: 'bad_credentials' });
    expect(checkBasicAuth({ mode: 'basic-auth' }, config, inbound('{}', { authorization: 'Bearer x' }), NOW)).toMatchObject({ reason: 'missing_credentials' });
  });
  it('given a rotating password list, then either is accepted; given no password configured, then misconfigured', () => {
    expect(checkBasicAuth({ mode: 'basic-auth' }, { username: 'u', password: ['new', 'old'] }, inbound('{}', basic('u', 'old')), NOW)).toBeUndefined();
    expect(checkBasicAuth({ mode: 'basic-auth' }, { username: 'u' }, inbound('{}', basic('u', 'old')), NOW)).toMatchObject({ reason: 'misconfigured' });
  });
});

describe('token-header mode', () => {
  const gitlab: TokenHeaderParams = { mode: 'token-header', header: 'x-gitlab-token' };
  const bearer: TokenHeaderParams = { mode: 'token-header', header: 'authorization', scheme: 'Bearer ' };
  it('given the shared token in its header, then accepted; a different one, then bad credentials', () => {
    expect(checkTokenHeader(gitlab, { token: 't0ken' }, inbound('{}', { 'x-gitlab-token': 't0ken' }), NOW)).toBeUndefined();
    expect(checkTokenHeader(gitlab, { token: 't0ken' }, inbound('{}', { 'x-gitlab-token': 't0ke' }), NOW)).toMatchObject({ reason: 'bad_credentials' });
  });
  it('given a bearer scheme, then the scheme is required (case-insensitive) and stripped', () => {
    expect(checkTokenHeader(bearer, { token: 'abc' }, inbound('{}', { authorization: 'bearer abc' }), NOW)).toBeUndefined();
    expect(checkTokenHeader(bearer, { token: 'abc' }, inbound('{}', { authorization: 'abc' }), NOW)).toMatchObject({ reason: 'missing_credentials' });
  });
  it('given a header name chosen in the config, then that header is read', () => {
    const custom: TokenHeaderParams = { ...gitlab, headerField: 'header' };
    expect(checkTokenHeader(custom, { token: 'abc', header: 'X-My-Token' }, inbound('{}', { 'x-my-token': 'abc' }), NOW)).toBeUndefined();
  });
  it('given no header, then missing credentials; given no token configured, then misconfigured', () => {
    expect(checkTokenHeader(gitlab, { token: 'abc' }, inbound('{}'), NOW)).toMatchObject({ reason: 'missing_credentials' });
    expect(checkTokenHeader(gitlab, { token: '' }, inbound('{}', { 'x-gitlab-token': '' }), NOW)).toMatchObject({ reason: 'misconfigured' });
  });
});

describe('query-token mode', () => {
  it('given the token in the query string, then accepted; wrong or absent, then refused', () => {
    const params = { mode: 'query-token', param: 'token' } as const;
    expect(checkQueryToken(params, { token: 'q1' }, inbound('{}', {}, 'https://m.example/inbound/x?token=q1'), NOW)).toBeUndefined();
    expect(checkQueryToken(params, { token: 'q1' }, inbound('{}', {}, 'https://m.example/inbound/x?token=q2'), NOW)).toMatchObject({ reason: 'bad_credentials' });
    expect(checkQueryToken(params, { token: 'q1' }, inbound('{}', {}, 'https://m.example/inbound/x'), NOW)).toMatchObject({ reason: 'missing_credentials' });
  });
});
