import { describe, expect, it } from 'vitest';
import { readIdpMetadata } from './idp-metadata.ts';

const metadata = (keys: string, sso = '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso/redirect"/>') => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${keys}
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>
    ${sso}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
const key = (use: string | null, cert: string) => `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
  ${cert}
</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

describe('IdP metadata', () => {
  it('given an IdP\'s metadata, then its entity id, its HTTP-Redirect SSO URL and its signing certificates', async () => {
    const out = await readIdpMetadata(metadata(key('signing', 'MIIBsign') + key('encryption', 'MIIBenc') + key(null, 'MIIBany')));
    expect(out).toEqual({ idpEntityId: 'https://idp.example.com/metadata', idpSsoUrl: 'https://idp.example.com/sso/redirect', idpCertificates: ['MIIBsign', 'MIIBany'] });
  });

  it('given no XML, or no HTTP-Redirect binding, then a validation error', async () => {
    await expect(readIdpMetadata('not xml <')).rejects.toThrow(/not XML/);
    await expect(readIdpMetadata(metadata(key('signing', 'MIIB'), ''))).rejects.toThrow(/HTTP-Redirect/);
    await expect(readIdpMetadata('<a/>')).rejects.toThrow(/no IdP EntityDescriptor/);
  });
});
