import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { SsoSettings } from '../../services/sso/domain/settings.ts';

/** The workspace's live SSO settings as the read model holds them, or null. */
export async function ssoSettingsOf(db: DatabasePool, accountId: string): Promise<SsoSettings | null> {
  const row = await db.maybeOne(sql.type(z.object({ state: z.unknown() }))`SELECT state FROM sso_settings WHERE account_id = ${accountId} AND NOT removed`);
  return row ? (row.state as SsoSettings) : null;
}
