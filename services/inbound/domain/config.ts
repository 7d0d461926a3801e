import parse from 'jsonpath-rfc9535/parser';
import { DomainError } from '../../platform/domain/errors.ts';
import { normalizePath } from '../../endpoints/domain/partition-key.ts';
import { presetOf, sourceConfigProblems } from './presets/index.ts';
import type { InboundConfig, InboundStatus } from './messages.ts';

/** The API's view of a change: sourceConfig in clear (secret fields are sealed here, by `seal`). */
export type InboundInput = {
  name?: string; pathSuffix?: string; source?: string; sourceConfig?: Record<string, unknown>;
  destinationIds?: string[]; eventTypeMapping?: string | null; description?: string;
  transformation?: string | null; status?: InboundStatus;
};

/** What a configuration is checked with: the caller's sealing, its project's endpoints and a fresh suffix. */
export type ConfigDeps = {
  seal: (plain: string) => string;
  /** Unseals a stored secret (the preset checks the whole sourceConfig, kept values too). */
  open: (sealed: string) => string;
  /** Whether the id names a live endpoint of the caller's project. */
  isOwnEndpoint: (endpointId: string) => boolean;
  newSuffix: () => string;
};

/** URL-safe: RFC 3986 unreserved characters, starting with a letter or digit. */
export const PATH_SUFFIX = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
export const MAX_DESTINATIONS = 20;
/** `f` applied to a field's value, or to each of its values. */
export function mapValue<T>(v: string | string[], f: (s: string) => T): T | T[] {
  return Array.isArray(v) ? v.map(f) : f(v);
}

/**
 * Merges `input` over `base` (undefined when creating) and checks every field; throws
 * VALIDATION_ERROR listing the problems, NOT_FOUND for a destination that is not the project's.
 * sourceConfig merges key by key (null removes a key) while the source stays; a new source
 * starts from the sourceConfig given. Secret fields are sealed as they come in.
 */
export function buildConfig(base: InboundConfig | undefined, input: InboundInput, deps: ConfigDeps): InboundConfig {
  const problems: string[] = [];
  const source = input.source ?? base?.source ?? '';
  const preset = presetOf(source);
  if (!preset) problems.push(`source ${JSON.stringify(source)} is not a known preset (GET /api/v1/inbound-presets lists them)`);
  const secret = secretFields(source);
  // Kept as stored (sealed) unless changed, so a change to something else re-seals nothing.
  const stored = base && source === base.source ? (JSON.parse(base.sourceConfig) as Record<string, unknown>) : {};
  const plain: Record<string, unknown> = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, secret.has(k) ? mapValue(v as string | string[], deps.open) : v]));
  for (const [key, value] of Object.entries(input.sourceConfig ?? {})) {
    if (value === null) delete plain[key];
    else plain[key] = value;
  }
  // The preset's own rules: required fields, values it can decode (a whsec_ secret, a hex key), no field it does not read.
  if (preset) problems.push(...sourceConfigProblems(preset, plain).map((p) => `sourceConfig.${p}`));
  const given = new Set(Object.keys(input.sourceConfig ?? {}));
  /** Sealed once every value is known good (strings, or short lists of them). */
  const sealed = () => JSON.stringify(Object.fromEntries(Object.entries(plain).map(([k, v]) =>
    [k, !given.has(k) ? stored[k] : secret.has(k) ? mapValue(v as string | string[], deps.seal) : v])));
  const c: InboundConfig = {
    name: input.name ?? base?.name ?? '',
    pathSuffix: input.pathSuffix ?? base?.pathSuffix ?? deps.newSuffix(),
    source,
    sourceConfig: '',
    destinationIds: input.destinationIds ?? base?.destinationIds ?? [],
    eventTypeMapping: input.eventTypeMapping === undefined ? (base?.eventTypeMapping ?? null) : input.eventTypeMapping,
    description: input.description ?? base?.description ?? '',
    transformation: input.transformation === undefined ? (base?.transformation ?? null) : input.transformation,
    status: input.status ?? base?.status ?? 'active',
  };
  if (c.name.length === 0 || c.name.length > 255) problems.push('name must be 1-255 characters');
  if (!PATH_SUFFIX.test(c.pathSuffix)) problems.push('pathSuffix must be 1-128 URL-safe characters (letters, digits, . _ ~ -), starting with a letter or digit');
  if (c.description.length > 1_000) problems.push('description must be at most 1000 characters');
  if (c.transformation !== null && (c.transformation.length === 0 || c.transformation.length > 65_536)) problems.push('transformation must be 1-65536 characters');
  if (c.destinationIds.length > MAX_DESTINATIONS) problems.push(`destinationIds may name at most ${MAX_DESTINATIONS} endpoints`);
  if (new Set(c.destinationIds).size !== c.destinationIds.length) problems.push('destinationIds must not repeat an endpoint');
  if (c.eventTypeMapping !== null) problems.push(...mappingProblems(c.eventTypeMapping));
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  c.sourceConfig = sealed();
  // Only the destinations given now: one deleted since an earlier change does not block every later one.
  const foreign = (input.destinationIds ?? []).filter((id) => !deps.isOwnEndpoint(id));
  if (foreign.length > 0) throw new DomainError('NOT_FOUND', `endpoint not found: ${foreign.join(', ')}`, { endpointIds: foreign });
  return c;
}

/** Why `path` is no JSONPath over {headers, data, query} (none: it is one). */
export function mappingProblems(path: string): string[] {
  if (path.length > 255) return ['eventTypeMapping must be at most 255 characters'];
  if (!path.startsWith('$')) return ['eventTypeMapping must be a JSONPath starting with $ (e.g. $.headers.X-GitHub-Event)'];
  try {
    parse(normalizePath(path));
    return [];
  } catch (err) {
    return [`eventTypeMapping is not a JSONPath: ${(err as Error).message}`];
  }
}

/** The names of the preset's secret fields: what the API never shows in clear. */
export function secretFields(source: string): Set<string> {
  return new Set((presetOf(source)?.fields ?? []).filter((f) => f.secret).map((f) => f.name));
}
