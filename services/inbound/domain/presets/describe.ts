import type { Freshness, ModeParams } from '../verify/types.ts';

const ALGORITHM = { sha1: 'HMAC-SHA1', sha256: 'HMAC-SHA256', sha512: 'HMAC-SHA512', md5: 'HMAC-MD5' } as const;

function freshness(params: Freshness): string {
  const where = params.timestampHeader ?? (params.timestampField === undefined ? undefined : `the body's ${params.timestampField}`);
  if (where === undefined) return '';
  return `; timestamp (${params.timestampFormat ?? 'unix-s'}) from ${where}, within ${params.toleranceSeconds ?? 300} s`;
}

const list = (header: string | readonly string[]) => (typeof header === 'string' ? header : header.join(' or '));

/** One line saying what a scheme checks, for GET /inbound-presets. */
export function describeScheme(params: ModeParams): string {
  switch (params.mode) {
    case 'hmac': {
      const where = params.queryParam === undefined ? list(params.header) : `the ${params.queryParam} query parameter`;
      return `${ALGORITHM[params.algorithm]} (${params.encoding}) of "${params.recipe ?? '{body}'}" in ${where}${params.prefix === undefined ? '' : ` after "${params.prefix}"`}${freshness(params)}`;
    }
    case 'keyed-header':
      return `${params.header}: ${params.timestampKey}=<timestamp>${params.pairSeparator}${params.signatureKey}=<${ALGORITHM[params.algorithm]} ${params.encoding} of "${params.recipe}">, any of several ${params.signatureKey}${freshness({ ...params, timestampHeader: params.header })}`;
    case 'standard-webhooks':
      return `Standard Webhooks: ${params.headerPrefix}-id, -timestamp, -signature (v1,<HMAC-SHA256 base64 of "{id}.{timestamp}.{body}">), ${params.secretFormat === 'utf8-or-whsec' ? 'the secret as text or whsec_ base64' : 'whsec_ base64 secret'}; within ${params.toleranceSeconds ?? 300} s`;
    case 'url-params':
      return `${params.header}: HMAC-SHA1 base64 of the full URL then the sorted form parameters${params.bodySha256Param === true ? ' (JSON bodies: the URL\'s bodySHA256 must match the body)' : ''}`;
    case 'ed25519':
    case 'ecdsa':
      return `${params.header}: ${params.mode === 'ed25519' ? 'Ed25519' : 'ECDSA P-256 SHA-256'} signature (${params.encoding}) of "${params.recipe}" with the provider's public key${freshness(params)}`;
    case 'basic-auth': return 'HTTP Basic credentials configured at the provider';
    case 'token-header': return `a shared token in ${params.header}${params.scheme === undefined ? '' : ` after "${params.scheme}"`}`;
    case 'query-token': return `a shared token in the ${params.param} query parameter`;
    case 'mailgun': return 'HMAC-SHA256 hex of timestamp+token with the signing key, all three in the body; the token dedupes';
    case 'adyen': return 'each notification item\'s additionalData.hmacSignature: HMAC-SHA256 base64 of its eight fields, hex key';
    case 'none': return 'no verification: anyone who knows the URL can post';
    default: {
      const unknown: never = params;
      return String(unknown);
    }
  }
}
