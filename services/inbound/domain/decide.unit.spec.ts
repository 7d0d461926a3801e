import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decide, type InboundCommand } from './decide.ts';
import { evolve, type InboundState } from './evolve.ts';
import type { InboundEndpointEvent } from './messages.ts';
import { presetOf } from './presets/index.ts';
import { suffixTakeover } from './suffix.ts';

const T = 1_700_000_000_000;
const stripe = presetOf('stripe')!;
/** Every field the stripe preset requires, with a value. */
const required = Object.fromEntries(stripe.fields.filter((f) => f.required).map((f) => [f.name, `whsec_${f.name}_value_123456`]));
const secretName = stripe.fields.find((f) => f.secret)!.name;
const deps = { seal: (s: string) => `sealed(${s})`, open: (s: string) => s.replace(/^sealed\((.*)\)$/, '$1'), isOwnEndpoint: (id: string) => id === 'ep-mine', newSuffix: () => 'generated-suffix' };
const create: InboundCommand = { type: 'Create', inboundEndpointId: 'ib1', accountId: 'a', projectId: 'p', input: { name: 'Stripe', source: 'stripe', sourceConfig: required } };
const fold = (events: InboundEndpointEvent[]) => events.reduce<InboundState | undefined>(evolve, undefined);
/** given events, when command, then events or an error code */
const when = (given: InboundEndpointEvent[], cmd: InboundCommand) => {
  try { return decide(fold(given), cmd, T + 1000, deps); } catch (err) { if (err instanceof DomainError) return err.code; throw err; }
};
const created = decide(undefined, create, T, deps);

describe('inbound endpoint decider', () => {
  it('given nothing, when created, then version 1, active, a generated suffix, secrets sealed', () => {
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ type: 'InboundEndpointCreated', version: 1, config: { name: 'Stripe', pathSuffix: 'generated-suffix', status: 'active', destinationIds: [] } });
    const config = JSON.parse((created[0] as { config: { sourceConfig: string } }).config.sourceConfig);
    expect(config[secretName]).toBe(`sealed(${required[secretName]})`);
  });
  it('given nothing, when created with an unknown source, a missing required field or bad fields, then VALIDATION_ERROR listing each', () => {
    expect(when([], { ...create, input: { name: 'x', source: 'no-such-provider' } })).toBe('VALIDATION_ERROR');
    expect(when([], { ...create, input: { name: 'x', source: 'stripe', sourceConfig: {} } })).toBe('VALIDATION_ERROR');
    try {
      decide(undefined, { ...create, input: { name: '', source: 'stripe', sourceConfig: { ...required, nope: 'x' }, pathSuffix: 'has space', eventTypeMapping: 'data.type' } }, T, deps);
      expect.unreachable();
    } catch (err) {
      expect((err as DomainError).details!.problems).toHaveLength(4);
    }
  });
  it('given a destination that is not the project\'s endpoint, when created, then NOT_FOUND', () => {
    expect(when([], { ...create, input: { ...create.input, destinationIds: ['ep-other'] } })).toBe('NOT_FOUND');
    expect(when([], { ...create, input: { ...create.input, destinationIds: ['ep-mine'] } })).toHaveLength(1);
  });
  it('given an endpoint, when updated, then a new version; secrets kept unless given, null removes an optional field', () => {
    const [e] = when(created, { type: 'Update', input: { status: 'inactive', eventTypeMapping: '$.headers.X-Event' } }) as InboundEndpointEvent[];
    expect(e).toMatchObject({ type: 'InboundEndpointUpdated', version: 2, config: { status: 'inactive', eventTypeMapping: '$.headers.X-Event', name: 'Stripe' } });
    expect((e as { config: { sourceConfig: string } }).config.sourceConfig).toBe((created[0] as { config: { sourceConfig: string } }).config.sourceConfig);
    // The signing secret is required: removing it is refused.
    expect(when(created, { type: 'Update', input: { sourceConfig: { [secretName]: null } } })).toBe('VALIDATION_ERROR');
  });
  it('given a secret that rotates, when given as a list, then each value sealed; a destination deleted since blocks no other change', () => {
    const [e] = when(created, { type: 'Update', input: { sourceConfig: { [secretName]: ['new-secret-1234', 'old-secret-5678'] } } }) as InboundEndpointEvent[];
    expect(JSON.parse((e as { config: { sourceConfig: string } }).config.sourceConfig)[secretName]).toEqual(['sealed(new-secret-1234)', 'sealed(old-secret-5678)']);
    expect(when(created, { type: 'Update', input: { sourceConfig: { [secretName]: [] } } })).toBe('VALIDATION_ERROR');
    const withDestination = decide(undefined, { ...create, input: { ...create.input, destinationIds: ['ep-mine'] } }, T, deps);
    const gone = { ...deps, isOwnEndpoint: () => false };
    expect(decide(fold(withDestination), { type: 'Update', input: { name: 'renamed' } }, T + 1, gone)).toHaveLength(1);
    expect(() => decide(fold(withDestination), { type: 'Update', input: { destinationIds: ['ep-mine'] } }, T + 1, gone)).toThrow(DomainError);
  });
  it('given an endpoint, when updated to the same, then no event; when deleted, then deleted, and gone after', () => {
    expect(when(created, { type: 'Update', input: { name: 'Stripe' } })).toEqual([]);
    const deleted = when(created, { type: 'Delete' }) as InboundEndpointEvent[];
    expect(deleted[0]).toMatchObject({ type: 'InboundEndpointDeleted', version: 2 });
    expect(when([...created, ...deleted], { type: 'Update', input: { name: 'x' } })).toBe('NOT_FOUND');
    expect(when(created, create)).toBe('CONFLICT');
  });
  it('given a suffix held, when another takes it, then only from a deleted or moved holder, or an unknown one once abandoned', () => {
    const s = fold(created)!;
    expect(suffixTakeover(s, 'generated-suffix')).toBe('never');
    expect(suffixTakeover({ ...s, deleted: true }, 'generated-suffix')).toBe('now');
    expect(suffixTakeover(s, 'old-suffix')).toBe('now');
    expect(suffixTakeover(undefined, 'generated-suffix')).toBe('if-abandoned');
  });
});
