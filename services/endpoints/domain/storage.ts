import { DomainError } from '../../platform/domain/errors.ts';

/**
 * An endpoint's S3-compatible storage sink (deliveryMode storage), as kept in the log: the
 * access key id and secret only sealed (the caller seals them before deciding, as endpoint
 * secrets are), with a masked hint of the key id for the API to show.
 */
export type StorageConfig = {
  bucket: string; prefix: string; region: string; endpoint: string | null; format: 'ndjson' | 'json';
  batchSize: number; maxWaitMs: number;
  credentials: { accessKeyIdEnc: string; secretAccessKeyEnc: string; accessKeyIdHint: string };
};
/** What a caller sends: credentials in the clear, before sealing. */
export type StorageInput = Record<string, unknown> & { credentials?: { accessKeyId?: unknown; secretAccessKey?: unknown } };

export const STORAGE_DEFAULTS = { prefix: '', region: 'us-east-1', endpoint: null, format: 'ndjson', batchSize: 100, maxWaitMs: 1_000 } as const;
const MASK = '****';
// S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, starting and ending alnum.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;

/** The hint shown for an access key id: its last four characters. */
export const keyIdHint = (id: string) => `${MASK}${id.slice(-4)}`;

/**
 * Checks a storage configuration given over `base` (the current one, whose sealed credentials
 * stay when the input gives none). Answers the problems, or the configuration to keep.
 */
export function checkStorage(input: unknown, base: StorageConfig | null): { problems: string[]; config?: StorageConfig } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { problems: ['storageConfig must be an object'] };
  const i = { ...STORAGE_DEFAULTS, ...input } as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof i.bucket !== 'string' || !BUCKET.test(i.bucket) || i.bucket.includes('..')) problems.push('storageConfig.bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)');
  if (typeof i.prefix !== 'string' || i.prefix.length > 512 || i.prefix.startsWith('/') || /[\\\0]/.test(i.prefix)) problems.push('storageConfig.prefix must be a key prefix of at most 512 characters, not starting with /');
  if (typeof i.region !== 'string' || !REGION.test(i.region)) problems.push('storageConfig.region must be a region name like us-east-1');
  if (i.endpoint !== null && !httpUrl(i.endpoint)) problems.push('storageConfig.endpoint must be an absolute http(s) URL without credentials, or null for AWS S3');
  if (i.format !== 'ndjson' && i.format !== 'json') problems.push('storageConfig.format must be ndjson or json');
  if (!intIn(i.batchSize, 1, 10_000)) problems.push('storageConfig.batchSize must be an integer from 1 to 10000');
  if (!intIn(i.maxWaitMs, 0, 300_000)) problems.push('storageConfig.maxWaitMs must be an integer from 0 to 300000');
  const credentials = i.credentials ?? base?.credentials;
  if (!credentials) problems.push('storageConfig.credentials {accessKeyId, secretAccessKey} are required');
  else if (!sealedCredentials(credentials)) problems.push('storageConfig.credentials must be {accessKeyId, secretAccessKey}, each a non-empty string');
  if (problems.length > 0) return { problems };
  return { problems, config: {
    bucket: i.bucket as string, prefix: i.prefix as string, region: i.region as string, endpoint: i.endpoint as string | null,
    format: i.format as 'ndjson' | 'json', batchSize: i.batchSize as number, maxWaitMs: i.maxWaitMs as number,
    credentials: credentials as StorageConfig['credentials'],
  } };
}

/** Replaces clear credentials by sealed ones (`seal` from the platform's SecretBox); anything else is left to checkStorage. */
export function sealStorageInput(input: unknown, seal: (plain: string) => string): unknown {
  if (typeof input !== 'object' || input === null || !('credentials' in input)) return input;
  const c = (input as StorageInput).credentials;
  if (typeof c !== 'object' || c === null) return input;
  const { accessKeyId, secretAccessKey } = c;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || !accessKeyId || !secretAccessKey
    || accessKeyId.length > 256 || secretAccessKey.length > 256) {
    throw new DomainError('VALIDATION_ERROR', 'storageConfig.credentials must be {accessKeyId, secretAccessKey}, each a string of 1 to 256 characters');
  }
  return { ...input, credentials: { accessKeyIdEnc: seal(accessKeyId), secretAccessKeyEnc: seal(secretAccessKey), accessKeyIdHint: keyIdHint(accessKeyId) } };
}

/** The configuration as the API shows it: the credentials masked, never their ciphertext. */
export function maskStorage(c: StorageConfig): Omit<StorageConfig, 'credentials'> & { credentials: { accessKeyId: string; secretAccessKey: string } } {
  const { credentials, ...rest } = c;
  return { ...rest, credentials: { accessKeyId: credentials.accessKeyIdHint, secretAccessKey: MASK } };
}

/** The object URL an attempt is recorded with (no credential in it). */
export const storageUrl = (c: Pick<StorageConfig, 'bucket' | 'prefix'>) => `s3://${c.bucket}/${c.prefix}`;

function sealedCredentials(c: unknown): boolean {
  const s = c as Record<string, unknown>;
  return typeof c === 'object' && c !== null && typeof s.accessKeyIdEnc === 'string' && typeof s.secretAccessKeyEnc === 'string' && typeof s.accessKeyIdHint === 'string';
}

function httpUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 2048) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password;
  } catch { return false; }
}

const intIn = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
