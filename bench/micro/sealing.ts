/**
 * Microbenchmark of field sealing (issue 24): µs per record to seal and open an EventAccepted /
 * DeliveryRequested with a ~120-byte JSON payload, headers and a destination URL, through FieldCipher (what the
 * Serde calls on encode/decode), against the same records unsealed. Not a test; run with
 * `bash scripts/run-node bench/micro/sealing.ts`. Bounded: N records per case.
 */
import { randomBytes } from 'node:crypto';
import { issueDataKey } from '../../services/platform/crypto/envelope.ts';
import { DataKeyRing } from '../../services/data-keys/ring.ts';
import { FieldCipher } from '../../services/data-keys/fields.ts';

const N = Number(process.env.N ?? 50_000);
const ring = [{ id: 'm1', key: randomBytes(32) }];
const keys = new DataKeyRing(ring);
const accountId = 'acc-1';
keys.add(issueDataKey(ring, accountId, 1).wrapped);
const cipher = new FieldCipher(keys);
const payload = JSON.stringify({ id: 'ord_123456', amount: 4200, currency: 'EUR', customer: { email: 'a@example.com', name: 'Ada L' } });
// Each record sent to one of 10 URLs (the e2e bench's direct destinations): an event's destination, a dispatch's url.
const url = (i: number) => `https://hooks.example.com/d${i % 10}?token=tok_0123456789`;
const record = (type: string, i: number) => ({ type, accountId, eventId: `e${i}`, payload: payload.replace('123456', String(100000 + (i % 900000))), headers: { 'x-trace': `t${i}` },
  ...(type === 'EventAccepted' ? { destination: url(i) } : { url: url(i) }) });

function time(label: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 2000; i++) fn(i);
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
  console.log(`${label.padEnd(40)} ${us.toFixed(2)} µs/record  heap Δ ${((process.memoryUsage().heapUsed - heap0) / N).toFixed(0)} B/record`);
}

console.log(`payload ${Buffer.byteLength(payload)} bytes, N=${N}`);
for (const type of ['EventAccepted', 'DeliveryRequested']) {
  time(`${type} unsealed JSON round trip`, (i) => JSON.parse(JSON.stringify(record(type, i))));
  time(`${type} seal`, (i) => cipher.sealEvent(record(type, i)));
  time(`${type} seal+open`, (i) => cipher.openEvent(cipher.sealEvent(record(type, i))));
  const sealed = cipher.sealEvent(record(type, 1));
  console.log(`${type} sealed payload ${Buffer.byteLength(sealed.payload)} bytes (plain ${Buffer.byteLength(record(type, 1).payload)})`);
}

// The router's hop: open an EventAccepted, write its payload and headers unchanged in a DeliveryRequested.
time('router hop open+reseal (unchanged copy)', (i) => {
  const opened = cipher.openEvent(cipher.sealEvent(record('EventAccepted', i)));
  return cipher.sealEvent({ ...record('DeliveryRequested', i), payload: opened.payload, headers: opened.headers });
});
