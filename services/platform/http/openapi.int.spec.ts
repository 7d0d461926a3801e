import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestMittr } from '../../../test/support/mittr.ts';
import { isDashboardPath } from '../../dashboard/routes.ts';
import { servedRoutes } from './openapi.ts';

type Operation = { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>; 'x-mittr-scope'?: string; 'x-mittr-role'?: string; tags?: string[]; summary?: string };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; tags: Array<{ name: string; description: string }> };

/** The OpenAPI document is the contract: valid, complete, and every operation says who may call it and how it fails. */
describe('GET /openapi.json', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let doc: Document;

  beforeAll(async () => {
    env = await startTestMittr();
    const res = await api(env.url)('GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
  });
  afterAll(async () => { await env?.stop(); });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route mittr serves, and serves the browsable UI at /docs', async () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    // The UI's own pages and assets (the document's viewer, the dashboard) are not API operations; HEAD mirrors GET.
    const served = servedRoutes(env.mittr.app!).filter((r) => !r.hidden && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(35);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.includes(r))).toEqual([]);
    // Hidden: the document's viewer (/docs) and the dashboard's pages and assets (services/dashboard), none of them API operations.
    expect(servedRoutes(env.mittr.app!).filter((r) => r.hidden && !r.url.startsWith('/docs') && !isDashboardPath(r.url))).toEqual([]);
    const ui = await fetch(`${env.url}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('describes every tag an operation uses, each once (each capability declares its own)', () => {
    const declared = doc.tags.map((t) => t.name);
    expect(new Set(declared).size).toBe(declared.length);
    const used = new Set(Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? [])));
    expect([...used].filter((t) => !declared.includes(t))).toEqual([]);
  });

  it('gives every operation a summary, its access, a success response with a schema, and {error, code} errors', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, where).toBeTruthy();
        expect(op.tags?.length, where).toBe(1);
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        if (!isPublic) expect(Object.keys(op.responses), where).toContain('401');
        // Every /api/v1 operation says who may call it; the others are public or carry their own credentials.
        expect(path.startsWith('/api/v1/'), where).toBe(op['x-mittr-scope'] !== undefined);
        if (path.startsWith('/api/v1/')) {
          expect(op['x-mittr-scope'], where).toMatch(/^[a-z-]+:(read|write)$/);
          expect(['viewer', 'editor', 'admin'], where).toContain(op['x-mittr-role']);
          expect(Object.keys(op.responses), where).toContain('401');
        }
        const codes = Object.keys(op.responses);
        // A WebSocket's success is its upgrade: 101, whose schema is what its frames carry. A
        // browser leg of a sign-in (SSO) succeeds with its redirect: 302, to the provider or back.
        expect(codes.some((c) => c.startsWith('2') || c === '101' || (c === '302' && path.startsWith('/auth/sso/'))), where).toBe(true);
        expect(codes, where).toContain('503');
        // SCIM (RFC 7644 §3.12) has its own error schema and media type; every other route answers {error, code}.
        const scim = path.startsWith('/scim/v2/');
        for (const c of codes.filter((c) => /^[45]/.test(c) && !(path === '/health' && c === '503'))) {
          const schema = op.responses[c]!.content?.[scim ? 'application/scim+json' : 'application/json']?.schema;
          expect(schema?.required, `${where} ${c}`).toEqual(scim ? ['schemas', 'status', 'detail'] : ['error', 'code']);
        }
        if (path.includes('{')) expect(codes, where).toContain('404');
      }
    }
  });
});
