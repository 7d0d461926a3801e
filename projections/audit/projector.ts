import { sql } from 'slonik';
import { AUDITED_TYPES, auditEntry, type RecordedActor } from '../../services/audit/domain/entries.ts';
import { sealedOf } from '../../services/data-keys/fields.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { ts } from '../events/projector.ts';
import type { EventEdited } from '../../services/events/domain/messages.ts';

/**
 * audit_log, from the topics of the workspace's configuration: accounts (people, keys, projects),
 * endpoints, event types, inbound endpoints, SSO settings, SCIM (tokens, provisioned Users), sub-accounts (with their portal sessions) and the billing subscription; and the operators' edits and replays from the events topic, whose
 * other records (the sends, thousands a second) are skipped undecoded. `before` is the configuration of the resource's previous line (the
 * one with the latest earlier time), so a line is the same however often, and in whatever batch,
 * its record is delivered.
 */
export function auditProjection(topics: { accounts: string; endpoints: string; eventTypes: string; inboundEndpoints: string; events: string; sso: string; scim: string; subAccounts: string; billing: string }): Projection {
  return {
    name: 'audit',
    topics: [topics.accounts, topics.endpoints, topics.eventTypes, topics.inboundEndpoints, topics.events, topics.sso, topics.scim, topics.subAccounts, topics.billing],
    types: AUDITED_TYPES,
    tables: ['audit_log'],
    async apply(tx, events) {
      for (const e of events) {
        // An edit is read opened (its headers' names are shown), but its destination is kept as
        // the log has it, sealed: the audit query opens it (projections/audit/queries.ts).
        const record = e.type === 'EventEdited' ? { ...e as EventEdited, destination: sealedOf(e as EventEdited, 'destination') } : e;
        const line = auditEntry(record as Parameters<typeof auditEntry>[0]);
        if (!line) continue;
        // The actor as the log has it, its address sealed, for a record the projectors' serde opened (an edit) too.
        const actor = sealedOf(e as { actor?: RecordedActor }, 'actor') ?? line.actor;
        // Written as JSON text, as the other projectors write JSON: a decoded record is an avsc
        // record instance, which slonik's sql.jsonb refuses as not a plain object.
        const after = line.after === null ? null : sql.fragment`${JSON.stringify(line.after)}::jsonb`;
        await tx.query(sql.unsafe`
          INSERT INTO audit_log (id, account_id, at, resource, resource_id, action, actor_type, actor_id, actor_address, before, after)
          VALUES (${line.id}, ${line.accountId}, ${ts(line.at)}, ${line.resource}, ${line.resourceId}, ${line.action},
                  ${actor?.type ?? null}, ${actor?.id ?? null}, ${actor?.address ?? null},
                  (SELECT p.after FROM audit_log p WHERE p.resource_id = ${line.resourceId} AND p.at < ${ts(line.at)} AND p.after IS NOT NULL
                   ORDER BY p.at DESC, p.id DESC LIMIT 1),
                  ${after})
          ON CONFLICT (id) DO NOTHING`);
      }
    },
  };
}
