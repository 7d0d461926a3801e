import type { AccountCreated, ProjectMessage } from './domain/messages.ts';
import type { ProjectState } from './domain/projects.ts';

/** Each workspace's live projects, folded from the accounts topic; an account's first project is its default. */
export class Projects {
  private readonly byAccount = new Map<string, Map<string, ProjectState>>();
  private readonly deleted = new Set<string>();

  applyAccount(e: AccountCreated): void {
    this.of(e.accountId).set(e.projectId, { projectId: e.projectId, name: 'Default', environment: 'production', createdAt: e.createdAt });
  }

  apply(e: ProjectMessage): void {
    if (e.type === 'ProjectDeleted') {
      this.deleted.add(e.projectId);
      this.of(e.accountId).delete(e.projectId);
    } else if (!this.deleted.has(e.projectId)) {
      const current = this.of(e.accountId).get(e.projectId);
      this.of(e.accountId).set(e.projectId, { projectId: e.projectId, name: e.name, environment: e.environment, createdAt: current?.createdAt ?? (e.type === 'ProjectCreated' ? e.createdAt : e.updatedAt) });
    }
  }

  get(accountId: string, projectId: string): ProjectState | undefined {
    return this.byAccount.get(accountId)?.get(projectId);
  }

  list(accountId: string): ProjectState[] {
    return [...(this.byAccount.get(accountId)?.values() ?? [])].sort((a, b) => a.createdAt - b.createdAt);
  }

  private of(accountId: string): Map<string, ProjectState> {
    let m = this.byAccount.get(accountId);
    if (!m) this.byAccount.set(accountId, m = new Map());
    return m;
  }
}
