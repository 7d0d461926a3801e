import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { parseExposition, total } from '../../test/support/prometheus.ts';
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

/**
 * A client that stops reading, on the real stack: its socket is paused, so what the server sends
 * fills the kernel's buffers and then the server's own, until the stream drops it. Frames come
 * as fast as the stream makes them (every millisecond asked) and the bound is 64 KiB: the
 * defaults, a frame a second and 256 KiB, would take over an hour to fill the kernel's buffers
 * first. A client that reads, on the same server, goes on getting frames.
 */
describe('the stats stream and a client that stops reading', () => {
  const TOKEN = 'spec-metrics-token-slow-client-1';
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const dropped = async () => {
    const res = await fetch(`${env.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return total(parseExposition(await res.text()), 'mittr_stats_stream_dropped_total');
  };

  beforeAll(async () => {
    env = await startTestMittr({ ...isolatedConfig({ MITTR_METRICS_TOKEN: TOKEN }), statsStream: { everyMs: 1, maxUnsentBytes: 64 * 1024 } });
  }, 60_000);
  afterAll(async () => { await env?.stop(); });

  it('drops it within seconds, never buffering without bound, while a client that reads keeps getting frames', async () => {
    const owner = await signup(env.url);
    const url = `${env.url.replace(/^http/, 'ws')}/api/v1/stats/ws?key=${owner.apiKey}`;
    const reader = await connect(url);
    const slow = await connect(url);
    // ws reads its TCP socket in flowing mode: paused, nothing more is read from the kernel.
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const pausedAt = Date.now();
    // Here ~15 s: ~4,400 frames (~5 MB) fill the loopback socket's kernel buffers before any stays in the server's.
    await eventually(async () => (await dropped()) === 1, 45_000, 250);
    expect(Date.now() - pausedAt).toBeLessThan(45_000);
    // Read again: what the kernel held, then the end (the close frame, or the cut 2 s after it).
    const before = reader.frames.length;
    socket.resume();
    const closed = await within(slow.closed, 5_000);
    expect([CLOSE.tooSlow, 1006]).toContain(closed.code);
    // What reached the slow client is bounded by the kernel's buffers and the stream's bound, not by time.
    expect(slow.frames.length * JSON.stringify(slow.frames[0]).length).toBeLessThan(16 * 1024 * 1024);
    expect(await until(() => reader.frames.length >= before + 20, 3_000)).toBe(true);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    expect(await dropped()).toBe(1);
    reader.ws.close();
  }, 70_000);
});
