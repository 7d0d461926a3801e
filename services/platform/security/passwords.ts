import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (memory-hard; no 72-byte truncation as bcrypt has). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function verifyPassword(hashed: string, password: string): Promise<boolean> {
  return verify(hashed, password).catch(() => false);
}
