import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { TransformPool, type TransformResult } from '../deliveries/transform/index.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { endpointCommands } from './commands.ts';
import { IdParams, TrialBody, TrialResult } from './contract.ts';
import type { EndpointState } from './domain/evolve.ts';
import type { FilterRule } from './domain/filter.ts';
import { DRAFT_URL, planTrial, type TrialConfig } from './domain/trial.ts';

/**
 * Trials one API process runs or queues at once. Each may take its 100 ms of sandbox CPU, so a
 * burst beyond this (a script, not people at forms) is told to retry instead of queueing
 * seconds of work ahead of everyone else's trials.
 */
export const MAX_TRIALS_IN_FLIGHT = 16;

/**
 * A trial runs caller-supplied code on mittr's CPU and is how an endpoint's filter and
 * transformation are authored: an editor's, with endpoints:write, like saving them. It changes
 * nothing, but a read-only key (a monitoring tool's) should not be able to spend CPU in the
 * sandbox, and a viewer, who cannot save a transformation, has nothing to try.
 */
const access: Operation['access'] = { scope: 'endpoints:write', role: 'editor' };
const DESCRIPTION = 'Runs the filter (the router\'s compiled rules) and the transformation (the delivery engine\'s sandbox, same limits) on a sample event and answers what would happen; '
  + 'nothing is sent or stored. A transformation that throws, times out or returns something else is a 200 with transformation.outcome error, as the attempt would record it; '
  + `a bad sample, filter or url is a 400. Beyond ${MAX_TRIALS_IN_FLIGHT} trials at once on one API process: 429 RATE_LIMITED, Retry-After 1.`;
const op = (summary: string): Operation => ({ tag: 'Endpoints', summary, access, description: DESCRIPTION });

type Body = Static<typeof TrialBody>;

/** The draft's fields over the saved endpoint's (if any): a field left out is the saved one, null clears it. */
function configOf(body: Body, saved: EndpointState | undefined): TrialConfig {
  const pick = <T,>(draft: T | undefined, fromSaved: T, none: T): T => (draft !== undefined ? draft : saved ? fromSaved : none);
  return {
    eventTypes: pick<string[] | null>(body.eventTypes, saved?.config.eventTypes ?? null, null),
    filter: pick<FilterRule[] | null>(body.filter as FilterRule[] | null | undefined, saved?.config.filter ? JSON.parse(saved.config.filter) as FilterRule[] : null, null),
    transformation: pick<string | null>(body.transformation, saved?.config.transformation ?? null, null),
    url: pick(body.url, saved?.config.url ?? DRAFT_URL, DRAFT_URL),
    customHeaders: pick(body.customHeaders, saved?.config.customHeaders ?? {}, {}),
  };
}

function transformationView(result: TransformResult | null): Static<typeof TrialResult>['transformation'] {
  if (result === null) return { outcome: 'none' };
  if (result.kind === 'cancel') return { outcome: 'cancelled' };
  if (result.kind === 'error') return { outcome: 'error', code: 'TRANSFORM_ERROR', error: result.error };
  const { eventType, payload, headers, url } = result;
  return { outcome: 'transformed', eventType, payload, headers, url };
}

/** POST /endpoints/try (a draft) and /endpoints/{id}/try (the saved endpoint, a draft's fields over it). */
export function endpointTrialRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found } = endpointCommands(ctx);
  // The engine's pool class with its default limits, so a trial fails exactly where a delivery would.
  // One worker: trials are people at a form; its thread starts on the first trial.
  const pool = new TransformPool({ workers: 1 });
  let inFlight = 0;

  async function transformed(code: string, input: Parameters<TransformPool['run']>[1]): Promise<TransformResult> {
    if (inFlight >= MAX_TRIALS_IN_FLIGHT) {
      throw new DomainError('RATE_LIMITED', `${MAX_TRIALS_IN_FLIGHT} transformation trials are already running; retry in a moment`, { retryAfterSeconds: 1 });
    }
    inFlight++;
    try { return await pool.run(code, input); } finally { inFlight--; }
  }

  async function trial(body: Body, saved: EndpointState | undefined) {
    const plan = planTrial(configOf(body, saved), body.event);
    const t0 = performance.now();
    const result = plan.transform ? await transformed(plan.transform.code, plan.transform.input) : null;
    const durationMs = Math.round((performance.now() - t0) * 100) / 100;
    const transformation = transformationView(result);
    const passes = transformation.outcome === 'none' || transformation.outcome === 'transformed';
    return { delivered: plan.subscribed !== false && plan.filter.matched && passes, subscribed: plan.subscribed, filter: plan.filter, transformation, durationMs };
  }

  return async (app) => {
    app.addHook('onClose', () => pool.close());
    app.post('/endpoints/try', { schema: contract(op('Try a draft filter and transformation on a sample event'), { body: TrialBody, response: { 200: TrialResult } }) },
      async (req) => trial(req.body, undefined));
    app.post('/endpoints/:id/try', { schema: contract(op('Try an endpoint\'s filter and transformation (or a draft of them) on a sample event'), { params: IdParams, body: TrialBody, response: { 200: TrialResult } }) },
      async (req) => trial(req.body, found(req.principal, req.params.id)));
  };
}
