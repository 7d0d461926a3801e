import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../platform/domain/errors.ts';
import { assertActive, decide } from './decide.ts';
import { evolve, type SubAccountState } from './evolve.ts';
import { sessionTerms, EXCHANGE_TTL_MS } from './session.ts';

const T = 1_700_000_000_000;
const ids = { subAccountId: '5b0f7c2e-1d3a-4e5f-8a9b-0c1d2e3f4a5b', accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const given = (...cmds: Parameters<typeof decide>[1][]): SubAccountState | undefined =>
  cmds.reduce<SubAccountState | undefined>((s, c, n) => decide(s, c, T + n).reduce(evolve, s), undefined);
const create = { type: 'Create' as const, ...ids, input: { name: 'Acme Customer Inc.', subID: 'cust_abc123', metadata: { tier: 'enterprise' }, allowedOrigins: ['https://app.example.com'] } };
const code = (fn: () => unknown) => { try { fn(); } catch (err) { return (err as DomainError).code; } return 'none'; };

describe('sub-account decider', () => {
  it('given nothing, when created, then SubAccountCreated v1 with metadata as JSON text', () => {
    expect(decide(undefined, create, T)).toEqual([{ type: 'SubAccountCreated', ...ids, version: 1, at: T,
      definition: { name: 'Acme Customer Inc.', subID: 'cust_abc123', metadata: '{"tier":"enterprise"}', allowedOrigins: ['https://app.example.com'], portalTheme: null } }]);
  });
  it('given a create without name or subID, or with a bad origin, then VALIDATION_ERROR naming each problem', () => {
    expect(code(() => decide(undefined, { ...create, input: { name: 'x' } }, T))).toBe('VALIDATION_ERROR');
    for (const o of ['https://app.example.com/path', 'ftp://x.example', '*', 'https://a.example:99999']) {
      expect(code(() => decide(undefined, { ...create, input: { ...create.input, allowedOrigins: [o] } }, T)), o).toBe('VALIDATION_ERROR');
    }
    expect(code(() => decide(undefined, { ...create, input: { ...create.input, allowedOrigins: ['http://localhost:5173'] } }, T))).toBe('none');
  });
  it('given a sub-account, when updated with the same values, then no event; with a new name, then v2', () => {
    const s = given(create)!;
    expect(decide(s, { type: 'Update', input: { name: 'Acme Customer Inc.' } }, T + 5)).toEqual([]);
    const [e] = decide(s, { type: 'Update', input: { name: 'Acme (renamed)' } }, T + 5);
    expect(e).toMatchObject({ type: 'SubAccountUpdated', version: 2, definition: { name: 'Acme (renamed)', subID: 'cust_abc123' } });
  });
  it('given a deactivated sub-account, when changed or deactivated again, then NOT_FOUND; events for it are refused, INVALID_STATE', () => {
    const s = given(create, { type: 'Deactivate' })!;
    expect(s).toMatchObject({ deleted: true, version: 2 });
    expect(code(() => decide(s, { type: 'Update', input: { name: 'y' } }, T))).toBe('NOT_FOUND');
    expect(code(() => decide(s, { type: 'Deactivate' }, T))).toBe('NOT_FOUND');
    expect(code(() => assertActive(s, ids))).toBe('INVALID_STATE');
  });
  it('given another workspace\'s or project\'s sub-account, then NOT_FOUND', () => {
    const s = given(create)!;
    expect(assertActive(s, ids)).toBe(s);
    expect(code(() => assertActive(s, { ...ids, accountId: ids.projectId }))).toBe('NOT_FOUND');
    expect(code(() => assertActive(s, { ...ids, projectId: ids.accountId }))).toBe('NOT_FOUND');
    expect(code(() => assertActive(undefined, ids))).toBe('NOT_FOUND');
  });
});

describe('portal session terms', () => {
  it('given no ttl, then a one-hour session whose exchange token expires in 10 minutes', () => {
    expect(sessionTerms({ returnURL: 'https://app.example.com/integrations' }, ['https://app.example.com'], T))
      .toEqual({ returnUrl: 'https://app.example.com/integrations', ttlSeconds: 3_600, exchangeExpiresAt: T + EXCHANGE_TTL_MS });
  });
  it('given a returnURL off the allowed origins, a bad URL or a ttl out of range, then VALIDATION_ERROR', () => {
    expect(code(() => sessionTerms({ returnURL: 'https://evil.example/x' }, ['https://app.example.com'], T))).toBe('VALIDATION_ERROR');
    expect(code(() => sessionTerms({ returnURL: 'javascript:alert(1)' }, [], T))).toBe('VALIDATION_ERROR');
    expect(code(() => sessionTerms({ returnURL: 'https://a.example', ttlSeconds: 59 }, [], T))).toBe('VALIDATION_ERROR');
    expect(code(() => sessionTerms({ returnURL: 'https://a.example', ttlSeconds: 86_401 }, [], T))).toBe('VALIDATION_ERROR');
    expect(sessionTerms({ returnURL: 'https://a.example', ttlSeconds: 600 }, [], T).ttlSeconds).toBe(600);
  });
});
