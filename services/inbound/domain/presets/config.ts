import { createPublicKey } from 'node:crypto';
import type { ConfigField, Preset } from '../verify/types.ts';

const MAX_VALUES = 5;
const MAX_LENGTH = 4096;

/** A field's value as a list of strings (one string, or a list while rotating), or a problem. */
function listOf(field: ConfigField, value: unknown): string[] | string {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > MAX_VALUES) return `${field.name} takes one string or a list of 1 to ${MAX_VALUES}`;
  if (!list.every((v) => typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_LENGTH)) return `${field.name} must be a non-empty string of at most ${MAX_LENGTH} characters`;
  return list as string[];
}

/** How the preset will decode a field's value, so a value it cannot decode is refused when configured, not at the first delivery. */
function decodingProblem(preset: Preset, field: ConfigField, value: string): string | undefined {
  const text = value.trim();
  const hexKey = (preset.mode === 'hmac' && preset.secretEncoding === 'hex') || preset.mode === 'adyen' || (preset.mode === 'ed25519' && (preset.keyEncoding ?? 'hex') === 'hex');
  const base64Key = (preset.mode === 'hmac' && preset.secretEncoding === 'base64') || (preset.mode === 'ed25519' && preset.keyEncoding === 'base64');
  if (preset.mode === 'standard-webhooks' && preset.secretFormat !== 'utf8-or-whsec' && field.name === 'secret') {
    return /^(?:v1,)?(?:whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(text) ? undefined : `${field.name} must be whsec_ followed by base64`;
  }
  if (!field.secret && field.name !== 'publicKey') return undefined;
  if (hexKey && !/^(?:[0-9a-f]{2})+$/i.test(text)) return `${field.name} must be hex`;
  if (base64Key && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return `${field.name} must be base64`;
  if (preset.mode === 'ed25519' && Buffer.from(text, preset.keyEncoding === 'base64' ? 'base64' : 'hex').length !== 32) return `${field.name} must be a 32-byte Ed25519 public key`;
  if (preset.mode === 'ecdsa') {
    try {
      if (text.includes('-----BEGIN')) createPublicKey(text);
      else createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    } catch {
      return `${field.name} must be an SPKI public key (base64 DER or PEM)`;
    }
  }
  return undefined;
}

/**
 * What is wrong with a sourceConfig for a preset (empty when nothing): a required field missing,
 * a value that is not a string (or a short list of them while rotating), a key the scheme cannot
 * decode, or a field the preset does not read. For the create and update commands: a 400 then,
 * rather than every delivery refused as `misconfigured`.
 */
export function sourceConfigProblems(preset: Preset, config: Readonly<Record<string, unknown>>): string[] {
  const declared = new Set(preset.fields.map((f) => f.name));
  const unknown = Object.keys(config).filter((name) => !declared.has(name)).map((name) => `${name} is not a field of ${preset.source}`);
  const problems = preset.fields.flatMap((field) => {
    const value = config[field.name];
    if (value === undefined || value === null) return field.required ? [`${field.name} is required`] : [];
    const list = listOf(field, value);
    if (typeof list === 'string') return [list];
    return list.flatMap((v) => decodingProblem(preset, field, v) ?? []).slice(0, 1);
  });
  return [...unknown, ...problems];
}

/** The sourceConfig as the API may show it: secret fields masked, the rest as configured. */
export function redactSourceConfig(preset: Preset, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const secret = new Set(preset.fields.filter((f) => f.secret).map((f) => f.name));
  return Object.fromEntries(Object.entries(config).map(([name, value]) => [name, secret.has(name) ? (Array.isArray(value) ? value.map(() => '********') : '********') : value]));
}
