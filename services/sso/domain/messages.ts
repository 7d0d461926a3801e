/** The sso room's events (schemas/sso/): each workspace's single sign-on settings. Timestamps are epoch milliseconds. */
type Role = 'admin' | 'editor' | 'viewer';

/** The workspace's SAML 2.0 identity provider and who may sign in through it (the whole settings, each time). */
export type SsoConfigured = {
  type: 'SsoConfigured';
  accountId: string;
  /** The settings' version after this change (1-based): one writer per version. */
  version: number;
  /** The last segment of the SAML URLs: /auth/sso/saml/{accountId}/{slug}/... */
  slug: string;
  idpEntityId: string;
  /** Where the browser is sent with the AuthnRequest (HTTP-Redirect binding). */
  idpSsoUrl: string;
  /** The IdP's signing certificates (PEM or bare base64 DER): public parts only. */
  idpCertificates: string[];
  /** The e-mail domains this workspace claims: discovery and first-login provisioning go by them. */
  allowedDomains: string[];
  /** Members may only sign in through the workspace's SAML IdP: password and social logins are refused. */
  enforced: boolean;
  /** A verified e-mail of an allowed domain that is no member yet becomes one on first sign-in. */
  provisioning: boolean;
  /** The role a provisioned member gets. */
  defaultRole: Role;
  at: number;
};
/** The workspace has no single sign-on any more. */
export type SsoRemoved = { type: 'SsoRemoved'; accountId: string; version: number; at: number };

export type SsoMessage = SsoConfigured | SsoRemoved;
export const SSO_MESSAGE_TYPES = ['SsoConfigured', 'SsoRemoved'] as const satisfies readonly SsoMessage['type'][];
