import { describe } from 'vitest';
import type { RecordSetAside } from '../../services/platform/kafka/set-aside.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { setAsideProjection } from './projector.ts';

const T = 1_700_000_000_000;
const record = (consumer: string, offset: number, value: Buffer | null, decoded: string | null): RecordSetAside => ({
  type: 'RecordSetAside', consumer, topic: 'events', partition: 2, offset, key: `key-${offset}`,
  recordType: decoded === null ? null : 'EventAccepted', value, decoded, error: `cannot apply record ${offset}: \u0000 in text`, setAsideAt: T + offset,
});

describe('set-aside projection', () => {
  redeliverySpec(setAsideProjection({ setAside: 'set-aside' }), [
    [record('router', 7, Buffer.from([0, 1, 2, 255]), null), record('projector.events', 7, null, '{"type":"EventAccepted"}')],
    [record('router', 9, null, '{"type":"EventRouted","note":"\u0000"}')],
  ]);
});
