import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { makePki } from '../../test/support/pki.ts';
import { RecordingSink } from '../../test/support/sink.ts';

describe('outbound network policy (production mode) and mTLS', () => {
  const pki = makePki();
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  let https: Server;
  let httpsUrl: string;
  const peers: string[] = [];
  let n = 0;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    https = createServer({ key: pki.server.key, cert: pki.server.cert, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
      req.resume();
      req.on('end', () => res.writeHead(200).end('OK'));
    });
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
    env = await startTestMittr(isolatedConfig({ MITTR_ALLOW_PRIVATE_NETWORKS: 'false', MITTR_TLS_CA_FILE: pki.caFile }));
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
    https?.closeAllConnections();
    await new Promise((r) => https?.close(r));
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

  it('refuses loopback destinations by default, checked after DNS (an IP literal and localhost)', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const url = sinkUrl.replace('127.0.0.1', host);
      const sent = await call('POST', '/api/v1/events', { destination: `${url}/blocked`, payload: {}, maxAttempts: 1 }, { 'x-idempotency-key': `b-${host}` });
      const done = await final(sent.body.id);
      expect(done.status).toBe('dead');
      expect(done.deliveryAttempts[0]).toMatchObject({ errorCategory: 'blocked', statusCode: null });
    }
    expect(sink.received.filter((r) => r.url === '/blocked')).toHaveLength(0);
  });

  it('delivers to a private address the endpoint allowlists, but blockedCidrs always win', async () => {
    const allowed = await endpoint({ url: `${sinkUrl}/allowed`, allowedCidrs: ['127.0.0.0/8'] });
    expect((await final(await sendType(allowed))).status).toBe('delivered');
    const both = await endpoint({ url: `${sinkUrl}/both`, allowedCidrs: ['127.0.0.0/8'], blockedCidrs: ['127.0.0.1/32'] });
    const dead = await final(await sendType(both));
    expect(dead.status).toBe('dead');
    expect(dead.deliveryAttempts[0].errorCategory).toBe('blocked');
  });

  it('presents the endpoint client certificate to a receiver that requires mTLS', async () => {
    const withCert = await endpoint({ url: `${httpsUrl}/mtls`, allowedCidrs: ['127.0.0.0/8'], mtlsCert: pki.client.cert, mtlsKey: pki.client.key });
    expect((await final(await sendType(withCert))).status).toBe('delivered');
    expect(peers).toContain('mittr-client');
    const without = await endpoint({ url: `${httpsUrl}/mtls`, allowedCidrs: ['127.0.0.0/8'] });
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
