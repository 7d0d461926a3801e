import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decideSendBatch, decideSendEvent, MAX_DELAY_SECONDS, type SendEventInput } from './decide.ts';

const deps = { now: 1_700_000_000_000, newId: () => 'evt-1' };
const given = (input: Partial<SendEventInput>, idempotencyKey: string | undefined = 'k') =>
  ({ accountId: 'acc', projectId: 'prj', idempotencyKey, input: { payload: { a: 1 }, ...input } });
const codeOf = (fn: () => unknown) => {
  try { fn(); } catch (err) { if (err instanceof DomainError) return err.code; throw err; }
  return 'accepted';
};

describe('decideSendEvent', () => {
  it('given a direct event with defaults, when sent, then it is accepted with maxAttempts 5 and priority 5', () => {
    const e = decideSendEvent(given({ destination: 'https://example.com/h' }), deps);
    expect(e).toMatchObject({ type: 'EventAccepted', eventId: 'evt-1', destination: 'https://example.com/h', eventType: null,
      maxAttempts: 5, priority: 5, delaySeconds: 0, payload: '{"a":1}', createdAt: deps.now });
  });
  it('given a subAccountId, when sent, then the event carries it; without one, null (the workspace\'s own endpoints)', () => {
    expect(decideSendEvent(given({ eventType: 'order.created', subAccountId: 'sub-1' }), deps).subAccountId).toBe('sub-1');
    expect(decideSendEvent(given({ eventType: 'order.created' }), deps).subAccountId).toBeNull();
  });
  it('given maxAttempts above 25, when sent, then it is silently clamped to 25', () => {
    expect(decideSendEvent(given({ eventType: 'order.created', maxAttempts: 99 }), deps).maxAttempts).toBe(25);
  });
  it('given no idempotency key, when sent, then VALIDATION_ERROR', () => {
    const noKey = { ...given({ destination: 'https://x.io' }), idempotencyKey: undefined };
    expect(codeOf(() => decideSendEvent(noKey, deps))).toBe('VALIDATION_ERROR');
  });
  it('given both or neither of destination and eventType, when sent, then VALIDATION_ERROR', () => {
    expect(codeOf(() => decideSendEvent(given({ destination: 'https://x.io', eventType: 'a' }), deps))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendEvent(given({}), deps))).toBe('VALIDATION_ERROR');
  });
  it('given priority out of 1..10, negative delay or a non-http destination, when sent, then VALIDATION_ERROR', () => {
    expect(codeOf(() => decideSendEvent(given({ eventType: 'a', priority: 0 }), deps))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendEvent(given({ eventType: 'a', priority: 11 }), deps))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendEvent(given({ eventType: 'a', delaySeconds: -1 }), deps))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendEvent(given({ eventType: 'a', delaySeconds: MAX_DELAY_SECONDS + 1 }), deps))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendEvent(given({ eventType: 'a', delaySeconds: 2 ** 31 }), deps))).toBe('VALIDATION_ERROR');
    expect(decideSendEvent(given({ eventType: 'a', delaySeconds: MAX_DELAY_SECONDS }), deps).delaySeconds).toBe(MAX_DELAY_SECONDS);
    expect(codeOf(() => decideSendEvent(given({ destination: 'ftp://x.io' }), deps))).toBe('VALIDATION_ERROR');
  });
});

describe('decideSendBatch', () => {
  let n = 0;
  const ids = { now: deps.now, newId: () => `evt-${++n}` };
  const item = (k: string) => ({ idempotencyKey: k, destination: 'https://x.io/h', payload: { k } });
  const batch = (events: unknown) => ({ accountId: 'acc', projectId: 'prj', events: events as never });

  it('given 3 direct events, when sent, then 3 are accepted with their own keys', () => {
    const out = decideSendBatch(batch([item('a'), item('b'), item('c')]), ids);
    expect(out.map((e) => e.idempotencyKey)).toEqual(['a', 'b', 'c']);
  });
  it('given an empty batch or a missing field, then VALIDATION_ERROR', () => {
    expect(codeOf(() => decideSendBatch(batch([]), ids))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendBatch(batch([{ destination: 'https://x.io', payload: {} }]), ids))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendBatch(batch([{ ...item('a'), eventType: 'x' }]), ids))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => decideSendBatch(batch([{ ...item('a'), priority: 1 }]), ids))).toBe('VALIDATION_ERROR');
  });
  it('given 101 events, then BATCH_TOO_LARGE', () => {
    expect(codeOf(() => decideSendBatch(batch(Array.from({ length: 101 }, (_, i) => item(`k${i}`))), ids))).toBe('BATCH_TOO_LARGE');
  });
  it('given a key repeated inside the batch, then DUPLICATE_EVENT naming it', () => {
    try {
      decideSendBatch(batch([item('a'), item('b'), item('a')]), ids);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'DUPLICATE_EVENT', details: { keys: ['a'] } });
    }
  });
});
