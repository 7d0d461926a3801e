import type { ConfigSlice } from '../platform/state/config-store.ts';
import { evolve, type InboundState } from './domain/evolve.ts';
import { INBOUND_ENDPOINT_EVENT_TYPES, type InboundEndpointEvent } from './domain/messages.ts';

/**
 * Every inbound endpoint, folded from its versions, as the API keeps them: the receiver finds
 * one by its path suffix on every request without a query.
 */
export class InboundEndpointsState implements ConfigSlice {
  readonly types = INBOUND_ENDPOINT_EVENT_TYPES;
  private readonly byId = new Map<string, InboundState>();
  /** Live inbound endpoint id by path suffix. */
  private readonly bySuffix = new Map<string, string>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: InboundEndpointEvent): void {
    const current = this.byId.get(e.inboundEndpointId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolve(current, e);
    if (!next) return;
    this.byId.set(e.inboundEndpointId, next);
    if (current && this.bySuffix.get(current.config.pathSuffix) === current.inboundEndpointId) this.bySuffix.delete(current.config.pathSuffix);
    if (!next.deleted) this.bySuffix.set(next.config.pathSuffix, next.inboundEndpointId);
  }

  get(inboundEndpointId: string): InboundState | undefined {
    return this.byId.get(inboundEndpointId);
  }

  /** The live inbound endpoint at /inbound/{pathSuffix}, active or not. */
  atSuffix(pathSuffix: string): InboundState | undefined {
    const id = this.bySuffix.get(pathSuffix);
    return id === undefined ? undefined : this.byId.get(id);
  }
}
