import { DomainError } from '../../platform/domain/errors.ts';
import type { SsoConfigured, SsoMessage, SsoRemoved } from './messages.ts';

/** A workspace's live SSO settings, as folded from its events. */
export type SsoSettings = Omit<SsoConfigured, 'type' | 'at'> & { createdAt: number; updatedAt: number; /** Removed settings keep their version, so the next one follows it. */ removed: boolean };

/** What an admin sends to configure SAML (already shaped by the route's schema). */
export type ConfigureSso = Omit<SsoConfigured, 'type' | 'accountId' | 'version' | 'at'>;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Domains compared as the DNS does: lower case, no trailing dot, each once. */
export const normalizeDomains = (domains: readonly string[]) => [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/\.$/, '')))];

/** The e-mail's domain, lower case; undefined when it has none. */
export function domainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at > 0 ? email.slice(at + 1).trim().toLowerCase() : undefined;
}

/**
 * Configures (or reconfigures) the workspace's SAML settings. Enforcing SSO without a domain
 * would lock out nobody and help nobody find it; an https SSO URL is required except on
 * loopback (a local IdP).
 */
export function decideConfigure(accountId: string, current: SsoSettings | undefined, input: ConfigureSso, now: number): SsoConfigured {
  const allowedDomains = normalizeDomains(input.allowedDomains);
  const bad = allowedDomains.find((d) => !DOMAIN.test(d));
  if (bad !== undefined) throw new DomainError('VALIDATION_ERROR', `allowedDomains: ${bad} is not a domain name`);
  if (!SLUG.test(input.slug)) throw new DomainError('VALIDATION_ERROR', 'slug: lower-case letters, digits and dashes, at most 63');
  if (input.enforced && allowedDomains.length === 0) throw new DomainError('VALIDATION_ERROR', 'enforcing SSO needs at least one allowed domain');
  if (input.idpCertificates.length === 0) throw new DomainError('VALIDATION_ERROR', 'idpCertificates: the IdP\'s signing certificate is required (signed assertions only)');
  let url: URL;
  try { url = new URL(input.idpSsoUrl); } catch { throw new DomainError('VALIDATION_ERROR', 'idpSsoUrl must be a URL'); }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new DomainError('VALIDATION_ERROR', 'idpSsoUrl must be https');
  return { type: 'SsoConfigured', accountId, version: (current?.version ?? 0) + 1, ...input, allowedDomains, at: now };
}

/** Removes the workspace's SSO settings; none to remove is a 404. */
export function decideRemove(accountId: string, current: SsoSettings | undefined, now: number): SsoRemoved {
  if (!current || current.removed) throw new DomainError('NOT_FOUND', 'this workspace has no SSO settings');
  return { type: 'SsoRemoved', accountId, version: current.version + 1, at: now };
}

/** Folds one event into the workspace's settings (undefined: none). */
export function evolve(current: SsoSettings | undefined, e: SsoMessage): SsoSettings | undefined {
  switch (e.type) {
    case 'SsoConfigured': {
      const { type: _t, at, ...rest } = e;
      return { ...rest, createdAt: current && !current.removed ? current.createdAt : at, updatedAt: at, removed: false };
    }
    case 'SsoRemoved':
      return current && { ...current, version: e.version, enforced: false, updatedAt: e.at, removed: true };
  }
}
