import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { Mittr } from '../index.ts';
import { readConfig, writeConfig } from './config.ts';
import { listen } from './listen.ts';

const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));

function client(): Mittr {
  const c = readConfig();
  if (!c.apiKey) throw new Error('not logged in: run `mittr-cli login --api-key <key>` (or set MITTR_API_KEY)');
  return new Mittr({ apiKey: c.apiKey, baseUrl: c.baseUrl });
}

function json(text: string): unknown {
  try { return JSON.parse(text); } catch { throw new Error(`not JSON: ${text}`); }
}

/** Replays each event, one progress bar tick per event; answers how many failed. */
async function replayAll(mittr: Mittr, ids: string[], showBar: boolean): Promise<number> {
  const bar = new cliProgress.SingleBar({ format: 'replaying [{bar}] {value}/{total} events', noTTYOutput: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  if (showBar) bar.start(ids.length, 0);
  let failed = 0;
  for (const id of ids) {
    try { await mittr.events.replay(id); } catch (err) { failed++; console.error(`${id}: ${(err as Error).message}`); }
    if (showBar) bar.increment();
  }
  if (showBar) bar.stop();
  return failed;
}

export function program(): Command {
  const cli = new Command('mittr-cli').description('mittr from the terminal').showHelpAfterError();

  cli.command('login').description('store an API key in the config file')
    .requiredOption('--api-key <key>').option('--base-url <url>', 'mittr\'s URL', 'https://app.mittr.io')
    .action(async (o: { apiKey: string; baseUrl: string }) => {
      const me = await new Mittr(o).http.request<{ email?: string }>('GET', '/api/v1/me');
      console.log(`logged in${me.email ? ` as ${me.email}` : ''}; key stored in ${writeConfig({ apiKey: o.apiKey, baseUrl: o.baseUrl })}`);
    });

  const events = cli.command('events').description('send, list, get and replay events');
  events.command('send').option('--type <eventType>').option('--destination <url>').requiredOption('--data <json>', 'the payload')
    .option('--idempotency-key <key>')
    .action(async (o: { type?: string; destination?: string; data: string; idempotencyKey?: string }) => {
      print(await client().events.send({ eventType: o.type, destination: o.destination, payload: json(o.data) } as never, { idempotencyKey: o.idempotencyKey }));
    });
  events.command('list').addOption(new Option('--status <status>').choices(['queued', 'delivering', 'delivered', 'failed', 'dead']))
    .option('--limit <n>', 'at most this many', '20')
    .action(async (o: { status?: 'failed'; limit: string }) => {
      let n = 0;
      for await (const e of client().events.list({ status: o.status, limit: Math.min(Number(o.limit), 100) })) {
        console.log(`${e.id}  ${e.status.padEnd(10)} ${e.eventType ?? '(direct)'}  ${e.createdAt}`);
        if (++n >= Number(o.limit)) break;
      }
    });
  events.command('get <id>').action(async (id: string) => print(await client().events.get(id)));
  events.command('replay [ids...]').description('replay events by id, or every event of a status (a progress bar)')
    .addOption(new Option('--status <status>').choices(['failed', 'dead', 'delivered']))
    .action(async (ids: string[], o: { status?: 'failed' }) => {
      const mittr = client();
      const all = [...ids];
      if (o.status) for await (const e of mittr.events.list({ status: o.status, limit: 100 })) all.push(e.id);
      const failed = await replayAll(mittr, all, all.length > 1);
      console.log(`replayed ${all.length - failed} of ${all.length}`);
      if (failed) process.exitCode = 1;
    });

  const endpoints = cli.command('endpoints').description('list and create endpoints');
  endpoints.command('list').action(async () => {
    for await (const e of client().endpoints.list({ limit: 100 })) console.log(`${e.id}  ${e.url}  ${e.eventTypes.join(',')}`);
  });
  endpoints.command('create').requiredOption('--url <url>').requiredOption('--event-types <list>', 'comma-separated')
    .action(async (o: { url: string; eventTypes: string }) => print(await client().endpoints.create({ url: o.url, eventTypes: o.eventTypes.split(',') } as never)));

  cli.command('tail').description('print deliveries as they are attempted').option('--interval <ms>', 'poll interval', '2000')
    .action(async (o: { interval: string }) => {
      const mittr = client();
      const seen = new Set<string>();
      for (;;) {
        const page = await mittr.deliveries.list({ limit: 50 }).firstPage();
        for (const d of [...page.data].reverse()) {
          if (seen.has(d.id)) continue;
          seen.add(d.id);
          console.log(`${d.attemptedAt}  ${d.outcome.padEnd(8)} ${String(d.statusCode ?? '-').padEnd(4)} ${d.url}  [${d.eventId}]`);
        }
        await new Promise((r) => setTimeout(r, Number(o.interval)));
      }
    });

  cli.command('listen').description('forward events to a local URL through a poll-mode endpoint')
    .requiredOption('--forward-to <url>').option('--event-types <list>', 'comma-separated', '*').option('--endpoint-id <id>', 'an existing poll-mode endpoint')
    .action(async (o: { forwardTo: string; eventTypes: string; endpointId?: string }) => {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await listen(client(), { forwardTo: o.forwardTo, eventTypes: o.eventTypes.split(','), endpointId: o.endpointId, signal: stop.signal });
    });
  return cli;
}
