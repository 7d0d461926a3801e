import { describe } from 'vitest';
import type { DomainEvent } from '../../services/capabilities.ts';
import { ENDPOINT_DEFAULTS } from '../../services/endpoints/domain/config.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { auditProjection } from './projector.ts';

const T = 1_700_000_000_000;
const account = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
const project = '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e';
const endpoint = '9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a';
const byKey = { type: 'api_key', id: '1a2b3c4d-5e6f-4701-8293-a4b5c6d7e8f9', address: '127.0.0.1' };
const base = { endpointId: endpoint, accountId: account, projectId: project };
const config = (url: string) => ({ ...ENDPOINT_DEFAULTS, url, eventTypes: ['order.created'], customHeaders: { Authorization: 'Bearer secret' } });
const e = (x: Record<string, unknown>) => x as unknown as DomainEvent;
/** A record as the consumer decodes it: an instance of avsc's generated class, not a plain object. */
class Decoded {}
const decoded = (fields: Record<string, unknown>) => Object.assign(new Decoded(), fields);
const eventType = '5c2f1e0d-9b8a-4c7d-8e6f-5a4b3c2d1e0f';
const sent = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const scimToken = '2b3c4d5e-6f70-4812-9a3b-c4d5e6f7a8b9';
const byToken = { type: 'scim_token', id: scimToken, address: '127.0.0.1' };
const scimUser = { accountId: account, scimId: '8c7b6a59-4e3d-4c2b-9a18-0f1e2d3c4b5a', userId: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8', userName: 'bea@x.io', externalId: 'okta-1', attributes: '{}', role: 'editor' };
const inbound = { inboundEndpointId: '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a', accountId: account, projectId: project };
const inboundConfig = (status: string) => decoded({ name: 'Stripe', pathSuffix: 'stripe-prod', source: 'stripe', sourceConfig: '{"secret":"v1.sealed"}',
  destinationIds: [], eventTypeMapping: null, description: '', transformation: null, status });
const definition = (description: string) => decoded({ name: 'order.created', description, schema: null, schemaVersion: null, examplePayload: null, deprecated: false });

describe('audit projection', () => {
  redeliverySpec(auditProjection({ accounts: 'accounts', endpoints: 'endpoints', eventTypes: 'event-types', inboundEndpoints: 'inbound-endpoints', events: 'events', sso: 'sso', scim: 'scim', subAccounts: 'sub-accounts', billing: 'billing' }), [
    [e({ type: 'EndpointCreated', ...base, version: 1, at: T, config: config('https://a.example/1'), signingSecretEnc: 's', actor: byKey })],
    [e({ type: 'EndpointUpdated', ...base, version: 2, at: T + 10, config: config('https://a.example/2'), rolledBackTo: null, actor: byKey }),
      e({ type: 'EndpointPaused', ...base, version: 3, at: T + 20, actor: null })],
    [e({ type: 'ApiKeyCreated', accountId: account, keyId: byKey.id, name: 'ci', keyHash: 'h', prefix: 'mtr_abcd', createdAt: T + 30, scopes: ['*'], rateLimit: null, expiresAt: null, projectId: null, actor: byKey }),
      e({ type: 'EndpointUpdated', ...base, version: 4, at: T + 40, config: config('https://a.example/3'), rolledBackTo: 1, actor: { type: 'user', id: 'u1', address: '::1' } })],
    [e({ type: 'EndpointCircuitChanged', ...base, version: 4, at: T + 50, state: 'open', consecutiveFailures: 5, openUntil: T + 60 })],
    [e({ type: 'EventTypeCreated', eventTypeId: eventType, accountId: account, projectId: project, version: 1, at: T + 60, definition: definition('v1'), actor: byKey }),
      e({ type: 'EventTypeUpdated', eventTypeId: eventType, accountId: account, projectId: project, version: 2, at: T + 70, definition: definition('v2'), actor: byKey })],
    [e({ type: 'EventEdited', eventId: sent, accountId: account, projectId: project, destination: 'https://b.example/', payload: '{"fixed":true}', headers: null, editedAt: T + 80, actor: byKey }),
      e({ type: 'EventReplayed', eventId: sent, accountId: account, projectId: project, eventType: null, destination: 'https://b.example/', payload: '{"fixed":true}', headers: {},
        maxAttempts: 3, priority: 0, targets: [{ endpointId: null, url: 'https://b.example/' }], createdAt: T, replayedAt: T + 80, actor: byKey })],
    [e({ type: 'InboundEndpointCreated', ...inbound, version: 1, at: T + 90, config: inboundConfig('active'), actor: byKey }),
      e({ type: 'InboundEndpointUpdated', ...inbound, version: 2, at: T + 95, config: inboundConfig('inactive'), actor: byKey }),
      e({ type: 'InboundEndpointDeleted', ...inbound, version: 3, at: T + 99, actor: byKey })],
    [e({ type: 'SsoConfigured', accountId: account, version: 1, slug: 'okta', idpEntityId: 'https://idp.example.com', idpSsoUrl: 'https://idp.example.com/sso',
      idpCertificates: ['MIIB'], allowedDomains: ['example.com'], enforced: true, provisioning: true, defaultRole: 'viewer', at: T + 100, actor: byKey }),
    e({ type: 'SsoRemoved', accountId: account, version: 2, at: T + 110, actor: byKey })],
    [e({ type: 'ScimTokenIssued', accountId: account, tokenId: scimToken, name: 'okta', tokenHash: 'h', prefix: 'scim_abcdef', issuedAt: T + 100, actor: byKey }),
      e({ type: 'ScimUserProvisioned', ...scimUser, version: 1, active: true, at: T + 101, actor: byToken }),
      e({ type: 'ScimUserUpdated', ...scimUser, version: 2, active: false, at: T + 102, actor: byToken })],
    [e({ type: 'ScimUserDeleted', accountId: account, scimId: scimUser.scimId, userId: scimUser.userId, version: 3, at: T + 103, actor: byToken }),
      e({ type: 'ScimTokenRevoked', accountId: account, tokenId: scimToken, revokedAt: T + 104, actor: byKey })],
    [e({ type: 'SubscriptionStarted', accountId: account, provider: 'stripe', customerId: 'cus_1', subscriptionId: 'sub_1', planId: 'growth', cycle: 'monthly',
      periodStart: T + 105, periodEnd: T + 106, version: 1, at: T + 105, providerEventId: 'evt_1', actor: null }),
    e({ type: 'SubscriptionCancelScheduled', accountId: account, version: 2, at: T + 106, providerEventId: null, actor: byKey })],
  ]);
});
