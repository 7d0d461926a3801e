import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { diffConfigs, matchesEventType } from './config.ts';
import { SECRET_OVERLAP_MS } from '../../platform/domain/rotation.ts';
import { decide, decideWithNotices, type EndpointCommand } from './decide.ts';
import type { EndpointEvent } from './messages.ts';
import { evolve, type EndpointState } from './evolve.ts';

const T = 1_700_000_000_000;
const create: EndpointCommand = {
  type: 'Create', endpointId: 'ep1', accountId: 'a', projectId: 'p', signingSecretEnc: 'sealed-1',
  input: { url: 'https://api.example.com/hooks', eventTypes: ['order.created', 'payment.*'] },
};
const fold = (events: EndpointEvent[]) => events.reduce<EndpointState | undefined>(evolve, undefined);
/** given events, when command, then events or an error code */
const when = (given: EndpointEvent[], cmd: EndpointCommand) => {
  try { return decide(fold(given), cmd, T + 1000); } catch (err) { if (err instanceof DomainError) return err.code; throw err; }
};
const created = decide(undefined, create, T);

describe('endpoint decider', () => {
  it('given nothing, when created, then version 1 with every documented default', () => {
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ type: 'EndpointCreated', version: 1, config: {
      maxRetries: 5, retryBackoffMs: 1000, retryBackoffMax: 86_400_000, retryBackoffMult: 2, timeoutMs: 30_000,
      rateLimitPerSec: 0, circuitThreshold: 5, circuitResetMs: 300_000, deliveryMode: 'push', fifo: false } });
  });
  it('given bad fields, when created, then VALIDATION_ERROR listing each', () => {
    try {
      decide(undefined, { ...create, input: { url: 'ftp://x', eventTypes: [], timeoutMs: 5, allowedCidrs: ['10.0.0.0/33'],
        customHeaders: { 'X-Mittr-Signature': 'x' }, deliveryMode: 'email', filter: [{ field: 'a', operator: 'like' }] } } as EndpointCommand, T);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).details!.problems).toHaveLength(8);
    }
  });
  it('given a storage sink with sealed credentials, when created, then its url is the bucket and a change without credentials keeps them', () => {
    const credentials = { accessKeyIdEnc: 'enc-id', secretAccessKeyEnc: 'enc-secret', accessKeyIdHint: '****1234' };
    const [c] = decide(undefined, { ...create, input: { eventTypes: ['a.b'], deliveryMode: 'storage',
      storageConfig: { bucket: 'my-bucket', prefix: 'hooks/', credentials } } } as EndpointCommand, T) as Array<EndpointEvent & { config: { url: string; storageConfig: string } }>;
    expect(c!.config.url).toBe('s3://my-bucket/hooks/');
    expect(JSON.parse(c!.config.storageConfig)).toEqual({ bucket: 'my-bucket', prefix: 'hooks/', region: 'us-east-1', endpoint: null,
      format: 'ndjson', batchSize: 100, maxWaitMs: 1_000, credentials });
    const [u] = when([c!], { type: 'Update', input: { storageConfig: { bucket: 'other-bucket', format: 'json' } } }) as Array<EndpointEvent & { config: { url: string; storageConfig: string } }>;
    expect(JSON.parse(u!.config.storageConfig)).toMatchObject({ bucket: 'other-bucket', format: 'json', credentials });
    expect(u!.config.url).toBe('s3://other-bucket/');
    expect(() => decide(fold([c!]), { type: 'Update', input: { deliveryMode: 'push', url: 'https://x.example/h' } }, T)).toThrow(/storageConfig is only for deliveryMode storage/);
    expect(when([c!], { type: 'Update', input: { deliveryMode: 'push', url: 'https://x.example/h', storageConfig: null } })).toMatchObject([{ config: { deliveryMode: 'push', storageConfig: null } }]);
  });
  it('given an endpoint, when updated, then a new version holding the whole new config', () => {
    const [e] = when(created, { type: 'Update', input: { rateLimitPerSec: 200 } }) as EndpointEvent[];
    expect(e).toMatchObject({ type: 'EndpointUpdated', version: 2, config: { rateLimitPerSec: 200, url: 'https://api.example.com/hooks' } });
  });
  it('given an endpoint, when updated with fields a configuration does not have, then they are not kept', () => {
    const [e] = when(created, { type: 'Update', input: { rateLimitPerSec: 7, '': [1], evenTypes: ['typo'] } as never }) as Array<EndpointEvent & { config: object }>;
    expect(Object.keys(e!.config).sort()).toEqual(Object.keys((created[0] as EndpointEvent & { config: object }).config).sort());
    expect(e!.config).toMatchObject({ rateLimitPerSec: 7 });
    expect(when(created, { type: 'Update', input: { evenTypes: ['typo'] } as never })).toEqual([]);
  });
  it('given an endpoint, when updated to the same values, then no event', () => {
    expect(when(created, { type: 'Update', input: { maxRetries: 5 } })).toEqual([]);
  });
  it('given a paused endpoint, when paused again, then nothing; when resumed, then EndpointResumed', () => {
    const paused = [...created, ...(when(created, { type: 'Pause' }) as EndpointEvent[])];
    expect(fold(paused)!.paused).toBe(true);
    expect(when(paused, { type: 'Pause' })).toEqual([]);
    expect((when(paused, { type: 'Resume' }) as EndpointEvent[])[0]!.type).toBe('EndpointResumed');
  });
  it('given an endpoint, when its secret rotates, then the old one overlaps for 24 h', () => {
    const [e] = when(created, { type: 'RotateSecret', signingSecretEnc: 'sealed-2', globalSecretEnc: 'global' }) as EndpointEvent[];
    expect(e).toMatchObject({ signingSecretEnc: 'sealed-2', previousSecretEnc: 'sealed-1', previousExpiresAt: T + 1000 + SECRET_OVERLAP_MS });
  });

  it('given an endpoint on the global secret, rotating gives it one of its own and the global one overlaps', () => {
    const onGlobal = [{ ...created[0]!, signingSecretEnc: '' } as EndpointEvent];
    const [e] = when(onGlobal, { type: 'RotateSecret', signingSecretEnc: 'own', globalSecretEnc: 'global' }) as EndpointEvent[];
    expect(e).toMatchObject({ signingSecretEnc: 'own', previousSecretEnc: 'global' });
  });
  it('given a deleted endpoint, when updated, then NOT_FOUND', () => {
    const deleted = [...created, ...(when(created, { type: 'Delete' }) as EndpointEvent[])];
    expect(when(deleted, { type: 'Update', input: { maxRetries: 3 } })).toBe('NOT_FOUND');
  });
  it('given version 1 and 2, when rolled back to 1, then version 3 equals version 1', () => {
    const v2 = [...created, ...(when(created, { type: 'Update', input: { timeoutMs: 1000 } }) as EndpointEvent[])];
    const [e] = when(v2, { type: 'Rollback', toVersion: 1, config: fold(created)!.config }) as EndpointEvent[];
    expect(e).toMatchObject({ version: 3, rolledBackTo: 1, config: fold(created)!.config });
    expect(diffConfigs(fold(v2)!.config, fold(created)!.config)).toEqual([{ field: 'timeoutMs', from: 1000, to: 30_000 }]);
  });
});

