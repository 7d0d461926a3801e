import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { WorkspaceErased } from '../../services/gdpr/domain/messages.ts';
import { applyAtPositions, type Projection } from '../../services/platform/projection/runner.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { accountsProjection } from '../accounts/projector.ts';
import { eventTypesProjection } from '../event-types/projector.ts';
import { gdprProjection } from './projector.ts';

const T = 1_700_000_000_000;
const A = { accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const B = { accountId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', projectId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' };
const opened = (w: typeof A, n: number): DomainEvent => ({ type: 'AccountCreated', ...w, email: `w${n}@example.test`, companyName: `W${n}`, passwordHash: 'h', signingSecretEnc: 's', plan: 'free', createdAt: T, ownerUserId: null });
const typed = (w: typeof A, id: string): DomainEvent => ({ type: 'EventTypeCreated', eventTypeId: id, ...w, version: 1, at: T,
  definition: { name: `t.${id.slice(0, 4)}`, description: '', schema: null, schemaVersion: null, examplePayload: null, deprecated: false } });
const erased = (w: typeof A, at = T + 10): WorkspaceErased => ({ type: 'WorkspaceErased', accountId: w.accountId, projectIds: [w.projectId], requestedBy: 'u', erasedAt: at });
const count = z.object({ n: z.coerce.number() });
const n = (q: Promise<unknown>) => q.then(Number);

describe('gdpr projection: the purge and the gate', () => {
  const gdpr = gdprProjection({ gdpr: 'gdpr' });
  const { db } = projectionFixture(gdpr);
  let offset = 0;
  /** Applies through the runner's exactly-once step, gate included, as the live projector does. */
  const project = (p: Projection, events: DomainEvent[]) => db().transaction((tx) => applyAtPositions(tx, p, p.topics[0]!, 0, events.map((event) => ({ offset: String(offset++), event }))));
  const rows = async (table: string, w: typeof A) => n(db().oneFirst(sql.type(count)`SELECT count(*) AS n FROM ${sql.identifier([table])} WHERE account_id = ${w.accountId}`));
  const accounts = accountsProjection({ accounts: 'accounts' });
  const eventTypes = eventTypesProjection({ eventTypes: 'event-types' });

  it('deletes every row of the erased workspace and none of another\'s; what it is sent afterwards is left out', async () => {
    await project(accounts, [opened(A, 1), opened(B, 2)]);
    await project(eventTypes, [typed(A, 'aaaaaaaa-0000-4000-8000-000000000001'), typed(B, 'bbbbbbbb-0000-4000-8000-000000000001')]);
    await db().query(sql.unsafe`INSERT INTO event_type_names (project_id, name, event_type_id) VALUES (${A.projectId}, 'x', 'aaaaaaaa-0000-4000-8000-000000000001'), (${B.projectId}, 'x', 'bbbbbbbb-0000-4000-8000-000000000001')`);
    await project(gdpr, [erased(A)]);
    expect(await rows('event_types', A)).toBe(0);
    expect(await n(db().oneFirst(sql.type(count)`SELECT count(*) AS n FROM accounts WHERE id = ${A.accountId}`))).toBe(0);
    expect(await n(db().oneFirst(sql.type(count)`SELECT count(*) AS n FROM event_type_names WHERE project_id = ${A.projectId}`))).toBe(0);
    expect(await rows('event_types', B)).toBe(1);
    expect(await n(db().oneFirst(sql.type(count)`SELECT count(*) AS n FROM event_type_names WHERE project_id = ${B.projectId}`))).toBe(1);
    // A record of the erased workspace that reaches a projector after the erasure (appended before it) changes nothing.
    await project(eventTypes, [typed(A, 'aaaaaaaa-0000-4000-8000-000000000002'), typed(B, 'bbbbbbbb-0000-4000-8000-000000000002')]);
    await project(accounts, [opened(A, 1)]);
    expect(await rows('event_types', A)).toBe(0);
    expect(await n(db().oneFirst(sql.type(count)`SELECT count(*) AS n FROM accounts WHERE id = ${A.accountId}`))).toBe(0);
    expect(await rows('event_types', B)).toBe(2);
  });

  it('waits for a projector\'s batch of the workspace that is under way, then deletes what it wrote', async () => {
    const C = { accountId: 'c0c0c0c0-5e4f-4a3b-8c2d-1e0f9a8b7c6d', projectId: 'c1c1c1c1-5e6f-4a7b-8c9d-0e1f2a3b4c5d' };
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let applied!: () => void;
    const inside = new Promise<void>((r) => (applied = r));
    // A batch of C's that passed the gate and has not committed yet...
    const batch = db().transaction(async (tx) => {
      await applyAtPositions(tx, eventTypes, 'event-types', 1, [{ offset: '0', event: typed(C, 'c2c2c2c2-0000-4000-8000-000000000001') }]);
      applied();
      await held;
    });
    await inside;
    // ...and the erasure meanwhile: it waits for the batch, whose row it then sees and deletes.
    const erasure = project(gdpr, [erased(C)]);
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([batch, erasure]);
    expect(await rows('event_types', C)).toBe(0);
  });
});

describe('gdpr projection under redelivery', () => {
  redeliverySpec(gdprProjection({ gdpr: 'gdpr' }), [[erased(A)], [erased(B, T + 20), erased(A, T + 30)]]);
});
