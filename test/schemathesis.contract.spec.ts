import { ALL_SCOPES, SCOPES } from '../services/platform/domain/scopes.ts';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from './support/mittr.ts';
import { RecordingSink } from './support/sink.ts';

const ROOT = new URL('..', import.meta.url).pathname;
/** Examples per operation and phase: bounded so the run stays in a few minutes on 2 cores. */
const EXAMPLES = 50;
const RUN_TIMEOUT_MS = 9 * 60_000;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

type Seeded = Record<'endpoints' | 'endpointsToDelete' | 'events' | 'deliveries' | 'eventTypes' | 'eventTypesToDelete' | 'eventTypeNames' | 'pollEndpoints' | 'keysToRevoke', string[]>;

/** Ids that exist, so generated requests reach the handlers behind a path id, not just a 404. */
function config(seeded: Seeded): string {
  const list = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  const dictionaries = Object.entries(seeded).map(([name, values]) => `[dictionaries.${name}]\nvalues = ${list(values)}\n`).join('\n');
  const bind = (regex: string, param: string, dictionary: keyof Seeded, method?: string, probability = 0.9) =>
    `[[operations]]\ninclude-path-regex = ${JSON.stringify(regex)}\n${method ? `include-method = "${method}"\n` : ''}`
    + `parameters = { ${JSON.stringify(param)} = { dictionary = "${dictionary}", probability = ${probability} } }\n`;
  return [
    dictionaries,
    // A DELETE gets ids of its own, so it does not take away what the other operations probe.
    bind('^/api/v1/endpoints/\\{id\\}$', 'path.id', 'endpointsToDelete', 'DELETE'),
    bind('^/api/v1/endpoints/\\{id\\}', 'path.id', 'endpoints'),
    bind('^/api/v1/events/\\{id\\}', 'path.id', 'events'),
    bind('^/api/v1/deliveries/\\{id\\}$', 'path.id', 'deliveries'),
    bind('^/api/v1/event-types/\\{id\\}$', 'path.id', 'eventTypesToDelete', 'DELETE'),
    bind('^/api/v1/event-types/\\{id\\}$', 'path.id', 'eventTypes'),
    bind('^/api/v1/event-types/by-name/', 'path.name', 'eventTypeNames'),
    // Revoking takes spare keys only: the run's own key must keep working to the end.
    bind('^/api/v1/api-keys/\\{id\\}$', 'path.id', 'keysToRevoke', 'DELETE', 1),
    // A long poll waits up to `timeout` seconds by design: probe it without waiting.
    '[[operations]]\ninclude-path = "/api/v1/poll"\ninclude-method = "GET"\n'
    + 'parameters = { "query.endpoint_id" = { dictionary = "pollEndpoints", probability = 0.9 }, "query.timeout" = 0 }\n',
  ].join('\n');
}

