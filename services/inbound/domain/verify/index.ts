import { checkAdyen } from './adyen.ts';
import { checkAsymmetric } from './asymmetric.ts';
import { fieldOf, jsonObject } from './body.ts';
import { checkBasicAuth, checkQueryToken, checkTokenHeader } from './credentials.ts';
import { checkHmac } from './hmac.ts';
import { checkKeyedHeader } from './keyed-header.ts';
import { checkMailgun } from './mailgun.ts';
import { checkStandardWebhooks } from './standard-webhooks.ts';
import type { InboundRequest, Preset, Verdict } from './types.ts';
import { checkUrlParams } from './url-params.ts';

export type * from './types.ts';
export { handshakeReply, type HandshakeReply } from './handshake.ts';

function check(preset: Preset, config: Readonly<Record<string, unknown>>, req: InboundRequest, nowMs: number): Verdict | undefined {
  switch (preset.mode) {
    case 'hmac': return checkHmac(preset, config, req, nowMs);
    case 'keyed-header': return checkKeyedHeader(preset, config, req, nowMs);
    case 'standard-webhooks': return checkStandardWebhooks(preset, config, req, nowMs);
    case 'url-params': return checkUrlParams(preset, config, req, nowMs);
    case 'ed25519':
    case 'ecdsa': return checkAsymmetric(preset, config, req, nowMs);
    case 'basic-auth': return checkBasicAuth(preset, config, req, nowMs);
    case 'token-header': return checkTokenHeader(preset, config, req, nowMs);
    case 'query-token': return checkQueryToken(preset, config, req, nowMs);
    case 'mailgun': return checkMailgun(preset, config, req, nowMs);
    case 'adyen': return checkAdyen(preset, config, req, nowMs);
    // Chosen by name only: a preset never falls back to it.
    case 'none': return undefined;
    default: {
      const unknown: never = preset;
      return { ok: false, reason: 'misconfigured', detail: `unknown mode ${(unknown as Preset).mode}` };
    }
  }
}

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * Verifies an inbound request with its preset's scheme and the endpoint's sourceConfig (the
 * secrets under the field names the preset declares; a field may hold a list while a secret
 * rotates). Pure: the clock comes in as `nowMs`. An accepted request carries the provider's
 * delivery id and event type when its scheme names them.
 */
export function verifyInbound(preset: Preset, sourceConfig: Readonly<Record<string, unknown>>, req: InboundRequest, nowMs: number): Verdict {
  const verdict = check(preset, sourceConfig, req, nowMs);
  if (verdict !== undefined && !verdict.ok) return verdict;
  // The body is parsed at most once, and only when a name is not in a header: the receiver's hot path.
  let parsed: Record<string, unknown> | undefined | null = null;
  const field = (name: string | undefined) => {
    if (name === undefined) return undefined;
    if (parsed === null) parsed = jsonObject(req.rawBody);
    return fieldOf(parsed, name);
  };
  const deliveryId = verdict?.deliveryId
    ?? nonEmpty(preset.idHeader === undefined ? undefined : req.headers[preset.idHeader])
    ?? field(preset.idField);
  const eventType = verdict?.eventType
    ?? nonEmpty(preset.eventTypeHeader === undefined ? undefined : req.headers[preset.eventTypeHeader])
    ?? field(preset.eventTypeField);
  return { ok: true, ...(deliveryId === undefined ? {} : { deliveryId }), ...(eventType === undefined ? {} : { eventType }) };
}
