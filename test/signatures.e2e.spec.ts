import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from './support/mittr.ts';
import { RecordingSink, type Received } from './support/sink.ts';

const SUPPORT = join(import.meta.dirname, 'support');
const SDK = join(import.meta.dirname, '..', 'sdk');
const MITTR_DIR = join(import.meta.dirname, '..', '.mittr');
const goBinary = join(MITTR_DIR, 'seed-verify-go');
const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
// The quickstart's Node snippet, verbatim in sdk/node/test/quickstart-snippet.mjs, run by a node process of its own:
// reads {secret, signature, timestamp, body} as JSON on stdin, prints valid, invalid or threw.
const nodeRunner = `
import { readFileSync } from 'node:fs';
import { verifyWebhook } from ${JSON.stringify(pathToFileURL(join(SDK, 'node', 'test', 'quickstart-snippet.mjs')).href)};
const a = JSON.parse(readFileSync(0, 'utf8'));
try { console.log(verifyWebhook(a.secret, a.signature, a.timestamp, a.body) ? 'valid' : 'invalid'); }
catch (err) { console.log('threw ' + err.code); }`;

/**
 * Deliveries are signed as 002 and 003 say: an endpoint without a secret of its own is signed
 * with the workspace's global secret (GET /me), a custom one overrides, and during a rotation's
 * overlap X-Mittr-Signature holds exactly one value, made with the new (current) secret (README),
 * so the quickstart's Node, Python and Go snippets, run as programs, verify it unchanged;
 * webhook-signature holds both, and standardwebhooks verifies with either.
 */
