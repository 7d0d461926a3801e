import type { SecretPair } from '../platform/domain/rotation.ts';
import type { ConfigSlice } from '../platform/state/config-store.ts';
import { ACCOUNT_MESSAGE_TYPES, type AccountMessage } from './domain/messages.ts';
import { People } from './people.ts';
import { Projects } from './projects.ts';

/** An account as every role keeps it; its secrets sign direct events and endpoints without their own. */
export type AccountConfig = SecretPair & { accountId: string; projectId: string; email: string; companyName: string; /** services/plans/domain/catalog.ts */ plan: string };

/** A working API key: what authenticating it gives. */
export type KeyConfig = {
  keyId: string; accountId: string; scopes: readonly string[]; rateLimit: number | null; expiresAt: number | null; projectId: string | null;
  /** The user whose session created it; null: none (a key made by a key, or at signup). */
  createdBy: string | null;
};

/** Accounts and their API keys (by hash), as every role keeps them in memory; a revoked key is forgotten. */
export class AccountsState implements ConfigSlice {
  readonly types = ACCOUNT_MESSAGE_TYPES;
  private readonly accounts = new Map<string, AccountConfig>();
  private readonly keys = new Map<string, KeyConfig>();
  /** Each account's working keys: key id → hash. */
  private readonly keysByAccount = new Map<string, Map<string, string>>();
  /** Users and memberships (services/accounts/people.ts). */
  readonly people = new People();
  /** Each workspace's projects (services/accounts/projects.ts). */
  readonly projects = new Projects();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: AccountMessage): void {
    if (e.type === 'AccountCreated') {
      this.accounts.set(e.accountId, {
        accountId: e.accountId, projectId: e.projectId, signingSecretEnc: e.signingSecretEnc, email: e.email, companyName: e.companyName,
        // An account opened before users (and plans) existed recorded 'free' whatever the
        // deployment: its plan is the deployment's signup plan (services/plans/account-plan.ts).
        plan: e.ownerUserId === null || e.ownerUserId === undefined ? DEPLOYMENT_PLAN : e.plan, previousSecretEnc: null, previousExpiresAt: null,
      });
      this.people.applyAccount(e);
      this.projects.applyAccount(e);
    } else if (e.type === 'AccountSigningSecretRotated') {
      const account = this.accounts.get(e.accountId);
      if (account) this.accounts.set(e.accountId, { ...account, signingSecretEnc: e.signingSecretEnc, previousSecretEnc: e.previousSecretEnc, previousExpiresAt: e.previousExpiresAt });
    } else if (e.type === 'ApiKeyCreated') {
      const byId = this.keysByAccount.get(e.accountId) ?? new Map<string, string>();
      this.keysByAccount.set(e.accountId, byId);
      // A key revoked before this record was delivered again stays revoked: it is known by id.
      if (byId.get(e.keyId) === REVOKED) return;
      byId.set(e.keyId, e.keyHash);
      this.keys.set(e.keyHash, { keyId: e.keyId, accountId: e.accountId, scopes: e.scopes, rateLimit: e.rateLimit, expiresAt: e.expiresAt, projectId: e.projectId, createdBy: e.createdBy ?? null });
    } else if (e.type === 'ApiKeyRevoked') {
      const byId = this.keysByAccount.get(e.accountId) ?? new Map<string, string>();
      this.keysByAccount.set(e.accountId, byId);
      const hash = byId.get(e.keyId);
      if (hash !== undefined) this.keys.delete(hash);
      byId.set(e.keyId, REVOKED);
    } else if (e.type === 'AccountOnboarded') {
      const account = this.accounts.get(e.accountId);
      if (account) this.accounts.set(e.accountId, { ...account, companyName: e.companyName });
    } else if (e.type === 'ProjectCreated' || e.type === 'ProjectUpdated' || e.type === 'ProjectDeleted') {
      this.projects.apply(e);
    } else {
      this.people.apply(e);
    }
  }

  /** The account's working keys (not revoked; expired ones included). */
  keysOf(accountId: string): KeyConfig[] {
    return [...(this.keysByAccount.get(accountId)?.values() ?? [])].flatMap((h) => this.keys.get(h) ?? []);
  }

  /** One of the account's working keys, by id. */
  keyOf(accountId: string, keyId: string): KeyConfig | undefined {
    const hash = this.keysByAccount.get(accountId)?.get(keyId);
    return hash ? this.keys.get(hash) : undefined;
  }

  /** The working keys a user created in the account: what deactivating them by SCIM revokes. */
  keysCreatedBy(accountId: string, userId: string): KeyConfig[] {
    return this.keysOf(accountId).filter((k) => k.createdBy === userId);
  }

  key(hash: string): KeyConfig | undefined {
    return this.keys.get(hash);
  }

  get(accountId: string): AccountConfig | undefined {
    return this.accounts.get(accountId);
  }

  byKeyHash(hash: string): AccountConfig | undefined {
    const key = this.keys.get(hash);
    return key ? this.accounts.get(key.accountId) : undefined;
  }
}

const REVOKED = '';
/** The plan of an account opened before plans were recorded: whatever MITTR_SIGNUP_PLAN says. */
export const DEPLOYMENT_PLAN = '';
