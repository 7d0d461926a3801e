import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decideCreateKey, decideRevokeKey } from './api-keys.ts';

const T = 1_700_000_000_000;
const deps = { now: T, newId: () => 'k2' };
const secret = { hash: 'h', prefix: 'mtr_abcd' };
const codeOf = (fn: () => unknown) => {
  try { fn(); return 'no error'; } catch (err) { return err instanceof DomainError ? { code: err.code, message: err.message } : err; }
};

describe('API key decider', () => {
  it('given a name and scopes, when created, then ApiKeyCreated with the sorted scopes, limit and expiry', () => {
    expect(decideCreateKey('a', { name: ' CI ', scopes: ['events:write', 'endpoints:read', 'events:write'], rateLimit: 1000, expiresAt: '2030-01-01T00:00:00Z' }, secret, deps))
      .toEqual({ type: 'ApiKeyCreated', accountId: 'a', keyId: 'k2', name: 'CI', keyHash: 'h', prefix: 'mtr_abcd', createdAt: T,
        scopes: ['endpoints:read', 'events:write'], rateLimit: 1000, expiresAt: Date.parse('2030-01-01T00:00:00Z'), projectId: null });
  });
  it('given no scopes, when created, then the key holds every scope (*), as the first key does', () => {
    expect(decideCreateKey('a', { name: 'all' }, secret, deps)).toMatchObject({ scopes: ['*'], rateLimit: null, expiresAt: null });
    expect(decideCreateKey('a', { name: 'all', scopes: ['events:read', '*'] }, secret, deps).scopes).toEqual(['*']);
  });
  it('given an unknown scope, an empty name, a bad limit and a past expiry, when created, then VALIDATION_ERROR naming each', () => {
    const refused = codeOf(() => decideCreateKey('a', { name: ' ', scopes: ['events:delete'], rateLimit: 0, expiresAt: new Date(T - 1).toISOString() }, secret, deps));
    expect(refused).toMatchObject({ code: 'VALIDATION_ERROR' });
    const message = (refused as { message: string }).message;
    for (const part of ['name', 'events:delete', 'rateLimit', 'expiresAt']) expect(message).toContain(part);
    expect(codeOf(() => decideCreateKey('a', { name: 'x', scopes: [] }, secret, deps))).toMatchObject({ code: 'VALIDATION_ERROR' });
  });
  it('given one of the workspace\'s projects, when created, then bound to it; another project, NOT_FOUND', () => {
    expect(decideCreateKey('a', { name: 'p', projectId: 'p2' }, secret, deps, ['p1', 'p2']).projectId).toBe('p2');
    expect(codeOf(() => decideCreateKey('a', { name: 'p', projectId: 'p9' }, secret, deps, ['p1', 'p2']))).toMatchObject({ code: 'NOT_FOUND' });
  });
  it('given two working keys, when one is revoked, then ApiKeyRevoked', () => {
    expect(decideRevokeKey('a', [{ keyId: 'k1', expiresAt: null }, { keyId: 'k2', expiresAt: null }], 'k1', T))
      .toEqual({ type: 'ApiKeyRevoked', accountId: 'a', keyId: 'k1', revokedAt: T });
  });
  it('given an unknown or already revoked key, when revoked, then NOT_FOUND', () => {
    expect(codeOf(() => decideRevokeKey('a', [{ keyId: 'k1', expiresAt: null }], 'k9', T))).toMatchObject({ code: 'NOT_FOUND' });
  });
  it('given the last working key (the others expired), when revoked, then INVALID_STATE; an expired one may go', () => {
    const keys = [{ keyId: 'k1', expiresAt: null }, { keyId: 'old', expiresAt: T - 1 }];
    expect(codeOf(() => decideRevokeKey('a', keys, 'k1', T))).toMatchObject({ code: 'INVALID_STATE' });
    expect(decideRevokeKey('a', keys, 'old', T)).toMatchObject({ type: 'ApiKeyRevoked', keyId: 'old' });
  });
});
