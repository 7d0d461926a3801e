import { headerProblems, tenantHeaders } from '../../deliveries/domain/delivery-headers.ts';
import { DomainError } from '../../platform/domain/errors.ts';
import { matchesEventType } from './config.ts';
import { explainFilter, type FilterExplanation, type FilterRule } from './filter.ts';

/**
 * Trying an endpoint's filter and transformation on a sample event, before (or after) saving
 * them: what the router and the engine would do with it, answered instead of delivered.
 */

/** A sample event, as POST /events takes one. */
export type SampleEvent = { id?: string; type?: string | null; payload: unknown; headers?: Record<string, string> };

/** What the trial reads of an endpoint: a draft's fields, or the saved endpoint's. */
export type TrialConfig = {
  /** null: no subscription to check (a draft without event types). */
  eventTypes: string[] | null;
  filter: FilterRule[] | null;
  transformation: string | null;
  url: string;
  customHeaders: Record<string, string>;
};

/** The engine's TransformInput (services/deliveries/transform/contract.ts), restated: domain/ imports no worker code. */
export type TrialInput = { eventType: string | null; payload: unknown; headers: Record<string, string>; url: string };

export type TrialPlan = {
  subscribed: boolean | null;
  filter: FilterExplanation & { rules: Array<{ index: number; matched: boolean; field: string; operator: string }> };
  /** What the transformation gets, when there is one. */
  transform: { code: string; input: TrialInput } | null;
};

/** A draft's url may be left out: the transformation still sees one, as it does on a delivery. */
export const DRAFT_URL = 'https://receiver.example/webhooks';

function urlProblem(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? null : 'url must use http or https';
  } catch { return 'url must be an absolute http(s) URL'; }
}

/**
 * The trial's inputs, built as the delivery path builds them: the filter reads
 * `{id, eventType, data, headers}` (ARCHITECTURE 11) with the event's headers, the router's
 * context; the transformation gets the endpoint's custom headers under the event's, minus any
 * that cannot be sent, and the endpoint's url, the engine's input. Throws VALIDATION_ERROR for
 * a bad sample, url or filter, listing every problem. Pure.
 */
export function planTrial(config: TrialConfig, sample: SampleEvent): TrialPlan {
  const headers = sample.headers ?? {};
  const problems = [...headerProblems(headers, 'event.headers'), ...headerProblems(config.customHeaders, 'customHeaders')];
  // Only a transformation sees the url (a storage sink's is s3://, and has no transformation).
  const badUrl = config.transformation === null ? null : urlProblem(config.url);
  if (badUrl) problems.push(badUrl);
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  const eventType = sample.type ?? null;
  const rules = config.filter ?? [];
  const explained = explainFilter(rules, { id: sample.id ?? 'evt_sample', eventType, data: sample.payload, headers });
  return {
    subscribed: config.eventTypes === null ? null : eventType !== null && matchesEventType(config.eventTypes, eventType),
    filter: { ...explained, rules: explained.rules.map((r) => ({ ...r, field: rules[r.index]!.field, operator: rules[r.index]!.operator })) },
    transform: config.transformation === null ? null : {
      code: config.transformation,
      input: { eventType, payload: sample.payload, headers: tenantHeaders(config.customHeaders, headers), url: config.url },
    },
  };
}
