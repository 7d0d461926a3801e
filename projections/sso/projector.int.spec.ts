import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import type { SsoMessage } from '../../services/sso/domain/messages.ts';
import { ssoSettingsProjection } from './projector.ts';
import { ssoSettingsOf } from './queries.ts';

const T = 1_700_000_000_000;
const A = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
const B = '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e';
const configured = (accountId: string, version: number, enforced: boolean): SsoMessage => ({
  type: 'SsoConfigured', accountId, version, slug: 'okta', idpEntityId: 'https://idp.example.com', idpSsoUrl: 'https://idp.example.com/sso',
  idpCertificates: ['MIIB'], allowedDomains: ['example.com'], enforced, provisioning: true, defaultRole: 'viewer', at: T + version,
});
const history: SsoMessage[] = [configured(A, 1, false), configured(A, 2, true), configured(B, 1, false), { type: 'SsoRemoved', accountId: B, version: 2, at: T + 9 }];

describe('sso_settings projection', () => {
  const { db, apply } = projectionFixture(ssoSettingsProjection({ sso: 'sso' }));
  it('keeps each workspace\'s latest version; a removed one is not found, an old event again changes nothing', async () => {
    await apply(history);
    await apply([history[0]!]);
    expect(await ssoSettingsOf(db(), A)).toMatchObject({ version: 2, enforced: true, allowedDomains: ['example.com'] });
    expect(await ssoSettingsOf(db(), B)).toBeNull();
    expect(await db().oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM sso_settings`)).toBe(2);
  });
});

describe('sso_settings redelivery', () => {
  redeliverySpec(ssoSettingsProjection({ sso: 'sso' }), [history.slice(0, 2), history.slice(2)]);
});
