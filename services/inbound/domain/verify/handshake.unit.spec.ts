import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import { handshakeReply } from './handshake.ts';
import type { Preset } from './types.ts';

const base = { name: 'P', description: '', fields: [], mode: 'none' as const };
const slack: Preset = { ...base, source: 'slack', handshake: 'slack-url-verification' };
const twitch: Preset = { ...base, source: 'twitch', handshake: 'twitch-challenge' };
const zoom: Preset = { ...base, source: 'zoom', handshake: 'zoom-url-validation' };
const discord: Preset = { ...base, source: 'discord', handshake: 'discord-ping' };

describe('handshakeReply', () => {
  it('given Slack\'s url_verification, then the challenge is echoed as JSON; an event_callback is an event', () => {
    expect(handshakeReply(slack, {}, inbound('{"type":"url_verification","challenge":"3eZbrw1a"}'))).toEqual({ status: 200, contentType: 'application/json', body: '{"challenge":"3eZbrw1a"}' });
    expect(handshakeReply(slack, {}, inbound('{"type":"event_callback","event":{}}'))).toBeUndefined();
  });
  it('given Twitch\'s webhook_callback_verification, then the challenge is answered as plain text', () => {
    const req = inbound('{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{}}', { 'twitch-eventsub-message-type': 'webhook_callback_verification' });
    expect(handshakeReply(twitch, {}, req)).toEqual({ status: 200, contentType: 'text/plain', body: 'pogchamp-kappa-360noscope-vohiyo' });
    expect(handshakeReply(twitch, {}, inbound('{"challenge":"x"}', { 'twitch-eventsub-message-type': 'notification' }))).toBeUndefined();
  });
  it('given Zoom\'s endpoint.url_validation, then the plain token comes back with its HMAC-SHA256 under the secret token', () => {
    const req = inbound('{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}');
    const encryptedToken = createHmac('sha256', 'zoom-secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex');
    expect(JSON.parse(handshakeReply(zoom, { secret: 'zoom-secret' }, req)?.body ?? '')).toEqual({ plainToken: 'qgg8vlvZRS6UYooatFL8Aw', encryptedToken });
  });
  it('given Discord\'s PING, then PONG; an application command is an event; a preset without a handshake never answers', () => {
    expect(handshakeReply(discord, {}, inbound('{"type":1}'))?.body).toBe('{"type":1}');
    expect(handshakeReply(discord, {}, inbound('{"type":2}'))).toBeUndefined();
    expect(handshakeReply({ ...base, source: 'x' }, {}, inbound('{"type":"url_verification","challenge":"c"}'))).toBeUndefined();
  });
});
