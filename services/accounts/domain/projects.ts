import { DomainError } from '../../platform/domain/errors.ts';
import type { ProjectCreated, ProjectDeleted, ProjectUpdated } from './messages.ts';

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type ProjectState = { projectId: string; name: string; environment: string; createdAt: number };
type Input = { name?: string; environment?: string };

function checked(input: Input, base?: ProjectState): { name: string; environment: string } {
  const name = (input.name ?? base?.name ?? '').trim();
  const environment = input.environment ?? base?.environment ?? 'production';
  const problems: string[] = [];
  if (name.length === 0 || name.length > 100) problems.push('name must be 1 to 100 characters');
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) problems.push(`environment must be one of ${ENVIRONMENTS.join(', ')}`);
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return { name, environment };
}

/** Opens a project, within the plan's projects (null: unlimited). */
export function decideCreateProject(
  accountId: string, input: Input, deps: { now: number; newId: () => string }, projects: { limit: number | null; used: number } = { limit: null, used: 0 },
): ProjectCreated {
  if (projects.limit !== null && projects.used >= projects.limit) {
    throw new DomainError('QUOTA_EXCEEDED', `the plan allows ${projects.limit} project${projects.limit === 1 ? '' : 's'}`);
  }
  return { type: 'ProjectCreated', accountId, projectId: deps.newId(), ...checked(input), createdAt: deps.now };
}

/** Renames a project or moves it to another environment; the same values again change nothing. */
export function decideUpdateProject(accountId: string, project: ProjectState | undefined, input: Input, now: number): ProjectUpdated[] {
  if (!project) throw new DomainError('NOT_FOUND', 'project not found');
  const next = checked(input, project);
  if (next.name === project.name && next.environment === project.environment) return [];
  return [{ type: 'ProjectUpdated', accountId, projectId: project.projectId, ...next, updatedAt: now }];
}

/** Deletes a project; the workspace's default one (where requests without X-Project-ID go) stays. */
export function decideDeleteProject(accountId: string, project: ProjectState | undefined, defaultProjectId: string, now: number): ProjectDeleted {
  if (!project) throw new DomainError('NOT_FOUND', 'project not found');
  if (project.projectId === defaultProjectId) throw new DomainError('INVALID_STATE', 'the default project cannot be deleted');
  return { type: 'ProjectDeleted', accountId, projectId: project.projectId, deletedAt: now };
}
