import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_DEFAULTS } from '../endpoints/domain/config.ts';
import { evolve } from '../endpoints/domain/evolve.ts';

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
