import { describe, expect, it } from 'vitest';
import { decideSamlLogin, decideSocialLogin, SsoRefused, type Known } from './login.ts';
import type { SsoSettings } from './settings.ts';

const T = 1_700_000_000_000;
let n = 0;
const deps = { now: T, newId: () => `id-${++n}` };
const settings = (over: Partial<SsoSettings> = {}): SsoSettings => ({
  accountId: 'acme', version: 1, slug: 'okta', idpEntityId: 'https://idp', idpSsoUrl: 'https://idp/sso', idpCertificates: ['MIIB'],
  allowedDomains: ['acme.test'], enforced: false, provisioning: true, defaultRole: 'viewer', createdAt: T, updatedAt: T, removed: false, ...over,
});
const known = (over: Partial<Known> = {}): Known => ({ user: undefined, memberships: [], claimed: undefined, enforces: () => false, signupAllowed: true, ...over });
const id = { email: 'Ann@Acme.test', emailVerified: true };
const reason = (f: () => unknown) => { try { f(); } catch (e) { return e instanceof SsoRefused ? e.reason : e; } return undefined; };

describe('social sign-in decider', () => {
  it('given an unverified e-mail, then refused whoever it is', () => {
    expect(reason(() => decideSocialLogin({ ...id, emailVerified: false }, known(), deps))).toBe('email_not_verified');
  });

  it('given a member, then a session in the claiming workspace if a member of it, else the oldest membership', () => {
    const memberships = [{ accountId: 'old', role: 'admin' as const }, { accountId: 'acme', role: 'editor' as const }];
    expect(decideSocialLogin(id, known({ user: { userId: 'u' }, memberships, claimed: settings() }), deps))
      .toEqual({ kind: 'session', accountId: 'acme', userId: 'u', role: 'editor', events: [] });
    expect(decideSocialLogin(id, known({ user: { userId: 'u' }, memberships }), deps)).toMatchObject({ accountId: 'old', role: 'admin' });
  });

  it('given a member of enforcing workspaces only, then refused: SSO is enforced', () => {
    const memberships = [{ accountId: 'acme', role: 'editor' as const }];
    expect(reason(() => decideSocialLogin(id, known({ user: { userId: 'u' }, memberships, enforces: () => true }), deps))).toBe('sso_enforced');
  });

  it('given an unknown e-mail of a provisioning workspace\'s domain, then a new verified user joins it with the default role', () => {
    const out = decideSocialLogin(id, known({ claimed: settings() }), deps);
    expect(out).toMatchObject({ kind: 'session', accountId: 'acme', role: 'viewer' });
    expect(out.kind === 'session' && out.events.map((e) => e.type)).toEqual(['UserRegistered', 'UserEmailVerified', 'MemberAdded']);
    expect(out.kind === 'session' && out.events[0]).toMatchObject({ email: 'ann@acme.test', passwordHash: '' });
  });

  it('given an unknown e-mail of a workspace that does not provision or enforces, then refused', () => {
    expect(reason(() => decideSocialLogin(id, known({ claimed: settings({ provisioning: false }) }), deps))).toBe('not_member');
    expect(reason(() => decideSocialLogin(id, known({ claimed: settings({ enforced: true }) }), deps))).toBe('sso_enforced');
  });

  it('given an unknown e-mail no workspace claims, then a signup when the deployment allows it', () => {
    expect(decideSocialLogin(id, known(), deps)).toEqual({ kind: 'signup' });
    expect(reason(() => decideSocialLogin(id, known({ signupAllowed: false }), deps))).toBe('no_workspace');
  });
});

describe('SAML sign-in decider', () => {
  it('given an e-mail outside the allowed domains, then refused', () => {
    expect(reason(() => decideSamlLogin({ ...id, email: 'eve@evil.test' }, known(), settings(), deps))).toBe('domain_not_allowed');
  });

  it('given a member, then a session with their role; given a stranger, then provisioned or refused', () => {
    const member = known({ user: { userId: 'u' }, memberships: [{ accountId: 'acme', role: 'admin' }] });
    expect(decideSamlLogin(id, member, settings(), deps)).toEqual({ kind: 'session', accountId: 'acme', userId: 'u', role: 'admin', events: [] });
    expect(decideSamlLogin(id, known({ user: { userId: 'u' } }), settings(), deps)).toMatchObject({ userId: 'u', events: [{ type: 'MemberAdded', role: 'viewer' }] });
    expect(reason(() => decideSamlLogin(id, known(), settings({ provisioning: false }), deps))).toBe('not_member');
  });
});
