import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentPool, send } from './sender.ts';

/** A receiver on loopback: /silent never answers, /trickle sends a byte of body every 50 ms for 3 s, /ok answers at once. */
describe('an attempt is bounded by its timeout as a whole', () => {
  const agents = new AgentPool({ allowPrivateNetworks: true, operatorCidrs: [] });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/silent') return;
      if (req.url === '/trickle') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const t = setInterval(() => res.write('.'), 50);
        setTimeout(() => { clearInterval(t); res.end(); }, 3_000);
        res.on('close', () => clearInterval(t));
        return;
      }
      res.writeHead(200).end('OK');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agents.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('times out a receiver that never answers', async () => {
    const r = await send(agents.get(), `${base}/silent`, {}, '{}', 300);
    expect(r).toMatchObject({ statusCode: null, errorCategory: 'timeout', timedOut: true });
    expect(r.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('times out a body that trickles in, though no single wait is longer than the timeout', async () => {
    const r = await send(agents.get(), `${base}/trickle`, {}, '{}', 400);
    expect(r).toMatchObject({ statusCode: null, errorCategory: 'timeout', timedOut: true });
    expect(r.durationMs).toBeLessThan(2_000);
  });

  it('answers an attempt that finishes in time, and its deadline does not reach a later attempt', async () => {
    const r = await send(agents.get(), `${base}/ok`, {}, '{}', 200);
    expect(r).toMatchObject({ statusCode: 200, responseBody: 'OK', errorCategory: null, timedOut: false });
    await new Promise((res) => setTimeout(res, 300));
    const again = await send(agents.get(), `${base}/ok`, {}, '{}', 60_000);
    expect(again).toMatchObject({ statusCode: 200, timedOut: false });
  });
});
