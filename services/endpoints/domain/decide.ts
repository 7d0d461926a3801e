import { DomainError } from '../../platform/domain/errors.ts';
import { assertPemPair, buildConfig, ENDPOINT_DEFAULTS, type EndpointInput } from './config.ts';
import type { EndpointConfig, EndpointEvent } from './messages.ts';
import type { EndpointState } from './evolve.ts';

import { SECRET_OVERLAP_MS } from '../../platform/domain/rotation.ts';
import type { PlanLimits } from '../../plans/domain/catalog.ts';
import { capEndpointRate, type PlanNotice } from '../../plans/domain/endpoint-rate.ts';

/** The account's plan, as far as an endpoint's configuration is concerned (services/plans/). */
export type EndpointPlan = { plan: string; limits: Pick<PlanLimits, 'endpointRateLimitPerSec'> };
const UNCAPPED: EndpointPlan = { plan: 'self-hosted', limits: { endpointRateLimitPerSec: null } };

export type EndpointCommand =
  /** `signingSecretEnc` '' (no secret of its own): the workspace's global secret signs it. */
  | { type: 'Create'; endpointId: string; accountId: string; projectId: string; input: EndpointInput; signingSecretEnc: string; subAccountId?: string | null }
  | { type: 'Update'; input: EndpointInput }
  | { type: 'Delete' }
  | { type: 'Pause' }
  | { type: 'Resume' }
  /** `globalSecretEnc`: the workspace's secret, what signs an endpoint without its own until now. */
  | { type: 'RotateSecret'; signingSecretEnc: string; globalSecretEnc: string }
  | { type: 'ConfigureMtls'; certPem: string; keyPem: string; keyPemEnc: string }
  | { type: 'RemoveMtls' }
  | { type: 'Rollback'; toVersion: number; config: EndpointConfig | undefined };

/**
 * Decides what happens to an endpoint. Pure: the clock comes in, secrets come in sealed.
 * Commands on a missing or deleted endpoint are NOT_FOUND; a change to nothing is no event.
 */
export function decide(state: EndpointState | undefined, cmd: EndpointCommand, now: number, plan: EndpointPlan = UNCAPPED): EndpointEvent[] {
  return decideWithNotices(state, cmd, now, plan).events;
}

/**
 * decide, saying too what the plan changed of what was asked: a created, updated or rolled-back
 * configuration is kept within the account's plan (rateLimitPerSec capped at the plan's
 * endpointRateLimitPerSec, services/plans/domain/endpoint-rate.ts), each change a notice.
 */
export function decideWithNotices(state: EndpointState | undefined, cmd: EndpointCommand, now: number, plan: EndpointPlan = UNCAPPED): { events: EndpointEvent[]; notices: PlanNotice[] } {
  const notices: PlanNotice[] = [];
  const withinPlan = (config: EndpointConfig): EndpointConfig => {
    const { rate, notice } = capEndpointRate(plan.limits, plan.plan, config.rateLimitPerSec);
    if (!notice) return config;
    notices.push(notice);
    return { ...config, rateLimitPerSec: rate };
  };
  return { events: decideEvents(state, cmd, now, withinPlan), notices };
}

function decideEvents(state: EndpointState | undefined, cmd: EndpointCommand, now: number, withinPlan: (c: EndpointConfig) => EndpointConfig): EndpointEvent[] {
  if (cmd.type === 'Create') {
    if (state) throw new DomainError('CONFLICT', 'endpoint already exists');
    const config = withinPlan(buildConfig(ENDPOINT_DEFAULTS, cmd.input));
    return [{ type: 'EndpointCreated', endpointId: cmd.endpointId, accountId: cmd.accountId, projectId: cmd.projectId,
      version: 1, config, signingSecretEnc: cmd.signingSecretEnc, subAccountId: cmd.subAccountId ?? null, at: now }];
  }
  if (!state || state.deleted) throw new DomainError('NOT_FOUND', 'endpoint not found');
  const base = { endpointId: state.endpointId, accountId: state.accountId, projectId: state.projectId, version: state.version + 1, at: now };
  switch (cmd.type) {
    case 'Update': {
      const config = withinPlan(buildConfig(state.config, cmd.input));
      return JSON.stringify(config) === JSON.stringify(state.config) ? [] : [{ type: 'EndpointUpdated', ...base, config, rolledBackTo: null }];
    }
    case 'Rollback': {
      if (!cmd.config) throw new DomainError('NOT_FOUND', `version ${cmd.toVersion} not found`);
      return [{ type: 'EndpointUpdated', ...base, config: withinPlan(cmd.config), rolledBackTo: cmd.toVersion }];
    }
    case 'Delete': return [{ type: 'EndpointDeleted', ...base }];
    case 'Pause': return state.paused ? [] : [{ type: 'EndpointPaused', ...base }];
    case 'Resume': return state.paused ? [{ type: 'EndpointResumed', ...base }] : [];
    case 'ConfigureMtls':
      assertPemPair(cmd.certPem, cmd.keyPem);
      return [{ type: 'EndpointMtlsConfigured', ...base, certPem: cmd.certPem, keyPemEnc: cmd.keyPemEnc }];
    case 'RemoveMtls': return state.mtlsCertPem ? [{ type: 'EndpointMtlsRemoved', ...base }] : [];
    // An endpoint on the global secret gets one of its own; the global one signs alongside
    // for the overlap, as a replaced secret of its own would.
    case 'RotateSecret':
      return [{ type: 'EndpointSecretRotated', ...base, signingSecretEnc: cmd.signingSecretEnc,
        previousSecretEnc: state.signingSecretEnc || cmd.globalSecretEnc, previousExpiresAt: now + SECRET_OVERLAP_MS }];
  }
}
