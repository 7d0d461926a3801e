import { randomUUID } from 'node:crypto';

export type ClientOptions = {
  apiKey: string;
  /** mittr's base URL, e.g. http://127.0.0.1:8080 (default MITTR_BASE_URL, else https://app.mittr.io). */
  baseUrl?: string;
  /** How many times a 429 or 503 is retried (default 3). */
  maxRetries?: number;
  /** The longest wait for one retry, whatever Retry-After says (ms, default 30 s). */
  maxRetryDelayMs?: number;
  /** Scopes every request to one project (X-Project-ID). */
  projectId?: string;
  fetch?: typeof fetch;
};

/** An error mittr answered: `code` for programs (VALIDATION_ERROR, NOT_FOUND, …), `status` the HTTP status. */
export class MittrError extends Error {
  override readonly name = 'MittrError';
  readonly status: number;
  readonly code: string;
  readonly body: unknown;
  readonly requestId: string | undefined;
  constructor(status: number, code: string, message: string, body: unknown, requestId?: string) {
    super(`${status} ${code}: ${message}`);
    this.status = status;
    this.code = code;
    this.body = body;
    this.requestId = requestId;
  }
}
export class NotFoundError extends MittrError {}
export class AuthenticationError extends MittrError {}
export class PermissionError extends MittrError {}
export class ValidationError extends MittrError {}
export class ConflictError extends MittrError {}
export class RateLimitError extends MittrError {}
export class UnavailableError extends MittrError {}

const CLASSES: Record<number, typeof MittrError> = { 400: ValidationError, 401: AuthenticationError, 403: PermissionError, 404: NotFoundError, 409: ConflictError, 422: ValidationError, 429: RateLimitError, 503: UnavailableError };

export type RequestOptions = { query?: object; body?: unknown; idempotencyKey?: string; headers?: Record<string, string>; signal?: AbortSignal };

const RETRIED = new Set([429, 503]);

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The one place requests are made: auth, JSON, typed errors, bounded retries on 429/503. */
export class Http {
  readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly o: ClientOptions;
  constructor(o: ClientOptions) {
    this.o = o;
    if (!o.apiKey) throw new Error('new Mittr({ apiKey }): an API key is required');
    this.baseUrl = (o.baseUrl ?? process.env.MITTR_BASE_URL ?? 'https://app.mittr.io').replace(/\/+$/, '');
    this.fetch = o.fetch ?? globalThis.fetch;
  }

  async request<T>(method: string, path: string, r: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { 'x-api-key': this.o.apiKey, accept: 'application/json', ...r.headers };
    if (this.o.projectId) headers['x-project-id'] = this.o.projectId;
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    // A POST retried after a 429/503 (or by the caller) must not create twice: the same key every attempt.
    if (method === 'POST') headers['x-idempotency-key'] = r.idempotencyKey ?? randomUUID();
    const body = r.body === undefined ? undefined : JSON.stringify(r.body);
    const maxRetries = this.o.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetch(url, { method, headers, body, signal: r.signal });
      if (RETRIED.has(res.status) && attempt < maxRetries) {
        await res.arrayBuffer().catch(() => undefined);
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? 250 * 2 ** attempt;
        await new Promise((done) => setTimeout(done, Math.min(wait, this.o.maxRetryDelayMs ?? 30_000)));
        continue;
      }
      return this.answer<T>(res);
    }
  }

  private async answer<T>(res: globalThis.Response): Promise<T> {
    const text = await res.text();
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
    if (res.ok) return json as T;
    const e = (json ?? {}) as { error?: string; code?: string };
    const Class = CLASSES[res.status] ?? MittrError;
    throw new Class(res.status, e.code ?? `HTTP_${res.status}`, e.error ?? res.statusText, json, res.headers.get('x-request-id') ?? undefined);
  }
}

/** Every item of a cursor-paginated list, page after page, fetched as the loop asks for them. */
export async function* paginate<I>(fetchPage: (cursor?: string) => Promise<{ data: I[]; pagination: { hasMore: boolean; cursor: string | null } }>): AsyncGenerator<I> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.data;
    if (!page.pagination.hasMore || !page.pagination.cursor) return;
    cursor = page.pagination.cursor;
  }
}
