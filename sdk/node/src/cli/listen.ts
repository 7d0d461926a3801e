import type { Mittr } from '../index.ts';
import { signWebhook } from '../webhooks.ts';

export type ListenOptions = { forwardTo: string; eventTypes: string[]; endpointId?: string; signal?: AbortSignal; log?: (line: string) => void; timeoutSec?: number };
const MARK = 'mittr-cli listen';

/** The poll-mode endpoint listen uses: the one given, else one it made before for this URL, else a new one. */
export async function listenEndpoint(mittr: Mittr, o: ListenOptions): Promise<string> {
  if (o.endpointId) return o.endpointId;
  for await (const ep of mittr.endpoints.list({ limit: 100 })) {
    const e = ep as { id: string; url: string; description?: string | null; deliveryMode?: string };
    if (e.description === MARK && e.url === o.forwardTo && e.deliveryMode === 'poll') return e.id;
  }
  const created = await mittr.endpoints.create({ url: o.forwardTo, eventTypes: o.eventTypes, deliveryMode: 'poll', description: MARK } as never);
  return (created as { id: string }).id;
}

const stamp = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

/**
 * Long-polls a poll-mode endpoint and forwards each message to `forwardTo`, like `stripe listen`.
 * Poll messages carry no signature (services/poll/queue.ts leaves mittr's own headers out), so each
 * forward is signed here with the endpoint's secret in both of mittr's schemes, exactly as a push
 * would be: the local server verifies it with the same secret and code it uses in production.
 * A 2xx is acked; anything else is left to come back after the visibility timeout.
 */
export async function listen(mittr: Mittr, o: ListenOptions): Promise<void> {
  const log = o.log ?? ((l: string) => console.log(l));
  const endpointId = await listenEndpoint(mittr, o);
  const { signingSecret } = await mittr.endpoints.secret(endpointId);
  log(`Ready! Forwarding events of endpoint ${endpointId} to ${o.forwardTo} (signing secret ${signingSecret})`);
  while (!o.signal?.aborted) {
    let batch;
    try {
      batch = await mittr.poll.lease({ endpoint_id: endpointId, limit: 10, timeout: o.timeoutSec ?? 20 }, o.signal);
    } catch (err) {
      if (o.signal?.aborted) return;
      throw err;
    }
    for (const m of batch.data) await forward(mittr, o, signingSecret, m, log);
  }
}

type Message = { id: string; eventId: string; eventType: string | null; payload: unknown; headers: Record<string, string> };

async function forward(mittr: Mittr, o: ListenOptions, secret: string, m: Message, log: (l: string) => void) {
  const body = JSON.stringify(m.payload);
  const headers = { ...m.headers, 'content-type': 'application/json', ...signWebhook({ secrets: [secret], eventId: m.eventId, timestampSec: Math.floor(Date.now() / 1000), body }) };
  log(`${stamp()}   --> ${m.eventType ?? '(direct)'} [${m.eventId}]`);
  let status: number | string;
  try {
    const res = await fetch(o.forwardTo, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    status = res.status;
  } catch (err) {
    status = `error: ${(err as Error).message}`;
  }
  log(`${stamp()}  <--  [${status}] POST ${o.forwardTo} [${m.eventId}]`);
  if (typeof status === 'number' && status >= 200 && status < 300) await mittr.poll.ack({ ids: [m.id] });
}
