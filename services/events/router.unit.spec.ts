import { describe, expect, it } from 'vitest';
import { ENDPOINT_DEFAULTS } from '../endpoints/domain/config.ts';
import type { EndpointEvent } from '../endpoints/domain/messages.ts';
import { EndpointsState } from '../endpoints/state.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import type { EventAccepted } from './domain/messages.ts';
import { destinationsOf, type Opener } from './router.ts';

const T = 1_700_000_000_000;
const ids = { accountId: 'a', projectId: 'p' };
const created = (endpointId: string, url: string, eventTypes: string[], projectId = 'p'): EndpointEvent => ({
  type: 'EndpointCreated', endpointId, accountId: 'a', projectId, version: 1, at: T, signingSecretEnc: '',
  config: { ...ENDPOINT_DEFAULTS, url, eventTypes },
});
const endpoints = new EndpointsState('endpoints');
for (const e of [created('typed', 'https://a.example/typed', ['push']), created('named', 'https://a.example/named', ['other']),
  created('gone', 'https://a.example/gone', ['push']), created('theirs', 'https://b.example/theirs', ['push'], 'q')]) endpoints.apply(e);
endpoints.apply({ type: 'EndpointDeleted', endpointId: 'gone', accountId: 'a', projectId: 'p', version: 2, at: T + 1 });
// Two sub-accounts' endpoints of the same project and type.
for (const sub of ['s1', 's2']) endpoints.apply({ ...created(`of-${sub}`, `https://c.example/${sub}`, ['push']), subAccountId: sub } as EndpointEvent);
const store = { state: { endpoints } } as unknown as ConfigStore;
const event = (endpointIds?: string[]): EventAccepted => ({
  type: 'EventAccepted', eventId: 'e1', ...ids, idempotencyKey: 'k', destination: null, eventType: 'push', payload: '{}', headers: {},
  maxAttempts: 5, priority: 5, delaySeconds: 0, createdAt: T, maxAttemptsSet: false, configOffset: 0, ...(endpointIds ? { endpointIds } : {}),
});

describe('the router\'s destinations', () => {
  it('given no named endpoints, when routed, then the project\'s live subscribers of the type', () => {
    expect(destinationsOf(event(), store).map((d) => d.endpointId)).toEqual(['typed']);
    expect(destinationsOf(event([]), store).map((d) => d.endpointId)).toEqual(['typed']);
  });
  it('given a subAccountId, when routed, then that sub-account\'s subscribers only; without one, none of any sub-account\'s', () => {
    expect(destinationsOf({ ...event(), subAccountId: 's1' }, store).map((d) => d.endpointId)).toEqual(['of-s1']);
    expect(destinationsOf({ ...event(), subAccountId: 's2' }, store).map((d) => d.endpointId)).toEqual(['of-s2']);
    expect(destinationsOf({ ...event(), subAccountId: 's3' }, store)).toEqual([]);
    expect(destinationsOf({ ...event(), subAccountId: null }, store).map((d) => d.endpointId)).toEqual(['typed']);
  });
  it('given named endpoints (an inbound endpoint\'s destinationIds), when routed, then those, subscribed or not; deleted or another project\'s skipped', () => {
    const found = destinationsOf(event(['named', 'gone', 'theirs', 'unknown']), store);
    expect(found.map((d) => [d.endpointId, d.url, d.maxAttempts])).toEqual([['named', 'https://a.example/named', ENDPOINT_DEFAULTS.maxRetries]]);
  });
});

describe('the router opens an event\'s sealed payload only when it reads it', () => {
  const withFilterAndKey = new EndpointsState('endpoints');
  withFilterAndKey.apply({ ...created('plain', 'https://a.example/plain', ['push']) });
  withFilterAndKey.apply({ ...created('keyed', 'https://a.example/keyed', ['keyed']), config: { ...ENDPOINT_DEFAULTS, url: 'https://a.example/keyed', eventTypes: ['keyed'], fifo: true, fifoPartitionKey: '$.data.k' } } as EndpointEvent);
  withFilterAndKey.apply({ ...created('filtered', 'https://a.example/filtered', ['filtered']), config: { ...ENDPOINT_DEFAULTS, url: 'https://a.example/filtered', eventTypes: ['filtered'], filter: JSON.stringify([{ field: '$.data.k', operator: 'eq', value: 'x' }]) } } as EndpointEvent);
  const storeOf = { state: { endpoints: withFilterAndKey } } as unknown as ConfigStore;
  const opening = () => {
    const opened: string[] = [];
    const open: Opener = (e) => {
      opened.push(e.eventId);
      return { ...e, payload: '{"k":"x"}' };
    };
    return { opened, open };
  };

  it('given no filter and no FIFO key, when routed, then it is not opened (the dispatch carries it sealed)', () => {
    const { opened, open } = opening();
    expect(destinationsOf({ ...event(), payload: 'mittr:sealed:xyz' }, storeOf, open).map((d) => d.endpointId)).toEqual(['plain']);
    expect(opened).toEqual([]);
  });
  it('given a FIFO partition key, when routed, then it is opened once and the key read from it', () => {
    const { opened, open } = opening();
    const [d] = destinationsOf({ ...event(), eventType: 'keyed', payload: 'mittr:sealed:xyz' }, storeOf, open);
    expect(opened).toEqual(['e1']);
    expect(d!.key).toBe('keyed|x');
  });
  it('given a filter, when routed, then it is opened and filtered by the opened payload', () => {
    const { opened, open } = opening();
    expect(destinationsOf({ ...event(), eventType: 'filtered', payload: 'mittr:sealed:xyz' }, storeOf, open).map((d) => d.endpointId)).toEqual(['filtered']);
    expect(opened).toEqual(['e1']);
  });
});
