import { parseStringPromise, processors } from 'xml2js';
import { DomainError } from '../platform/domain/errors.ts';

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** What an IdP's metadata gives the SSO settings. */
export type IdpMetadata = { idpEntityId: string; idpSsoUrl: string; idpCertificates: string[] };

type Node = { $?: Record<string, string>; _?: string } & { [child: string]: Node[] | Record<string, string> | string | undefined };
const children = (n: Node | undefined, name: string): Node[] => (n?.[name] as Node[] | undefined) ?? [];
const text = (n: Node | string | undefined) => (typeof n === 'string' ? n : n?._ ?? '').replace(/\s+/g, '');

/**
 * Reads an IdP's SAML 2.0 metadata (an EntityDescriptor, as Okta, Entra ID or Google Workspace
 * export it) with xml2js, prefixes stripped as node-saml reads its responses: the entity id, the
 * HTTP-Redirect single sign-on URL and the signing certificates (a KeyDescriptor without `use`
 * signs too). Nothing here is trusted more than a pasted value: an admin gives it.
 */
export async function readIdpMetadata(xml: string): Promise<IdpMetadata> {
  let doc: { EntityDescriptor?: Node; EntitiesDescriptor?: Node };
  try {
    doc = await parseStringPromise(xml, { explicitRoot: true, explicitCharkey: true, tagNameProcessors: [processors.stripPrefix] }) as typeof doc;
  } catch {
    throw new DomainError('VALIDATION_ERROR', 'idpMetadata is not XML');
  }
  const entity = doc.EntityDescriptor ?? children(doc.EntitiesDescriptor, 'EntityDescriptor')[0];
  const idp = children(entity, 'IDPSSODescriptor')[0];
  if (!entity?.$?.entityID || !idp) throw new DomainError('VALIDATION_ERROR', 'idpMetadata holds no IdP EntityDescriptor');
  const sso = children(idp, 'SingleSignOnService').find((s) => s.$?.Binding === REDIRECT)?.$?.Location;
  if (!sso) throw new DomainError('VALIDATION_ERROR', 'idpMetadata offers no HTTP-Redirect SingleSignOnService');
  const certificates = children(idp, 'KeyDescriptor').filter((k) => k.$?.use === undefined || k.$.use === 'signing')
    .flatMap((k) => children(k, 'KeyInfo')).flatMap((i) => children(i, 'X509Data')).flatMap((d) => children(d, 'X509Certificate')).map(text).filter(Boolean);
  return { idpEntityId: entity.$.entityID, idpSsoUrl: sso, idpCertificates: [...new Set(certificates)] };
}
