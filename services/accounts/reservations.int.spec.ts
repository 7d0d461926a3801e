import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { accountsProjection } from '../../projections/accounts/projector.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { AccountReservations } from './reservations.ts';

const key = (id: string) => ({ id, key: randomBytes(32) });
const email = () => `r${randomBytes(5).toString('hex')}@example.test`;

describe('e-mail reservations by blind index (account_emails)', () => {
  // Any projection's fixture gives a migrated schema.
  const { db } = projectionFixture(accountsProjection({ accounts: 'accounts' }));
  const stored = () => db().any(sql.type(z.object({ email_index: z.string() }))`SELECT email_index FROM account_emails`);
  const k1 = key('k1');

  it('keeps an address as its index only, and refuses it to another account in any case', async () => {
    const r = new AccountReservations(db(), [k1]);
    const a = email();
    expect(await r.reserveEmail(a, randomUUID())).toBe(true);
    expect(await r.reserveEmail(` ${a.toUpperCase()}`, randomUUID())).toBe(false);
    expect((await stored()).map((s) => s.email_index).filter((v) => v.includes('@'))).toEqual([]);
  });

  it('still refuses an address reserved before the master key was rotated, and frees one released', async () => {
    const a = email();
    const owner = randomUUID();
    expect(await new AccountReservations(db(), [k1]).reserveEmail(a, owner)).toBe(true);
    const rotated = new AccountReservations(db(), [key('k2'), k1]);
    expect(await rotated.reserveEmail(a, randomUUID())).toBe(false);
    const b = email();
    expect(await rotated.reserveEmail(b, owner)).toBe(true);
    await rotated.releaseEmail(b, owner);
    expect(await rotated.reserveEmail(b, randomUUID())).toBe(true);
  });

  it('replaces an address reserved in clear before migration 35 by its index before its first reservation', async () => {
    const legacy = email();
    await db().query(sql.unsafe`INSERT INTO account_emails (email_index, account_id) VALUES (${legacy}, ${randomUUID()})`);
    const r = new AccountReservations(db(), [k1]);
    expect(await r.reserveEmail(legacy, randomUUID())).toBe(false);
    expect((await stored()).some((s) => s.email_index === legacy)).toBe(false);
  });
});
