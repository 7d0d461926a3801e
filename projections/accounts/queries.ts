import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const accountRow = z.object({
  id: z.string(), email: z.string(), company_name: z.string(), project_id: z.string(),
  plan: z.string(), signing_secret_enc: z.string(), created_at: z.number(),
  previous_secret_enc: z.string().nullable(), previous_secret_expires_at: z.number().nullable(),
});
export type AccountRow = z.infer<typeof accountRow>;

export function findAccount(db: DatabasePool, accountId: string): Promise<AccountRow | null> {
  return db.maybeOne(sql.type(accountRow)`
    SELECT id, email, company_name, project_id, plan, signing_secret_enc, created_at, previous_secret_enc, previous_secret_expires_at
    FROM accounts WHERE id = ${accountId}`);
}
