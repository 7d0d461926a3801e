import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import type { UrlParamsParams } from './types.ts';
import { checkUrlParams, portVariants } from './url-params.ts';

const { getExpectedTwilioSignature, getExpectedBodyHash } = twilio;
const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const authToken = '12345';
const params: UrlParamsParams = { mode: 'url-params', header: 'x-twilio-signature', secretField: 'authToken', bodySha256Param: true };
const url = 'https://mittr.example/inbound/sms?tenant=a';
const form = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const formBody = new URLSearchParams(form).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('url-params mode (Twilio)', () => {
  it('given form params signed by twilio\'s getExpectedTwilioSignature, then it is accepted', () => {
    const signature = getExpectedTwilioSignature(authToken, url, form);
    expect(checkUrlParams(params, { authToken }, inbound(formBody, { ...FORM, 'x-twilio-signature': signature }, url), NOW)).toBeUndefined();
  });
  it('given a signed request, when a param or the URL changes, then it is a bad signature', () => {
    const signature = getExpectedTwilioSignature(authToken, url, form);
    const tampered = new URLSearchParams({ ...form, Digits: '9999' }).toString();
    expect(checkUrlParams(params, { authToken }, inbound(tampered, { ...FORM, 'x-twilio-signature': signature }, url), NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkUrlParams(params, { authToken }, inbound(formBody, { ...FORM, 'x-twilio-signature': signature }, `${url}&x=1`), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given Twilio signed the URL with the default port, when we see it without, then it is accepted', () => {
    const signature = getExpectedTwilioSignature(authToken, 'https://mittr.example:443/inbound/sms?tenant=a', form);
    expect(checkUrlParams(params, { authToken }, inbound(formBody, { ...FORM, 'x-twilio-signature': signature }, url), NOW)).toBeUndefined();
    expect(portVariants('http://h/p')).toEqual(['http://h/p', 'http://h:80/p']);
  });
  it('given repeated params, then their distinct values are sorted as twilio sorts them', () => {
    const repeated = { To: '+1', Media: ['b', 'a', 'b'] };
    const signature = getExpectedTwilioSignature(authToken, url, repeated);
    const body = 'To=%2B1&Media=b&Media=a&Media=b';
    expect(checkUrlParams(params, { authToken }, inbound(body, { ...FORM, 'x-twilio-signature': signature }, url), NOW)).toBeUndefined();
  });
  it('given a JSON body with bodySHA256 in the URL, then the URL is signed and the body must match the hash', () => {
    const body = '{"event":"status","sid":"SM1"}';
    const signedUrl = `${url}&bodySHA256=${getExpectedBodyHash(body)}`;
    const signature = getExpectedTwilioSignature(authToken, signedUrl, {});
    const headers = { 'content-type': 'application/json', 'x-twilio-signature': signature };
    expect(checkUrlParams(params, { authToken }, inbound(body, headers, signedUrl), NOW)).toBeUndefined();
    expect(checkUrlParams(params, { authToken }, inbound(body.replace('SM1', 'SM2'), headers, signedUrl), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given no signature header, then missing; given no auth token, then misconfigured', () => {
    expect(checkUrlParams(params, { authToken }, inbound(formBody, FORM, url), NOW)).toMatchObject({ reason: 'missing_signature' });
    expect(checkUrlParams(params, {}, inbound(formBody, { ...FORM, 'x-twilio-signature': 'AAAA' }, url), NOW)).toMatchObject({ reason: 'misconfigured' });
  });
});
