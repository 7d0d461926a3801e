import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMittr } from '../../../test/support/mittr.ts';
import { DOCUMENT_PATH, servedDocument, TYPES_PATH, typesOf } from '../../tools/openapi-doc.ts';

/** The SDK is typed from sdk/openapi.json: both it and the types must be what mittr serves now. */
describe('the SDK cannot drift from the server', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  beforeAll(async () => { env = await startTestMittr(); });
  afterAll(async () => { await env?.stop(); });

  it('sdk/openapi.json is the document mittr serves (else run node sdk/tools/write-openapi.ts)', async () => {
    const served = await servedDocument(env.url);
    expect(served.length).toBeGreaterThan(10_000);
    expect(served === readFileSync(DOCUMENT_PATH, 'utf8'), 'sdk/openapi.json differs from GET /openapi.json: run node sdk/tools/write-openapi.ts').toBe(true);
  });

  it('sdk/node/src/openapi.ts is what openapi-typescript generates from it', async () => {
    expect(await typesOf(readFileSync(DOCUMENT_PATH, 'utf8')) === readFileSync(TYPES_PATH, 'utf8'), 'the SDK types are stale: run node sdk/tools/write-openapi.ts').toBe(true);
  });
});
