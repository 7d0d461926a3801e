import { sql } from 'slonik';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { SsoMessage } from '../../services/sso/domain/messages.ts';
import { evolve, type SsoSettings } from '../../services/sso/domain/settings.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { ts } from '../events/projector.ts';
import { z } from 'zod';

const isSso = (x: DomainEvent): x is SsoMessage => x.type === 'SsoConfigured' || x.type === 'SsoRemoved';
/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o)) as object;

/** sso_settings: each workspace's settings folded by the domain's evolve, once per version. */
export function ssoSettingsProjection(topics: { sso: string }): Projection {
  return {
    name: 'sso_settings',
    topics: [topics.sso],
    tables: ['sso_settings'],
    async apply(tx, events) {
      for (const e of events.filter(isSso)) {
        const row = await tx.maybeOne(sql.type(z.object({ state: z.unknown() }))`SELECT state FROM sso_settings WHERE account_id = ${e.accountId} FOR UPDATE`);
        const current = row?.state as SsoSettings | undefined;
        if (current && current.version >= e.version) continue;
        const next = evolve(current, e);
        if (!next) continue;
        await tx.query(sql.unsafe`
          INSERT INTO sso_settings (account_id, version, state, removed, updated_at)
          VALUES (${e.accountId}, ${next.version}, ${sql.jsonb(plain(next) as never)}, ${next.removed}, ${ts(next.updatedAt)})
          ON CONFLICT (account_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, removed = EXCLUDED.removed, updated_at = EXCLUDED.updated_at`);
      }
    },
  };
}
