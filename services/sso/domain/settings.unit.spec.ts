import { describe, expect, it } from 'vitest';
import { decideConfigure, decideRemove, evolve, type ConfigureSso, type SsoSettings } from './settings.ts';

const A = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
const T = 1_700_000_000_000;
const input: ConfigureSso = {
  slug: 'okta', idpEntityId: 'https://idp.example.com', idpSsoUrl: 'https://idp.example.com/sso', idpCertificates: ['MIIB'],
  allowedDomains: ['Example.COM', 'example.com.'], enforced: true, provisioning: true, defaultRole: 'viewer',
};
const given = (...inputs: ConfigureSso[]): SsoSettings | undefined =>
  inputs.reduce<SsoSettings | undefined>((s, i, n) => evolve(s, decideConfigure(A, s, i, T + n)), undefined);

describe('SSO settings decider', () => {
  it('given none, when configured, then version 1 with its domains normalized', () => {
    const e = decideConfigure(A, undefined, input, T);
    expect(e).toMatchObject({ type: 'SsoConfigured', accountId: A, version: 1, allowedDomains: ['example.com'], enforced: true });
  });

  it('given settings, when configured again, then the next version, created when first configured', () => {
    const s = given(input, { ...input, enforced: false });
    expect(s).toMatchObject({ version: 2, enforced: false, createdAt: T, updatedAt: T + 1, removed: false });
  });

  it('when enforcing with no domain, or with no certificate, or an http SSO URL off loopback, then a validation error', () => {
    expect(() => decideConfigure(A, undefined, { ...input, allowedDomains: [] }, T)).toThrow(/at least one allowed domain/);
    expect(() => decideConfigure(A, undefined, { ...input, idpCertificates: [] }, T)).toThrow(/certificate/);
    expect(() => decideConfigure(A, undefined, { ...input, idpSsoUrl: 'http://idp.example.com/sso' }, T)).toThrow(/https/);
    expect(() => decideConfigure(A, undefined, { ...input, allowedDomains: ['not a domain'] }, T)).toThrow(/not a domain/);
    expect(decideConfigure(A, undefined, { ...input, idpSsoUrl: 'http://127.0.0.1:4000/sso' }, T).version).toBe(1);
  });

  it('given settings, when removed, then removed and no longer enforced; a second removal is not found', () => {
    const s = evolve(given(input), decideRemove(A, given(input), T + 5));
    expect(s).toMatchObject({ removed: true, enforced: false, version: 2 });
    expect(() => decideRemove(A, s, T + 6)).toThrow(/no SSO settings/);
    expect(decideConfigure(A, s, input, T + 7).version).toBe(3);
  });
});
