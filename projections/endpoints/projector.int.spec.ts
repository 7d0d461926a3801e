import { describe } from 'vitest';
import { ENDPOINT_DEFAULTS } from '../../services/endpoints/domain/config.ts';
import type { EndpointEvent } from '../../services/endpoints/domain/messages.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { endpointsProjection } from './projector.ts';

const T = 1_700_000_000_000;
const ids = { endpointId: '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d', accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const other = { ...ids, endpointId: '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a' };
const config = { ...ENDPOINT_DEFAULTS, url: 'https://api.example.com/hooks', eventTypes: ['order.*'] };
const at = (version: number, dt: number) => ({ ...ids, version, at: T + dt });

const history: EndpointEvent[][] = [
  [
    { type: 'EndpointCreated', ...at(1, 0), config, signingSecretEnc: 'sealed-1' },
    { type: 'EndpointCreated', ...other, version: 1, at: T + 1, config: { ...config, url: 'https://b.example.com/' }, signingSecretEnc: 'sealed-b' },
  ],
  [
    { type: 'EndpointUpdated', ...at(2, 10), config: { ...config, rateLimitPerSec: 200 }, rolledBackTo: null },
    { type: 'EndpointCircuitChanged', ...at(2, 15), state: 'open', consecutiveFailures: 5, openUntil: T + 300_015 },
    { type: 'EndpointPaused', ...at(3, 20) },
  ],
  [
    { type: 'EndpointCircuitChanged', ...at(3, 25), state: 'half_open', consecutiveFailures: 5, openUntil: null },
    { type: 'EndpointResumed', ...at(4, 30) },
    { type: 'EndpointSecretRotated', ...at(5, 40), signingSecretEnc: 'sealed-2', previousSecretEnc: 'sealed-1', previousExpiresAt: T + 86_400_040 },
  ],
  [
    { type: 'EndpointMtlsConfigured', ...at(6, 50), certPem: '-----BEGIN CERTIFICATE-----', keyPemEnc: 'sealed-key' },
    { type: 'EndpointMtlsRemoved', ...at(7, 60) },
    { type: 'EndpointUpdated', ...at(8, 70), config, rolledBackTo: 1 },
    { type: 'EndpointCircuitChanged', ...at(8, 75), state: 'closed', consecutiveFailures: 0, openUntil: null },
    { type: 'EndpointDeleted', ...other, version: 2, at: T + 80 },
  ],
];

describe('endpoints projection', () => {
  redeliverySpec(endpointsProjection({ endpoints: 'endpoints' }), history);
});
