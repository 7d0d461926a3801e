import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { answer, contract, type Operation } from '../platform/http/contract.ts';
import { inboundView } from '../inbound/view.ts';
import { gdprCommands } from './commands.ts';
import { EraseBody, Erased, ExportDocument } from './contract.ts';
import { exportWorkspace } from './export.ts';
import { chunked } from './export-json.ts';

const op = (summary: string, access: Operation['access'], description: string): Operation => ({ tag: 'GDPR', summary, access, description });

/**
 * GET /gdpr/export streams the workspace's data as one JSON document (read page by page, pulled
 * by the socket: bounded memory); DELETE /gdpr/data erases the workspace. Both are an admin's.
 */
export function gdprRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { erase } = gdprCommands(ctx);
  const view = (s: Parameters<typeof inboundView>[0]) => inboundView(s, ctx.config.publicUrl, (sealed) => ctx.secrets.open(sealed));

  return async (app) => {
    app.get('/gdpr/export', { schema: contract(op('Export everything the workspace owns as one JSON document', { scope: 'gdpr:read', role: 'admin' },
      'Streamed as it is read (Transfer-Encoding: chunked), whatever its size: the account, members, projects, API keys\' metadata, endpoints '
      + 'with their versions, event types, events with payloads and every attempt, inbound endpoints and requests, connectors (credentials masked), '
      + 'alert rules and history, and the audit log. Nothing of another workspace.'),
    { response: { 200: answer('The export, application/json', ExportDocument) } }) }, async (req, reply) => {
      const pieces = exportWorkspace({ db: ctx.db, accounts: ctx.store.state.accounts, inboundView: view, now: Date.now() }, req.principal.accountId);
      // The schema documents the document; a stream is sent as it is (never serialized), hence the cast.
      // Readable.from pulls the next chunk only when the socket has taken the last (backpressure).
      const body = Readable.from(chunked(pieces), { objectMode: false, highWaterMark: 64 * 1024 });
      const day = new Date().toISOString().slice(0, 10);
      return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="mittr-export-${day}.json"`).send(body as never);
    });

    app.delete('/gdpr/data', { schema: contract(op('Erase the workspace: everything it holds, for ever', { scope: 'gdpr:write', role: 'admin' },
      'Needs `{"confirm": "<workspace id or name>"}` (else 400 CONFIRMATION_REQUIRED). The workspace\'s data key is destroyed (crypto-shredding), then '
      + 'WorkspaceErased is recorded: its API keys and sessions answer 401 from then on, deliveries still queued for it are dropped, new events refused, '
      + 'and every read model deletes its rows. Repeating it (after a failure) is safe.'),
    { body: EraseBody, response: { 202: answer('Erased', Erased) } }),
    // No body at all is a missing confirmation (400 CONFIRMATION_REQUIRED), not a malformed request.
    preValidation: async (req) => { if (req.body === undefined || req.body === null) req.body = {}; } }, async (req, reply) => {
      const done = await erase(req.principal, req.credential, req.body?.confirm);
      return reply.code(202).send({ accountId: done.accountId, erasedAt: new Date(done.erasedAt).toISOString(), status: 'erased' as const });
    });
  };
}
