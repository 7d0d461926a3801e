import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, errors as undiciErrors } from 'undici';

export type SendResult = {
  statusCode: number | null; responseBody: string; retryAfter?: string;
  error: string; errorCategory: string | null; durationMs: number; timedOut: boolean;
};

const RESPONSE_BODY_MAX = 1024;

/** Address ranges a delivery may not reach unless private networks are allowed. */
const PUBLIC_RANGES = new Set(['unicast']);

export class BlockedAddressError extends Error {
  readonly code = 'MITTR_BLOCKED_ADDRESS';
}

/** True if `address` (as connected to) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return PUBLIC_RANGES.has(ip.range());
}

/**
 * An undici Agent whose connector checks the address actually connected to, after DNS
 * resolution (no DNS rebinding, and IP literals are checked too). No redirects are followed.
 */
export function createDeliveryAgent(opts: { allowPrivateNetworks: boolean }): Agent {
  const base = buildConnector({ timeout: 10_000 });
  const connect: buildConnector.connector = (options, callback) => {
    base(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const address = (socket as Socket).remoteAddress;
      if (!opts.allowPrivateNetworks && (!address || !isPublicAddress(address))) {
        socket.destroy();
        return callback(new BlockedAddressError(`refused to deliver to non-public address ${address}`), null);
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, connections: 64, pipelining: 1, keepAliveTimeout: 10_000 });
}

/** POSTs one delivery; never throws: every failure is classified into the result. */
export async function send(
  agent: Agent, url: string, headers: Record<string, string>, body: string, timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const u = new URL(url);
    const res = await agent.request({
      origin: u.origin, path: `${u.pathname}${u.search}`, method: 'POST', headers, body,
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
    });
    const responseBody = await readCapped(res.body);
    const retryAfter = res.headers['retry-after'];
    return {
      statusCode: res.statusCode, responseBody, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      error: '', errorCategory: res.statusCode >= 500 ? '5xx' : res.statusCode >= 400 ? '4xx' : res.statusCode >= 300 ? '3xx' : null,
      durationMs: ms(), timedOut: false,
    };
  } catch (err) {
    const category = categorize(err);
    return {
      statusCode: null, responseBody: '', error: describe(err), errorCategory: category,
      durationMs: ms(), timedOut: category === 'timeout',
    };
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_MAX) { body.destroy(); break; }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_MAX).toString('utf8');
}

function describe(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const code = e.code ?? e.cause?.code;
  return [code, e.message ?? String(err)].filter(Boolean).join(': ').slice(0, 500);
}

/** Error categories of the deliveries API: timeout, dns, tls, refused, reset, blocked, other. */
export function categorize(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (err instanceof BlockedAddressError || code === 'MITTR_BLOCKED_ADDRESS') return 'blocked';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || err instanceof undiciErrors.HeadersTimeoutError
    || err instanceof undiciErrors.BodyTimeoutError || err instanceof undiciErrors.ConnectTimeoutError) return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'EPROTO') return 'tls';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  return 'other';
}
