import { DomainError } from '../../platform/domain/errors.ts';
import type { SubAccountDefinition } from './messages.ts';
import { checkTheme } from './theme.ts';

/** What the API gives: metadata as a JSON object; every field optional on a change (portalTheme: null clears it, an object replaces it whole). */
export type SubAccountInput = { name?: string; subID?: string; metadata?: Record<string, unknown>; allowedOrigins?: string[]; portalTheme?: unknown };

export const MAX_ORIGINS = 20;
const MAX_METADATA_BYTES = 16_384;

/** An origin a CSP frame-ancestors source can name: http(s), a host, an optional port, nothing else. */
export function isOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === value;
  } catch { return false; }
}

/**
 * Merges `input` over `base` (undefined on a create) and checks every field; throws
 * VALIDATION_ERROR listing all problems. Pure.
 */
export function buildDefinition(base: SubAccountDefinition | undefined, input: SubAccountInput): SubAccountDefinition {
  const d: SubAccountDefinition = {
    name: (input.name ?? base?.name ?? '').trim(),
    subID: input.subID ?? base?.subID ?? '',
    metadata: input.metadata === undefined ? base?.metadata ?? '{}' : JSON.stringify(input.metadata),
    allowedOrigins: input.allowedOrigins ?? base?.allowedOrigins ?? [],
    portalTheme: base?.portalTheme ?? null,
  };
  const problems: string[] = [];
  if (input.portalTheme !== undefined) {
    const checked = checkTheme(input.portalTheme);
    problems.push(...checked.problems);
    d.portalTheme = checked.theme;
  }
  if (d.name.length === 0 || d.name.length > 255) problems.push('name must be 1 to 255 characters');
  if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(d.subID)) problems.push('subID must be 1 to 128 letters, digits or . _ : @ -');
  if (Buffer.byteLength(d.metadata) > MAX_METADATA_BYTES) problems.push('metadata must be at most 16 KiB of JSON');
  if (d.allowedOrigins.length > MAX_ORIGINS) problems.push(`allowedOrigins holds at most ${MAX_ORIGINS} origins`);
  for (const o of d.allowedOrigins) if (!isOrigin(o)) problems.push(`allowedOrigins: ${JSON.stringify(o).slice(0, 300)} is not an origin (scheme://host[:port], no path)`);
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return { ...d, allowedOrigins: [...new Set(d.allowedOrigins)] };
}
