import { assertNever } from '../../platform/domain/never.ts';
import type { InboundConfig, InboundEndpointEvent } from './messages.ts';

export type InboundState = {
  inboundEndpointId: string; accountId: string; projectId: string; version: number; config: InboundConfig;
  deleted: boolean; createdAt: number; updatedAt: number;
};

/** Folds one event into the inbound endpoint's state (undefined before it exists). */
export function evolve(s: InboundState | undefined, e: InboundEndpointEvent): InboundState | undefined {
  if (e.type === 'InboundEndpointCreated') {
    return { inboundEndpointId: e.inboundEndpointId, accountId: e.accountId, projectId: e.projectId, version: e.version,
      config: e.config, deleted: false, createdAt: e.at, updatedAt: e.at };
  }
  if (!s) return s;
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'InboundEndpointUpdated': return { ...next, config: e.config };
    case 'InboundEndpointDeleted': return { ...next, deleted: true };
    default: return assertNever(e);
  }
}
