import { describe, expect, it } from 'vitest';
import { nameTakeover } from './name-takeover.ts';

describe('nameTakeover', () => {
  it('given the name held by a deleted event type, when creating, then it is taken at once', () => {
    expect(nameTakeover({ deleted: true })).toBe('now');
  });
  it('given the name held by one never seen created, when creating, then it is taken only once abandoned', () => {
    expect(nameTakeover(undefined)).toBe('if-abandoned');
  });
  it('given the name held by a live event type, when creating, then it is never taken', () => {
    expect(nameTakeover({ deleted: false })).toBe('never');
  });
});
