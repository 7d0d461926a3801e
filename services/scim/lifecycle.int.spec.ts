import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSmtp } from '../../test/support/smtp.ts';
import { startMittr } from '../mittr.ts';

const password = 'correct horse battery';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const newEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.test`;
type Call = ReturnType<typeof api>;

/** An identity provider's client: the SCIM token as a bearer, bodies as application/scim+json. */
const idp = (base: string, token: string) => (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  api(base)(method, `/scim/v2${path}`, body, { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers });

/** The SCIM 2.0 lifecycle over HTTP against a live mittr, on the real Kafka and Postgres, as Okta and Azure AD drive it. */
describe('SCIM provisioning', () => {
  const smtp = new RecordingSmtp();
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let base: string;
  let admin: Call;
  let scim: ReturnType<typeof idp>;
  let token: string;

  const workspace = async () => {
    const res = await api(base)('POST', '/auth/signup', { email: newEmail('owner'), password, companyName: 'Acme' });
    expect(res.status).toBe(201);
    const key = api(base, res.body.apiKey);
    const issued = await key('POST', '/api/v1/scim/tokens', { name: 'okta' });
    expect(issued).toMatchObject({ status: 201, body: { name: 'okta', token: expect.stringMatching(/^scim_/) } });
    return { key, token: issued.body.token as string, tokenId: issued.body.id as string };
  };
  const login = async (email: string, pw = password) => {
    const res = await api(base)('POST', '/auth/login', { email, password: pw });
    const cookie = /mittr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    return { status: res.status, cookie: `mittr_session=${cookie}`, as: (method: string, path: string, body?: unknown) =>
      api(base)(method, path, body, { cookie: `mittr_session=${cookie}`, 'x-csrf-token': String(res.body?.csrfToken) }) };
  };
  /** A provisioned user sets a password the way any user resets one: no invitation was mailed. */
  const setPassword = async (email: string) => {
    expect((await api(base)('POST', '/auth/forgot-password', { email })).status).toBe(202);
    const mail = await smtp.waitFor((m) => m.to.includes(email) && /reset-password\?token=/.test(m.text));
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect((await api(base)('POST', '/auth/reset-password', { token, newPassword: password })).status).toBe(200);
  };
  const expectScimError = (res: { status: number; body: any; headers: Headers }, status: number, scimType?: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- SCIM JSON
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({ schemas: [ERROR], status: String(status), detail: expect.any(String) });
    if (scimType) expect(res.body.scimType).toBe(scimType);
  };

  beforeAll(async () => {
    await smtp.start();
    env = await startTestMittr(isolatedConfig({ SMTP_URL: smtp.url, MITTR_SIGNUP_PLAN: 'scale', MITTR_PUBLIC_URL: 'https://mittr.example.test' }));
    base = env.url;
    const ws = await workspace();
    admin = ws.key;
    token = ws.token;
    scim = idp(base, token);
  });
  afterAll(async () => {
    await env?.stop();
    await smtp.stop();
  });

  it('serves discovery: ServiceProviderConfig, ResourceTypes and Schemas, as application/scim+json', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    expect(spc.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(spc.body).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true }, bulk: { supported: false } });
    expect((await scim('GET', '/ResourceTypes')).body.Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users', schema: USER })]);
    const schemas = (await scim('GET', '/Schemas')).body.Resources;
    expect(schemas[0].id).toBe(USER);
    expect(schemas[0].attributes.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['userName', 'active', 'emails', 'roles']));
    expect((await scim('GET', '/ResourceTypes/User')).body).toMatchObject({ id: 'User', schema: USER });
    expect((await scim('GET', `/Schemas/${USER}`)).body).toMatchObject({ id: USER, name: 'User' });
    expectScimError(await scim('GET', '/ResourceTypes/Group'), 404);
    expectScimError(await scim('GET', '/Schemas/urn:nope'), 404);
    // Refused by the router before any SCIM route runs, still in RFC 7644's body (an ErrorDialect).
    expectScimError(await scim('GET', `/ResourceTypes/${'x'.repeat(400)}`), 404);
    expectScimError(await scim('GET', '/Schemas/%E0%A4%A'), 400);
    // Outside /scim/v2 the same refusal is mittr's {error, code}.
    const plain = await admin('GET', `/api/v1/endpoints/${'x'.repeat(400)}`);
    expect(plain.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('creates, finds by filter, patches, deactivates (access ends within 1 s), reactivates and deletes a User', async () => {
    const email = newEmail('bea');
    const created = await scim('POST', '/Users', {
      schemas: [USER], userName: email, externalId: 'okta-00u1', name: { givenName: 'Bea', familyName: 'Arthur' },
      emails: [{ value: email, type: 'work', primary: true }], roles: [{ value: 'admin', primary: true }], active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ userName: email, active: true, meta: { resourceType: 'User', version: 'W/"1"', location: `https://mittr.example.test/scim/v2/Users/${id}` } });
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(smtp.received.filter((m) => m.to.includes(email))).toEqual([]); // no invitation
    expect((await admin('GET', '/api/v1/team')).body.data).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'admin' })]));
    expect(await scim('POST', '/Users', { schemas: [USER], userName: email.toUpperCase() })).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });

    // Found by filter, case-insensitively, with the other operators and logic the parser gives.
    const find = async (filter: string) => (await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)).body;
    expect(await find(`userName eq "${email.toUpperCase()}"`)).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    expect((await find(`emails[type eq "work" and value co "bea-"] and active eq true`)).Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await find(`externalId eq "okta-00u1" or userName sw "nobody"`)).totalResults).toBe(1);
    expect((await find(`not (name.givenName eq "Bea")`)).totalResults).toBe(0);
    expect((await find('userName eq "nobody@example.test"'))).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await scim('GET', '/Users?startIndex=2&count=1')).body).toMatchObject({ startIndex: 2, itemsPerPage: 0 });
    expect((await scim('GET', '/Users?count=0')).body).toMatchObject({ totalResults: 1, itemsPerPage: 0 });

    // Their own session and an API key they created work while they are active.
    await setPassword(email);
    const bea = await login(email);
    expect(bea.status).toBe(200);
    const made = await bea.as('POST', '/api/v1/api-keys', { name: 'bea-ci' });
    expect(made.status).toBe(201);
    const beaKey = api(base, made.body.key);
    expect((await beaKey('GET', '/api/v1/team')).status).toBe(200);
    expect((await bea.as('GET', '/api/v1/team')).status).toBe(200);

    // PATCH with a path (If-Match: a stale version is 412).
    const rename = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'name.givenName', value: 'Beatrice' }] };
    expectScimError(await scim('PATCH', `/Users/${id}`, rename, { 'if-match': 'W/"7"' }), 412);
    const renamed = await scim('PATCH', `/Users/${id}`, rename, { 'if-match': 'W/"1"' });
    expect(renamed).toMatchObject({ status: 200, body: { name: { givenName: 'Beatrice', familyName: 'Arthur' }, meta: { version: 'W/"2"' } } });

    // Deactivation as Okta sends it (no path): the session and the key stop working at once.
    const started = performance.now();
    const off = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(off).toMatchObject({ status: 200, body: { active: false } });
    let refused = false;
    while (!refused && performance.now() - started < 5_000) {
      refused = (await beaKey('GET', '/api/v1/team')).status === 401 && (await bea.as('GET', '/api/v1/team')).status === 401;
    }
    const elapsedMs = performance.now() - started;
    console.log(`SCIM deactivation: session and API key refused ${elapsedMs.toFixed(0)} ms after the PATCH was sent`);
    expect(refused).toBe(true);
    expect(elapsedMs).toBeLessThan(1_000);
    expect((await admin('GET', '/api/v1/team')).body.data.map((m: { email: string }) => m.email)).not.toContain(email);
    // The keys read model shows the revocation too.
    const keys = await eventually(async () => {
      const rows = (await admin('GET', '/api/v1/api-keys')).body.data as Array<{ name: string; isActive: boolean }>;
      return rows.some((k) => k.name === 'bea-ci' && !k.isActive) && rows;
    }, 5_000);
    expect(keys.find((k) => k.name === 'default')!.isActive).toBe(true);

    // Reactivation as Azure AD sends it ("Replace", active as a string): a member again, with a new login; the old session and key stay dead.
    const on = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
    expect(on).toMatchObject({ status: 200, body: { active: true } });
    expect((await admin('GET', '/api/v1/team')).body.data).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'admin' })]));
    expect((await bea.as('GET', '/api/v1/team')).status).toBe(401);
    expect((await beaKey('GET', '/api/v1/team')).status).toBe(401);
    expect((await (await login(email)).as('GET', '/api/v1/team')).status).toBe(200);

    // A rename to a userName another User holds is refused; a rename frees the old name.
    const taken = await scim('POST', '/Users', { schemas: [USER], userName: newEmail('taken') });
    expect(await scim('PUT', `/Users/${id}`, { schemas: [USER], userName: taken.body.userName.toUpperCase(), emails: [{ value: email }] })).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    expect((await scim('DELETE', `/Users/${taken.body.id}`)).status).toBe(204);
    expect((await scim('POST', '/Users', { schemas: [USER], userName: taken.body.userName })).status).toBe(201);

    // PUT replaces; remove drops an attribute.
    const put = await scim('PUT', `/Users/${id}`, { schemas: [USER], userName: email, displayName: 'B. Arthur', emails: [{ value: email }], roles: [{ value: 'viewer' }] });
    expect(put).toMatchObject({ status: 200, body: { displayName: 'B. Arthur', active: true } });
    expect(put.body.name).toBeUndefined();
    expect((await admin('GET', '/api/v1/team')).body.data).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'viewer' })]));
    const dropped = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'displayName' }] });
    expect(dropped.status).toBe(200);
    expect(dropped.body.displayName).toBeUndefined();

    // Delete: the membership ends, the resource is gone.
    const version = dropped.body.meta.version as string;
    expectScimError(await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': 'W/"1"' }), 412);
    expect((await scim('DELETE', `/Users/${id}`, undefined, { 'if-match': version })).status).toBe(204);
    expectScimError(await scim('GET', `/Users/${id}`), 404);
    expect((await find(`userName eq "${email}"`)).totalResults).toBe(0);
    expect((await admin('GET', '/api/v1/team')).body.data.map((m: { email: string }) => m.email)).not.toContain(email);
  });

  it('ends a deactivated member\'s session and API key on another API process within 1 s (it folds the events from the log)', async () => {
    const other = await startMittr({ ...env.config }, ['api']);
    try {
      const email = newEmail('eve');
      const created = await scim('POST', '/Users', { schemas: [USER], userName: email, roles: [{ value: 'admin' }] });
      expect(created.status).toBe(201);
      await setPassword(email);
      const eve = await login(email);
      const key = (await eve.as('POST', '/api/v1/api-keys', { name: 'eve-ci' })).body.key as string;
      // The same cookie and key, sent to the other process.
      const viaOther = (headers: Record<string, string>) => api(other.url!)('GET', '/api/v1/team', undefined, headers);
      const keyThere = () => viaOther({ 'x-api-key': key });
      await eventually(async () => (await keyThere()).status === 200, 10_000);
      const sessionThere = () => viaOther({ cookie: eve.cookie });
      expect((await sessionThere()).status).toBe(200);
      const started = performance.now();
      expect((await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(200);
      let refused = false;
      while (!refused && performance.now() - started < 5_000) {
        refused = (await keyThere()).status === 401 && (await sessionThere()).status === 401;
        if (!refused) await new Promise((r) => setTimeout(r, 20));
      }
      const elapsedMs = performance.now() - started;
      console.log(`SCIM deactivation on another API process: session and API key refused ${elapsedMs.toFixed(0)} ms after the PATCH was sent`);
      expect(refused).toBe(true);
      expect(elapsedMs).toBeLessThan(1_000);

      // Two processes provisioning one userName at the same instant: the reservation lets one through.
      const twin = newEmail('twin');
      const both = await Promise.all([scim, idp(other.url!, token)].map((client) => client('POST', '/Users', { schemas: [USER], userName: twin })));
      expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(both.find((r) => r.status === 409)!.body.scimType).toBe('uniqueness');
    } finally {
      await other.stop();
    }
  });

  it('keeps each workspace\'s Users to its own token: another workspace\'s ids are 404', async () => {
    const mine = await scim('POST', '/Users', { schemas: [USER], userName: newEmail('cy') });
    expect(mine.status).toBe(201);
    const other = idp(base, (await workspace()).token);
    expect((await other('GET', '/Users')).body).toMatchObject({ totalResults: 0, Resources: [] });
    expect((await other('GET', `/Users?filter=${encodeURIComponent(`userName eq "${mine.body.userName}"`)}`)).body.totalResults).toBe(0);
    expectScimError(await other('GET', `/Users/${mine.body.id}`), 404);
    expectScimError(await other('PATCH', `/Users/${mine.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] }), 404);
    expectScimError(await other('DELETE', `/Users/${mine.body.id}`), 404);
    expect((await scim('GET', `/Users/${mine.body.id}`)).body.active).toBe(true);
    // The same userName is free in another workspace (names are reserved per workspace).
    expect((await other('POST', '/Users', { schemas: [USER], userName: mine.body.userName })).status).toBe(201);
  });

  it('answers malformed filters and bodies as SCIM 400s, never a 500', async () => {
    const { body: user } = await scim('POST', '/Users', { schemas: [USER], userName: newEmail('dee') });
    expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('userName xx "a"')}`), 400, 'invalidFilter');
    expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent('((userName eq "a"')}`), 400, 'invalidFilter');
    expectScimError(await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${'a'.repeat(1_100)}"`)}`), 400, 'invalidFilter');
    expectScimError(await scim('GET', '/Users?count=many'), 400);
    expectScimError(await scim('POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
    expectScimError(await scim('POST', '/Users', { schemas: [USER] }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', { schemas: ['urn:nope'], userName: newEmail('x') }), 400, 'invalidSyntax');
    expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: 'no-email-here' }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: newEmail('x'), active: 'maybe' }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', { schemas: [USER], userName: newEmail('x'), roles: [{ value: 'owner' }] }), 400, 'invalidValue');
    expectScimError(await scim('POST', '/Users', [1, 2]), 400);
    expectScimError(await api(base)('POST', '/scim/v2/Users', 'userName=x', { authorization: `Bearer ${(await workspace()).token}`, 'content-type': 'text/plain' }), 415);
    const patch = (ops: unknown) => scim('PATCH', `/Users/${user.id}`, { schemas: [PATCH], Operations: ops });
    expectScimError(await patch([{ op: 'explode', path: 'active', value: false }]), 400);
    expectScimError(await patch([]), 400);
    expectScimError(await patch('nope'), 400);
    expectScimError(await patch([{ op: 'remove' }]), 400);
    expectScimError(await patch([{ op: 'replace', path: 'emails[type eq', value: 'x' }]), 400);
    expectScimError(await scim('PATCH', `/Users/${user.id}`, { Operations: [{ op: 'replace', value: { active: false } }] }), 400);
    expectScimError(await scim('GET', '/Nope'), 404);
    expect((await scim('GET', `/Users/${user.id}`)).body.active).toBe(true);
  });

  it('refuses a revoked token at once, and a missing or unknown one', async () => {
    const ws = await workspace();
    const client = idp(base, ws.token);
    expect((await client('GET', '/Users')).status).toBe(200);
    expect((await ws.key('GET', '/api/v1/scim/tokens')).body.data).toEqual([expect.objectContaining({ id: ws.tokenId, name: 'okta' })]);
    expect((await ws.key('GET', '/api/v1/scim/tokens')).body.data[0].token).toBeUndefined();
    expect((await ws.key('DELETE', `/api/v1/scim/tokens/${ws.tokenId}`)).status).toBe(204);
    expectScimError(await client('GET', '/Users'), 401);
    expectScimError(await idp(base, 'scim_unknown')('GET', '/Users'), 401);
    expectScimError(await api(base)('GET', '/scim/v2/Users'), 401);
    expect(await admin('DELETE', `/api/v1/scim/tokens/${ws.tokenId}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    // The audit log says who issued and revoked it (never the token).
    const lines = await eventually(async () => {
      const data = (await ws.key('GET', '/api/v1/audit-logs?resource=scim_token')).body.data as Array<{ action: string; after: unknown }>;
      return data?.length === 2 && data;
    }, 10_000);
    expect(lines.map((l) => l.action).sort()).toEqual(['scim_token.issued', 'scim_token.revoked']);
    expect(JSON.stringify(lines)).not.toContain(ws.token);
  });

  it('is gated by the plan: a Growth workspace cannot issue a SCIM token (402)', async () => {
    // A second API process of the same deployment, opening accounts on Growth.
    const growth = await startMittr({ ...env.config, signupPlan: 'growth' }, ['api']);
    try {
      const res = await api(growth.url!)('POST', '/auth/signup', { email: newEmail('g'), password, companyName: 'Small' });
      expect(res.status).toBe(201);
      const issued = await api(growth.url!, res.body.apiKey)('POST', '/api/v1/scim/tokens', { name: 'okta' });
      expect(issued).toMatchObject({ status: 402, body: { code: 'QUOTA_EXCEEDED' } });
    } finally {
      await growth.stop();
    }
  });
});
