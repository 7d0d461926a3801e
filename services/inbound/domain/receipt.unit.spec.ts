import { describe, expect, it } from 'vitest';
import { bodyData, eventTypeOf, idempotencyKeyOf, inboundEvent, payloadText } from './receipt.ts';

const ctx = (data: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}) => ({ headers, data, query });

describe('what a verified inbound request becomes', () => {
  it('given a JSON body, when read, then the event data is the parsed value, whatever the Content-Type says', () => {
    expect(bodyData('application/json; charset=utf-8', Buffer.from('{"id":"evt_1","type":"charge.succeeded"}')).data).toEqual({ id: 'evt_1', type: 'charge.succeeded' });
    expect(bodyData('text/plain', Buffer.from('[1,2]')).data).toEqual([1, 2]);
  });
  it('given a form post, when read, then an object of its fields, a repeated field an array', () => {
    expect(bodyData('application/x-www-form-urlencoded', Buffer.from('From=%2B15551234&Body=hi+there&Media=a&Media=b')).data)
      .toEqual({ From: '+15551234', Body: 'hi there', Media: ['a', 'b'] });
  });
  it('given a body that is neither, when read, then its bytes in base64 with its type', () => {
    const raw = Buffer.from([0xff, 0x00, 0x10]);
    expect(bodyData('application/octet-stream', raw).data).toEqual({ contentType: 'application/octet-stream', encoding: 'base64', body: raw.toString('base64') });
    expect(bodyData(undefined, Buffer.alloc(0)).data).toEqual({});
  });
  it('given a JSON body unchanged, when it becomes the payload, then byte for byte; changed or not JSON, then its data as JSON', () => {
    const raw = Buffer.from('{ "id" : "evt_1",\n  "n": 1.50 }');
    const json = bodyData('application/json', raw);
    expect(payloadText(json, json.data, false)).toBe(raw.toString());
    expect(payloadText(json, { id: 'x' }, true)).toBe('{"id":"x"}');
    const form = bodyData('application/x-www-form-urlencoded', Buffer.from('123'));
    expect(payloadText(form, form.data, false)).toBe('{"123":""}');
    const latin1 = bodyData('application/json', Buffer.from([0x22, 0xe9, 0x22]));
    expect(latin1.jsonText).toBeNull();
  });
  it('given a mapping, when it selects a value, then that is the type; a header by any case', () => {
    expect(eventTypeOf('$.headers.X-GitHub-Event', ctx({}, { 'x-github-event': 'push' }), 'ignored', 'github')).toBe('push');
    expect(eventTypeOf('$.data.type', ctx({ type: 'invoice.paid' }), undefined, 'stripe')).toBe('invoice.paid');
    expect(eventTypeOf('$.query.kind', ctx({}, {}, { kind: 'sms' }), undefined, 'twilio')).toBe('sms');
  });
  it('given a mapping that selects nothing, when typed, then the provider\'s own type, else inbound.<source>', () => {
    expect(eventTypeOf('$.data.missing', ctx({}), 'push', 'github')).toBe('push');
    expect(eventTypeOf(null, ctx({}), undefined, 'shopify')).toBe('inbound.shopify');
    expect(eventTypeOf('$.data.t', ctx({ t: '\u0000\u0001' }), undefined, 'x')).toBe('inbound.x');
  });
  it('given a delivery id, when keyed, then its retries share the key; without one every request is its own', () => {
    expect(idempotencyKeyOf('ib1', 'd-1', 'r1')).toBe(idempotencyKeyOf('ib1', 'd-1', 'r2'));
    expect(idempotencyKeyOf('ib1', 'd-1', 'r1')).not.toBe(idempotencyKeyOf('ib2', 'd-1', 'r1'));
    expect(idempotencyKeyOf('ib1', undefined, 'r1')).not.toBe(idempotencyKeyOf('ib1', undefined, 'r2'));
  });
  it('given destinations, when the event is made, then it names them and has the documented defaults', () => {
    const e = inboundEvent({ eventId: 'e1', accountId: 'a', projectId: 'p', idempotencyKey: 'k', eventType: 'push', payload: '{"a":1}',
      headers: {}, destinationIds: ['ep1'], now: 5, configOffset: 3 });
    expect(e).toMatchObject({ type: 'EventAccepted', destination: null, eventType: 'push', payload: '{"a":1}', endpointIds: ['ep1'],
      maxAttempts: 5, priority: 5, delaySeconds: 0, createdAt: 5, configOffset: 3, maxAttemptsSet: false });
  });
});
