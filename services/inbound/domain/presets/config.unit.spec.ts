import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Preset } from '../verify/types.ts';
import { redactSourceConfig, sourceConfigProblems } from './config.ts';
import { PRESETS, presetOf } from './index.ts';
import { signFor } from './sign.fixture.ts';

const of = (source: string): Preset => presetOf(source) ?? expect.fail(`no preset ${source}`);

describe('sourceConfigProblems', () => {
  it('given the config each preset\'s signed spec request verifies with, then there is no problem', () => {
    for (const preset of PRESETS) expect(sourceConfigProblems(preset, signFor(preset, 'right', 0).config), preset.source).toEqual([]);
  });
  it('given a required field missing, a non-string, or too long a rotation list, then each is named', () => {
    expect(sourceConfigProblems(of('github'), {})).toEqual(['secret is required']);
    expect(sourceConfigProblems(of('github'), { secret: 42 })).toEqual([expect.stringContaining('non-empty string')]);
    expect(sourceConfigProblems(of('github'), { secret: ['a', 'b', 'c', 'd', 'e', 'f'] })).toEqual([expect.stringContaining('list of 1 to 5')]);
    expect(sourceConfigProblems(of('github'), { secret: ['old', 'new'] })).toEqual([]);
  });
  it('given a field the preset does not read (a typo), then it is named', () => {
    expect(sourceConfigProblems(of('github'), { secret: 's', secert: 's' })).toEqual(['secert is not a field of github']);
  });
  it('given keys the scheme cannot decode, then they are refused at configuration', () => {
    expect(sourceConfigProblems(of('standard-webhooks'), { secret: 'not base64!' })).toEqual([expect.stringContaining('whsec_')]);
    expect(sourceConfigProblems(of('adyen'), { hmacKey: 'xyz' })).toEqual(['hmacKey must be hex']);
    expect(sourceConfigProblems(of('discord'), { publicKey: 'abcd' })).toEqual([expect.stringContaining('32-byte')]);
    expect(sourceConfigProblems(of('sendgrid'), { publicKey: 'bm90IGEga2V5' })).toEqual([expect.stringContaining('SPKI')]);
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(sourceConfigProblems(of('sendgrid'), { publicKey: pem })).toEqual([]);
  });
});

describe('redactSourceConfig', () => {
  it('given secrets and settings, then the secrets are masked (each of a rotation list) and settings shown', () => {
    expect(redactSourceConfig(of('generic-hmac-sha256'), { secret: ['a', 'b'], header: 'x-sig' })).toEqual({ secret: ['********', '********'], header: 'x-sig' });
    expect(redactSourceConfig(of('postmark'), { username: 'pm', password: 'p' })).toEqual({ username: 'pm', password: '********' });
  });
});
