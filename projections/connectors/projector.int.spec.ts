import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import type { ConnectorDefinition, ConnectorEvent } from '../../services/connectors/domain/messages.ts';
import { connectorsProjection } from './projector.ts';

const T = 1_700_000_000_000;
const ids = { connectorId: '6f1c8a52-3c1e-4d8e-9a51-0d7c2b3e4f10', accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const definition: ConnectorDefinition = {
  name: 'prod-slack-alerts', type: 'slack', description: '', config: '{"webhookUrl":"v1.k.iv.ct.tag"}', masked: '{"webhookUrl":"https://hooks.slack.com/****"}',
  template: null, eventTypes: ['order.*'], filter: null, categories: [], severityFilter: ['high', 'critical'], alertTypeFilter: null, isActive: true,
};
const history: ConnectorEvent[] = [
  { type: 'ConnectorCreated', ...ids, version: 1, definition, at: T },
  { type: 'ConnectorUpdated', ...ids, version: 2, definition: { ...definition, name: 'renamed', isActive: false }, at: T + 1 },
  { type: 'ConnectorDeleted', ...ids, version: 3, at: T + 2 },
];
const other = { ...ids, connectorId: '2e1d0c9b-8a7f-4e6d-9c5b-4a3f2e1d0c9b' };
const row = z.object({ name: z.string(), deleted: z.boolean(), state: z.unknown(), updated_at: z.number() });

describe('connectors projection', () => {
  const { db, apply } = projectionFixture(connectorsProjection({ connectors: 'connectors' }));
  const read = () => db().one(sql.type(row)`SELECT name, deleted, state, updated_at FROM connectors WHERE id = ${ids.connectorId}`);

  it('folds each event once, following a rename: delivering every event twice changes nothing', async () => {
    await apply(history.slice(0, 2));
    const once = await read();
    expect(once).toMatchObject({ name: 'renamed', deleted: false, updated_at: T + 1, state: { version: 2, definition: { isActive: false } } });
    await apply(history.slice(0, 2));
    await apply([history[0]!]);
    expect(await read()).toEqual(once);
    await apply(history);
    expect(await read()).toMatchObject({ deleted: true, state: { version: 3, deleted: true } });
  });
});

describe('connectors projection under redelivery', () => {
  redeliverySpec(connectorsProjection({ connectors: 'connectors' }), [
    [history[0]!, { type: 'ConnectorCreated', ...other, version: 1, definition: { ...definition, name: 'ops-email', type: 'email' }, at: T + 1 }],
    [history[1]!, { type: 'ConnectorUpdated', ...other, version: 2, definition: { ...definition, name: 'ops-email', type: 'email', categories: ['x'] }, at: T + 2 }],
    [history[2]!],
  ]);
});
