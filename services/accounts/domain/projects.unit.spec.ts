import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decideCreateProject, decideDeleteProject, decideUpdateProject } from './projects.ts';

const T = 1_700_000_000_000;
const codeOf = (fn: () => unknown) => { try { fn(); return 'no error'; } catch (err) { return err instanceof DomainError ? err.code : err; } };
const staging = { projectId: 'p2', name: 'Staging', environment: 'staging', createdAt: T };

describe('project decider', () => {
  it('given a name and environment, when created, then ProjectCreated (production when no environment)', () => {
    expect(decideCreateProject('a', { name: ' Staging ', environment: 'staging' }, { now: T, newId: () => 'p2' }))
      .toEqual({ type: 'ProjectCreated', accountId: 'a', projectId: 'p2', name: 'Staging', environment: 'staging', createdAt: T });
    expect(decideCreateProject('a', { name: 'X' }, { now: T, newId: () => 'p3' }).environment).toBe('production');
  });
  it('given the plan\'s projects all open, when created, then QUOTA_EXCEEDED', () => {
    expect(codeOf(() => decideCreateProject('a', { name: 'X' }, { now: T, newId: () => 'x' }, { limit: 1, used: 1 }))).toBe('QUOTA_EXCEEDED');
    expect(decideCreateProject('a', { name: 'X' }, { now: T, newId: () => 'x' }, { limit: 3, used: 1 }).type).toBe('ProjectCreated');
  });
  it('given no name or an unknown environment, when created, then VALIDATION_ERROR', () => {
    expect(codeOf(() => decideCreateProject('a', { name: '', environment: 'qa' }, { now: T, newId: () => 'x' }))).toBe('VALIDATION_ERROR');
  });
  it('given a project, when updated, then the whole new state; the same again, nothing; unknown, NOT_FOUND', () => {
    expect(decideUpdateProject('a', staging, { name: 'Production', environment: 'production' }, T + 1))
      .toEqual([{ type: 'ProjectUpdated', accountId: 'a', projectId: 'p2', name: 'Production', environment: 'production', updatedAt: T + 1 }]);
    expect(decideUpdateProject('a', staging, { name: 'Staging' }, T + 1)).toEqual([]);
    expect(codeOf(() => decideUpdateProject('a', undefined, { name: 'x' }, T))).toBe('NOT_FOUND');
  });
  it('given the default project, when deleted, then INVALID_STATE; another one is deleted', () => {
    expect(codeOf(() => decideDeleteProject('a', { ...staging, projectId: 'p1' }, 'p1', T))).toBe('INVALID_STATE');
    expect(decideDeleteProject('a', staging, 'p1', T)).toEqual({ type: 'ProjectDeleted', accountId: 'a', projectId: 'p2', deletedAt: T });
  });
});
