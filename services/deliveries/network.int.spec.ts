import { lookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { makePki } from '../../test/support/pki.ts';
import { RecordingSink } from '../../test/support/sink.ts';

/**
 * Production mode: private networks closed, the operator opening one loopback address
 * (MITTR_ALLOWED_CIDRS=127.0.0.2/32) so that a receiver can stand for an internal network, while
 * 127.0.0.1 stands for the host's own services, which no tenant may reach.
 */
describe('outbound network policy (production mode) and mTLS', () => {
  const pki = makePki();
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const host = new RecordingSink(); // the host's loopback: never reachable
  const internal = new RecordingSink(); // the operator's range
  let hostUrl: string;
  let internalUrl: string;
  let call: ReturnType<typeof api>;
  let https: Server;
  let httpsUrl: string;
  let listener: NetServer;
  let listenerPort: number;
  let closedPort: number;
  let connections = 0;
  const peers: string[] = [];
  let n = 0;

  beforeAll(async () => {
    hostUrl = await host.start('127.0.0.1');
    internalUrl = await internal.start('127.0.0.2');
    https = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
      req.resume();
      req.on('end', () => res.writeHead(200).end('OK'));
    });
    await new Promise<void>((r) => https.listen(0, '127.0.0.2', r));
    httpsUrl = `https://127.0.0.2:${(https.address() as AddressInfo).port}`;
    // A raw listener on the host's loopback: any TCP connection (or TLS ClientHello) counts.
    listener = createNetServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    listenerPort = (listener.address() as AddressInfo).port;
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    env = await startTestMittr(isolatedConfig({ MITTR_ALLOW_PRIVATE_NETWORKS: 'false', MITTR_ALLOWED_CIDRS: '127.0.0.2/32', MITTR_TLS_CA_FILE: pki.caFile }));
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await host.stop();
    await internal.stop();
    https?.closeAllConnections();
    await new Promise((r) => https?.close(r));
    await new Promise((r) => listener?.close(r));
  });

  const final = (id: string) => eventually(async () => {
    const e = (await call('GET', `/api/v1/events/${id}`)).body;
    return e.status === 'delivered' || e.status === 'dead' ? e : undefined;
  });
  const endpoint = async (body: Record<string, unknown>) => {
    const type = `net.${++n}`;
    const res = await call('POST', '/api/v1/endpoints', { eventTypes: [type], maxRetries: 1, ...body });
    expect(res.status).toBe(201);
    return type;
  };
  const sendType = async (type: string) => (await call('POST', '/api/v1/events', { eventType: type, payload: { n } }, { 'x-idempotency-key': `n${++n}` })).body.id;
  /** An ad-hoc delivery to `url`: its first attempt, or the API's refusal. */
  const attemptTo = async (url: string) => {
    const sent = await call('POST', '/api/v1/events', { destination: url, payload: {}, maxAttempts: 1 }, { 'x-idempotency-key': `d${++n}` });
    if (sent.status !== 202 && sent.status !== 201) return { refusedBy: sent.status, code: sent.body.code };
    const done = await final(sent.body.id);
    return { status: done.status, ...done.deliveryAttempts[0] };
  };

  it('refuses the host\'s loopback in every spelling, after DNS and before connecting (issue 17: 19 variants)', async () => {
    const port = new URL(hostUrl).port;
    const variants = [
      '127.0.0.1', 'localhost', 'LOCALHOST', 'localhost.', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '017700000001',
      '127.1', '127.000.000.001', '0', '0.0.0.0', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:127.0.0.1]',
      'user:pass@127.0.0.1', 'example.com@127.0.0.1',
    ];
    const outcomes = await Promise.all(variants.map((v) => attemptTo(`http://${v}:${port}/variant`)));
    // A name this machine's resolver does not know (`localhost.` on some) fails in DNS instead.
    const resolves = await Promise.all(variants.map((v) => lookup(new URL(`http://${v}/`).hostname.replace(/^\[(.*)\]$/, '$1')).then(() => true, () => false)));
    outcomes.forEach((o, i) => {
      if ('refusedBy' in o) expect(o.refusedBy, variants[i]).toBe(400);
      else expect(o, variants[i]).toMatchObject({ status: 'dead', errorCategory: resolves[i] ? 'blocked' : 'dns', statusCode: null });
    });
    expect(host.received).toHaveLength(0);
  });

  it('lets no tenant allowedCidrs open the host: loopback, ::1 and 0.0.0.0/0 stay refused', async () => {
    for (const allowedCidrs of [['127.0.0.1/32'], ['127.0.0.0/8'], ['::1/128'], ['0.0.0.0/0']]) {
      const dead = await final(await sendType(await endpoint({ url: `${hostUrl}/cidrs`, allowedCidrs })));
      expect(dead.status, String(allowedCidrs)).toBe('dead');
      expect(dead.deliveryAttempts[0].errorCategory).toBe('blocked');
    }
    expect(host.received).toHaveLength(0);
  });

  it('delivers to the operator\'s range; an endpoint allowlist narrows within it and blockedCidrs always win', async () => {
    expect((await final(await sendType(await endpoint({ url: `${internalUrl}/open` })))).status).toBe('delivered');
    expect((await final(await sendType(await endpoint({ url: `${internalUrl}/narrowed`, allowedCidrs: ['127.0.0.2/32'] })))).status).toBe('delivered');
    const elsewhere = await final(await sendType(await endpoint({ url: `${internalUrl}/elsewhere`, allowedCidrs: ['93.184.216.0/24'] })));
    expect(elsewhere.deliveryAttempts[0].errorCategory).toBe('blocked');
    const both = await final(await sendType(await endpoint({ url: `${internalUrl}/both`, allowedCidrs: ['127.0.0.0/8'], blockedCidrs: ['127.0.0.2/32'] })));
    expect(both.status).toBe('dead');
    expect(both.deliveryAttempts[0].errorCategory).toBe('blocked');
    expect(internal.received.map((r) => r.url).sort()).toEqual(['/narrowed', '/open']);
  });

  it('sends no packet to a refused address, and says the same whether its port is open or closed', async () => {
    const before = connections;
    const open = [await attemptTo(`https://127.0.0.1:${listenerPort}/p`), await attemptTo(`http://localhost:${listenerPort}/p`)];
    const closed = [await attemptTo(`https://127.0.0.1:${closedPort}/p`), await attemptTo(`http://localhost:${closedPort}/p`)];
    for (const [o, c] of [[open[0], closed[0]], [open[1], closed[1]]] as const) {
      expect(o).toMatchObject({ errorCategory: 'blocked' });
      expect(c).toMatchObject({ errorCategory: 'blocked' });
      expect((o as { error: string }).error).toBe((c as { error: string }).error);
    }
    expect(connections).toBe(before);
  });

  it('refuses a transformation that rewrites the URL to the host, and follows no redirect there', async () => {
    const rewritten = await endpoint({ url: `${internalUrl}/rewrite`, transformation: `function transform(w) { w.url = '${hostUrl}/rewritten'; return w; }` });
    const dead = await final(await sendType(rewritten));
    expect(dead.deliveryAttempts[0]).toMatchObject({ errorCategory: 'blocked', statusCode: null });
    internal.responder = (r) => (r.url === '/redirect' ? { status: 302, headers: { location: `${hostUrl}/redirected` } } : { status: 200 });
    const redirected = await final(await sendType(await endpoint({ url: `${internalUrl}/redirect` })));
    internal.responder = () => ({ status: 200, body: 'OK' });
    expect(redirected.deliveryAttempts[0].statusCode).toBe(302);
    expect(host.received).toHaveLength(0);
  });

  it('presents the endpoint client certificate to a receiver that requires mTLS', async () => {
    const withCert = await endpoint({ url: `${httpsUrl}/mtls`, mtlsCert: pki.client.cert, mtlsKey: pki.client.key });
    expect((await final(await sendType(withCert))).status).toBe('delivered');
    expect(peers).toContain('mittr-client');
    const without = await endpoint({ url: `${httpsUrl}/mtls` });
    const dead = await final(await sendType(without));
    expect(dead.status).toBe('dead');
    expect(dead.deliveryAttempts[0].statusCode).toBeNull();
    expect(['tls', 'reset']).toContain(dead.deliveryAttempts[0].errorCategory);
  });

  it('validates mTLS material and shows only certificate facts', async () => {
    const bad = await call('POST', '/api/v1/endpoints', { url: `${httpsUrl}/x`, eventTypes: ['x'], mtlsCert: 'nope', mtlsKey: 'nope' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${httpsUrl}/x`, eventTypes: ['x'] })).body;
    const set = await call('POST', `/api/v1/endpoints/${ep.id}/mtls`, { certPem: pki.client.cert, keyPem: pki.client.key });
    expect(set.body.mtls).toMatchObject({ configured: true, certificate: { subject: 'CN=mittr-client' } });
    expect(JSON.stringify(set.body)).not.toContain('PRIVATE KEY');
    expect((await call('DELETE', `/api/v1/endpoints/${ep.id}/mtls`)).status).toBe(204);
    expect((await call('GET', `/api/v1/endpoints/${ep.id}`)).body.mtls.configured).toBe(false);
  });
});
