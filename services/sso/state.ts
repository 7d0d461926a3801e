import type { ConfigSlice } from '../platform/state/config-store.ts';
import { SSO_MESSAGE_TYPES, type SsoMessage } from './domain/messages.ts';
import { evolve, type SsoSettings } from './domain/settings.ts';

/** Each workspace's SSO settings, as every API process keeps them: what logins and discovery decide by. */
export class SsoState implements ConfigSlice {
  readonly types = SSO_MESSAGE_TYPES;
  private readonly settings = new Map<string, SsoSettings>();
  private readonly byDomain = new Map<string, string>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: SsoMessage): void {
    const current = this.settings.get(e.accountId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolve(current, e);
    if (!next) return;
    for (const d of current?.removed === false ? current.allowedDomains : []) if (this.byDomain.get(d) === e.accountId) this.byDomain.delete(d);
    if (!next.removed) for (const d of next.allowedDomains) this.byDomain.set(d, e.accountId);
    this.settings.set(e.accountId, next);
  }

  /** The workspace's settings, removed ones included (their version is the next one's base). */
  get(accountId: string): SsoSettings | undefined {
    return this.settings.get(accountId);
  }

  /** The workspace's live settings, if it has SSO. */
  live(accountId: string): SsoSettings | undefined {
    const s = this.settings.get(accountId);
    return s && !s.removed ? s : undefined;
  }

  /** The live settings of the workspace claiming a domain. */
  claiming(domain: string): SsoSettings | undefined {
    const accountId = this.byDomain.get(domain);
    return accountId === undefined ? undefined : this.live(accountId);
  }

  /**
   * Whether a member of the workspace with an e-mail of `domain` must sign in through its SAML
   * IdP: enforcement covers the domains the IdP speaks for, so members of other domains (a
   * contractor, the admin who set it up with another address) are not locked out.
   */
  enforces(accountId: string, domain: string | undefined): boolean {
    const s = this.live(accountId);
    return s !== undefined && s.enforced && domain !== undefined && s.allowedDomains.includes(domain);
  }
}
