import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventAccepted } from '../../events/domain/messages.ts';
import { isolatedConfig } from '../../../test/support/mittr.ts';
import { Serde } from './serde.ts';

const accepted = (payload: string): EventAccepted => ({
  type: 'EventAccepted', eventId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', accountId: 'a', projectId: 'p', idempotencyKey: 'k',
  destination: 'http://127.0.0.1:9/x', eventType: null, payload, headers: { 'x-a': '1' }, maxAttempts: 3, priority: 5,
  delaySeconds: 0, createdAt: 1_700_000_000_000, maxAttemptsSet: false, configOffset: 7, connectorsOffset: 3, endpointIds: [],
  // Written without a sub-account, read back with the field's default.
  subAccountId: null,
  actor: { type: 'api_key', id: '1a2b3c4d-5e6f-4701-8293-a4b5c6d7e8f9', address: '127.0.0.1' },
});

describe('the Avro serde', () => {
  const serde = new Serde(isolatedConfig().registryUrl);
  beforeAll(() => serde.registerAll());

  it('writes the Confluent wire format and reads back what it wrote, small and larger than its scratch buffer', async () => {
    const small = accepted('{"n":1}');
    const large = accepted(JSON.stringify({ blob: 'x'.repeat(200_000) }));
    const a = serde.encode(small);
    const before = Buffer.from(a);
    const b = serde.encode(large);
    expect(a[0]).toBe(0);
    expect(a.readInt32BE(1)).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(200_000);
    // Each record owns its bytes: later encodes (into the same scratch) leave earlier ones alone.
    expect(a.equals(before)).toBe(true);
    expect(await serde.decode('EventAccepted', a)).toEqual(small);
    expect(await serde.decode('EventAccepted', b)).toEqual(large);
  });

  it('gives up on a registry that accepts connections and never answers, after its retries', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => { sockets.push(socket); }).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    try {
      const stuck = new Serde(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, { timeoutMs: 300, retries: 2 });
      const t0 = Date.now();
      await expect(stuck.registerAll()).rejects.toThrow(/Timeout \(300ms\)/);
      expect(sockets.length).toBe(3); // the first request and two retries, each on a connection of its own
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
