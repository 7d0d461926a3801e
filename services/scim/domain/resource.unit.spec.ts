import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { applyPatch } from './patch.ts';
import { matches, parseFilter } from './filter.ts';
import { readUser, toResource, type ScimUser } from './resource.ts';

const scimType = (fn: () => unknown) => { try { fn(); return 'no error'; } catch (err) { return err instanceof DomainError ? err.details?.scimType : err; } };
const bea: ScimUser = {
  accountId: 'a', scimId: 's1', userId: 'u1', userName: 'bea@x.io', externalId: 'ext', active: true, role: 'editor', version: 1, created: 0, lastModified: 0,
  attributes: { name: { givenName: 'Bea', familyName: 'Arthur' }, emails: [{ value: 'bea@x.io', type: 'work', primary: true }, { value: 'b@home.io', type: 'home' }] },
};
const op = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

describe('SCIM User resource', () => {
  it('reads names case-insensitively, keeps only the RFC attributes (never a password), takes the e-mail and role', () => {
    const u = readUser({ UserName: 'Ada@X.io', ACTIVE: 'False', password: 'p', roles: [{ value: 'Admin' }], costCenter: 1 });
    expect(u).toEqual({ userName: 'Ada@X.io', externalId: null, active: false, role: 'admin', email: 'ada@x.io', attributes: { roles: [{ value: 'Admin' }] } });
  });
  it('refuses what is no User with the scimType that says why', () => {
    expect(scimType(() => readUser('x'))).toBe('invalidSyntax');
    expect(scimType(() => readUser({ schemas: ['urn:other'], userName: 'a@x.io' }))).toBe('invalidSyntax');
    expect(scimType(() => readUser({ userName: '' }))).toBe('invalidValue');
    expect(scimType(() => readUser({ userName: 'plain' }))).toBe('invalidValue');
    expect(scimType(() => readUser({ userName: 'a@x.io', emails: 'a@x.io' }))).toBe('invalidValue');
    expect(scimType(() => readUser({ userName: 'a@x.io', displayName: 'x'.repeat(20_000) }))).toBe('invalidValue');
  });
});

describe('SCIM PATCH (scim-patch)', () => {
  it('replaces with a path, with a value path filter, and without a path (Okta); ops in any case (Azure AD)', () => {
    expect(applyPatch(bea, op({ op: 'replace', path: 'name.givenName', value: 'Beatrice' })).attributes.name).toEqual({ givenName: 'Beatrice', familyName: 'Arthur' });
    expect((applyPatch(bea, op({ op: 'Replace', path: 'emails[type eq "home"].value', value: 'new@home.io' })).attributes.emails as Array<{ value: string }>)[1]!.value).toBe('new@home.io');
    expect(applyPatch(bea, op({ op: 'replace', value: { active: false } })).active).toBe(false);
    expect(applyPatch(bea, op({ op: 'Replace', path: 'active', value: 'False' })).active).toBe(false);
  });
  it('adds and removes', () => {
    expect(applyPatch(bea, op({ op: 'add', path: 'title', value: 'CTO' })).attributes.title).toBe('CTO');
    expect(applyPatch(bea, op({ op: 'remove', path: 'emails[type eq "home"]' })).attributes.emails).toEqual([{ value: 'bea@x.io', type: 'work', primary: true }]);
  });
  it('refuses a malformed PatchOp as a 400, never a throw of its own', () => {
    for (const body of [{}, op(), op({ op: 'explode', path: 'active' }), op({ op: 'remove' }), { Operations: [{ op: 'add', value: {} }] }, op({ op: 'replace', path: 'emails[type eq', value: 1 })]) {
      expect(typeof scimType(() => applyPatch(bea, body))).toBe('string');
    }
  });
});

describe('SCIM filter (scim2-parse-filter)', () => {
  const r = toResource(bea, '');
  const test = (f: string) => matches(parseFilter(f))(r);
  it('evaluates the operators, and/or/not and value paths, strings case-insensitively', () => {
    expect(test('userName eq "BEA@X.IO"')).toBe(true);
    expect(test('userName ne "bea@x.io"')).toBe(false);
    expect(test('name.familyName sw "arth" and name.givenName ew "EA"')).toBe(true);
    expect(test('emails[type eq "home" and value co "HOME"]')).toBe(true);
    expect(test('externalId pr and not (active eq false)')).toBe(true);
    expect(test('meta.version gt "W/\\"0\\"" or userName eq "x"')).toBe(true);
    expect(test('title pr')).toBe(false);
  });
  it('refuses what the parser cannot read as invalidFilter', () => {
    for (const f of ['userName xx "a"', '((userName eq "a"', 'userName eq', '', 'a'.repeat(1_001)]) expect(scimType(() => parseFilter(f))).toBe('invalidFilter');
  });
});
