import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { SchemaCheck } from './domain/definition.ts';
import { userRegex } from '../platform/domain/user-regex.ts';

/** One payload problem: a JSON Pointer into the payload ('' is the payload itself) and what is wrong. */
export type SchemaError = { path: string; message: string; keyword: string };
export type Validator = (payload: unknown) => SchemaError[];

/** At most this many errors are reported for one payload. */
const MAX_ERRORS = 20;

/**
 * The process's one JSON Schema engine (draft-07) for customers' schemas, which are untrusted:
 * the domain bounds their size, depth, references and patterns first (schema-limits.ts); here
 * nothing is fetched (no loadSchema), `$data` is off, compiled schemas are not registered by id
 * (addUsedSchema off; the domain refuses $id and $anchor, which would register themselves),
 * and references are never inlined (a big subschema referenced many times would multiply the
 * generated code). Patterns run on RE2 (user-regex.ts), never on a backtracking RegExp.
 * allErrors stays off: with it, a small schema (an anyOf of many branches) over a
 * large array builds an error per branch per item, and a maxItems no longer stops uniqueItems.
 */
const ajv = new Ajv({
  allErrors: false, $data: false, addUsedSchema: false, inlineRefs: false, strict: false, logger: false,
  validateSchema: true, messages: true, verbose: false,
  code: { regExp: Object.assign((pattern: string) => userRegex(pattern), { code: 'userRegex' }) },
});
addFormats.default(ajv);

let compiled = 0;

function toErrors(errors: ErrorObject[] | null | undefined): SchemaError[] {
  return (errors ?? []).slice(0, MAX_ERRORS).map((e) => {
    const p = e.params as { missingProperty?: string; additionalProperty?: string };
    const child = e.keyword === 'required' ? p.missingProperty : e.keyword === 'additionalProperties' ? p.additionalProperty : undefined;
    const path = child === undefined ? e.instancePath : `${e.instancePath}/${child.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return { path, message: e.message ?? e.keyword, keyword: e.keyword };
  });
}

/**
 * Compiles `schema` (an object this call owns: the engine keys its cache by identity) and answers
 * a validator, or the schema's problems. `release` frees the engine's copy when the caller drops it.
 */
export function compileSchema(schema: object): { validate: Validator; release(): void } | { problems: string[] } {
  // schema-limits.ts allowed only draft-07 here (this engine's dialect) and no $id. A root $id of
  // our own lets `#` resolve without registering the schema in the shared engine.
  const own = schema as { $schema?: unknown; $id?: string };
  delete own.$schema;
  own.$id = `urn:mittr:schema:${++compiled}`;
  let fn: ValidateFunction;
  try {
    if (!ajv.validateSchema(schema)) return { problems: toErrors(ajv.errors).map((e) => `schema${e.path} ${e.message}`) };
    fn = ajv.compile(schema);
  } catch (err) {
    ajv.removeSchema(schema);
    return { problems: [`schema: ${(err as Error).message}`] };
  }
  return {
    validate(payload) {
      try {
        return fn(payload) ? [] : toErrors(fn.errors);
      } catch (err) {
        // A recursive schema over deeply nested data overflows the stack: report it, do not crash.
        if (err instanceof RangeError) return [{ path: '', message: 'is nested too deeply to check against the schema', keyword: 'depth' }];
        throw err;
      }
    },
    release: () => void ajv.removeSchema(schema),
  };
}

/** The domain's SchemaCheck: the schema compiles and the example, if any, matches it. */
export const checkSchema: SchemaCheck = (schema, example) => {
  const own = structuredClone(schema);
  const compiled = compileSchema(own);
  if ('problems' in compiled) return compiled.problems;
  try {
    return example === null ? [] : compiled.validate(example).map((e) => `examplePayload${e.path} ${e.message}`);
  } finally {
    compiled.release();
  }
};
