import { decode } from './compare.ts';
import { checkFresh } from './freshness.ts';
import { anyKeySigns } from './hmac.ts';
import { signedContent } from './recipe.ts';
import { refuse } from './refuse.ts';
import { valuesOf } from './secrets.ts';
import type { ModeCheck, StandardWebhooksParams } from './types.ts';

/** `whsec_<base64>` (or bare base64) to key bytes; Polar-style `utf8` secrets are the text itself. */
function keyBytes(secret: string, format: StandardWebhooksParams['secretFormat']): Buffer | undefined {
  if (format === 'utf8') return Buffer.from(secret, 'utf8');
  return decode(secret.trim().replace(/^whsec_/, ''), 'base64');
}

/**
 * Standard Webhooks (and Svix, its origin): HMAC-SHA256 of `{id}.{timestamp}.{body}`, base64,
 * sent as space-separated `v1,<sig>` entries (several while a secret rotates; other versions such
 * as `v1a` are asymmetric and skipped), timestamp in Unix seconds within the tolerance.
 */
export const checkStandardWebhooks: ModeCheck<StandardWebhooksParams> = (params, config, req, nowMs) => {
  const keys = (valuesOf(config, 'secret') ?? []).map((s) => keyBytes(s, params.secretFormat));
  if (keys.length === 0 || keys.some((k) => k === undefined || k.length === 0)) return refuse('misconfigured', 'sourceConfig.secret is missing or not whsec_<base64>');
  const id = req.headers[`${params.headerPrefix}-id`];
  const timestamp = req.headers[`${params.headerPrefix}-timestamp`];
  const signature = req.headers[`${params.headerPrefix}-signature`];
  if (id === undefined || timestamp === undefined || signature === undefined) {
    return refuse('missing_signature', `needs ${params.headerPrefix}-id, ${params.headerPrefix}-timestamp and ${params.headerPrefix}-signature`);
  }
  const sent = signature.split(' ').flatMap((entry) => {
    const [version, value] = entry.split(',', 2);
    return version === 'v1' && value !== undefined ? (decode(value, 'base64') ?? []) : [];
  });
  if (sent.length === 0) return refuse('missing_signature', `${params.headerPrefix}-signature has no v1 signature`);
  const content = signedContent('{id}.{timestamp}.{body}', req, { id, timestamp });
  if (!anyKeySigns('sha256', keys as Buffer[], content, sent)) return refuse('bad_signature', 'no v1 signature matches the request');
  return checkFresh(timestamp, 'unix-s', params.toleranceSeconds, nowMs);
};
