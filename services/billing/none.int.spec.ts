import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { Appender } from '../platform/kafka/appender.ts';
import { createKafka } from '../platform/kafka/client.ts';
import { Serde } from '../platform/kafka/serde.ts';
import type { SubscriptionEvent } from './domain/messages.ts';

type Call = ReturnType<typeof api>;

/** Billing with no payment provider (MITTR_BILLING_PROVIDER=none, the self-hosted default), on the real stack. */
describe('billing without a provider', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let admin: Call;
  let other: Call;
  let accountId: string;

  beforeAll(async () => {
    const config = isolatedConfig({ MITTR_SIGNUP_PLAN: 'free', MITTR_BILLING_TAX_BPS: '2000' });
    env = await startTestMittr({ ...config, billing: { ...config.billing, renewEveryMs: 200 } });
    const account = await signup(env.url);
    accountId = account.id;
    admin = api(env.url, account.apiKey);
    other = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => env?.stop());

  it('answers what is true: the catalog, no subscription, no invoices, no checkout or portal', async () => {
    const plans = await admin('GET', '/api/v1/billing/plans');
    expect(plans.status).toBe(200);
    expect(plans.body.data.find((p: { id: string }) => p.id === 'growth')).toMatchObject({ sellable: true, prices: { monthly: 4_900, annual: 49_000 }, currency: 'usd', limits: { teamSeats: 5 } });
    expect(plans.body.data.find((p: { id: string }) => p.id === 'enterprise')).toMatchObject({ sellable: false, prices: null });
    expect((await admin('GET', '/api/v1/billing/subscription')).body).toEqual({ provider: 'none', planId: 'free', status: 'none', cycle: null,
      currentPeriodStart: null, currentPeriodEnd: null, cancelAtPeriodEnd: false, scheduledChange: null, customerId: null });
    expect((await admin('GET', '/api/v1/billing/invoices')).body).toEqual({ data: [] });
    const overview = await admin('GET', '/api/v1/billing/overview');
    expect(overview.body).toMatchObject({ provider: 'none', subscription: { status: 'none' }, invoices: [] });
    expect(overview.body.plans).toHaveLength(5);
    expect(await admin('POST', '/api/v1/billing/checkout', { planId: 'growth' })).toMatchObject({ status: 409, body: { code: 'BILLING_NOT_CONFIGURED' } });
    expect(await admin('POST', '/api/v1/billing/portal', {})).toMatchObject({ status: 409, body: { code: 'BILLING_NOT_CONFIGURED' } });
    expect(await admin('POST', '/api/v1/billing/portal')).toMatchObject({ status: 409, body: { code: 'BILLING_NOT_CONFIGURED' } });
    expect(await admin('POST', '/api/v1/billing/cancel')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    // No Stripe here: its webhook route is not found, whatever is posted to it.
    expect(await api(env.url)('POST', '/billing/webhooks/stripe', { id: 'evt_1' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('previews, assigns and upgrades a plan (limits at once), schedules a downgrade and undoes it, cancels and resumes', async () => {
    const first = await admin('POST', '/api/v1/billing/preview-update', { planId: 'growth' });
    expect(first).toMatchObject({ status: 200, body: { planId: 'growth', cycle: 'monthly', timing: 'now', credit: 0, charge: 4_900, tax: 980, total: 5_880, amountDueToday: 5_880, provider: null } });

    const growth = await admin('POST', '/api/v1/billing/update', { planId: 'growth' });
    expect(growth).toMatchObject({ status: 200, body: { provider: 'none', planId: 'growth', status: 'active', cycle: 'monthly', cancelAtPeriodEnd: false } });
    expect((await admin('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'growth', limits: { teamSeats: 5, connectors: 5 } });
    expect((await admin('GET', '/api/v1/me')).body).toMatchObject({ plan: 'growth' });
    const periodEnd = growth.body.currentPeriodEnd as string;
    expect(Date.parse(periodEnd) - Date.parse(growth.body.currentPeriodStart)).toBeGreaterThanOrEqual(28 * 86_400_000);

    const up = await admin('POST', '/api/v1/billing/preview-update', { planId: 'scale' });
    // Minutes into the period: the credit is (nearly) all of growth, the charge (nearly) all of scale.
    expect(up.body).toMatchObject({ timing: 'now', nextRenewalAt: periodEnd });
    expect(up.body.credit).toBeGreaterThan(4_700);
    expect(up.body.charge).toBeGreaterThan(24_000);
    expect(up.body.total).toBe(up.body.charge - up.body.credit + up.body.tax);
    expect((await admin('POST', '/api/v1/billing/update', { planId: 'scale' })).body).toMatchObject({ planId: 'scale', currentPeriodEnd: periodEnd });
    expect((await admin('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'scale', limits: { scim: true } });

    const down = await admin('POST', '/api/v1/billing/preview-update', { planId: 'growth' });
    expect(down.body).toMatchObject({ timing: 'renewal', effectiveAt: periodEnd, amountDueToday: 0, nextRenewalAmount: 5_880 });
    const scheduled = await admin('POST', '/api/v1/billing/update', { planId: 'growth' });
    expect(scheduled.body).toMatchObject({ planId: 'scale', scheduledChange: { planId: 'growth', cycle: 'monthly', effectiveAt: periodEnd } });
    expect((await admin('DELETE', '/api/v1/billing/scheduled-change')).body).toMatchObject({ planId: 'scale', scheduledChange: null });
    expect(await admin('DELETE', '/api/v1/billing/scheduled-change')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });

    const cancelled = await admin('POST', '/api/v1/billing/cancel');
    expect(cancelled.body).toMatchObject({ status: 'canceling', cancelAtPeriodEnd: true, currentPeriodEnd: periodEnd, planId: 'scale' });
    expect((await admin('POST', '/api/v1/billing/cancel')).status).toBe(200);
    expect(await admin('POST', '/api/v1/billing/update', { planId: 'growth', cycle: 'annual' })).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect((await admin('POST', '/api/v1/billing/resume')).body).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    expect(await admin('POST', '/api/v1/billing/resume')).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });

    // Every change is in the audit log, with who made it.
    const audit = await eventually(async () => {
      const r = await admin('GET', '/api/v1/audit-logs?resource=subscription');
      return r.body.data?.length >= 6 ? r.body.data : null;
    });
    expect(audit.map((l: { action: string }) => l.action)).toEqual(expect.arrayContaining([
      'subscription.started', 'subscription.plan_changed', 'subscription.change_scheduled', 'subscription.scheduled_change_canceled',
      'subscription.cancel_scheduled', 'subscription.resumed']));
    expect(audit[0]).toMatchObject({ actor: { type: 'api_key' } });

    // Another workspace is untouched.
    expect((await other('GET', '/api/v1/billing/subscription')).body).toMatchObject({ status: 'none', planId: 'free' });
    expect(env.mittr.store!.state.billing.get(accountId)).toMatchObject({ planId: 'scale', version: 6 });
  });

  it('refuses bad input with 400 and what is not sold with a clear code', async () => {
    expect(await admin('POST', '/api/v1/billing/update', { planId: 'enterprise' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await admin('POST', '/api/v1/billing/update', { planId: 'growth', cycle: 'weekly' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await admin('POST', '/api/v1/billing/preview-update', {})).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await admin('GET', '/api/v1/billing/invoices?limit=0')).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('needs the billing scopes', async () => {
    const created = await admin('POST', '/api/v1/api-keys', { name: 'events only', scopes: ['events:write'] });
    expect(created.status).toBe(201);
    const narrow = api(env.url, created.body.key);
    expect(await narrow('GET', '/api/v1/billing/subscription')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'billing:read' } });
    expect(await narrow('POST', '/api/v1/billing/cancel')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'billing:write' } });
  });

  it('renews by mittr\'s clock a period that ended: on the scheduled plan when one was due, or ends a cancelled one', async () => {
    // Subscriptions whose periods ended while no API process ran: written to the log as mittr wrote them then.
    const [renewing, ending] = await Promise.all([signup(env.url), signup(env.url)]);
    const DAY = 86_400_000;
    const start = Date.now() - 40 * DAY;
    const end = start + 31 * DAY;
    const started = (accountId: string): SubscriptionEvent => ({ type: 'SubscriptionStarted', accountId, provider: 'none', customerId: null, subscriptionId: null,
      planId: 'scale', cycle: 'monthly', periodStart: start, periodEnd: end, version: 1, at: start, providerEventId: null });
    const kafka = createKafka(env.config, 'billing-spec');
    const serde = new Serde(env.config.registryUrl);
    await serde.registerAll();
    const appender = new Appender(kafka, serde);
    await appender.start();
    try {
      const history: SubscriptionEvent[] = [
        started(renewing.id),
        { type: 'SubscriptionChangeScheduled', accountId: renewing.id, planId: 'growth', cycle: 'monthly', effectiveAt: end, version: 2, at: start + DAY, providerEventId: null },
        started(ending.id),
        { type: 'SubscriptionCancelScheduled', accountId: ending.id, version: 2, at: start + DAY, providerEventId: null },
      ];
      await appender.append(history.map((event) => ({ topic: env.config.topicPrefix + 'billing', key: event.accountId, event })));
    } finally {
      await appender.stop();
    }
    const renewed = await eventually(async () => {
      const r = (await api(env.url, renewing.apiKey)('GET', '/api/v1/billing/subscription')).body;
      return r.currentPeriodStart === new Date(end).toISOString() ? r : null;
    }, 15_000);
    expect(renewed).toMatchObject({ status: 'active', planId: 'growth', cycle: 'monthly', scheduledChange: null });
    expect(Date.parse(renewed.currentPeriodEnd)).toBeGreaterThan(Date.now());
    const ended = await eventually(async () => {
      const r = (await api(env.url, ending.apiKey)('GET', '/api/v1/billing/subscription')).body;
      return r.status === 'ended' ? r : null;
    }, 15_000);
    expect(ended).toMatchObject({ planId: 'free' });
    expect((await api(env.url, ending.apiKey)('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'free' });
    // Renewed once each: the sweep's next rounds find nothing due.
    await new Promise((r) => setTimeout(r, 600));
    expect(env.mittr.store!.state.billing.get(renewing.id)).toMatchObject({ version: 3 });
    expect(env.mittr.store!.state.billing.get(ending.id)).toMatchObject({ version: 3, ended: true });
  });
});
