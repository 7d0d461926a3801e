import { createHmac } from 'node:crypto';
import { jsonObject } from './body.ts';
import { valuesOf } from './secrets.ts';
import type { InboundRequest, Preset } from './types.ts';

/** What the receiver answers instead of 202 Accepted; the request is then not an event. */
export type HandshakeReply = { status: 200; contentType: 'application/json' | 'text/plain'; body: string };

const json = (value: unknown): HandshakeReply => ({ status: 200, contentType: 'application/json', body: JSON.stringify(value) });

/**
 * The answer a verified request wants when it is the provider validating the endpoint, or
 * undefined for an ordinary event. Call only after verifyInbound accepted the request: every one
 * of these exchanges is signed like an event.
 */
export function handshakeReply(preset: Preset, sourceConfig: Readonly<Record<string, unknown>>, req: InboundRequest): HandshakeReply | undefined {
  if (preset.handshake === undefined) return undefined;
  const body = jsonObject(req.rawBody);
  switch (preset.handshake) {
    case 'slack-url-verification':
      return body?.type === 'url_verification' && typeof body.challenge === 'string' ? json({ challenge: body.challenge }) : undefined;
    case 'twitch-challenge':
      return req.headers['twitch-eventsub-message-type'] === 'webhook_callback_verification' && typeof body?.challenge === 'string'
        ? { status: 200, contentType: 'text/plain', body: body.challenge }
        : undefined;
    case 'zoom-url-validation': {
      const plainToken = (body?.payload as Record<string, unknown> | undefined)?.plainToken;
      const secret = valuesOf(sourceConfig, 'secret')?.[0];
      if (body?.event !== 'endpoint.url_validation' || typeof plainToken !== 'string' || secret === undefined) return undefined;
      return json({ plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') });
    }
    case 'discord-ping':
      return body?.type === 1 ? json({ type: 1 }) : undefined;
  }
}
