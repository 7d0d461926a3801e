import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secrets.ts';

describe('secrets at rest through a master-key rotation', () => {
  it('given the old master key kept after the new one, opens what the old one sealed and seals with the new', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sealedBefore = new SecretBox(oldKey).seal('whsec_before');
    const rotated = new SecretBox(newKey, [oldKey]);
    expect(rotated.open(sealedBefore)).toBe('whsec_before');
    const sealedAfter = rotated.seal('whsec_after');
    expect(new SecretBox(newKey).open(sealedAfter)).toBe('whsec_after');
    expect(() => new SecretBox(oldKey).open(sealedAfter)).toThrow(/another master key/);
  });

  it('without the old key, refuses what it sealed', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('x');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/another master key/);
  });
});
