import parse from 'jsonpath-rfc9535/parser';
import { DomainError } from '../../platform/domain/errors.ts';
import { normalizePath } from '../../endpoints/domain/partition-key.ts';
import { presetOf } from './presets/index.ts';
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
  /** Whether the id names a live endpoint of the caller's project. */
  isOwnEndpoint: (endpointId: string) => boolean;
  newSuffix: () => string;
};

/** URL-safe: RFC 3986 unreserved characters, starting with a letter or digit. */
export const PATH_SUFFIX = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
export const MAX_DESTINATIONS = 20;
const MAX_FIELD_CHARS = 4_096;
/** Values a field may hold at once: the new secret and the ones it replaces, any of which verifies. */
const MAX_ROTATING = 5;

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD_CHARS;
/** A field's value: a string, or a list of strings (rotation: verifyInbound accepts any of them). */
function isFieldValue(v: unknown): v is string | string[] {
  return isText(v) || (Array.isArray(v) && v.length > 0 && v.length <= MAX_ROTATING && v.every(isText));
}

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
  const keep = base && source === base.source ? (JSON.parse(base.sourceConfig) as Record<string, unknown>) : {};
  const sourceConfig: Record<string, unknown> = { ...keep };
  for (const [key, value] of Object.entries(input.sourceConfig ?? {})) {
    const field = preset?.fields.find((f) => f.name === key);
    if (preset && !field) problems.push(`sourceConfig.${key} is not a field of the ${source} preset`);
    else if (value === null) delete sourceConfig[key];
    else if (!isFieldValue(value)) problems.push(`sourceConfig.${key} must be a string of 1-${MAX_FIELD_CHARS} characters, or a list of up to ${MAX_ROTATING} (a secret while it rotates)`);
    else sourceConfig[key] = field?.secret ? mapValue(value, deps.seal) : value;
  }
  for (const f of preset?.fields ?? []) if (f.required && sourceConfig[f.name] === undefined) problems.push(`sourceConfig.${f.name} is required by the ${source} preset (${f.description})`);
  const c: InboundConfig = {
    name: input.name ?? base?.name ?? '',
    pathSuffix: input.pathSuffix ?? base?.pathSuffix ?? deps.newSuffix(),
    source,
    sourceConfig: JSON.stringify(sourceConfig),
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
