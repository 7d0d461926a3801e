import { X509Certificate, createPrivateKey } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { headerProblems } from '../../deliveries/domain/delivery-headers.ts';
import { DomainError } from '../../platform/domain/errors.ts';
import { compileFilter, type FilterRule } from './filter.ts';
import { compileKeyPath } from './partition-key.ts';
import { checkStorage, storageUrl, type StorageConfig } from './storage.ts';
import type { EndpointConfig } from './messages.ts';

/** The documented defaults of every endpoint field (002, Endpoints). */
export const ENDPOINT_DEFAULTS: EndpointConfig = {
  url: '', eventTypes: [], description: '', filter: null, transformation: null, fifo: false, fifoPartitionKey: null,
  maxRetries: 5, retryBackoffMs: 1_000, retryBackoffMax: 86_400_000, retryBackoffMult: 2, timeoutMs: 30_000,
  rateLimitPerSec: 0, circuitThreshold: 5, circuitResetMs: 300_000, customHeaders: {}, allowedCidrs: [],
  blockedCidrs: [], deliveryMode: 'push', storageConfig: null,
};

/** The API's view of the configurable fields (filter/storageConfig as JSON values). */
export type EndpointInput = Partial<Omit<EndpointConfig, 'filter' | 'storageConfig'>> & {
  filter?: unknown; storageConfig?: unknown;
};

function range(problems: string[], name: string, v: number, min: number, max: number, integer = true) {
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    problems.push(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
}

function validCidr(c: string): boolean {
  try { ipaddr.parseCIDR(c); return true; } catch { return false; }
}

/**
 * Merges `input` over `base` and checks every field; throws VALIDATION_ERROR listing all problems.
 * Fields a configuration does not have are ignored, as unknown JSON fields are everywhere in the API.
 * Pure: the same input always gives the same configuration or the same errors.
 */
export function buildConfig(base: EndpointConfig, input: EndpointInput): EndpointConfig {
  const problems: string[] = [];
  const c: EndpointConfig = {
    ...base, ...stripUndefined(input),
    filter: input.filter === undefined ? base.filter : input.filter === null ? null : JSON.stringify(input.filter),
    storageConfig: input.storageConfig === null ? null : base.storageConfig,
  };
  if (input.storageConfig !== undefined && input.storageConfig !== null) {
    const checked = checkStorage(input.storageConfig, base.storageConfig === null ? null : JSON.parse(base.storageConfig) as StorageConfig);
    problems.push(...checked.problems);
    if (checked.config) c.storageConfig = JSON.stringify(checked.config);
  }
  if (c.deliveryMode === 'storage') problems.push(...storageModeProblems(c));
  else urlProblems(problems, c.url);
  if (!Array.isArray(c.eventTypes) || c.eventTypes.length === 0 || c.eventTypes.some((t) => typeof t !== 'string' || !t.trim())) {
    problems.push('eventTypes must be a non-empty array of event type names (wildcards like payment.* allowed)');
  }
  range(problems, 'maxRetries', c.maxRetries, 1, 25);
  range(problems, 'retryBackoffMs', c.retryBackoffMs, 100, 86_400_000);
  range(problems, 'retryBackoffMax', c.retryBackoffMax, 100, 7 * 86_400_000);
  range(problems, 'retryBackoffMult', c.retryBackoffMult, 1, 10, false);
  range(problems, 'timeoutMs', c.timeoutMs, 100, 120_000);
  range(problems, 'rateLimitPerSec', c.rateLimitPerSec, 0, 100_000);
  range(problems, 'circuitThreshold', c.circuitThreshold, 0, 1_000);
  range(problems, 'circuitResetMs', c.circuitResetMs, 1_000, 86_400_000);
  if (c.retryBackoffMax < c.retryBackoffMs) problems.push('retryBackoffMax must be >= retryBackoffMs');
  for (const [name, list] of [['allowedCidrs', c.allowedCidrs], ['blockedCidrs', c.blockedCidrs]] as const) {
    for (const cidr of list) if (!validCidr(cidr)) problems.push(`${name}: ${JSON.stringify(cidr)} is not a CIDR`);
  }
  problems.push(...headerProblems(c.customHeaders, 'customHeaders'));
  if (!['push', 'poll', 'storage'].includes(c.deliveryMode)) problems.push('deliveryMode must be push, poll or storage');
  if (c.deliveryMode !== 'storage' && c.storageConfig !== null) problems.push('storageConfig is only for deliveryMode storage (set it to null to leave storage)');
  if (c.fifoPartitionKey !== null) problems.push(...problemsOf(() => compileKeyPath(c.fifoPartitionKey!)));
  if (c.filter !== null) problems.push(...filterProblems(JSON.parse(c.filter)));
  if (c.transformation !== null && c.transformation.length > 65_536) problems.push('transformation must be at most 64 KiB');
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return c;
}

function urlProblems(problems: string[], url: string) {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push('url must use http or https');
  } catch { problems.push('url must be an absolute http(s) URL'); }
}

/**
 * A storage sink writes batches of deliveries as objects: its url is the bucket's (s3://bucket/prefix,
 * what attempts are recorded with). One object holds deliveries of many keys and a payload is stored
 * as sent, so FIFO and transformations are refused rather than silently ignored.
 */
function storageModeProblems(c: EndpointConfig): string[] {
  if (c.storageConfig === null) return ['storageConfig is required when deliveryMode is storage'];
  c.url = storageUrl(JSON.parse(c.storageConfig) as StorageConfig);
  const problems: string[] = [];
  if (c.fifo) problems.push('fifo is not supported with deliveryMode storage');
  if (c.transformation !== null) problems.push('transformation is not supported with deliveryMode storage');
  return problems;
}

/** A filter is valid when it compiles (operators, JSONPaths and values all checked there). */
function filterProblems(filter: unknown): string[] {
  if (!Array.isArray(filter)) return ['filter must be an array of {field, operator, value}'];
  return problemsOf(() => compileFilter(filter as FilterRule[]));
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const listed = err.details?.problems;
    return Array.isArray(listed) ? listed.map(String) : [err.message];
  }
}

/** Checks a PEM client certificate and key parse (mTLS). */
export function assertPemPair(certPem: string, keyPem: string): void {
  try { new X509Certificate(certPem); } catch { throw new DomainError('VALIDATION_ERROR', 'certPem is not a PEM certificate'); }
  try { createPrivateKey(keyPem); } catch { throw new DomainError('VALIDATION_ERROR', 'keyPem is not a PEM private key'); }
}

/** The fields of `o` that are set and that a configuration has: a field it does not know is not kept. */
function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && Object.hasOwn(ENDPOINT_DEFAULTS, k))) as Partial<T>;
}

/** `payment.*` matches `payment.created`; `*` matches everything; otherwise exact. */
export function matchesEventType(patterns: readonly string[], eventType: string): boolean {
  return patterns.some((p) => {
    if (p === '*' || p === eventType) return true;
    if (!p.includes('*')) return false;
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(eventType);
  });
}

/** Field-level differences between two configurations. */
export function diffConfigs(a: EndpointConfig, b: EndpointConfig): Array<{ field: string; from: unknown; to: unknown }> {
  return (Object.keys(ENDPOINT_DEFAULTS) as Array<keyof EndpointConfig>)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => ({ field: k, from: a[k], to: b[k] }));
}
