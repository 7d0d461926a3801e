import type { ConfigSlice } from '../platform/state/config-store.ts';
import { matchesEventType } from './domain/config.ts';
import { ENDPOINT_EVENT_TYPES, type EndpointEvent } from './domain/messages.ts';
import { evolve, type EndpointState } from './domain/evolve.ts';

/** Every endpoint, folded from its versions, as the API, the router and the engine keep them. */
export class EndpointsState implements ConfigSlice {
  readonly types = ENDPOINT_EVENT_TYPES;
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly byProject = new Map<string, Set<string>>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: EndpointEvent): void {
    const current = this.endpoints.get(e.endpointId);
    // The API applies its own writes before they come back from the log: never go backwards.
    if (current && e.version <= current.version && !(e.type === 'EndpointCircuitChanged' && e.at >= current.circuit.changedAt)) return;
    const next = evolve(current, e)!;
    this.endpoints.set(e.endpointId, next);
    const set = this.byProject.get(next.projectId) ?? new Set();
    set.add(e.endpointId);
    this.byProject.set(next.projectId, set);
  }

  get(endpointId: string): EndpointState | undefined {
    return this.endpoints.get(endpointId);
  }

  /** Live endpoints whose circuit is recorded open (by this engine or another): the operators' gauge, read at a scrape. */
  openCircuits(): number {
    let n = 0;
    for (const ep of this.endpoints.values()) if (!ep.deleted && ep.circuit.state === 'open') n++;
    return n;
  }

  /** Live (not deleted) endpoints of a project, oldest first. */
  ofProject(projectId: string): EndpointState[] {
    const out: EndpointState[] = [];
    for (const id of this.byProject.get(projectId) ?? []) {
      const ep = this.endpoints.get(id)!;
      if (!ep.deleted) out.push(ep);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.endpointId.localeCompare(b.endpointId));
  }

  /**
   * Live endpoints of a project subscribed to `eventType` that belong to `subAccountId` (null:
   * the workspace's own endpoints, none of any sub-account's). One comparison per endpoint.
   */
  subscribers(projectId: string, eventType: string, subAccountId: string | null = null): EndpointState[] {
    const out: EndpointState[] = [];
    for (const id of this.byProject.get(projectId) ?? []) {
      const ep = this.endpoints.get(id)!;
      if (!ep.deleted && (ep.subAccountId ?? null) === subAccountId && matchesEventType(ep.config.eventTypes, eventType)) out.push(ep);
    }
    return out;
  }
}
