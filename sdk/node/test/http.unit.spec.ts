import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath } from '../src/cli/config.ts';
import { paginate, retryAfterMs } from '../src/http.ts';

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0.5')).toBe(500);
    const now = Date.parse('2026-12-07T07:00:00Z');
    expect(retryAfterMs('Mon, 07 Dec 2026 07:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Mon, 07 Dec 2026 06:59:00 GMT', now)).toBe(0); // a date passed: at once
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('paginate', () => {
  it('follows cursors until hasMore is false, passing each one back', async () => {
    const asked: Array<string | undefined> = [];
    const pages: Record<string, { data: number[]; pagination: { hasMore: boolean; cursor: string | null } }> = {
      start: { data: [1, 2], pagination: { hasMore: true, cursor: 'c2' } },
      c2: { data: [3], pagination: { hasMore: true, cursor: 'c3' } },
      c3: { data: [4], pagination: { hasMore: false, cursor: null } },
    };
    const got: number[] = [];
    for await (const n of paginate((cursor) => { asked.push(cursor); return Promise.resolve(pages[cursor ?? 'start']!); })) got.push(n);
    expect(got).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'c2', 'c3']);
  });
});

describe('the CLI config file', () => {
  it('is MITTR_CONFIG when set, else under the user\'s config dir', () => {
    expect(configPath({ MITTR_CONFIG: '/tmp/x.json' })).toBe('/tmp/x.json');
    expect(configPath({ XDG_CONFIG_HOME: '/home/u/.cfg' })).toBe(join('/home/u/.cfg', 'mittr', 'config.json'));
  });
});
