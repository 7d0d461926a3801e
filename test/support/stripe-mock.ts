import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const STARTUP_MS = 20_000;
/** stripe-mock's test keys: it accepts any key of the right shape. */
export const STRIPE_MOCK_KEY = 'sk_test_123';

/** A request the client sent to Stripe: the form body (and query) as flat keys, `metadata[accountId]`, `items[0][price]`. */
export type StripeRequest = { method: string; path: string; params: Record<string, string> };

export type StripeMock = {
  /** Where a Stripe client points (`apiBase`): a recording front of stripe-mock. */
  url: string;
  /** Every request sent through `url`, oldest first: stripe-mock answers fixtures, so what was asked is checked here. */
  requests: StripeRequest[];
  stop(): Promise<void>;
};

/**
 * A stripe-mock process (scripts/stripe-mock builds it) on loopback, behind a recording front.
 * stripe-mock binds both its listeners to ports the kernel picks (`127.0.0.1:` with no port),
 * so no port is chosen here and none can be taken in between; the HTTP one is read back from
 * its output. Answers once stripe-mock serves a request, or throws with its output after
 * `timeoutMs`.
 */
export async function startStripeMock(timeoutMs = STARTUP_MS): Promise<StripeMock> {
  const bin = execFileSync('bash', [join(ROOT, 'scripts', 'stripe-mock')], { encoding: 'utf8' }).trim();
  const proc = spawn(bin, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  proc.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  try {
    const upstream = await waitUntilServing(proc, () => output, timeoutMs);
    const requests: StripeRequest[] = [];
    const front = await recordingFront(upstream, requests);
    const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    return { url, requests, stop: async () => { front.closeAllConnections(); await new Promise((resolve) => front.close(resolve)); await stopProcess(proc); } };
  } catch (err) {
    await stopProcess(proc);
    throw err;
  }
}

/** One stripe-mock for a spec file: started before its tests, stopped after them. */
export function useStripeMock(): () => StripeMock {
  let mock: StripeMock | undefined;
  beforeAll(async () => { mock = await startStripeMock(); });
  afterAll(async () => { await mock?.stop(); });
  return () => {
    if (!mock) throw new Error('stripe-mock is not started: call useStripeMock() at the top of a describe and read it inside a test');
    return mock;
  };
}

/** Forwards each request to stripe-mock unchanged and records what it asked. */
function recordingFront(upstream: string, requests: StripeRequest[]): Promise<Server> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', upstream);
      const params = Object.fromEntries([...url.searchParams, ...new URLSearchParams(body.toString())]);
      requests.push({ method: req.method ?? 'GET', path: url.pathname, params });
      const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', (err) => { res.writeHead(502).end(String(err)); });
      forward.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function waitUntilServing(proc: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`stripe-mock exited (${proc.exitCode ?? proc.signalCode}) before it served a request:\n${output()}`);
    }
    const address = /Listening for HTTP at address: (\S+)/.exec(output())?.[1];
    if (address !== undefined && await answers(`http://${address}`)) return `http://${address}`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stripe-mock did not serve a request within ${timeoutMs} ms; its output:\n${output()}`);
}

/** A list call with a test key: what any client's first request looks like. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${STRIPE_MOCK_KEY}` }, signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    proc.once('exit', () => { clearTimeout(kill); resolve(); });
    proc.kill('SIGTERM');
  });
}
