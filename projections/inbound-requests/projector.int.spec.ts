import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { InboundRequestReceived } from '../../services/inbound/domain/messages.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { inboundRequestsProjection } from './projector.ts';
import { listInboundRequests } from './queries.ts';

const T = 1_700_000_000_000;
const scope = { accountId: '6c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f', projectId: '7d3e4f5a-6b7c-4d8e-8f9a-1b2c3d4e5f6a' };
const inboundEndpointId = '5b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const request = (n: number, verified: boolean): InboundRequestReceived => ({
  type: 'InboundRequestReceived', requestId: `0000000${n}-4f5a-4b6c-8d7e-9f0a1b2c3d4e`, inboundEndpointId, ...scope, receivedAt: T + n,
  method: 'POST', url: `https://mittr.example/inbound/s?n=${n}`, headers: { 'stripe-signature': `t=1,v1=${n}` }, body: Buffer.from([0xff, n]),
  verified, reason: verified ? null : 'bad_signature', detail: verified ? null : 'no signature matches', deliveryId: verified ? `evt_${n}` : null,
  eventType: verified ? 'charge.succeeded' : null, eventId: verified ? `1000000${n}-4f5a-4b6c-8d7e-9f0a1b2c3d4e` : null, duplicate: false, status: verified ? 202 : 401,
});

describe('inbound-requests projection', () => {
  const { db, apply } = projectionFixture(inboundRequestsProjection({ inboundRequests: 'inbound-requests' }));

  it('keeps every request byte for byte, refused ones with their reason, newest first in pages', async () => {
    await apply([request(1, true), request(2, false), request(3, true)]);
    await apply([request(2, false)]);
    const count = await db().oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM inbound_requests`);
    expect(count).toBe(3);
    const first = (await listInboundRequests(db(), scope, inboundEndpointId, { limit: 2 }))!;
    expect(first.data.map((r) => r.url)).toEqual(['https://mittr.example/inbound/s?n=3', 'https://mittr.example/inbound/s?n=2']);
    expect(first.data[1]).toMatchObject({ verified: false, reason: 'bad_signature', status: 401, body: null, bodyBase64: Buffer.from([0xff, 2]).toString('base64') });
    const rest = (await listInboundRequests(db(), scope, inboundEndpointId, { limit: 2, cursor: first.pagination.cursor! }))!;
    expect(rest.data.map((r) => r.deliveryId)).toEqual(['evt_1']);
    expect(rest.pagination.hasMore).toBe(false);
    expect((await listInboundRequests(db(), { ...scope, projectId: inboundEndpointId }, inboundEndpointId, { limit: 5 }))!.data).toEqual([]);
  });
});

describe('inbound-requests projection under redelivery', () => {
  redeliverySpec(inboundRequestsProjection({ inboundRequests: 'inbound-requests' }), [
    [request(1, true), request(2, false)],
    [request(3, true)],
  ]);
});
