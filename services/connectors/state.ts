import type { ConfigSlice } from '../platform/state/config-store.ts';
import { CONNECTOR_EVENT_TYPES, type ConnectorEvent } from './domain/messages.ts';
import { evolve, staleCircuit, type ConnectorState } from './domain/evolve.ts';

/** Every connector, as the API (names, plan counts) and the notifier (who receives what) keep them. */
export class ConnectorsState implements ConfigSlice {
  readonly types = CONNECTOR_EVENT_TYPES;
  private readonly connectors = new Map<string, ConnectorState>();
  private readonly byProject = new Map<string, Set<string>>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: ConnectorEvent): void {
    const current = this.connectors.get(e.connectorId);
    if (current && (e.type === 'ConnectorCircuitChanged' ? staleCircuit(current, e) : e.version <= current.version)) return; // the API applied it already
    const next = evolve(current, e);
    if (!next) return;
    this.connectors.set(e.connectorId, next);
    const set = this.byProject.get(next.projectId) ?? new Set();
    if (next.deleted) set.delete(next.connectorId);
    else set.add(next.connectorId);
    this.byProject.set(next.projectId, set);
  }

  get(connectorId: string): ConnectorState | undefined {
    return this.connectors.get(connectorId);
  }

  /** The project's live connectors. */
  ofProject(projectId: string): ConnectorState[] {
    return [...this.byProject.get(projectId) ?? []].map((id) => this.connectors.get(id)!);
  }

  /** The project's live connector of that name, if any. */
  byName(projectId: string, name: string): ConnectorState | undefined {
    return this.ofProject(projectId).find((c) => c.definition.name === name);
  }

  /** How many live connectors an account has (the plan's limit counts them all, across projects). */
  countOfAccount(accountId: string): number {
    let n = 0;
    for (const c of this.connectors.values()) if (c.accountId === accountId && !c.deleted) n++;
    return n;
  }
}
