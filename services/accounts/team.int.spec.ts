import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, isolatedConfig, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSmtp, type ReceivedMail } from '../../test/support/smtp.ts';

const password = 'correct horse battery';
const newEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.test`;
/** The token of the link of `path` in a mail, as a person clicking it would take it. */
const tokenIn = (mail: ReceivedMail, path: string) => {
  const m = new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!m) throw new Error(`no ${path} link in: ${mail.text}`);
  return m[1]!;
};

/** The team and the e-mail flows on the real stack, with mail through a real SMTP server on loopback. */
describe('team, invitations and e-mail flows', () => {
  const smtp = new RecordingSmtp();
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let base: string;
  let admin: ReturnType<typeof api>;
  let ownerEmail: string;

  const login = async (email: string, pw = password) => {
    const res = await api(base)('POST', '/auth/login', { email, password: pw });
    const cookie = /mittr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    return { res, as: (method: string, path: string, body?: unknown) =>
      api(base)(method, path, body, { cookie: `mittr_session=${cookie}`, 'x-csrf-token': String(res.body?.csrfToken) }) };
  };

  beforeAll(async () => {
    await smtp.start();
    env = await startTestMittr(isolatedConfig({ SMTP_URL: smtp.url, MITTR_PUBLIC_URL: 'https://mittr.example.test' }));
    base = env.url;
    ownerEmail = newEmail('owner');
    const signup = await api(base)('POST', '/auth/signup', { email: ownerEmail, password, companyName: 'Acme' });
    expect(signup.status).toBe(201);
    admin = api(base, signup.body.apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await smtp.stop();
  });

  it('mails a verification link at signup; the link verifies the address once', async () => {
    const mail = await smtp.waitFor((m) => m.to.includes(ownerEmail) && m.subject.startsWith('Verify'));
    expect(mail.text).toContain('https://mittr.example.test/verify-email?token=');
    const token = tokenIn(mail, 'verify-email');
    expect(await api(base)('POST', '/auth/verify-email', { token })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await api(base)('POST', '/auth/verify-email', { token })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    const team = await admin('GET', '/api/v1/team');
    expect(team.body.data).toEqual([expect.objectContaining({ email: ownerEmail, role: 'admin', emailVerified: true })]);
  });

  it('invites by e-mail; the invitee sees the invitation, accepts with a new password, and acts with the role', async () => {
    const invitee = newEmail('bea');
    const sent = await admin('POST', '/api/v1/team/invite', { email: invitee, role: 'viewer' });
    expect(sent).toMatchObject({ status: 201, body: { email: invitee, role: 'viewer', status: 'pending' } });
    expect((await admin('GET', '/api/v1/team')).body.invitations).toEqual([expect.objectContaining({ email: invitee, role: 'viewer' })]);
    const token = tokenIn(await smtp.waitFor((m) => m.to.includes(invitee)), 'accept-invite');
    expect(await api(base)('GET', `/auth/invite-status?token=${token}`)).toMatchObject({
      status: 200, body: { workspace: { companyName: 'Acme' }, email: invitee, role: 'viewer', status: 'pending', hasLogin: false },
    });
    const accepted = await api(base)('POST', '/auth/accept-invite', { token, name: 'Bea', password });
    expect(accepted).toMatchObject({ status: 200, body: { role: 'viewer' } });
    expect(await api(base)('POST', '/auth/accept-invite', { token, password })).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });

    const bea = await login(invitee);
    expect(bea.res.body).toMatchObject({ role: 'viewer', workspace: { companyName: 'Acme' } });
    expect((await bea.as('GET', '/api/v1/events')).status).toBe(200);
    expect(await bea.as('POST', '/api/v1/endpoints', { url: 'http://127.0.0.1:9/', eventTypes: ['a'] }))
      .toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_ROLE', requiredRole: 'editor' } });
    expect(await bea.as('POST', '/api/v1/team/invite', { email: newEmail('x'), role: 'admin' })).toMatchObject({ status: 403, body: { requiredRole: 'admin' } });

    // Promoted to editor, the same session may change endpoints.
    const userId = accepted.body.userId as string;
    expect(await admin('PATCH', `/api/v1/team/${userId}`, { role: 'editor' })).toMatchObject({ status: 200, body: { role: 'editor' } });
    expect((await bea.as('POST', '/api/v1/endpoints', { url: 'http://127.0.0.1:9/', eventTypes: ['a'] })).status).toBe(201);
    // Removed, the session ends.
    expect((await admin('DELETE', `/api/v1/team/${userId}`)).status).toBe(204);
    expect((await bea.as('GET', '/api/v1/events')).status).toBe(401);
  });

  it('refuses every operation of the OpenAPI document to a member one role below the one it declares, and lets that role through', async () => {
    const doc = (await api(base)('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { 'x-mittr-role'?: string }>> };
    const member = async (role: 'viewer' | 'editor') => {
      const email = newEmail(role);
      expect((await admin('POST', '/api/v1/team/invite', { email, role })).status).toBe(201);
      const token = tokenIn(await smtp.waitFor((m) => m.to.includes(email)), 'accept-invite');
      expect((await api(base)('POST', '/auth/accept-invite', { token, password })).status).toBe(200);
      return (await login(email)).as;
    };
    const as = { viewer: await member('viewer'), editor: await member('editor') };
    const below = { editor: 'viewer', admin: 'editor' } as const;
    const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ path, method: method.toUpperCase(), role: op['x-mittr-role'] })));
    const guarded = ops.filter((o): o is typeof o & { role: 'editor' | 'admin' } => o.role === 'editor' || o.role === 'admin');
    expect(guarded.length).toBeGreaterThan(20);
    for (const op of guarded) {
      const path = op.path.replace(/\{n\}/g, '1').replace(/\{(\w+)\}/g, '00000000-0000-4000-8000-000000000000');
      const body = op.method === 'GET' ? undefined : {};
      const refused = await as[below[op.role]](op.method, path, body);
      expect(refused, `${op.method} ${op.path} as ${below[op.role]}`).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_ROLE', requiredRole: op.role } });
      if (op.role === 'editor') {
        const allowed = await as.editor(op.method, path, body);
        expect(allowed.status, `${op.method} ${op.path} as editor: ${JSON.stringify(allowed.body)}`).not.toBe(403);
      }
    }
  });

  it('keeps the last admin: not demoted, not removed', async () => {
    const [owner] = (await admin('GET', '/api/v1/team')).body.data as Array<{ userId: string }>;
    expect(await admin('PATCH', `/api/v1/team/${owner!.userId}`, { role: 'viewer' })).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect(await admin('DELETE', `/api/v1/team/${owner!.userId}`)).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect(await admin('POST', '/api/v1/team/invite', { email: ownerEmail, role: 'viewer' })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
  });

  it('resets a forgotten password by mail: the same answer for any address, the old sessions end, the link works once', async () => {
    const unknown = await api(base)('POST', '/auth/forgot-password', { email: newEmail('nobody') });
    const known = await api(base)('POST', '/auth/forgot-password', { email: ownerEmail });
    expect(known).toEqual({ ...unknown, headers: known.headers });
    expect(known.status).toBe(202);
    const before = await login(ownerEmail);
    expect((await before.as('GET', '/api/v1/events')).status).toBe(200);
    const token = tokenIn(await smtp.waitFor((m) => m.to.includes(ownerEmail) && m.subject.startsWith('Reset')), 'reset-password');
    const newPassword = 'a whole new password';
    expect(await api(base)('POST', '/auth/reset-password', { token, newPassword })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await before.as('GET', '/api/v1/events')).status).toBe(401);
    expect((await login(ownerEmail)).res.status).toBe(401);
    expect((await login(ownerEmail, newPassword)).res.status).toBe(200);
    expect(await api(base)('POST', '/auth/reset-password', { token, newPassword: 'yet another one' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(smtp.received.some((m) => m.text.includes('nobody-'))).toBe(false);
  });
});
