import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Area, Json, Problem, Section, useAction, useLoad } from '../ui.tsx';

type Trial = Answer<'/api/v1/endpoints/try', 'post'>;
type Sample = { type: string | null; payload: unknown; headers: Record<string, string> };

const EXAMPLE: Sample = { type: 'order.created', payload: { orderId: 'ord_1', amount: 4200, currency: 'EUR' }, headers: {} };
const show = (s: Sample) => JSON.stringify(s, null, 2);

/** The endpoint's last delivered event, as a sample; the example when it has none (or it cannot be read). */
async function lastEvent(endpointId: string | undefined): Promise<Sample> {
  if (!endpointId) return EXAMPLE;
  try {
    const [last] = ok(await api.GET('/api/v1/deliveries', { params: { query: { endpoint_id: endpointId, range: '30d', limit: 1 } } })).data;
    if (!last) return EXAMPLE;
    const e = ok(await api.GET('/api/v1/events/{id}', { params: { path: { id: last.eventId } } }));
    return { type: e.eventType, payload: e.payload, headers: e.headers };
  } catch { return EXAMPLE; }
}

/** Which rule decided, in words. */
function filterVerdict(t: Trial): string {
  if (t.filter.rules.length === 0) return 'No filter: every event passes.';
  if (t.filter.matched) return `Matched: all ${t.filter.rules.length} rule(s) hold.`;
  const r = t.filter.rules[t.filter.decidedBy!]!;
  return `Not matched: rule ${r.index + 1} (${r.field} ${r.operator}) refused the event.`;
}

function Result(props: { trial: Trial }) {
  const t = props.trial;
  const x = t.transformation;
  return (
    <div class={`verdict ${t.delivered ? 'good' : 'bad'}`} role="status" data-testid="try-result" data-delivered={String(t.delivered)} data-filter={t.filter.matched ? 'matched' : 'refused'} data-outcome={x.outcome}>
      <p><strong>{t.delivered ? 'Would be delivered.' : 'Would not be delivered.'}</strong>
        {t.subscribed === false && ' The endpoint is not subscribed to this event type.'}</p>
      <p data-testid="try-filter">{filterVerdict(t)}</p>
      {x.outcome === 'none' && <p>No transformation: the payload is sent as it is.</p>}
      {x.outcome === 'cancelled' && <p>The transformation cancelled the delivery.</p>}
      {x.outcome === 'error' && <><p>The transformation failed ({x.code}):</p><pre class="json" data-testid="try-error">{x.error}</pre></>}
      {x.outcome === 'transformed' && (
        <>
          <p>Sent to <code>{x.url}</code>{x.eventType !== null && <> as <code>{x.eventType}</code></>}, with these headers and body ({t.durationMs} ms):</p>
          <Json value={x.headers} />
          <pre class="json" data-testid="try-payload">{JSON.stringify(x.payload, null, 2)}</pre>
        </>
      )}
    </div>
  );
}

/**
 * "Try it": the filter and transformation in the editors below (drafts, saved or not) on a
 * sample event, by mittr itself (POST /endpoints/{id}/try or /endpoints/try): the router's
 * rules and the engine's sandbox, so what it says is what a delivery would do.
 */
function Panel(props: { endpointId?: string; filter: unknown; transformation: string | null; sample: Sample }) {
  const [sample, setSample] = useState(show(props.sample));
  const [rules, setRules] = useState(props.filter ? JSON.stringify(props.filter, null, 2) : '');
  const [code, setCode] = useState(props.transformation ?? '');
  const [trial, setTrial] = useState<Trial | undefined>();
  const a = useAction();
  const run = () => a.run(async () => {
    setTrial(undefined);
    let event: Sample;
    let filter: unknown[] | null;
    try { event = JSON.parse(sample) as Sample; } catch { throw new Error('The sample event is not JSON'); }
    try { filter = rules.trim() ? JSON.parse(rules) as unknown[] : null; } catch { throw new Error('The filter rules are not JSON'); }
    const body = { event, filter, transformation: code.trim() ? code : null };
    setTrial(ok(props.endpointId
      ? await api.POST('/api/v1/endpoints/{id}/try', { params: { path: { id: props.endpointId } }, body })
      : await api.POST('/api/v1/endpoints/try', { body })));
  });
  return (
    <Section title="Try it">
      <p class="muted">Runs in mittr's sandbox on the sample; nothing is sent or saved.</p>
      <Area label="Sample event (JSON: type, payload, headers)" value={sample} onInput={setSample} rows={7} />
      <Area label="Filter rules to try (JSON array, empty: none)" value={rules} onInput={setRules} rows={4} />
      <Area label="Transformation to try (JavaScript, empty: none)" value={code} onInput={setCode} rows={6} />
      <button type="button" disabled={a.busy} onClick={() => void run()}>Try it</button>
      <Problem error={a.error} />
      {trial && <Result trial={trial} />}
    </Section>
  );
}

export function TryIt(props: { endpointId?: string; filter?: unknown; transformation?: string | null }) {
  const sample = useLoad(() => lastEvent(props.endpointId), [props.endpointId]);
  if (!sample.data) return <Section title="Try it"><p class="muted">Loading a sample event…</p></Section>;
  return <Panel endpointId={props.endpointId} filter={props.filter} transformation={props.transformation ?? null} sample={sample.data} />;
}
