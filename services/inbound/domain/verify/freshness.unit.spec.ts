import { describe, expect, it } from 'vitest';
import { checkFresh } from './freshness.ts';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);

describe('checkFresh', () => {
  it('given the three formats at now, then fresh', () => {
    expect(checkFresh(String(NOW / 1000), 'unix-s', 300, NOW)).toBeUndefined();
    expect(checkFresh(String(NOW), 'unix-ms', 300, NOW)).toBeUndefined();
    expect(checkFresh('2026-12-07T01:00:00.123456789Z', 'iso8601', 300, NOW)).toBeUndefined();
  });
  it('given 5 minutes exactly, then fresh; a second more either way, then stale', () => {
    expect(checkFresh(String(NOW / 1000 - 300), 'unix-s', 300, NOW)).toBeUndefined();
    expect(checkFresh(String(NOW / 1000 - 301), 'unix-s', 300, NOW)).toMatchObject({ reason: 'stale_timestamp' });
    expect(checkFresh(String(NOW / 1000 + 301), 'unix-s', 300, NOW)).toMatchObject({ reason: 'stale_timestamp' });
  });
  it('given a unit mix-up (milliseconds read as seconds), then stale, not accepted', () => {
    expect(checkFresh(String(NOW), 'unix-s', 300, NOW)).toMatchObject({ reason: 'stale_timestamp' });
  });
  it('given text that is not a timestamp, then a bad signature', () => {
    expect(checkFresh('yesterday', 'unix-s', 300, NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkFresh('1e9', 'unix-s', 300, NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkFresh('not a date', 'iso8601', 300, NOW)).toMatchObject({ reason: 'bad_signature' });
  });
});
