import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Problem, Section, Select, useAction, useLoad, when } from '../ui.tsx';

type Preview = Answer<'/api/v1/billing/preview-update', 'post'>;
type Subscription = Answer<'/api/v1/billing/subscription', 'get'>;
const PAID = ['growth', 'scale'] as const;
const CYCLES = ['monthly', 'annual'] as const;
const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function Status(props: { s: Subscription }) {
  const s = props.s;
  return (
    <dl>
      <dt>Plan</dt><dd>{s.planId}{s.cycle ? ` (${s.cycle})` : ''}</dd>
      <dt>Status</dt><dd>{s.status}</dd>
      <dt>Billing</dt><dd>{s.provider === 'none' ? 'none: plans are assigned here, nothing is charged' : s.provider}</dd>
      {s.currentPeriodEnd && <><dt>{s.cancelAtPeriodEnd ? 'Ends' : 'Renews'}</dt><dd>{when(s.currentPeriodEnd)}</dd></>}
      {s.scheduledChange && <><dt>Scheduled</dt><dd>{s.scheduledChange.planId} ({s.scheduledChange.cycle}) from {when(s.scheduledChange.effectiveAt)}</dd></>}
    </dl>
  );
}

/** The preview's breakdown: "you'll be charged $X today". */
function Breakdown(props: { p: Preview }) {
  const p = props.p;
  if (p.timing === 'renewal') return <p role="status">Changes at the renewal on {when(p.effectiveAt)}: nothing is due today, then {usd(p.nextRenewalAmount)} per {p.cycle === 'annual' ? 'year' : 'month'}.</p>;
  return (
    <div role="status">
      <p>You'll be charged <strong>{usd(p.amountDueToday)}</strong> today.</p>
      <table>
        <tbody>
          <tr><td>Credit for unused time</td><td>−{usd(p.credit)}</td></tr>
          <tr><td>{p.planId} ({p.cycle}), {p.daysLeft} of {p.daysInPeriod} days</td><td>{usd(p.charge)}</td></tr>
          <tr><td>Tax</td><td>{usd(p.tax)}</td></tr>
          <tr><td>Total</td><td>{usd(p.total)}</td></tr>
          <tr><td>Next renewal, {when(p.nextRenewalAt)}</td><td>{usd(p.nextRenewalAmount)}</td></tr>
        </tbody>
      </table>
    </div>
  );
}

/** Billing: the subscription, a change previewed before it is applied, cancel and resume, invoices (admins only). */
export function Billing() {
  const overview = useLoad(async () => ok(await api.GET('/api/v1/billing/overview')));
  const [planId, setPlanId] = useState<(typeof PAID)[number]>('growth');
  const [cycle, setCycle] = useState<(typeof CYCLES)[number]>('monthly');
  const [preview, setPreview] = useState<Preview | null>(null);
  const a = useAction();
  const s = overview.data?.subscription;
  const live = s !== undefined && (s.status === 'active' || s.status === 'canceling' || s.status === 'past_due');
  const checkout = s?.provider !== 'none' && !live;
  const done = () => { setPreview(null); overview.settle(); };
  return (
    <main>
      <h1>Billing</h1>
      <Problem error={overview.error ?? a.error} />
      {s && <Status s={s} />}
      <Section title="Change plan">
        <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => setPreview(ok(await api.POST('/api/v1/billing/preview-update', { body: { planId, cycle } })))); }}>
          <Select label="Plan" value={planId} options={PAID} onChange={(v) => { setPlanId(v as typeof planId); setPreview(null); }} />
          <Select label="Billing cycle" value={cycle} options={CYCLES} onChange={(v) => { setCycle(v as typeof cycle); setPreview(null); }} />
          <button type="submit">Preview</button>
        </form>
        {preview && <Breakdown p={preview} />}
        {preview && (checkout
          ? <button type="button" onClick={() => void a.run(async () => { location.assign(ok(await api.POST('/api/v1/billing/checkout', { body: { planId, cycle } })).url); })}>Continue to checkout</button>
          : <button type="button" onClick={() => void a.run(async () => { ok(await api.POST('/api/v1/billing/update', { body: { planId, cycle } })); done(); })}>Confirm the change</button>)}
      </Section>
      {live && (
        <Section title="Subscription">
          {s.cancelAtPeriodEnd
            ? <button type="button" onClick={() => void a.run(async () => { ok(await api.POST('/api/v1/billing/resume')); done(); })}>Resume</button>
            : <button type="button" onClick={() => void a.run(async () => { ok(await api.POST('/api/v1/billing/cancel')); done(); })}>Cancel at period end</button>}
          {s.scheduledChange && <button type="button" onClick={() => void a.run(async () => { ok(await api.DELETE('/api/v1/billing/scheduled-change')); done(); })}>Undo the scheduled change</button>}
          {s.provider !== 'none' && <button type="button" onClick={() => void a.run(async () => { location.assign(ok(await api.POST('/api/v1/billing/portal', { body: {} })).url); })}>Payment methods and invoices</button>}
        </Section>
      )}
      <Section title="Invoices">
        {(overview.data?.invoices.length ?? 0) === 0 ? <p class="muted">No invoices.</p> : (
          <table>
            <thead><tr><th>Number</th><th>Date</th><th>Total</th><th>Status</th><th /></tr></thead>
            <tbody>{overview.data!.invoices.map((i) => (
              <tr key={i.id}><td>{i.number ?? i.id}</td><td>{when(i.createdAt)}</td><td>{usd(i.total)} {i.currency.toUpperCase()}</td><td>{i.status}</td>
                <td>{i.hostedUrl && <a href={i.hostedUrl}>View</a>}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Section>
    </main>
  );
}
