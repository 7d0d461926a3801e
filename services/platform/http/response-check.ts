import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

type Schema = Record<string | symbol, unknown>;

/** The schema with every object closed: a property it does not declare is an error, not dropped. */
function closed(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(closed);
  if (s === null || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, closed(ps)])) : closed(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * Checks every answer against its route's response schema before it is serialized (tests turn
 * this on: MITTR_CHECK_RESPONSES). Serialization drops what a schema does not declare, so without
 * this a handler returning a field its schema lacks would lose it silently; here it answers 500
 * naming the field instead, and so does a status the route does not declare.
 */
export function checkResponses(app: FastifyInstance): void {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const compiled = new WeakMap<object, ValidateFunction>();
  app.addHook('preSerialization', async (req, reply, payload) => {
    const responses = req.routeOptions.schema?.response as Record<string, object> | undefined;
    if (!responses || reply.statusCode >= 500 && !responses[String(reply.statusCode)]) return payload;
    const schema = responses[String(reply.statusCode)] ?? responses[`${String(reply.statusCode)[0]}xx`] ?? responses.default;
    const where = `${req.method} ${req.routeOptions.url ?? req.url} ${reply.statusCode}`;
    if (!schema) return fail(reply, `${where}: the route does not declare this status`);
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, validate = ajv.compile(closed(schema) as object));
    if (validate(JSON.parse(JSON.stringify(payload)))) return payload;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.keyword === 'additionalProperties' ? `: ${JSON.stringify(e.params.additionalProperty)}` : ''}`);
    return fail(reply, `${where}: the answer does not match its schema: ${problems.join('; ')}`);
  });
}

function fail(reply: { code(c: number): unknown; log: { error(o: object, m: string): void } }, error: string) {
  reply.log.error({ error }, 'response check failed');
  reply.code(500);
  return { error, code: 'INTERNAL_ERROR' };
}
