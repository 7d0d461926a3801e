/**
 * The portal's client: /sub-account-api/*, authenticated by the session token the exchange
 * step answered (kept in sessionStorage: it lasts the tab, and an iframe's storage is its own).
 */
import type { ConfiguredTheme } from './theme.ts';

const KEY = 'mittr.portal.session';

export type PortalEndpoint = { id: string; url: string; eventTypes: string[]; description?: string; status?: string; paused?: boolean; createdAt?: string };
export type PortalEvent = { id: string; eventType: string | null; status: string; attempts: number; maxAttempts?: number; createdAt: string; payload?: unknown };
export type PortalAttempt = { id: string; attemptNumber: number; outcome: string; statusCode: number | null; durationMs: number; errorCategory: string | null; error?: string; responseBody?: string; attemptedAt: string; url?: string };
export type PortalSession = { subAccount?: { id?: string; name?: string; subID?: string }; name?: string; subID?: string; expiresAt?: string; portalTheme?: ConfiguredTheme } & Record<string, unknown>;

export const portalToken = () => sessionStorage.getItem(KEY);
const SUB_ACCOUNT = 'mittr.portal.subAccount';

/**
 * A portal page's URL, naming its sub-account (`?sa=`): mittr serves the page with that
 * sub-account's `frame-ancestors`, so a reload inside the customer's iframe is still framed.
 */
export const portalHref = (path: string) => {
  const sa = sessionStorage.getItem(SUB_ACCOUNT);
  return sa ? `${path}?sa=${encodeURIComponent(sa)}` : path;
};

export class PortalError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = portalToken();
  const res = await fetch(`/sub-account-api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) as unknown : undefined;
  if (!res.ok) throw new PortalError(res.status, (json as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`);
  return json as T;
}

/** Lists answer `{data}`; take the rows. */
const rows = <T,>(r: { data?: T[] } | T[]): T[] => (Array.isArray(r) ? r : r.data ?? []);

export const portal = {
  async exchange(token: string): Promise<void> {
    const r = await call<{ sessionToken: string; subAccountId: string }>('POST', '/auth/exchange', { token });
    sessionStorage.setItem(KEY, r.sessionToken);
    sessionStorage.setItem(SUB_ACCOUNT, r.subAccountId);
  },
  session: () => call<PortalSession>('GET', '/session'),
  endpoints: async () => rows(await call<{ data?: PortalEndpoint[] }>('GET', '/endpoints')),
  endpoint: (id: string) => call<PortalEndpoint>('GET', `/endpoints/${encodeURIComponent(id)}`),
  createEndpoint: (body: { url: string; eventTypes: string[]; description?: string }) => call<PortalEndpoint>('POST', '/endpoints', body),
  events: async () => rows(await call<{ data?: PortalEvent[] }>('GET', '/events')),
  event: (id: string) => call<PortalEvent>('GET', `/events/${encodeURIComponent(id)}`),
  deliveries: async (id: string) => rows(await call<{ data?: PortalAttempt[] }>('GET', `/events/${encodeURIComponent(id)}/deliveries`)),
  retry: (id: string) => call<unknown>('POST', `/events/${encodeURIComponent(id)}/retry`),
};
