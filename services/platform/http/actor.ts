import { AsyncLocalStorage } from 'node:async_hooks';

/** Who makes a change: a user (a session), an API key, someone not logged in (a signup), or mittr itself. */
export type Actor = { type: 'user' | 'api_key' | 'scim_token' | 'portal_session' | 'anonymous' | 'system'; id: string | null; address: string | null };

const requests = new AsyncLocalStorage<{ actor: Actor }>();

/**
 * Opens the request's slot for its actor. Called from a callback-style onRequest hook, so the
 * store holds for the rest of the request: the later hooks, the handler and the commands it runs.
 */
export function beginRequest(address: string): { actor: Actor } {
  const slot = { actor: { type: 'anonymous' as const, id: null, address } };
  requests.enterWith(slot);
  return slot;
}

/** The actor of the request being served; mittr itself outside a request. */
export function currentActor(): Actor {
  return requests.getStore()?.actor ?? { type: 'system', id: null, address: null };
}
