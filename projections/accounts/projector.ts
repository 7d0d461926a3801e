import { sql } from 'slonik';
import { ts } from '../events/projector.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

/** accounts and api_keys read models, from the accounts topic. */
export function accountsProjection(topics: { accounts: string }): Projection {
  return {
    name: 'accounts',
    topics: [topics.accounts],
    tables: ['accounts', 'api_keys'],
    async apply(tx, events) {
      for (const e of events) {
        if (e.type === 'AccountCreated') {
          await tx.query(sql.unsafe`
            INSERT INTO accounts (id, email, company_name, project_id, plan, signing_secret_enc, created_at)
            VALUES (${e.accountId}, ${e.email}, ${e.companyName}, ${e.projectId}, ${e.plan}, ${e.signingSecretEnc},
                    ${ts(e.createdAt)})
            ON CONFLICT (id) DO NOTHING`);
        } else if (e.type === 'AccountSigningSecretRotated') {
          // A rotation replaces the secret it names (the decider's current one), so an older
          // rotation delivered again after a newer one finds another secret and changes nothing.
          await tx.query(sql.unsafe`
            UPDATE accounts SET signing_secret_enc = ${e.signingSecretEnc}, previous_secret_enc = ${e.previousSecretEnc},
                                previous_secret_expires_at = ${ts(e.previousExpiresAt)}
            WHERE id = ${e.accountId} AND signing_secret_enc = ${e.previousSecretEnc}`);
        } else if (e.type === 'ApiKeyCreated') {
          await tx.query(sql.unsafe`
            INSERT INTO api_keys (id, account_id, name, prefix, created_at, scopes, rate_limit, expires_at, project_id)
            VALUES (${e.keyId}, ${e.accountId}, ${e.name}, ${e.prefix}, ${ts(e.createdAt)}, ${sql.array(e.scopes, 'text')},
                    ${e.rateLimit}, ${e.expiresAt === null ? null : ts(e.expiresAt)}, ${e.projectId})
            ON CONFLICT (id) DO NOTHING`);
        } else if (e.type === 'AccountOnboarded') {
          // The latest onboarding names the company; an older one delivered again changes nothing.
          await tx.query(sql.unsafe`
            UPDATE accounts SET company_name = ${e.companyName}, onboarded_at = ${ts(e.onboardedAt)}
            WHERE id = ${e.accountId} AND (onboarded_at IS NULL OR onboarded_at < ${ts(e.onboardedAt)})`);
        } else if (e.type === 'ApiKeyRevoked') {
          // The first revocation's time is kept when it is delivered again.
          await tx.query(sql.unsafe`
            UPDATE api_keys SET revoked_at = ${ts(e.revokedAt)} WHERE id = ${e.keyId} AND revoked_at IS NULL`);
        }
      }
    },
  };
}
