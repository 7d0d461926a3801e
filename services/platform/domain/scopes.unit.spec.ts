import { describe, expect, it } from 'vitest';
import { allows, SCOPES } from './scopes.ts';

describe('scopes', () => {
  it('given *, when any operation, then allowed', () => {
    for (const s of SCOPES) expect(allows(['*'], s)).toBe(true);
  });
  it('given a scope, when the operation needs it, then allowed; another one, refused', () => {
    expect(allows(['events:write', 'endpoints:read'], 'events:write')).toBe(true);
    expect(allows(['events:write', 'endpoints:read'], 'endpoints:read')).toBe(true);
    expect(allows(['events:write', 'endpoints:read'], 'endpoints:write')).toBe(false);
  });
  it('given a write scope, when reading, then refused: writing does not include reading', () => {
    expect(allows(['events:write'], 'events:read')).toBe(false);
  });
  it('given no scope, when anything, then refused', () => {
    expect(allows([], 'events:read')).toBe(false);
  });
  it('names one read and one write scope per resource, plus *', () => {
    expect(SCOPES).toContain('event-types:write');
    expect(SCOPES).toEqual(expect.arrayContaining(['connectors:read', 'connectors:write', 'alerting:read', 'alerting:write']));
    expect(SCOPES.filter((s) => s.endsWith(':read')).length).toBe(SCOPES.filter((s) => s.endsWith(':write')).length);
  });
});
