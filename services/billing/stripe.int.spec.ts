import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSmtp } from '../../test/support/smtp.ts';
import { STRIPE_MOCK_KEY, startStripeMock, type StripeMock, type StripeRequest } from '../../test/support/stripe-mock.ts';
import { signStripeWebhook } from '../../test/support/stripe-webhook.ts';
import { CREATED, PRICES, checkoutSession, invoice, stripeEvent as fixtureEvent, subscription, subscriptionItem } from './providers/stripe-events.fixture.ts';

type Call = ReturnType<typeof api>;
const WHSEC = 'whsec_dGVzdC1zaWduaW5nLXNlY3JldC1vZi1taXR0cg==';
const DAY = 86_400;

/**
 * Billing with Stripe, on the real stack: the routes against stripe-mock (Stripe's own API mock,
 * its requests recorded), and Stripe's webhooks signed by Stripe's SDK, through mittr's inbound
 * verification into the subscription's events.
 */
describe('billing with Stripe', () => {
  let stripe: StripeMock;
  const smtp = new RecordingSmtp();
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let admin: Call;
  let other: Call;
  let accountId: string;
  let n = 0;

  /**
   * A Stripe event created now, as Stripe creates the ones it sends: the fixture's fixed time made
   * a subscription's period (and so a preview's credit for its days left) depend on the day the spec ran.
   */
  const stripeEvent = (type: string, object: object, id?: string) => ({ ...fixtureEvent(type, object, id), created: Math.floor(Date.now() / 1000) });

  /** Posts a Stripe event to mittr's webhook route, signed as Stripe signs it. */
  const webhook = (type: string, object: object, opts: { secret?: string; tamper?: boolean } = {}) => {
    const signed = signStripeWebhook(stripeEvent(type, object, `evt_${++n}_${Date.now()}`), opts.secret ?? WHSEC);
    const body = opts.tamper ? signed.rawBody.replace('"livemode":false', '"livemode":true') : signed.rawBody;
    return api(env.url)('POST', '/billing/webhooks/stripe', body, signed.headers);
  };
  const resend = (raw: string, headers: Record<string, string>) => api(env.url)('POST', '/billing/webhooks/stripe', raw, headers);
  /** The requests to Stripe one call made. */
  async function sent(call: () => Promise<{ status: number }>, status = 200): Promise<StripeRequest[]> {
    const before = stripe.requests.length;
    const res = await call();
    expect(res.status, JSON.stringify(res)).toBe(status);
    return stripe.requests.slice(before);
  }
  const sub = (price: string, overrides: object = {}) => subscription([subscriptionItem(price)], { customer: 'cus_Q1', metadata: { accountId }, ...overrides });
  const subscriptionOf = async () => (await admin('GET', '/api/v1/billing/subscription')).body;

  beforeAll(async () => {
    stripe = await startStripeMock();
    await smtp.start();
    env = await startTestMittr(isolatedConfig({
      MITTR_SIGNUP_PLAN: 'free', MITTR_BILLING_PROVIDER: 'stripe', STRIPE_SECRET_KEY: STRIPE_MOCK_KEY, STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_URL: stripe.url, MITTR_STRIPE_PRICES: JSON.stringify(PRICES), SMTP_URL: smtp.url,
    }));
    const account = await signup(env.url);
    accountId = account.id;
    admin = api(env.url, account.apiKey);
    other = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await smtp.stop();
    await stripe?.stop();
  });

  it('starts a subscription through Stripe Checkout and its signed webhook, once per webhook id', async () => {
    expect(await subscriptionOf()).toMatchObject({ provider: 'stripe', status: 'none', planId: 'free' });
    expect(await admin('POST', '/api/v1/billing/update', { planId: 'growth' })).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect(await admin('POST', '/api/v1/billing/portal')).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });

    let answer: { url: string; sessionId: string } | undefined;
    const [req] = await sent(async () => { const r = await admin('POST', '/api/v1/billing/checkout', { planId: 'growth', cycle: 'annual' }); answer = r.body; return r; });
    expect(answer!.url).toMatch(/^https:\/\//);
    expect(req).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions', params: { 'mode': 'subscription', 'line_items[0][price]': PRICES.growth.annual,
      'client_reference_id': accountId, 'success_url': `${env.config.publicUrl}/ui/billing?checkout=success` } });
    expect(req!.params['customer_email']).toMatch(/@example\.test$/);

    const completed = signStripeWebhook(stripeEvent('checkout.session.completed', checkoutSession({ client_reference_id: accountId,
      metadata: { accountId, planId: 'growth', cycle: 'annual' } }), `evt_checkout_${Date.now()}`), WHSEC);
    expect(await resend(completed.rawBody, completed.headers)).toMatchObject({ status: 200, body: { received: true, recorded: 1 } });
    expect(await resend(completed.rawBody, completed.headers)).toMatchObject({ status: 200, body: { recorded: 0 } });
    expect(await subscriptionOf()).toMatchObject({ provider: 'stripe', status: 'active', planId: 'growth', cycle: 'annual', customerId: 'cus_Q1' });
    expect((await admin('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'growth' });
    // A second checkout while subscribed is refused: the subscription changes through update.
    expect(await admin('POST', '/api/v1/billing/checkout', { planId: 'scale' })).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect((await other('GET', '/api/v1/billing/subscription')).body).toMatchObject({ status: 'none', planId: 'free' });
  });

  it('refuses a webhook whose signature is missing, wrong, stale or of another secret', async () => {
    expect(await webhook('invoice.paid', invoice(), { tamper: true })).toMatchObject({ status: 401, body: { code: 'INVALID_SIGNATURE', reason: 'bad_signature' } });
    expect(await webhook('invoice.paid', invoice(), { secret: 'whsec_b3RoZXI=' })).toMatchObject({ status: 401, body: { code: 'INVALID_SIGNATURE' } });
    const stale = signStripeWebhook(stripeEvent('invoice.paid', invoice(), 'evt_stale'), WHSEC, Math.floor(Date.now() / 1000) - 3_600);
    expect(await resend(stale.rawBody, stale.headers)).toMatchObject({ status: 401, body: { code: 'INVALID_SIGNATURE', reason: 'stale_timestamp' } });
    expect(await resend('{}', { 'content-type': 'application/json' })).toMatchObject({ status: 401, body: { code: 'INVALID_SIGNATURE', reason: 'missing_signature' } });
    const notJson = signStripeWebhook('not json', WHSEC);
    expect(await resend(notJson.rawBody, notJson.headers)).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    // A customer mittr does not know, and a type billing does not act on: acknowledged, nothing recorded.
    expect(await webhook('invoice.paid', invoice({ customer: 'cus_stranger' }))).toMatchObject({ status: 200, body: { recorded: 0 } });
    expect(await webhook('charge.refunded', { id: 'ch_1', object: 'charge' })).toMatchObject({ status: 200, body: { recorded: 0 } });
  });

  it('previews and applies an upgrade at Stripe with proration, schedules a switch to monthly without, and undoes it', async () => {
    const preview = await admin('POST', '/api/v1/billing/preview-update', { planId: 'scale', cycle: 'annual' });
    expect(preview).toMatchObject({ status: 200, body: { timing: 'now', planId: 'scale', cycle: 'annual' } });
    expect(preview.body.provider).toMatchObject({ currency: expect.any(String), total: expect.any(Number), lines: expect.any(Array) });
    expect(preview.body.credit).toBeGreaterThan(48_000);

    const upgrade = await sent(() => admin('POST', '/api/v1/billing/update', { planId: 'scale', cycle: 'annual' }));
    expect(upgrade.find((r) => r.method === 'POST' && r.path === '/v1/subscriptions/sub_1')?.params).toMatchObject({
      'items[0][price]': PRICES.scale.annual, 'proration_behavior': 'always_invoice' });
    expect(await subscriptionOf()).toMatchObject({ planId: 'scale', cycle: 'annual', scheduledChange: null });
    expect((await admin('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'scale', limits: { scim: true } });

    const toMonthly = await sent(() => admin('POST', '/api/v1/billing/update', { planId: 'scale', cycle: 'monthly' }));
    expect(toMonthly.find((r) => r.path === '/v1/subscriptions/sub_1' && r.method === 'POST')?.params).toMatchObject({
      'items[0][price]': PRICES.scale.monthly, 'proration_behavior': 'none' });
    const scheduled = await subscriptionOf();
    expect(scheduled).toMatchObject({ planId: 'scale', cycle: 'annual', scheduledChange: { planId: 'scale', cycle: 'monthly', effectiveAt: scheduled.currentPeriodEnd } });
    // Stripe tells of the price mittr set for the renewal: no change of mittr's.
    expect(await webhook('customer.subscription.updated', sub(PRICES.scale.monthly))).toMatchObject({ status: 200, body: { recorded: 0 } });

    const undo = await sent(() => admin('DELETE', '/api/v1/billing/scheduled-change'));
    expect(undo.find((r) => r.path === '/v1/subscriptions/sub_1' && r.method === 'POST')?.params).toMatchObject({
      'items[0][price]': PRICES.scale.annual, 'proration_behavior': 'none' });
    expect(await subscriptionOf()).toMatchObject({ planId: 'scale', cycle: 'annual', scheduledChange: null });
  });

  it('cancels and resumes at Stripe, and follows a cancel or a price change made in Stripe\'s own portal', async () => {
    const cancel = await sent(() => admin('POST', '/api/v1/billing/cancel'));
    expect(cancel.find((r) => r.path === '/v1/subscriptions/sub_1')?.params).toMatchObject({ cancel_at_period_end: 'true' });
    const cancelled = await subscriptionOf();
    expect(cancelled).toMatchObject({ status: 'canceling', cancelAtPeriodEnd: true });
    const resume = await sent(() => admin('POST', '/api/v1/billing/resume'));
    expect(resume.find((r) => r.path === '/v1/subscriptions/sub_1')?.params).toMatchObject({ cancel_at_period_end: 'false' });
    expect(await subscriptionOf()).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, currentPeriodEnd: cancelled.currentPeriodEnd });

    expect(await webhook('customer.subscription.updated', sub(PRICES.scale.annual, { cancel_at_period_end: true }))).toMatchObject({ body: { recorded: 1 } });
    expect(await subscriptionOf()).toMatchObject({ status: 'canceling' });
    expect(await webhook('customer.subscription.updated', sub(PRICES.growth.annual, { cancel_at_period_end: false }))).toMatchObject({ body: { recorded: 2 } });
    expect(await subscriptionOf()).toMatchObject({ status: 'active', planId: 'growth', cycle: 'annual' });
  });

  it('marks a failed payment past due and mails the admins; a paid invoice clears it; invoices and the portal come from Stripe', async () => {
    const failed = invoice({ id: 'in_failed', status: 'open', amount_paid: 0, amount_due: 49_000, attempt_count: 2, next_payment_attempt: CREATED + 3 * DAY });
    expect(await webhook('invoice.payment_failed', failed)).toMatchObject({ status: 200, body: { recorded: 1 } });
    expect(await subscriptionOf()).toMatchObject({ status: 'past_due' });
    const mail = await smtp.waitFor((m) => m.subject === 'mittr: a payment failed');
    expect(mail.envelope.to[0]).toMatch(/@example\.test$/);
    expect(mail.text).toContain('490.00 USD');
    expect(mail.text).toContain('in_failed');
    expect(await webhook('invoice.paid', invoice({ id: 'in_failed' }))).toMatchObject({ body: { recorded: 1 } });
    expect(await subscriptionOf()).toMatchObject({ status: 'active' });

    const listed = await sent(() => admin('GET', '/api/v1/billing/invoices?limit=5'));
    expect(listed).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/invoices', params: expect.objectContaining({ customer: 'cus_Q1', limit: '5' }) })]);
    const invoices = (await admin('GET', '/api/v1/billing/invoices')).body.data;
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices[0]).toMatchObject({ id: expect.stringMatching(/^in_/), createdAt: expect.any(String), currency: expect.any(String) });
    expect((await admin('GET', '/api/v1/billing/overview')).body).toMatchObject({ provider: 'stripe', subscription: { status: 'active' }, invoices: expect.any(Array) });

    const portal = await sent(() => admin('POST', '/api/v1/billing/portal', { returnUrl: 'https://app.example.com/settings' }));
    expect(portal[0]).toMatchObject({ path: '/v1/billing_portal/sessions', params: { customer: 'cus_Q1', return_url: 'https://app.example.com/settings' } });
  });

  it('renews on Stripe\'s new period, and ends with the subscription: the workspace is back on its own plan', async () => {
    const before = await subscriptionOf();
    const start = Math.floor(Date.parse(before.currentPeriodEnd) / 1000);
    const renewed = sub(PRICES.growth.annual, { items: { object: 'list', has_more: false, url: '/v1/subscription_items',
      data: [subscriptionItem(PRICES.growth.annual, { current_period_start: start, current_period_end: start + 365 * DAY })] } });
    expect(await webhook('customer.subscription.updated', renewed)).toMatchObject({ body: { recorded: 1 } });
    expect(await subscriptionOf()).toMatchObject({ planId: 'growth', currentPeriodStart: new Date(start * 1000).toISOString() });

    expect(await webhook('customer.subscription.deleted', sub(PRICES.growth.annual, { status: 'canceled' }))).toMatchObject({ body: { recorded: 1 } });
    expect(await subscriptionOf()).toMatchObject({ status: 'ended', planId: 'free' });
    expect((await admin('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'free' });

    const audit = await eventually(async () => {
      const r = await admin('GET', '/api/v1/audit-logs?resource=subscription&limit=100');
      return r.body.data?.some((l: { action: string }) => l.action === 'subscription.ended') ? r.body.data : null;
    });
    const actions = audit.map((l: { action: string }) => l.action);
    expect(actions).toEqual(expect.arrayContaining(['subscription.started', 'subscription.plan_changed', 'subscription.change_scheduled',
      'subscription.scheduled_change_canceled', 'subscription.cancel_scheduled', 'subscription.resumed', 'subscription.payment_failed',
      'subscription.invoice_paid', 'subscription.renewed', 'subscription.ended']));
    // Stripe's own changes name it and their webhook's id; an admin's name the key.
    expect(audit.find((l: { action: string }) => l.action === 'subscription.ended')).toMatchObject({ actor: { type: 'system', id: 'stripe' }, after: { providerEventId: expect.stringMatching(/^evt_/) } });
    expect(audit.find((l: { action: string; after: unknown }) => l.action === 'subscription.resumed' && l.after === null)).toMatchObject({ actor: { type: 'api_key' } });
  });
});
