import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { checkResponses } from './response-check.ts';

const Thing = Type.Object({ id: Type.String(), nested: Type.Object({ n: Type.Integer() }) });

async function appAnswering(payload: unknown, status = 200) {
  const app = Fastify();
  checkResponses(app);
  app.get('/thing', { schema: { response: { 200: Thing } } }, async (_req, reply) => reply.code(status as 200).send(payload as never));
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/thing' });
  await app.close();
  return { status: res.statusCode, body: res.json<{ error?: string; code?: string }>() };
}

/** Serialization drops undeclared fields silently; the check makes that a failure a test sees. */
describe('checkResponses', () => {
  it('lets an answer that matches its schema through unchanged', async () => {
    expect(await appAnswering({ id: 'a', nested: { n: 1 } })).toEqual({ status: 200, body: { id: 'a', nested: { n: 1 } } });
  });

  it('fails an answer with a field its schema lacks, at any depth, naming it', async () => {
    const top = await appAnswering({ id: 'a', nested: { n: 1 }, extra: true });
    expect(top).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(top.body.error).toMatch(/GET \/thing 200: .*must NOT have additional properties: "extra"/);
    const deep = await appAnswering({ id: 'a', nested: { n: 1, m: 2 } });
    expect(deep.status).toBe(500);
    expect(deep.body.error).toContain('/nested must NOT have additional properties: "m"');
  });

  it('fails an answer of the wrong type, or missing a field', async () => {
    expect((await appAnswering({ id: 1, nested: { n: 1 } })).status).toBe(500);
    expect((await appAnswering({ nested: { n: 1 } })).body.error).toContain("must have required property 'id'");
  });

  it('fails a status the route does not declare', async () => {
    const res = await appAnswering({ id: 'a', nested: { n: 1 } }, 202);
    expect(res).toMatchObject({ status: 500, body: { error: expect.stringContaining('does not declare this status') as string } });
  });
});
