import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { z } from 'zod';
import { alertHistory, alertRuleView, getAlertRule, listAlertRules } from '../../projections/alerting/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { alertRuleCommands } from './commands.ts';
import { AlertRule, AlertRulePage, CreateBody, Evaluation, HistoryPage, HistoryQuery, IdParams, ListQuery, UpdateBody } from './contract.ts';
import { normalizeRuleInput } from './domain/rule.ts';
import { evaluateNow } from './evaluate-now.ts';

const reads: Operation['access'] = { scope: 'alerting:read', role: 'viewer' };
const writes: Operation['access'] = { scope: 'alerting:write', role: 'editor' };
const isUuid = (id: string) => z.uuid().safeParse(id).success;
const op = (summary: string, access: Operation['access'], errors?: number[]): Operation => ({ tag: 'Alerting', summary, access, errors });

/**
 * Alert rules: an event-sourced aggregate on the alert-rules topic, at /alerting/rules (002) and
 * at /alert-rules (000's spelling: a condition string and a connectorName), the same rules.
 */
export function alertingRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run } = alertRuleCommands(ctx);
  const input = (body: object) => normalizeRuleInput(body as Record<string, unknown>);

  return async (app) => {
    for (const base of ['/alerting/rules', '/alert-rules']) {
      const alias = base === '/alert-rules' ? ' (000\'s spelling)' : '';
      app.post(base, { schema: contract(op(`Create an alert rule${alias}`, writes, [409]), { body: CreateBody, response: { 201: AlertRule } }) }, async (req, reply) => {
        const p = req.principal;
        const s = await run(p, undefined, { type: 'Create', ruleId: randomUUID(), accountId: p.accountId, projectId: p.projectId, input: input(req.body) });
        return reply.code(201).send(alertRuleView(s));
      });
      app.get(base, { schema: contract(op(`List alert rules${alias}`, reads), { querystring: ListQuery, response: { 200: AlertRulePage } }) }, async (req) => {
        const page = await listAlertRules(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
        if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
        return page;
      });
      app.get(`${base}/:id`, { schema: contract(op(`Get an alert rule${alias}`, reads), { params: IdParams, response: { 200: AlertRule } }) }, async (req) => {
        const s = isUuid(req.params.id) ? await readYourWrites(ctx, req.params.id, () => getAlertRule(ctx.db, req.principal, req.params.id)) : null;
        if (!s) throw new DomainError('NOT_FOUND', 'alert rule not found');
        return alertRuleView(s);
      });
      app.put(`${base}/:id`, { schema: contract(op(`Change an alert rule: the fields given, over the stored ones${alias}`, writes, [409]), { params: IdParams, body: UpdateBody, response: { 200: AlertRule } }) }, async (req) =>
        alertRuleView(await run(req.principal, found(req.principal, req.params.id), { type: 'Update', input: input(req.body) })));
      app.delete(`${base}/:id`, { schema: contract(op(`Delete an alert rule${alias}`, writes, [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
        await run(req.principal, found(req.principal, req.params.id), { type: 'Delete' });
        return reply.code(204).send(null);
      });
    }
    for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
      app.post(`/alerting/rules/:id/${verb}`, { schema: contract(op(`${verb === 'enable' ? 'Enable' : 'Disable'} an alert rule`, writes, [409]), { params: IdParams, response: { 200: AlertRule } }) }, async (req) =>
        alertRuleView(await run(req.principal, found(req.principal, req.params.id), { type: 'SetEnabled', enabled })));
    }
    app.post('/alerting/evaluate', { schema: contract(op('Evaluate the project\'s rules now: each one\'s value, threshold and whether it would fire (changes nothing)', reads), { response: { 200: Evaluation } }) }, async (req) =>
      evaluateNow(ctx.db, ctx.store.state.alertRules.ofProject(req.principal.projectId).filter((r) => r.accountId === req.principal.accountId), Date.now()));
    app.get('/alerting/history', { schema: contract(op('Alert history: firings and resolutions, newest first', reads), { querystring: HistoryQuery, response: { 200: HistoryPage } }) }, async (req) => {
      const page = await alertHistory(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor, ruleId: req.query.ruleId });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });
  };
}
