import type { ConfigSlice } from '../platform/state/config-store.ts';
import { SCIM_MESSAGE_TYPES, type ScimMessage } from './domain/messages.ts';
import type { ScimUser } from './domain/resource.ts';
import type { TokenState } from './domain/tokens.ts';

type Token = TokenState & { accountId: string; hash: string; revoked: boolean };
type Entry = { user: ScimUser | null; version: number };

/**
 * SCIM tokens (by hash: what authenticating one finds) and every workspace's User resources,
 * as the API keeps them in memory, folded from the scim topic. A workspace's directory is a few
 * thousand users at most, so a filter is evaluated over it here rather than in SQL. A deleted
 * user and a revoked token stay as tombstones: the log read again from the start never revives them.
 */
export class ScimState implements ConfigSlice {
  readonly types = SCIM_MESSAGE_TYPES;
  readonly topic: string;
  private readonly tokens = new Map<string, Token>();
  private readonly tokenHashes = new Map<string, string>();
  /** accountId → scimId → the resource (null once deleted) and its version. */
  private readonly users = new Map<string, Map<string, Entry>>();
  /** scimId → accountId: what a name reservation's holder is. */
  private readonly accountOf = new Map<string, string>();
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: ScimMessage): void {
    switch (e.type) {
      case 'ScimTokenIssued':
        if (this.tokens.has(e.tokenId)) return;
        this.tokens.set(e.tokenId, { tokenId: e.tokenId, accountId: e.accountId, name: e.name, prefix: e.prefix, issuedAt: e.issuedAt, hash: e.tokenHash, revoked: false });
        this.tokenHashes.set(e.tokenHash, e.tokenId);
        return;
      case 'ScimTokenRevoked': {
        const t = this.tokens.get(e.tokenId);
        if (t && t.accountId === e.accountId) t.revoked = true;
        return;
      }
      case 'ScimUserDeleted':
        this.put(e.accountId, e.scimId, { user: null, version: e.version });
        return;
      default: {
        const { type: _type, attributes, at, ...fields } = e;
        const previous = this.users.get(e.accountId)?.get(e.scimId)?.user;
        const user: ScimUser = { ...fields, attributes: JSON.parse(attributes) as Record<string, unknown>, created: previous?.created ?? at, lastModified: at };
        this.put(e.accountId, e.scimId, { user, version: e.version });
      }
    }
  }

  /** Versions only go forward: the API applies its own writes before the log brings them back. */
  private put(accountId: string, scimId: string, entry: Entry): void {
    const of = this.users.get(accountId) ?? new Map<string, Entry>();
    this.users.set(accountId, of);
    this.accountOf.set(scimId, accountId);
    const current = of.get(scimId);
    if (current && (current.version >= entry.version || current.user === null)) return;
    of.set(scimId, entry);
  }

  /** Whether this process knows the User (live or deleted): whether a create may take over its name (nameTakeover). */
  known(scimId: string): { deleted: boolean } | undefined {
    const accountId = this.accountOf.get(scimId);
    const entry = accountId === undefined ? undefined : this.users.get(accountId)?.get(scimId);
    return entry ? { deleted: entry.user === null } : undefined;
  }

  /** The live token a bearer's hash names. */
  token(hash: string): Token | undefined {
    const id = this.tokenHashes.get(hash);
    const t = id === undefined ? undefined : this.tokens.get(id);
    return t && !t.revoked ? t : undefined;
  }

  liveTokens(accountId: string): TokenState[] {
    return [...this.tokens.values()].filter((t) => t.accountId === accountId && !t.revoked)
      .map(({ tokenId, name, prefix, issuedAt }) => ({ tokenId, name, prefix, issuedAt }));
  }

  /** The workspace's live Users, oldest first. */
  usersOf(accountId: string): ScimUser[] {
    return [...(this.users.get(accountId)?.values() ?? [])].flatMap((e) => e.user ?? []).sort((a, b) => a.created - b.created || a.scimId.localeCompare(b.scimId));
  }

  /** One of the workspace's live Users; another workspace's id is not found. */
  user(accountId: string, scimId: string): ScimUser | undefined {
    return this.users.get(accountId)?.get(scimId)?.user ?? undefined;
  }
}
