import type { SecretPair } from '../platform/domain/rotation.ts';
import type { ConfigSlice } from '../platform/state/config-store.ts';
import { ACCOUNT_MESSAGE_TYPES, type AccountMessage } from './domain/messages.ts';

/** An account as every role keeps it; its secrets sign direct events and endpoints without their own. */
export type AccountConfig = SecretPair & { accountId: string; projectId: string; email: string };

/** Accounts and their API keys (by hash), as every role keeps them in memory. */
export class AccountsState implements ConfigSlice {
  readonly types = ACCOUNT_MESSAGE_TYPES;
  private readonly accounts = new Map<string, AccountConfig>();
  private readonly keys = new Map<string, string>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: AccountMessage): void {
    if (e.type === 'AccountCreated') {
      this.accounts.set(e.accountId, {
        accountId: e.accountId, projectId: e.projectId, signingSecretEnc: e.signingSecretEnc, email: e.email, previousSecretEnc: null, previousExpiresAt: null,
      });
    } else if (e.type === 'AccountSigningSecretRotated') {
      const account = this.accounts.get(e.accountId);
      if (account) this.accounts.set(e.accountId, { ...account, signingSecretEnc: e.signingSecretEnc, previousSecretEnc: e.previousSecretEnc, previousExpiresAt: e.previousExpiresAt });
    } else {
      this.keys.set(e.keyHash, e.accountId);
    }
  }

  get(accountId: string): AccountConfig | undefined {
    return this.accounts.get(accountId);
  }

  byKeyHash(hash: string): AccountConfig | undefined {
    const id = this.keys.get(hash);
    return id ? this.accounts.get(id) : undefined;
  }
}
