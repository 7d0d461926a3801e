import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { overlapping, type SecretPair } from '../domain/rotation.ts';

/**
 * Secrets at rest (signing secrets, connector credentials): AES-256-GCM under the master key,
 * written as `v1.<kid>.<iv>.<ct>.<tag>` (base64url parts) so keys can rotate later.
 */
export class SecretBox {
  private readonly kid: string;
  private readonly key: Buffer;
  /** Every key that opens, by kid: the current one and older master keys still in MITTR_MASTER_KEY. */
  private readonly openers = new Map<string, Buffer>();
  constructor(key: Buffer, older: readonly Buffer[] = []) {
    this.key = key;
    this.kid = kidOf(key);
    for (const k of [key, ...older]) this.openers.set(kidOf(k), k);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', this.kid, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [v, kid, iv, ct, tag] = sealed.split('.');
    if (v !== 'v1' || !iv || !ct || !tag) throw new Error('malformed sealed secret');
    const key = this.openers.get(kid ?? '');
    if (!key) throw new Error(`secret sealed under another master key (${kid})`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}

const kidOf = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

/** A webhook signing secret usable both by the X-Mittr-Signature scheme and Standard Webhooks. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** API keys: 32 random bytes, shown once, stored as their SHA-256. */
export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `mtr_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 12) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * A signing secret as the API shows it: the current one and, while it still signs alongside
 * (a rotation's overlap), the one it replaced with when that ends.
 */
export function secretView(box: SecretBox, pair: SecretPair, now: number) {
  return {
    signingSecret: box.open(pair.signingSecretEnc),
    ...(overlapping(pair, now)
      ? { previousSecret: box.open(pair.previousSecretEnc!), previousSecretExpiresAt: new Date(pair.previousExpiresAt!).toISOString() }
      : {}),
  };
}

/** A random bearer token (a session cookie, a CSRF token, a link in an e-mail) and its SHA-256, the only part kept. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
