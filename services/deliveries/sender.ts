import { createHash } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, errors as undiciErrors } from 'undici';
import { addressAllowed, type AddressPolicy } from './address-policy.ts';
import type { SendResult } from './domain/outcome.ts';
import { bodiless, type HttpMethod } from './domain/messages.ts';

const RESPONSE_BODY_MAX = 1024;

export class BlockedAddressError extends Error {
  readonly code = 'MITTR_BLOCKED_ADDRESS';
}

export type ClientCert = { certPem: string; keyPem: string };

/** Connections per receiving origin; the engine keeps as many attempts in flight to an origin (OriginSlots). */
export const CONNECTIONS_PER_ORIGIN = 64;

/**
 * A DNS lookup that answers only the addresses the policy allows, and fails with
 * BlockedAddressError when it allows none: the socket then connects to a checked address, and a
 * refused host is refused before any packet leaves (no TCP handshake, no TLS ClientHello), with
 * one error whatever the state of the port.
 */
export function checkedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => addressAllowed(a.address, policy).ok);
      if (allowed.length === 0) {
        const first = addresses[0];
        const verdict = first ? addressAllowed(first.address, policy) : { ok: false as const, reason: `${hostname} has no address` };
        return callback(new BlockedAddressError(verdict.ok ? `${hostname} has no allowed address` : verdict.reason), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * An undici Agent that resolves, checks, then connects to the checked address (no DNS rebinding);
 * IP literals are checked before connecting, and the connected socket's address once more. No
 * redirects are followed. With a client certificate, TLS connections present it (mTLS).
 */
export function createDeliveryAgent(policy: AddressPolicy, cert?: ClientCert, ca?: string[]): Agent {
  const base = buildConnector({
    timeout: 10_000, lookup: checkedLookup(policy),
    ...(ca ? { ca } : {}), ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
  });
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) {
      const verdict = addressAllowed(host, policy);
      if (!verdict.ok) return callback(new BlockedAddressError(verdict.reason), null);
    }
    base(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const verdict = addressAllowed((socket as Socket).remoteAddress ?? '', policy);
      if (!verdict.ok) {
        socket.destroy();
        return callback(new BlockedAddressError(verdict.reason), null);
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, connections: CONNECTIONS_PER_ORIGIN, pipelining: 1, keepAliveTimeout: 10_000 });
}

/**
 * Agents by (address policy, client certificate): endpoints with the default policy share one;
 * those with their own CIDRs or mTLS certificate get their own, in a bounded LRU.
 */
export class AgentPool {
  private readonly agents = new Map<string, Agent>();
  private readonly deployment: Pick<AddressPolicy, 'allowPrivateNetworks' | 'operatorCidrs'>;
  private readonly max: number;
  private readonly ca: string[] | undefined;
  /**
   * `deployment`: what the operator lets deliveries reach (MITTR_ALLOW_PRIVATE_NETWORKS,
   * MITTR_ALLOWED_CIDRS); `extraCaPem`: certificates trusted besides the system's (MITTR_TLS_CA_FILE).
   */
  constructor(deployment: Pick<AddressPolicy, 'allowPrivateNetworks' | 'operatorCidrs'>, extraCaPem?: string, max = 256) {
    this.deployment = deployment;
    this.ca = extraCaPem ? [...rootCertificates, extraCaPem] : undefined;
    this.max = max;
  }

  /** The deployment's policy narrowed by an endpoint's lists (what its storage sink may reach, too). */
  policy(allowedCidrs: readonly string[] = [], blockedCidrs: readonly string[] = []): AddressPolicy {
    return { ...this.deployment, allowedCidrs, blockedCidrs };
  }

  get(allowedCidrs: readonly string[] = [], blockedCidrs: readonly string[] = [], cert?: ClientCert): Agent {
    const key = JSON.stringify([allowedCidrs, blockedCidrs, cert ? createHash('sha256').update(cert.certPem).digest('hex') : null]);
    let agent = this.agents.get(key);
    if (agent) {
      this.agents.delete(key); // refresh its LRU position
    } else {
      agent = createDeliveryAgent({ ...this.deployment, allowedCidrs, blockedCidrs }, cert, this.ca);
      if (this.agents.size >= this.max) {
        const [oldestKey, oldest] = this.agents.entries().next().value!;
        this.agents.delete(oldestKey);
        void oldest.close();
      }
    }
    this.agents.set(key, agent);
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
  }
}

/**
 * Sends one delivery (POST unless `method` says otherwise; GET and DELETE without a body); never
 * throws: every failure is classified into the result.
 */
export async function send(
  agent: Agent, url: string, headers: Record<string, string>, body: string, timeoutMs: number, method: HttpMethod = 'POST',
): Promise<SendResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const us = () => Math.round((performance.now() - started) * 1000);
  // The whole attempt's deadline (connect, headers and body). Not AbortSignal.timeout: its timer
  // outlives the attempt until the signal is collected, ~4,600 of them at a time under the e2e
  // flood, each with a WeakRef and a finalization cell.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  try {
    const u = new URL(url);
    const res = await agent.request({
      origin: u.origin, path: `${u.pathname}${u.search}`, method, headers, body: bodiless(method) ? null : body,
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: deadline.signal,
    });
    const responseBody = await readCapped(res.body);
    const retryAfter = res.headers['retry-after'];
    return {
      statusCode: res.statusCode, responseBody, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      error: '', errorCategory: res.statusCode >= 500 ? '5xx' : res.statusCode >= 400 ? '4xx' : res.statusCode >= 300 ? '3xx' : null,
      durationMs: ms(), durationUs: us(), timedOut: false,
    };
  } catch (err) {
    const category = categorize(err);
    return {
      statusCode: null, responseBody: '', error: describe(err), errorCategory: category,
      durationMs: ms(), durationUs: us(), timedOut: category === 'timeout',
    };
  } finally {
    clearTimeout(timer);
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
