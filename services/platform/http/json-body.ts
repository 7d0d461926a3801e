import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

/**
 * JSON bodies as Fastify reads them (its parser, with the app's prototype-poisoning settings),
 * except that an empty body is no body: many clients send `Content-Type: application/json` with
 * nothing on a replay, pause, resume, rollback or rotate. A route whose schema needs a body
 * still refuses it (400 VALIDATION_ERROR); malformed JSON is still 400 BAD_REQUEST. A body
 * nested deeper than MAX_JSON_DEPTH is refused before it is parsed (400 VALIDATION_ERROR).
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parse = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    if (nestsDeeperThan(body as string)) {
      done(new DomainError('VALIDATION_ERROR', `the body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    parse(req, body as string, done); // parseAs 'string' hands a string
  });
}
