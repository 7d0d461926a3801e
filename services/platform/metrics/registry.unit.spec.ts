import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseExposition, total } from '../../../test/support/prometheus.ts';
import { deliveryMetrics } from '../../deliveries/metrics.ts';
import { boundChildren, Metrics } from './registry.ts';
import { bearerMatches } from './token.ts';

const attempt = (outcome: 'success' | 'failure' | 'timeout', disposition: 'delivered' | 'retry' | 'dead', errorCategory: string | null, durationMs: number) =>
  ({ outcome, disposition, errorCategory, durationMs });

describe('Metrics', () => {
  it('given a thread\'s metrics added, then a scrape sums its counters and histograms with this thread\'s, per label set', async () => {
    const main = new Metrics({ processMetrics: true });
    const thread = new Metrics({ processMetrics: false });
    main.addRemote(() => thread.snapshot());
    const recordHere = deliveryMetrics(main.registry);
    const recordThere = deliveryMetrics(thread.registry);
    recordHere(attempt('success', 'delivered', null, 20));
    recordThere(attempt('success', 'delivered', null, 40));
    recordThere(attempt('failure', 'retry', '5xx', 10));
    const samples = parseExposition(await main.exposition());
    expect(total(samples, 'mittr_delivery_attempts_total')).toBe(3);
    expect(total(samples, 'mittr_delivery_attempts_total', { outcome: 'success', disposition: 'delivered', error_category: 'none' })).toBe(2);
    expect(total(samples, 'mittr_delivery_attempts_total', { outcome: 'failure', disposition: 'retry', error_category: '5xx' })).toBe(1);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_count')).toBe(3);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_sum', { outcome: 'success' })).toBeCloseTo(0.06);
    // The process's own metrics come once, from the thread that serves them.
    expect(samples.filter((s) => s.name === 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samples.filter((s) => s.name === 'process_start_time_seconds')).toHaveLength(1);
  });

  it('given no thread, then the registry is served as it is', async () => {
    const m = new Metrics({ processMetrics: false });
    new Counter({ name: 'x_total', help: 'x', registers: [m.registry] }).inc(2);
    expect(parseExposition(await m.exposition())).toEqual([{ name: 'x_total', labels: {}, value: 2 }]);
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe('deliveryMetrics', () => {
  it('given attempts that ended before the network, then they are counted but not timed', async () => {
    const m = new Metrics({ processMetrics: false });
    const record = deliveryMetrics(m.registry);
    record(attempt('failure', 'dead', 'endpoint_deleted', 0));
    record(attempt('failure', 'retry', 'transform', 0));
    record(attempt('timeout', 'retry', 'timeout', 30_000));
    const samples = parseExposition(await m.exposition());
    expect(total(samples, 'mittr_delivery_attempts_total')).toBe(3);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_count')).toBe(1);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_bucket', { outcome: 'timeout', le: '10' })).toBe(0);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_bucket', { outcome: 'timeout', le: '30' })).toBe(1);
  });
});

describe('boundChildren', () => {
  it('given the same label values again, then the same child, made once', () => {
    let made = 0;
    const child = boundChildren((a, b, c) => ({ key: `${a}/${b}/${c}`, n: ++made }));
    expect(child('GET', '200')).toBe(child('GET', '200'));
    expect(child('GET', '404').key).toBe('GET/404/');
    expect(child('a', 'b', 'c').key).toBe('a/b/c');
    expect(made).toBe(3);
  });
});

describe('bearerMatches', () => {
  const token = 'metrics-token-0123456789';
  it('given the token as a bearer, then it matches; the scheme\'s case does not matter', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });
  it('given another token, a prefix of it, another scheme or nothing, then it does not', () => {
    expect(bearerMatches('Bearer metrics-token-0123456788', token)).toBe(false);
    expect(bearerMatches(`Bearer ${token.slice(0, -1)}`, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches('Bearer ', token)).toBe(false);
  });
});
