import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies as Fastify reads them (its parser, with the app's prototype-poisoning settings),
 * except that an empty body is no body: many clients send `Content-Type: application/json` with
 * nothing on a replay, pause, resume, rollback or rotate. A route whose schema needs a body
 * still refuses it (400 VALIDATION_ERROR); malformed JSON is still 400 BAD_REQUEST.
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
    parse(req, body as string, done); // parseAs 'string' hands a string
  });
}
