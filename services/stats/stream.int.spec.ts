import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { api, signup, startTestMittr } from '../../test/support/mittr.ts';
import { CLOSE } from './stream.ts';

type Opened = { ws: WebSocket; frames: Array<Record<string, unknown>>; closed: Promise<{ code: number; reason: string }> };

/** A real WebSocket client (ws) on loopback, keeping every frame it receives. */
function connect(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: Array<Record<string, unknown>> = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);
const until = async (cond: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return cond();
};

/** GET /api/v1/stats/ws on the real stack: authenticated before the upgrade, a frame a second, closed when the credential ends. */
describe('the stats stream', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let ws: string;

  beforeAll(async () => {
    env = await startTestMittr();
    ws = env.url.replace(/^http/, 'ws');
  });
  afterAll(async () => { await env?.stop(); });

  it('pushes the project\'s stats every second to a key given as ?key=, and closes within a second or two of the key\'s revocation', async () => {
    const owner = await signup(env.url);
    const admin = api(env.url, owner.apiKey);
    const key = (await admin('POST', '/api/v1/api-keys', { name: 'dashboard', scopes: ['stats:read'] })).body as { id: string; key: string };
    const s = await connect(`${ws}/api/v1/stats/ws?key=${key.key}`);
    expect(await until(() => s.frames.length >= 3, 6_000)).toBe(true);
    const [a, , c] = s.frames;
    expect(a).toMatchObject({ projectId: owner.projectId, events: { total: 0 }, lastMinute: { attempts: 0 } });
    expect(Date.parse(String(c!.at))).toBeGreaterThan(Date.parse(String(a!.at)));
    expect((await admin('DELETE', `/api/v1/api-keys/${key.id}`)).status).toBe(204);
    const closed = await within(s.closed, 3_000);
    expect(closed.code).toBe(CLOSE.credentialEnded);
  });

  it('follows a session cookie and closes when the session ends', async () => {
    const owner = await signup(env.url);
    const admin = api(env.url, owner.apiKey);
    const email = (await admin('GET', '/api/v1/me')).body.email as string;
    const login = await api(env.url)('POST', '/auth/login', { email, password: 'correct horse battery' });
    const cookie = `mittr_session=${/mittr_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]}`;
    const s = await connect(`${ws}/api/v1/stats/ws`, { cookie, origin: env.config.publicUrl.replace(/\/$/, '') });
    expect(await until(() => s.frames.length >= 1, 4_000)).toBe(true);
    expect((await api(env.url)('DELETE', '/auth/session', undefined, { cookie, 'x-csrf-token': login.body.csrfToken })).status).toBeLessThan(300);
    expect((await within(s.closed, 3_000)).code).toBe(CLOSE.credentialEnded);
  });

  it('refuses before the upgrade: no credential (401), a key without stats:read (403), a page of another origin (403); a plain GET is 426', async () => {
    const owner = await signup(env.url);
    const admin = api(env.url, owner.apiKey);
    const narrow = (await admin('POST', '/api/v1/api-keys', { name: 'events only', scopes: ['events:read'] })).body.key as string;
    await expect(connect(`${ws}/api/v1/stats/ws`)).rejects.toThrow('HTTP 401');
    await expect(connect(`${ws}/api/v1/stats/ws?key=${narrow}`)).rejects.toThrow('HTTP 403');
    await expect(connect(`${ws}/api/v1/stats/ws?key=${owner.apiKey}`, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    // A key in the URL of anything but an upgrade is not read.
    expect((await api(env.url)('GET', `/api/v1/stats?key=${owner.apiKey}`)).status).toBe(401);
    expect(await admin('GET', '/api/v1/stats/ws')).toMatchObject({ status: 426, body: { code: 'UPGRADE_REQUIRED' } });
  });
});
