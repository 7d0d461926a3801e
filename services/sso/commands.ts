import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { SsoMessage } from './domain/messages.ts';
import { decideConfigure, decideRemove, type ConfigureSso, type SsoSettings } from './domain/settings.ts';
import { readIdpMetadata } from './idp-metadata.ts';
import { SsoReservations } from './reservations.ts';

/** What the settings route takes: the IdP's fields, or its metadata, or both (the fields win). */
export type ConfigureRequest = Omit<ConfigureSso, 'idpEntityId' | 'idpSsoUrl' | 'idpCertificates' | 'defaultRole'>
  & Partial<Pick<ConfigureSso, 'idpEntityId' | 'idpSsoUrl' | 'idpCertificates' | 'defaultRole'>> & { idpMetadata?: string };

/** The SSO settings' commands: load (this process's store) → decide (pure) → reserve version and domains → append → apply. */
export function ssoCommands(ctx: ApiContext) {
  const reservations = new SsoReservations(ctx.db);
  const state = () => ctx.store.state.sso;

  async function append(event: SsoMessage, release: () => Promise<unknown>): Promise<void> {
    await appendReserved(ctx, { records: [{ topic: ctx.topics.sso, key: event.accountId, event }], readModel: 'sso_settings', ids: [event.accountId], release });
    ctx.store.apply(event);
  }

  async function reserveVersion(accountId: string, version: number): Promise<void> {
    if (!(await reservations.version(accountId, version))) throw new DomainError('CONFLICT', 'the SSO settings changed concurrently; read them again and retry');
  }

  /** The settings an admin sent: the IdP's fields given, else read from its metadata. */
  async function settingsOf(input: ConfigureRequest): Promise<ConfigureSso> {
    const { idpMetadata, ...given } = input;
    const read = idpMetadata ? await readIdpMetadata(idpMetadata) : undefined;
    const idpEntityId = given.idpEntityId ?? read?.idpEntityId;
    const idpSsoUrl = given.idpSsoUrl ?? read?.idpSsoUrl;
    const idpCertificates = given.idpCertificates ?? read?.idpCertificates;
    if (!idpEntityId || !idpSsoUrl || !idpCertificates) throw new DomainError('VALIDATION_ERROR', 'send idpMetadata, or idpEntityId, idpSsoUrl and idpCertificates');
    return { ...given, idpEntityId, idpSsoUrl, idpCertificates, defaultRole: given.defaultRole ?? 'viewer' };
  }

  /** Configures the workspace's SAML connection; a domain another workspace claims is a 409. */
  async function configure(accountId: string, request: ConfigureRequest): Promise<SsoSettings> {
    const input = await settingsOf(request);
    const current = state().get(accountId);
    const event = decideConfigure(accountId, current, input, Date.now());
    await reserveVersion(accountId, event.version);
    const held = await reservations.claim(accountId, event.allowedDomains);
    if (held.length > 0) {
      await reservations.freeVersion(accountId, event.version);
      throw new DomainError('CONFLICT', `another workspace claims ${held.join(', ')}`, { domains: held });
    }
    // An append that fails frees what it took: the version and the domains newly claimed.
    const before = current && !current.removed ? current.allowedDomains : [];
    await append(event, () => Promise.all([reservations.freeVersion(accountId, event.version), reservations.release(accountId, before)]));
    await reservations.release(accountId, event.allowedDomains);
    return state().live(accountId)!;
  }

  /** Removes the workspace's SSO settings and frees its domains. */
  async function remove(accountId: string): Promise<void> {
    const event = decideRemove(accountId, state().get(accountId), Date.now());
    await reserveVersion(accountId, event.version);
    await append(event, () => reservations.freeVersion(accountId, event.version));
    await reservations.release(accountId, []);
  }

  return { configure, remove };
}
