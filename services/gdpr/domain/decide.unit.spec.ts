import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decide, leftInNoWorkspace, type EraseWorkspace, type Workspace } from './decide.ts';

const T = 1_700_000_000_000;
const live: Workspace = { accountId: 'acc-1', companyName: 'Acme', projectIds: ['p1', 'p2'], erased: false };
const erase = (confirm: string | undefined): EraseWorkspace => ({ type: 'EraseWorkspace', confirm, requestedBy: 'user-9' });
/** given a workspace, when the erasure is asked, then events or an error code */
const when = (ws: Workspace, cmd: EraseWorkspace) => {
  try { return decide(ws, cmd, T); } catch (err) {
    if (err instanceof DomainError) return { code: err.code };
    throw err;
  }
};

describe('gdpr erasure decider', () => {
  it('given a live workspace, when confirmed by its id, then WorkspaceErased with ids and a time only', () => {
    expect(when(live, erase('acc-1'))).toEqual([{ type: 'WorkspaceErased', accountId: 'acc-1', projectIds: ['p1', 'p2'], requestedBy: 'user-9', erasedAt: T }]);
  });
  it('given a live workspace, when confirmed by its exact name, then erased', () => {
    expect(when(live, erase('Acme'))).toMatchObject([{ type: 'WorkspaceErased', accountId: 'acc-1' }]);
  });
  it('given a live workspace, when the confirmation is missing, empty or names something else, then CONFIRMATION_REQUIRED', () => {
    for (const c of [undefined, '', 'acme', 'acc-2', ' acc-1']) expect(when(live, erase(c))).toEqual({ code: 'CONFIRMATION_REQUIRED' });
  });
  it('given a workspace without a name, when confirmed by an empty name, then refused: only the id confirms it', () => {
    expect(when({ ...live, companyName: '' }, erase(''))).toEqual({ code: 'CONFIRMATION_REQUIRED' });
    expect(when({ ...live, companyName: '' }, erase('acc-1'))).toHaveLength(1);
  });
  it('given an erased workspace, when erased again, then no event: the erasure is idempotent', () => {
    expect(when({ ...live, erased: true }, erase('acc-1'))).toEqual([]);
  });
});

describe('the users an erasure leaves in no workspace (their own data keys go with it)', () => {
  const erasedBefore = (id: string) => id === 'acc-old';
  it('given a member of the erased workspace only, then listed', () => {
    expect(leftInNoWorkspace('acc-1', [{ userId: 'u1', workspaces: ['acc-1'] }], erasedBefore)).toEqual(['u1']);
  });
  it('given a member of another live workspace too, then kept (the login there is the e-mail)', () => {
    expect(leftInNoWorkspace('acc-1', [{ userId: 'u2', workspaces: ['acc-1', 'acc-2'] }], erasedBefore)).toEqual([]);
  });
  it('given a member whose other workspaces are all erased already, then listed', () => {
    expect(leftInNoWorkspace('acc-1', [{ userId: 'u3', workspaces: ['acc-old', 'acc-1'] }, { userId: 'u4', workspaces: ['acc-old', 'acc-2', 'acc-1'] }], erasedBefore)).toEqual(['u3']);
  });
});
