import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import type { SubAccountMessage } from '../../services/sub-accounts/domain/messages.ts';
import { subAccountsProjection } from './projector.ts';

const T = 1_700_000_000_000;
const ids = { subAccountId: '6f1c8a52-3c1e-4d8e-9a51-0d7c2b3e4f10', accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const definition = { name: 'Acme', subID: 'cust_1', metadata: '{}', allowedOrigins: ['https://app.example.com'], portalTheme: null };
const portalTheme = { primaryColor: '#0a7', accentColor: null, logoUrl: '/logo.svg', mode: 'dark' as const, fontFamily: null };
const history: SubAccountMessage[] = [
  { type: 'SubAccountCreated', ...ids, version: 1, definition, at: T },
  { type: 'SubAccountSessionIssued', ...ids, sessionId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', returnUrl: 'https://app.example.com', exchangeExpiresAt: T + 600_000, at: T + 1 },
  { type: 'SubAccountUpdated', ...ids, version: 2, definition: { ...definition, name: 'Acme 2', portalTheme }, at: T + 2 },
  { type: 'SubAccountDeactivated', ...ids, version: 3, at: T + 3 },
];
const other = { ...ids, subAccountId: '2e1d0c9b-8a7f-4e6d-9c5b-4a3f2e1d0c9b' };
const row = z.object({ name: z.string(), deleted: z.boolean(), state: z.unknown() });

describe('sub-accounts projection', () => {
  const { db, apply } = projectionFixture(subAccountsProjection({ subAccounts: 'sub-accounts' }));
  const read = () => db().one(sql.type(row)`SELECT name, deleted, state FROM sub_accounts WHERE id = ${ids.subAccountId}`);

  it('folds each version once; session records change nothing here', async () => {
    await apply(history.slice(0, 3));
    const once = await read();
    expect(once).toMatchObject({ name: 'cust_1', deleted: false, state: { version: 2, definition: { name: 'Acme 2', portalTheme } } });
    await apply(history.slice(0, 3));
    expect(await read()).toEqual(once);
    await apply(history);
    expect(await read()).toMatchObject({ deleted: true, state: { version: 3, deleted: true } });
  });
});

describe('sub-accounts projection under redelivery', () => {
  redeliverySpec(subAccountsProjection({ subAccounts: 'sub-accounts' }), [
    [history[0]!, { type: 'SubAccountCreated', ...other, version: 1, definition: { ...definition, subID: 'cust_2' }, at: T + 1 }],
    [history[1]!, history[2]!, { type: 'SubAccountUpdated', ...other, version: 2, definition: { ...definition, subID: 'cust_2', allowedOrigins: [] }, at: T + 2 }],
    [history[3]!],
  ]);
});
