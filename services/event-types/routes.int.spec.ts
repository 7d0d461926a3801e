import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { startMittr } from '../mittr.ts';

const orderSchema = {
  type: 'object', required: ['orderId', 'amount'],
  properties: { orderId: { type: 'string' }, amount: { type: 'integer', minimum: 0 } },
};

describe('event types: named, unique per project, with a JSON Schema that checks payloads', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let apiKey: string;
  let n = 0;
  const sendVia = (to: ReturnType<typeof api>, eventType: string, payload: Record<string, unknown>) =>
    to('POST', '/api/v1/events', { eventType, payload }, { 'x-idempotency-key': `k${++n}-${Date.now()}` });
  const send = (eventType: string, payload: Record<string, unknown>) => sendVia(call, eventType, payload);

  beforeAll(async () => {
    env = await startTestMittr();
    apiKey = (await signup(env.url)).apiKey;
    call = api(env.url, apiKey);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('creates, reads by id and by name, and refuses a second one of the same name', async () => {
    const created = await call('POST', '/api/v1/event-types', {
      name: 'order.created', description: 'Fired when a new order is placed', schema: orderSchema, schemaVersion: '1.0',
      examplePayload: { orderId: 'o-1', amount: 100 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'order.created', description: 'Fired when a new order is placed', schema: orderSchema,
      schemaVersion: '1.0', examplePayload: { orderId: 'o-1', amount: 100 }, deprecated: false, version: 1 });
    expect(created.body.createdAt).toBe(created.body.updatedAt);
    expect((await call('GET', `/api/v1/event-types/${created.body.id}`)).body).toEqual(created.body);
    expect((await call('GET', '/api/v1/event-types/by-name/order.created')).body).toEqual(created.body);
    const again = await call('POST', '/api/v1/event-types', { name: 'order.created' });
    expect(again).toMatchObject({ status: 409, body: { code: 'CONFLICT', eventTypeId: created.body.id } });

    const other = api(env.url, (await signup(env.url)).apiKey);
    expect((await other('GET', `/api/v1/event-types/${created.body.id}`)).status).toBe(404);
    expect((await other('GET', '/api/v1/event-types/by-name/order.created')).status).toBe(404);
    expect((await other('POST', '/api/v1/event-types', { name: 'order.created' })).status).toBe(201);
    expect((await other('PUT', `/api/v1/event-types/${created.body.id}`, { description: 'mine now' })).status).toBe(404);
  });

  it('refuses what is not a JSON Schema, or not a safe one, listing the problems', async () => {
    const post = (body: object) => call('POST', '/api/v1/event-types', { name: `bad.${++n}`, ...body });
    const invalid = await post({ schema: { type: 'objekt', properties: { a: { minimum: 'five' } } } });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(invalid.body.problems[0]).toMatch(/^schema\//);
    expect((await post({ schema: { properties: { a: { $ref: 'https://example.com/a.json' } } } })).status).toBe(400);
    // Patterns run on RE2 (linear time): nested quantifiers are safe; what needs backtracking is refused.
    expect((await post({ schema: { properties: { a: { type: 'string', pattern: '(a)\\1' } } } })).status).toBe(400);
    expect((await post({ schema: { properties: { a: { type: 'string', pattern: 'a(?=b)' } } } })).status).toBe(400);
    expect((await post({ schema: { properties: { a: { type: 'string', pattern: '^(a+)+$' } } } })).status).toBe(201);
    expect((await post({ schema: { description: 'x'.repeat(70_000) } })).body.problems).toEqual(['schema must be at most 64 KiB of JSON']);
    let deep: object = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
    expect((await post({ schema: deep })).status).toBe(400);
    expect((await post({ schema: orderSchema, examplePayload: { orderId: 7, amount: 1 } })).body.problems)
      .toEqual(['examplePayload/orderId must be string']);
    const badName = await call('POST', '/api/v1/event-types', { name: 'order.*' });
    expect(badName).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('checks POST /events payloads against the schema of their event type', async () => {
    await call('POST', '/api/v1/event-types', { name: 'payment.captured', schema: orderSchema });
    await call('POST', '/api/v1/event-types', { name: 'payment.free-form' });
    const bad = await send('payment.captured', { orderId: 'o-1', amount: 'ten' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', errors: [{ path: '/amount', message: 'must be integer' }] } });
    expect(bad.body.error).toMatch(/payment\.captured/);
    const missing = await send('payment.captured', { amount: 1 });
    expect(missing.body.errors).toEqual([{ path: '/orderId', message: "must have required property 'orderId'", keyword: 'required' }]);
    expect((await send('payment.captured', { orderId: 'o-1', amount: 10 })).status).toBe(201);
    expect((await send('payment.free-form', { anything: ['goes'] })).status).toBe(201);
    expect((await send('payment.undeclared', { anything: 'goes' })).status).toBe(201);
  });

  it('applies a changed schema at once, and none once the event type is deleted (its name is free again)', async () => {
    const et = (await call('POST', '/api/v1/event-types', { name: 'refund.issued', schema: orderSchema })).body;
    const updated = await call('PUT', `/api/v1/event-types/${et.id}`, {
      description: 'Updated description', schemaVersion: '2.0',
      schema: { ...orderSchema, properties: { ...orderSchema.properties, amount: { type: 'string' } } },
    });
    expect(updated.body).toMatchObject({ version: 2, description: 'Updated description', schemaVersion: '2.0' });
    expect((await send('refund.issued', { orderId: 'o', amount: 'ten' })).status).toBe(201);
    expect((await send('refund.issued', { orderId: 'o', amount: 10 })).status).toBe(400);
    expect((await call('PUT', `/api/v1/event-types/${et.id}`, { name: 'refund.renamed' })).status).toBe(400);
    expect((await call('PUT', `/api/v1/event-types/${et.id}`, { schemaVersion: '2.0' })).body.version).toBe(2);

    expect((await call('DELETE', `/api/v1/event-types/${et.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/event-types/${et.id}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/event-types/by-name/refund.issued')).status).toBe(404);
    expect((await call('DELETE', `/api/v1/event-types/${et.id}`)).status).toBe(404);
    expect((await send('refund.issued', { orderId: 'o', amount: 10 })).status).toBe(201);
    const recreated = await call('POST', '/api/v1/event-types', { name: 'refund.issued' });
    expect(recreated).toMatchObject({ status: 201, body: { name: 'refund.issued', version: 1, schema: null } });
    expect(recreated.body.id).not.toBe(et.id);
  });

  it('checks payloads in another API process too, with the schema it folded from the log', async () => {
    await call('POST', '/api/v1/event-types', { name: 'shipment.sent', schema: orderSchema });
    const second = await startMittr(env.config, ['api']);
    try {
      const other = api(second.url!, apiKey);
      expect((await sendVia(other, 'shipment.sent', { orderId: 1, amount: 1 })).body.errors).toEqual([
        { path: '/orderId', message: 'must be string', keyword: 'type' }]);
      expect((await other('GET', '/api/v1/event-types/by-name/shipment.sent')).body.schema).toEqual(orderSchema);
    } finally {
      await second.stop();
    }
  });

  it('lists newest first with a cursor', async () => {
    const fresh = api(env.url, (await signup(env.url)).apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await fresh('POST', '/api/v1/event-types', { name: `list.${i}` })).body.id);
    expect((await fresh('DELETE', `/api/v1/event-types/${ids[0]}`)).status).toBe(204);
    // Lists read the projection, which follows the log shortly after.
    await eventually(async () => (await fresh('GET', '/api/v1/event-types')).body.data.map((d: { id: string }) => d.id).join() === [ids[2], ids[1]].join());
    const page1 = await fresh('GET', '/api/v1/event-types?limit=1');
    expect(page1.body.data.map((d: { id: string }) => d.id)).toEqual([ids[2]]);
    const page2 = await fresh('GET', `/api/v1/event-types?limit=1&cursor=${page1.body.pagination.cursor}`);
    expect(page2.body.data.map((d: { id: string }) => d.id)).toEqual([ids[1]]);
    expect(page2.body.pagination).toEqual({ hasMore: false, cursor: null });
    expect((await fresh('GET', '/api/v1/event-types?cursor=nope')).status).toBe(400);
  });
});
