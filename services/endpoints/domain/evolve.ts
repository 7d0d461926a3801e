import { assertNever } from '../../platform/domain/never.ts';
import type { EndpointConfig, EndpointEvent } from './messages.ts';

export type EndpointState = {
  endpointId: string; accountId: string; projectId: string; version: number; config: EndpointConfig;
  /** The sub-account it belongs to: it receives only that sub-account's events (null: the workspace's own events). */
  subAccountId: string | null;
  signingSecretEnc: string; previousSecretEnc: string | null; previousExpiresAt: number | null;
  paused: boolean; deleted: boolean; createdAt: number; updatedAt: number;
  /** mTLS client certificate (PEM) and its key sealed under the master key. */
  mtlsCertPem: string | null; mtlsKeyEnc: string | null;
  circuit: { state: 'closed' | 'open' | 'half_open'; openUntil: number | null; changedAt: number };
};

/** Folds one event into the endpoint's state (undefined before it exists). */
export function evolve(s: EndpointState | undefined, e: EndpointEvent): EndpointState | undefined {
  if (e.type === 'EndpointCreated') {
    return {
      endpointId: e.endpointId, accountId: e.accountId, projectId: e.projectId, version: e.version, config: e.config, subAccountId: e.subAccountId ?? null,
      signingSecretEnc: e.signingSecretEnc, previousSecretEnc: null, previousExpiresAt: null, paused: false,
      deleted: false, createdAt: e.at, updatedAt: e.at, mtlsCertPem: null, mtlsKeyEnc: null,
      circuit: { state: 'closed', openUntil: null, changedAt: e.at },
    };
  }
  if (!s) return s;
  if (e.type === 'EndpointCircuitChanged') return { ...s, circuit: { state: e.state, openUntil: e.openUntil, changedAt: e.at } };
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'EndpointUpdated': return { ...next, config: e.config };
    case 'EndpointDeleted': return { ...next, deleted: true };
    case 'EndpointPaused': return { ...next, paused: true };
    case 'EndpointResumed': return { ...next, paused: false };
    case 'EndpointSecretRotated':
      return { ...next, signingSecretEnc: e.signingSecretEnc, previousSecretEnc: e.previousSecretEnc, previousExpiresAt: e.previousExpiresAt };
    case 'EndpointMtlsConfigured': return { ...next, mtlsCertPem: e.certPem, mtlsKeyEnc: e.keyPemEnc };
    case 'EndpointMtlsRemoved': return { ...next, mtlsCertPem: null, mtlsKeyEnc: null };
    default: return assertNever(e);
  }
}