describe('event type patterns', () => {
  it('matches exact names, * and prefix wildcards', () => {
    expect(matchesEventType(['order.created'], 'order.created')).toBe(true);
    expect(matchesEventType(['payment.*'], 'payment.succeeded')).toBe(true);
    expect(matchesEventType(['payment.*'], 'paymentx')).toBe(false);
    expect(matchesEventType(['*'], 'anything.at.all')).toBe(true);
    expect(matchesEventType(['order.created'], 'order.updated')).toBe(false);
  });
});

describe('endpoint decider under a plan', () => {
  const free = { plan: 'free', limits: { endpointRateLimitPerSec: 10 } };
  const config = (events: EndpointEvent[]) => (events[0] as Extract<EndpointEvent, { type: 'EndpointCreated' }>).config;

  it('given the free plan (10/s), when created asking 500/s, then it is kept at 10/s and a notice says so', () => {
    const { events, notices } = decideWithNotices(undefined, { ...create, input: { ...create.input, rateLimitPerSec: 500 } }, T, free);
    expect(config(events).rateLimitPerSec).toBe(10);
    expect(notices).toEqual([expect.objectContaining({ code: 'PLAN_LIMIT_APPLIED', field: 'rateLimitPerSec', requested: 500, applied: 10 })]);
  });
  it('given the free plan, when created without a rate (0, unlimited), then the plan\'s 10/s applies, with a notice', () => {
    const { events, notices } = decideWithNotices(undefined, create, T, free);
    expect(config(events).rateLimitPerSec).toBe(10);
    expect(notices).toEqual([expect.objectContaining({ requested: 0, applied: 10 })]);
  });
  it('given an endpoint at the cap, when updated asking 5/s or its description, then no notice', () => {
    const at = decide(undefined, create, T, free);
    const slower = decideWithNotices(fold(at), { type: 'Update', input: { rateLimitPerSec: 5 } }, T + 1, free);
    expect([config(slower.events).rateLimitPerSec, slower.notices]).toEqual([5, []]);
    expect(decideWithNotices(fold(at), { type: 'Update', input: { description: 'x' } }, T + 1, free).notices).toEqual([]);
  });
  it('given an endpoint at the cap, when updated asking above it, then nothing changes but the notice says why', () => {
    const at = decide(undefined, create, T, free);
    expect(decideWithNotices(fold(at), { type: 'Update', input: { rateLimitPerSec: 50 } }, T + 1, free))
      .toEqual({ events: [], notices: [expect.objectContaining({ requested: 50, applied: 10 })] });
  });
  it('given a rollback to a version above the cap, when rolled back, then the restored configuration is capped too', () => {
    const { events, notices } = decideWithNotices(fold(created), { type: 'Rollback', toVersion: 1, config: { ...config(created), rateLimitPerSec: 0 } }, T + 1, free);
    expect([config(events).rateLimitPerSec, notices.length]).toEqual([10, 1]);
  });
  it('given no plan (self-hosted), when created asking 0 or 100,000/s, then it is kept as asked', () => {
    expect(config(decide(undefined, create, T)).rateLimitPerSec).toBe(0);
    expect(config(decide(undefined, { ...create, input: { ...create.input, rateLimitPerSec: 100_000 } }, T)).rateLimitPerSec).toBe(100_000);
  });
});
