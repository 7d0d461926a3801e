import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMittr, type Mittr } from '../mittr.ts';
import { dataDirs, scan } from '../../test/support/disk.ts';
import { api, eventually, isolatedConfig, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSmtp, type ReceivedMail } from '../../test/support/smtp.ts';

const password = 'correct horse battery';
const mark = (tag: string) => `${tag}${randomBytes(6).toString('hex')}`;
const tokenIn = (mail: ReceivedMail, path: string) => new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text)![1]!;

/**
 * People's e-mail addresses and names, company names and sub-accounts' (customers') names, sealed under the workspace's (or the
 * user's own) data key on the real stack: signup, invitation, login, the team, the audit log and
 * the export serve them in clear, a process booted afterwards finds its users by e-mail (the
 * config store opens them as it reads the log), and neither Kafka's segment files nor Postgres'
 * data directory holds any of them in clear.
 */
describe('e-mail addresses and names sealed at rest', () => {
  const smtp = new RecordingSmtp();
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const owner = `${mark('owner')}@example.test`;
  const invitee = `${mark('bea')}@example.test`;
  const inviteeName = mark('BeaName');
  const company = mark('AdaLovelaceConsulting');
  const customer = mark('CustomerGraceHopper');
  let admin: ReturnType<typeof api>;
  let accountId: string;
  let apiKey: string;

  const login = async (base: string, email: string) => {
    const res = await api(base)('POST', '/auth/login', { email, password });
    const cookie = /mittr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    return { res, as: (method: string, path: string, body?: unknown) =>
      api(base)(method, path, body, { cookie: `mittr_session=${cookie}`, 'x-csrf-token': String(res.body?.csrfToken) }) };
  };

  beforeAll(async () => {
    await smtp.start();
    env = await startTestMittr(isolatedConfig({ SMTP_URL: smtp.url, MITTR_PUBLIC_URL: 'https://mittr.example.test' }));
    const signup = await api(env.url)('POST', '/auth/signup', { email: owner, password, companyName: company });
    expect(signup.status).toBe(201);
    expect(signup.body).toMatchObject({ email: owner, companyName: company });
    apiKey = signup.body.apiKey;
    admin = api(env.url, apiKey);
    accountId = signup.body.id;
  });
  afterAll(async () => {
    await env?.stop();
    await smtp.stop();
  });

  it('signs up, verifies, invites, accepts, logs in, lists the team and the audit log, and exports, all in clear', async () => {
    const verify = await smtp.waitFor((m) => m.to.includes(owner) && m.subject.startsWith('Verify'));
    expect((await api(env.url)('POST', '/auth/verify-email', { token: tokenIn(verify, 'verify-email') })).status).toBe(200);
    expect(await admin('POST', '/api/v1/team/invite', { email: invitee, role: 'viewer' })).toMatchObject({ status: 201, body: { email: invitee } });
    const token = tokenIn(await smtp.waitFor((m) => m.to.includes(invitee)), 'accept-invite');
    expect(await api(env.url)('GET', `/auth/invite-status?token=${token}`)).toMatchObject({ status: 200, body: { email: invitee, workspace: { companyName: company } } });
    expect((await api(env.url)('POST', '/auth/accept-invite', { token, name: inviteeName, password })).status).toBe(200);

    const ownerSession = await login(env.url, owner);
    expect(ownerSession.res).toMatchObject({ status: 200, body: { workspace: { companyName: company } } });
    expect((await login(env.url, invitee)).res.status).toBe(200);
    const team = await admin('GET', '/api/v1/team');
    expect(team.body.data.map((m: { email: string }) => m.email).sort()).toEqual([owner, invitee].sort());
    const me = await ownerSession.as('GET', '/api/v1/me');
    expect(me).toMatchObject({ status: 200, body: { email: owner, companyName: company, user: { email: owner } } });

    // The audit log is a read model: it shows the invitation once its projector has passed it.
    const audit = await eventually(async () => { const r = await admin('GET', '/api/v1/audit-logs?resource=invitation'); return r.body.data?.length > 0 && r; });
    expect(audit.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'invitation.created', after: expect.objectContaining({ email: invitee }) })]));
    const created = await admin('GET', '/api/v1/audit-logs?resource=account');
    expect(created.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'account.created', after: expect.objectContaining({ companyName: company }) })]));

    // A sub-account is the workspace's customer: its name is sealed too, and shown.
    const sub = await admin('POST', '/api/v1/sub-accounts', { name: customer, subID: mark('sub') });
    expect(sub).toMatchObject({ status: 201, body: { name: customer } });
    expect(await admin('GET', `/api/v1/sub-accounts/${sub.body.id}`)).toMatchObject({ status: 200, body: { name: customer } });
    const subs = await eventually(async () => { const r = await admin('GET', '/api/v1/sub-accounts'); return r.body.data?.length > 0 && r; });
    expect(subs.body.data).toEqual([expect.objectContaining({ name: customer })]);
    const subAudit = await eventually(async () => { const r = await admin('GET', '/api/v1/audit-logs?resource=sub_account'); return r.body.data?.length > 0 && r; });
    expect(subAudit.body.data[0].after).toMatchObject({ name: customer });

    const exported = await admin('GET', '/api/v1/gdpr/export');
    expect(exported.status).toBe(200);
    expect(exported.body.account).toMatchObject({ id: accountId, email: owner, companyName: company });
    expect(exported.body.members.map((u: { email: string }) => u.email).sort()).toEqual([owner, invitee].sort());
  });

  it('a process booted afterwards opens them from the log: its users log in by e-mail, its team and account show them', async () => {
    const config = { ...env.config, port: 0 };
    const second: Mittr = await startMittr(config, ['api']);
    try {
      const url = second.url!;
      expect((await login(url, invitee)).res).toMatchObject({ status: 200, body: { workspace: { companyName: company } } });
      expect((await api(url)('POST', '/auth/signup', { email: owner, password, companyName: 'again' })).status).toBe(409);
      const team = await api(url, apiKey)('GET', '/api/v1/team');
      expect(team.body.data.map((m: { email: string }) => m.email).sort()).toEqual([owner, invitee].sort());
      expect((await api(url, apiKey)('GET', '/api/v1/me')).body).toMatchObject({ email: owner, companyName: company });
    } finally {
      await second.stop();
    }
  });

  it('leaves none of them in clear in Kafka\'s segments or Postgres\' files', async () => {
    const dirs = await dataDirs(env.config);
    const found = await scan([...dirs.kafka, dirs.postgres], [owner, invitee, inviteeName, company, customer, accountId]);
    // The control: the workspace's id stays clear (a routing field), on both stores.
    expect(found[accountId]!.some((f) => dirs.kafka.some((d) => f.startsWith(d)))).toBe(true);
    expect(found[accountId]!.some((f) => f.startsWith(dirs.postgres))).toBe(true);
    expect({ owner: found[owner], invitee: found[invitee], name: found[inviteeName], company: found[company], customer: found[customer] })
      .toEqual({ owner: [], invitee: [], name: [], company: [], customer: [] });
  }, 120_000);
});