function schemathesis(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('bash', [join(ROOT, 'scripts/schemathesis'), ...args], { cwd, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}\n${stderr}` }));
  });
}

/**
 * Schemathesis against a running mittr, over every operation of GET /openapi.json with a valid
 * API key: no server error, and every answer's status, content type and body as documented.
 * mittr runs with its own response check on (NODE_ENV=test), so a body with a field the
 * document lacks is a server error here too.
 */
describe('the API against its OpenAPI document (Schemathesis)', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let dir: string;
  let apiKey: string;

  beforeAll(async () => {
    const sinkUrl = await sink.start();
    env = await startTestMittr();
    apiKey = (await signup(env.url)).apiKey;
    const call = api(env.url, apiKey);
    let key = 0;
    const ok = async (method: string, path: string, body?: unknown) => {
      const res = await call(method, path, body, { 'x-idempotency-key': `seed-${key++}` });
      if (res.status >= 300) throw new Error(`seeding ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { id: string; name?: string; key?: string };
    };
    const seeded: Seeded = { endpoints: [], endpointsToDelete: [], events: [], deliveries: [], eventTypes: [], eventTypesToDelete: [], eventTypeNames: [], pollEndpoints: [], keysToRevoke: [] };
    for (let i = 0; i < 3; i++) {
      seeded.eventTypes.push((await ok('POST', '/api/v1/event-types', { name: `order.created.${i}`, schema: { type: 'object' } })).id);
      seeded.eventTypeNames.push(`order.created.${i}`);
      seeded.eventTypesToDelete.push((await ok('POST', '/api/v1/event-types', { name: `to.delete.${i}` })).id);
      seeded.endpoints.push((await ok('POST', '/api/v1/endpoints', { url: `${sinkUrl}/e${i}`, eventTypes: [`order.created.${i}`] })).id);
      seeded.endpointsToDelete.push((await ok('POST', '/api/v1/endpoints', { url: `${sinkUrl}/d${i}`, eventTypes: [`to.delete.${i}`] })).id);
      seeded.pollEndpoints.push((await ok('POST', '/api/v1/endpoints', { url: `${sinkUrl}/p${i}`, eventTypes: [`order.created.${i}`], deliveryMode: 'poll' })).id);
      seeded.events.push((await ok('POST', '/api/v1/events', { destination: `${sinkUrl}/x${i}`, payload: { i } })).id);
      seeded.events.push((await ok('POST', '/api/v1/events', { eventType: `order.created.${i}`, payload: { i } })).id);
      seeded.keysToRevoke.push((await ok('POST', '/api/v1/api-keys', { name: `spare ${i}`, scopes: ['events:read'] })).id);
    }
    const deliveries = await eventually(async () => {
      const page = (await call('GET', '/api/v1/deliveries?limit=100')).body as { data: Array<{ id: string }> };
      return page.data.length >= 6 ? page.data : undefined;
    });
    seeded.deliveries.push(...deliveries.map((d) => d.id));
    dir = await mkdtemp(join(tmpdir(), 'mittr-schemathesis-'));
    // The run's own key has every scope but the GDPR ones: an export streams the whole workspace,
    // which the run grows with every event it creates (the run went from 2.5 to over 6 minutes,
    // Schemathesis holding the growing exports in memory), and an erasure would end the run. Both
    // are still probed (403, as documented); services/gdpr's specs test them.
    apiKey = (await ok('POST', '/api/v1/api-keys', { name: 'schemathesis', scopes: SCOPES.filter((x) => x !== ALL_SCOPES && !x.startsWith('gdpr:')) })).key!;
    await writeFile(join(dir, 'schemathesis.toml'), config(seeded));
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds no server error and no answer that differs from the document', async () => {
    const { code, output } = await schemathesis([
      '--config-file', join(dir, 'schemathesis.toml'),
      'run', `${env.url}/openapi.json`,
      '--header', `X-API-Key: ${apiKey}`,
      '--checks', CHECKS.join(','),
      '--max-examples', String(EXAMPLES),
      '--seed', '20261204',
      // One worker: with threads, Python 3.11.7's ast.parse (which Hypothesis calls to describe its
      // filters) can fail with "AST constructor recursion depth mismatch" (CPython gh-106905, fixed in 3.11.8).
      '--workers', '1',
      '--generation-database', 'none',
      '--report', 'junit', '--report-junit-path', join(dir, 'junit.xml'),
    ], dir);
    await writeFile(join(ROOT, '.mittr', 'logs', 'schemathesis.log'), output).catch(() => undefined);
    const summary = output.slice(output.lastIndexOf('SUMMARY'));
    // Every operation is tested, none skipped for want of data.
    expect(summary, output).toMatch(/Tested:\s+(\d+)/);
    const [, selected, total] = /Selected:\s+(\d+)\/(\d+)/.exec(summary) ?? [];
    expect(selected).toBe(total);
    expect(Number(/Tested:\s+(\d+)/.exec(summary)![1])).toBe(Number(total));
    expect(Number(total)).toBeGreaterThan(35);
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite [^>]*failures="0"/);
    expect(code, output.slice(-20_000)).toBe(0);
  }, RUN_TIMEOUT_MS + 60_000);
});
