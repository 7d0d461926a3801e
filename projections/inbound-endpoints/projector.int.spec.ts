import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { InboundConfig, InboundEndpointEvent } from '../../services/inbound/domain/messages.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { inboundEndpointsProjection } from './projector.ts';

const T = 1_700_000_000_000;
const ids = { inboundEndpointId: '5b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', accountId: '6c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f', projectId: '7d3e4f5a-6b7c-4d8e-8f9a-1b2c3d4e5f6a' };
const config: InboundConfig = {
  name: 'Stripe', pathSuffix: 'stripe-prod', source: 'stripe', sourceConfig: '{"secret":"v1.sealed"}', destinationIds: [],
  eventTypeMapping: null, description: '', transformation: null, status: 'active',
};
const history: InboundEndpointEvent[] = [
  { type: 'InboundEndpointCreated', ...ids, version: 1, config, at: T },
  { type: 'InboundEndpointUpdated', ...ids, version: 2, config: { ...config, status: 'inactive' }, at: T + 1 },
  { type: 'InboundEndpointDeleted', ...ids, version: 3, at: T + 2 },
];
const other = { ...ids, inboundEndpointId: '8e4f5a6b-7c8d-4e9f-9a0b-2c3d4e5f6a7b' };
const row = z.object({ deleted: z.boolean(), state: z.unknown(), updated_at: z.number() });

describe('inbound-endpoints projection', () => {
  const { db, apply } = projectionFixture(inboundEndpointsProjection({ inboundEndpoints: 'inbound-endpoints' }));
  const read = () => db().one(sql.type(row)`SELECT deleted, state, updated_at FROM inbound_endpoints WHERE id = ${ids.inboundEndpointId}`);

  it('folds each event once: delivering every event twice changes nothing', async () => {
    await apply(history.slice(0, 2));
    const once = await read();
    expect(once).toMatchObject({ deleted: false, updated_at: T + 1, state: { version: 2, config: { status: 'inactive' } } });
    await apply(history.slice(0, 2));
    expect(await read()).toEqual(once);
    await apply(history);
    expect(await read()).toMatchObject({ deleted: true, state: { version: 3, deleted: true } });
  });
});

describe('inbound-endpoints projection under redelivery', () => {
  redeliverySpec(inboundEndpointsProjection({ inboundEndpoints: 'inbound-endpoints' }), [
    [history[0]!, { type: 'InboundEndpointCreated', ...other, version: 1, config: { ...config, pathSuffix: 'other' }, at: T + 1 }],
    [history[1]!, { type: 'InboundEndpointUpdated', ...other, version: 2, config: { ...config, pathSuffix: 'other', name: 'renamed' }, at: T + 2 }],
    [history[2]!],
  ]);
});
