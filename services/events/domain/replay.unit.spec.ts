import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { applyEdit, decideEdit, decideReplay, type EventState } from './replay.ts';

const T = 1_700_000_000_000;
const direct: EventState = {
  eventId: 'e1', accountId: 'a', projectId: 'p', status: 'dead', eventType: null, destination: 'https://old.example.com/hook',
  payload: '{"n":1}', headers: { 'x-k': 'v' }, maxAttempts: 3, priority: 5, createdAt: T, undelivered: [],
};
const fanOut: EventState = {
  ...direct, eventId: 'e2', eventType: 'order.created', destination: null, status: 'failed',
  undelivered: [{ endpointId: 'ep2', url: 'https://b.example.com/hook' }],
};
const codeOf = (f: () => unknown) => { try { f(); return 'ok'; } catch (err) { return err instanceof DomainError ? err.code : 'thrown'; } };

describe('decideEdit', () => {
  it('given a dead direct event, when its destination, payload and headers are edited, then one EventEdited carries them', () => {
    expect(decideEdit(direct, { destination: 'https://new.example.com/hook', payload: { n: 2 }, headers: { 'x-k': 'w' } }, T + 1)).toEqual({
      type: 'EventEdited', eventId: 'e1', accountId: 'a', projectId: 'p', destination: 'https://new.example.com/hook',
      payload: '{"n":2}', headers: { 'x-k': 'w' }, editedAt: T + 1,
    });
  });
  it('given an event still in flight, when edited, then INVALID_STATE: only failed or dead events change', () => {
    for (const status of ['queued', 'delivering', 'delivered'] as const) expect(codeOf(() => decideEdit({ ...direct, status }, { payload: {} }, T))).toBe('INVALID_STATE');
  });
  it('given a fan-out event, when its destination is edited, then VALIDATION_ERROR: its endpoints decide where it goes', () => {
    expect(codeOf(() => decideEdit(fanOut, { destination: 'https://x.example.com' }, T))).toBe('VALIDATION_ERROR');
  });
  it('given a destination that is not http(s), when edited, then VALIDATION_ERROR', () => {
    expect(codeOf(() => decideEdit(direct, { destination: 'ftp://x.example.com' }, T))).toBe('VALIDATION_ERROR');
  });
  it('given headers that forge mittr\'s own, when edited, then VALIDATION_ERROR', () => {
    expect(codeOf(() => decideEdit(direct, { headers: { 'X-Mittr-Signature': 'v1,forged' } }, T))).toBe('VALIDATION_ERROR');
  });
  it('given nothing to change, when edited, then no event', () => {
    expect(decideEdit(direct, {}, T)).toBeNull();
  });
});

describe('decideReplay', () => {
  it('given a dead direct event, when replayed, then its destination is queued again with the same event', () => {
    expect(decideReplay(direct, T + 5)).toMatchObject({
      type: 'EventReplayed', eventId: 'e1', targets: [{ endpointId: null, url: 'https://old.example.com/hook' }],
      payload: '{"n":1}', maxAttempts: 3, createdAt: T, replayedAt: T + 5,
    });
  });
  it('given a fan-out event, when replayed, then only the undelivered endpoints are targeted', () => {
    expect(decideReplay(fanOut, T).targets).toEqual([{ endpointId: 'ep2', url: 'https://b.example.com/hook' }]);
  });
  it('given a delivered event, when replayed, then INVALID_STATE', () => {
    expect(codeOf(() => decideReplay({ ...direct, status: 'delivered' }, T))).toBe('INVALID_STATE');
  });
  it('given an edit, when replayed in the same request, then the edited event is what is sent', () => {
    const edit = decideEdit(direct, { destination: 'https://new.example.com/hook', payload: { n: 2 } }, T);
    expect(decideReplay(applyEdit(direct, edit), T)).toMatchObject({
      destination: 'https://new.example.com/hook', payload: '{"n":2}', targets: [{ endpointId: null, url: 'https://new.example.com/hook' }],
    });
  });
});
