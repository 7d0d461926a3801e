import type { FastifyInstance } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';

/** Fastify's own defaults, except that unknown properties are refused by schema, not removed. */
const BASE: Options = { useDefaults: true, removeAdditional: false, allErrors: false, addUsedSchema: false };

/**
 * Request validation with one engine per kind of input. A query string, path or header is text,
 * so `?limit=5` is read as the integer 5 (and `?status=a` as the array a list wants). A JSON body
 * already has types: a value of the wrong type is refused (400 VALIDATION_ERROR naming the field),
 * never coerced, so `"transformation": ["x"]` is not taken as "x", nor `"schema": false` or
 * `"fifoPartitionKey": ""` as null, nor `"idempotencyKey": 5` as "5".
 */
export function installValidators(app: FastifyInstance): void {
  const bodies = new Ajv({ ...BASE, coerceTypes: false });
  const text = new Ajv({ ...BASE, coerceTypes: 'array' });
  addFormats.default(bodies);
  addFormats.default(text);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : text).compile(schema));
}
