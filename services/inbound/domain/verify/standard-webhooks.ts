import { decode } from './compare.ts';
import { checkFresh } from './freshness.ts';
import { anyKeySigns } from './hmac.ts';
import { signedContent } from './recipe.ts';
import { refuse } from './refuse.ts';
import { valuesOf } from './secrets.ts';
import type { InboundRequest, ModeCheck, StandardWebhooksParams } from './types.ts';

/** `whsec_<base64>` (or bare base64) to key bytes, undefined when it is not base64. */
function whsecBytes(secret: string): Buffer | undefined {
  // Supabase shows the secret as `v1,whsec_...`: the version tag is not part of the key.
  const bytes = decode(secret.trim().replace(/^v1,/, '').replace(/^whsec_/, ''), 'base64');
  return bytes !== undefined && bytes.length > 0 ? bytes : undefined;
}

/** The keys a secret may stand for: its whsec_ decoding, or (Polar) the text itself and that decoding. */
function keyBytes(secret: string, format: StandardWebhooksParams['secretFormat']): Buffer[] | undefined {
  const whsec = whsecBytes(secret);
  if (format !== 'utf8-or-whsec') return whsec === undefined ? undefined : [whsec];
  return [Buffer.from(secret, 'utf8'), ...(whsec === undefined ? [] : [whsec])];
}

/** The three headers under the preset's prefix, else the other one: Svix sends `svix-*`, white-labelled senders `webhook-*`. */
function headersOf(params: StandardWebhooksParams, req: InboundRequest) {
  const prefixes = params.headerPrefix === 'svix' ? ['svix', 'webhook'] : ['webhook', 'svix'];
  const prefix = prefixes.find((p) => req.headers[`${p}-signature`] !== undefined) ?? params.headerPrefix;
  return { prefix, id: req.headers[`${prefix}-id`], timestamp: req.headers[`${prefix}-timestamp`], signature: req.headers[`${prefix}-signature`] };
}

/**
 * Standard Webhooks (and Svix, its origin): HMAC-SHA256 of `{id}.{timestamp}.{body}`, base64,
 * sent as space-separated `v1,<sig>` entries (several while a secret rotates; other versions such
 * as `v1a` are asymmetric and skipped), timestamp in Unix seconds within the tolerance.
 */
export const checkStandardWebhooks: ModeCheck<StandardWebhooksParams> = (params, config, req, nowMs) => {
  const perSecret = (valuesOf(config, 'secret') ?? []).map((s) => keyBytes(s, params.secretFormat));
  if (perSecret.length === 0 || perSecret.some((k) => k === undefined)) return refuse('misconfigured', 'sourceConfig.secret is missing or not whsec_<base64>');
  const keys = perSecret.flat() as Buffer[];
  const { prefix, id, timestamp, signature } = headersOf(params, req);
  if (id === undefined || timestamp === undefined || signature === undefined) {
    return refuse('missing_signature', `needs ${prefix}-id, ${prefix}-timestamp and ${prefix}-signature`);
  }
  const sent = signature.split(' ').flatMap((entry) => {
    const [version, value] = entry.split(',', 2);
    return version === 'v1' && value !== undefined ? (decode(value, 'base64') ?? []) : [];
  });
  if (sent.length === 0) return refuse('missing_signature', `${prefix}-signature has no v1 signature`);
  const content = signedContent('{id}.{timestamp}.{body}', req, { id, timestamp });
  if (!anyKeySigns('sha256', keys, content, sent)) return refuse('bad_signature', 'no v1 signature matches the request');
  // The message id is the same across retries of one message: the spec's own dedupe key.
  return checkFresh(timestamp, 'unix-s', params.toleranceSeconds, nowMs) ?? { ok: true, deliveryId: id };
};
