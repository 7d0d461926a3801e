import type { SecretEncoding } from './types.ts';

/**
 * The values of a config field as a list: a field holds one string, or an array of strings while a
 * secret rotates (the new one and the old one, any of them verifies). Undefined when none is set.
 */
export function valuesOf(config: Readonly<Record<string, unknown>>, field: string): string[] | undefined {
  const value = config[field];
  const list = Array.isArray(value) ? value : [value];
  const strings = list.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return strings.length > 0 ? strings : undefined;
}

/** The first string value of a config field (non-secret settings such as a header name). */
export function settingOf(config: Readonly<Record<string, unknown>>, field: string | undefined): string | undefined {
  return field === undefined ? undefined : valuesOf(config, field)?.[0];
}

/** Key bytes of every secret in the given fields, decoded as the provider documents. */
export function keysOf(config: Readonly<Record<string, unknown>>, fields: readonly string[], encoding: SecretEncoding = 'utf8'): Buffer[] | undefined {
  const secrets = fields.flatMap((field) => valuesOf(config, field) ?? []);
  if (secrets.length === 0) return undefined;
  return secrets.map((s) => Buffer.from(s.trim(), encoding));
}
