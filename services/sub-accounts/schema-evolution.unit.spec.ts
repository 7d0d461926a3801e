import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_DEFAULTS } from '../endpoints/domain/config.ts';
import { evolve } from '../endpoints/domain/evolve.ts';
import { decide } from './domain/decide.ts';
import { evolve as evolveSubAccount } from './domain/evolve.ts';

/** The schema as it is, and as it was before `subAccountId` (the field is the last one added). */
function shapes(file: string) {
  const now = JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as { fields: Array<{ name: string }> };
  expect(now.fields.at(-1)!.name).toBe('subAccountId');
  const before = { ...now, fields: now.fields.slice(0, -1) };
  return { now: avro.Type.forSchema(now as avro.Schema), before: avro.Type.forSchema(before as avro.Schema) };
}

describe('subAccountId on records written before it', () => {
  it('given an EventAccepted of the old shape, when read with the new schema, then subAccountId is null (the workspace\'s own endpoints)', () => {
    const { now, before } = shapes('events/EventAccepted.avsc');
    const old = before.toBuffer({
      eventId: 'e', accountId: 'a', projectId: 'p', idempotencyKey: 'k', destination: null, eventType: 'order.created', payload: '{}',
      headers: {}, maxAttempts: 5, priority: 5, delaySeconds: 0, createdAt: 1_700_000_000_000, maxAttemptsSet: false, configOffset: -1,
      actor: null, connectorsOffset: -1, endpointIds: [],
    });
    expect(now.fromBuffer(old, now.createResolver(before))).toMatchObject({ eventId: 'e', subAccountId: null });
  });
  it('given an EndpointCreated of the old shape, when read and folded, then the endpoint is the workspace\'s own', () => {
    const { now, before } = shapes('endpoints/EndpointCreated.avsc');
    const config = { ...ENDPOINT_DEFAULTS, url: 'https://a.example', eventTypes: ['x'] };
    const record = { endpointId: 'ep', accountId: 'a', projectId: 'p', version: 1, config, signingSecretEnc: '', at: 1_700_000_000_000, actor: null };
    const read = now.fromBuffer(before.toBuffer(record), now.createResolver(before)) as typeof record & { subAccountId: string | null };
    expect(read.subAccountId).toBeNull();
    expect(evolve(undefined, { type: 'EndpointCreated', ...record })!.subAccountId).toBeNull();
  });
});

/** A sub-account schema as it is, and as it was before its definition's `portalTheme` (the definition's last field). */
function definitionShapes(file: string) {
  type Record = { name: string; fields: Array<{ name: string; type: unknown }> };
  const now = JSON.parse(readFileSync(new URL(`../../schemas/sub-accounts/${file}`, import.meta.url), 'utf8')) as Record;
  const definition = now.fields.find((f) => f.name === 'definition')!.type as Record;
  expect(definition.fields.at(-1)!.name).toBe('portalTheme');
  const before = { ...now, fields: now.fields.map((f) => (f.name === 'definition' ? { ...f, type: { ...definition, fields: definition.fields.slice(0, -1) } } : f)) };
  return { now: avro.Type.forSchema(now as avro.Schema), before: avro.Type.forSchema(before as avro.Schema) };
}

describe('portalTheme on sub-account records written before it', () => {
  const ids = { subAccountId: 's', accountId: 'a', projectId: 'p' };
  const definition = { name: 'Acme', subID: 'cust_1', metadata: '{}', allowedOrigins: ['https://app.example.com'] };
  for (const file of ['SubAccountCreated.avsc', 'SubAccountUpdated.avsc']) {
    it(`given a ${file} of the old shape, when read with the new schema, then its theme is null (mittr's own look)`, () => {
      const { now, before } = definitionShapes(file);
      const old = before.toBuffer({ ...ids, version: 1, definition, at: 1_700_000_000_000, actor: null });
      expect(now.fromBuffer(old, now.createResolver(before))).toMatchObject({ definition: { ...definition, portalTheme: null } });
    });
  }
  it('given a theme, when written and read with the new schema, then it round-trips field for field', () => {
    const { now } = definitionShapes('SubAccountCreated.avsc');
    const portalTheme = { primaryColor: '#0a7f5a', accentColor: null, logoUrl: 'https://cdn.example.com/logo.svg', mode: 'dark', fontFamily: 'Inter, sans-serif' };
    const record = { ...ids, version: 1, definition: { ...definition, portalTheme }, at: 1_700_000_000_000, actor: null };
    expect(now.fromBuffer(now.toBuffer(record))).toEqual(record);
  });
  it('given a state folded from an old record (no portalTheme at all), when updated with no theme, then no event', () => {
    const state = evolveSubAccount(undefined, { type: 'SubAccountCreated', ...ids, version: 1, definition: definition as never, at: 1 })!;
    expect(decide(state, { type: 'Update', input: { name: 'Acme', portalTheme: null } }, 2)).toEqual([]);
    expect(decide(state, { type: 'Update', input: { portalTheme: { mode: 'dark' } } }, 2)).toHaveLength(1);
  });
});
