import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './pagination.ts';

const id = '00000000-0000-4000-8000-000000000000';
const raw = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('list cursors', () => {
  it('given a cursor mittr made, reads back its position', () => {
    expect(decodeCursor(encodeCursor(1_700_000_000_000, id))).toEqual([1_700_000_000_000, id]);
  });

  it('given a time Postgres cannot hold or that is no integer, answers not ours (null) instead of a query that fails', () => {
    for (const t of [1e20, -1e15, 8.64e15 + 1, 1.5, Number.MAX_SAFE_INTEGER + 2, '1', null]) expect(decodeCursor(raw([t, id]))).toBeNull();
  });

  it('given garbage, answers null', () => {
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor(raw([1, 'not-a-uuid']))).toBeNull();
  });
});
