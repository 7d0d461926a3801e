import type { ConfigSlice } from '../platform/state/config-store.ts';
import { GDPR_MESSAGE_TYPES, type GdprMessage } from './domain/messages.ts';

/**
 * The erased workspaces, as every role keeps them (from the gdpr topic): the API refuses their
 * keys, sessions and new events, the engine drops their queued deliveries, the router their fan-out.
 */
export class ErasedAccounts implements ConfigSlice {
  readonly types = GDPR_MESSAGE_TYPES;
  readonly topic: string;
  private readonly erased = new Set<string>();
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: GdprMessage): void {
    if (e.type === 'WorkspaceErased') this.erased.add(e.accountId);
  }

  has(accountId: string): boolean {
    return this.erased.has(accountId);
  }
}
