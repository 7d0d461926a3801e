import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('how deeply a body nests', () => {
  it('given nesting up to the limit, lets it through', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[1,{"c":2}]},"d":[]}', 4)).toBe(false);
  });

  it('given one level more, or thousands, refuses it', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan(nested(5_000))).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":{"c":1}}}', 2)).toBe(true);
  });

  it('given brackets and escaped quotes inside strings, does not count them', () => {
    expect(nestsDeeperThan(JSON.stringify({ s: '[[[[{{{{', t: 'a\\"[[[[' }), 1)).toBe(false);
  });
});