describe('signatures as documented', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  let n = 0;

  beforeAll(async () => {
    // The SDK module has no dependencies: the local toolchain, no proxy, a cache under .mittr/.
    execFileSync(go, ['build', '-o', goBinary, './cmd/seed-verify'], {
      cwd: join(SDK, 'go'),
      env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod', GOCACHE: join(MITTR_DIR, 'go-cache') },
    });
    sinkUrl = await sink.start();
    env = await startTestMittr();
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  /** What each of the quickstart's three snippets says of `r` with `secret`. */
  const snippets = (secret: string, r: Received) => {
    const h = r.headers;
    const input = JSON.stringify({ secret, signature: h['x-mittr-signature'], timestamp: h['x-mittr-timestamp'], body: r.body });
    return {
      node: execFileSync(process.execPath, ['--input-type=module', '-e', nodeRunner], { input }).toString().trim(),
      python: execFileSync('python3', [join(SUPPORT, 'seed_verify.py')], { input }).toString().trim(),
      go: execFileSync(goBinary, [], { input: JSON.stringify({ Secret: secret, Signature: h['x-mittr-signature'], Timestamp: h['x-mittr-timestamp'], Body: r.body }) }).toString().trim(),
    };
  };
  const valid = { node: 'valid', python: 'valid', go: 'valid' };
  const invalid = { node: 'invalid', python: 'invalid', go: 'invalid' };
  const standard = (secret: string, r: Received) => {
    try {
      new Webhook(secret).verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      });
      return true;
    } catch {
      return false;
    }
  };
  /** Sends one event of `eventType` (or, given `destination`, a direct one) and answers its delivery. */
  const deliver = async (eventType: string, destination?: string): Promise<Received> => {
    const payload = { n: ++n, note: 'ünïcode ✓' };
    const sent = await call('POST', '/api/v1/events', destination ? { destination, payload } : { eventType, payload }, { 'x-idempotency-key': `sig-${n}` });
    expect(sent.status).toBe(201);
    return sink.waitFor(() => sink.received.some((r) => r.headers['x-mittr-event-id'] === sent.body.id))
      .then(() => sink.received.find((r) => r.headers['x-mittr-event-id'] === sent.body.id)!);
  };
  /** Delivers until one is signed by two secrets (the engine has seen a rotation), bounded. */
  const deliverDuringOverlap = (eventType: string, destination?: string) => eventually(async () => {
    const r = await deliver(eventType, destination);
    return String(r.headers['webhook-signature']).split(' ').length === 2 ? r : undefined;
  }, 30_000, 200);

  it('(the harness) sees what a two-value X-Mittr-Signature did: the Node snippet threw, Python and Go said false', () => {
    const secret = 'whsec_' + Buffer.from('the harness checks its snippets.').toString('base64');
    const one = `v1=${'0'.repeat(64)}`;
    const r: Received = { method: 'POST', url: '/', body: '{}', at: 0, headers: { 'x-mittr-signature': `${one} ${one}`, 'x-mittr-timestamp': '1' } };
    expect(snippets(secret, r)).toEqual({ node: 'threw ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', python: 'invalid', go: 'invalid' });
  });

  it('signs an endpoint without its own secret with the global one, and after a global rotation with the new one in X-Mittr-Signature', async () => {
    const account = await signup(env.url);
    call = api(env.url, account.apiKey);
    const me = (await call('GET', '/api/v1/me')).body;
    const created = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/global`, eventTypes: ['sig.global'] });
    expect(created.body).toMatchObject({ signingSecret: me.signingSecret, signingSecretSource: 'global' });
    expect((await call('GET', `/api/v1/endpoints/${created.body.id}/secret`)).body).toEqual({ signingSecretSource: 'global', signingSecret: me.signingSecret });

    const before = await deliver('sig.global');
    expect(before.headers['x-mittr-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(snippets(me.signingSecret, before)).toEqual(valid);
    expect(standard(me.signingSecret, before)).toBe(true);

    const rotated = (await call('POST', '/api/v1/me/signing-secret/rotate')).body;
    expect(rotated).toMatchObject({ previousSecret: me.signingSecret, previousSecretExpiresAt: expect.any(String) as string });
    expect(rotated.signingSecret).not.toBe(me.signingSecret);
    expect((await call('GET', '/api/v1/me')).body).toMatchObject({ signingSecret: rotated.signingSecret, previousSecret: me.signingSecret });

    const during = await deliverDuringOverlap('sig.global');
    expect(during.headers['x-mittr-signature']).toMatch(/^v1=[0-9a-f]{64}$/); // exactly one value
    expect(snippets(rotated.signingSecret, during)).toEqual(valid); // the new secret, as the README says
    expect(snippets(me.signingSecret, during)).toEqual(invalid); // answered, never thrown
    expect(standard(me.signingSecret, during)).toBe(true);
    expect(standard(rotated.signingSecret, during)).toBe(true);
  });

  it('signs with a custom secret, which overrides, and keeps one X-Mittr-Signature through its rotation', async () => {
    const custom = 'whsec_' + Buffer.from('a custom secret of 32 bytes.....').toString('base64');
    const created = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/custom`, eventTypes: ['sig.custom'], signingSecret: custom });
    expect(created.body).toMatchObject({ signingSecret: custom, signingSecretSource: 'endpoint' });
    const before = await deliver('sig.custom');
    expect(snippets(custom, before)).toEqual(valid);
    expect(snippets((await call('GET', '/api/v1/me')).body.signingSecret, before)).toEqual(invalid);

    const rotated = (await call('POST', `/api/v1/endpoints/${created.body.id}/secret/rotate`)).body;
    expect(rotated).toMatchObject({ signingSecretSource: 'endpoint', previousSecret: custom });
    const during = await deliverDuringOverlap('sig.custom');
    expect(during.headers['x-mittr-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(snippets(rotated.signingSecret, during)).toEqual(valid);
    expect(snippets(custom, during)).toEqual(invalid);
    expect(standard(custom, during) && standard(rotated.signingSecret, during)).toBe(true);
  });

  it('gives an endpoint on the global secret one of its own when it is rotated, the global one signing alongside', async () => {
    const global = (await call('GET', '/api/v1/me')).body.signingSecret;
    const created = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/own`, eventTypes: ['sig.own'] });
    const rotated = (await call('POST', `/api/v1/endpoints/${created.body.id}/secret/rotate`)).body;
    expect(rotated).toMatchObject({ signingSecretSource: 'endpoint', previousSecret: global });
    const during = await deliverDuringOverlap('sig.own');
    expect(snippets(rotated.signingSecret, during)).toEqual(valid);
    expect(standard(global, during) && standard(rotated.signingSecret, during)).toBe(true);
  });

  it('signs a direct event (no endpoint) with the global secret, the current one during an overlap', async () => {
    const me = (await call('GET', '/api/v1/me')).body;
    expect(me.previousSecret).toEqual(expect.any(String)); // the first test's rotation still overlaps
    const direct = await deliverDuringOverlap('', `${sinkUrl}/direct`);
    expect(direct.headers['x-mittr-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(snippets(me.signingSecret, direct)).toEqual(valid);
    expect(standard(me.signingSecret, direct) && standard(me.previousSecret, direct)).toBe(true);
  });

  it('lets only one of several racing global rotations replace a secret; the secret each winner is shown is the one that signs next', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/api/v1/me/signing-secret/rotate')));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const won = answers.filter((a) => a.status === 200).map((a) => a.body);
    expect(won.length).toBeGreaterThan(0);
    // Without the reservation two winners replaced the same secret, and one of them was handed
    // a secret that never signed.
    expect(new Set(won.map((w) => w.previousSecret)).size).toBe(won.length);
    const me = (await call('GET', '/api/v1/me')).body;
    expect(won.map((w) => w.signingSecret)).toContain(me.signingSecret);
    expect(answers.find((a) => a.status === 409)?.body ?? { code: 'CONFLICT' }).toMatchObject({ code: 'CONFLICT' });
  });
});
