import { DomainError } from '../../platform/domain/errors.ts';
import type { WorkspaceErased } from './messages.ts';

/** What the decider knows of the workspace: from the in-memory configuration. */
export type Workspace = { accountId: string; companyName: string; projectIds: readonly string[]; erased: boolean };

/** The admin's request to erase the workspace, with what they typed to confirm it. */
export type EraseWorkspace = { type: 'EraseWorkspace'; confirm: string | undefined; requestedBy: string | null };

/**
 * An erasure needs the caller to type the workspace's id (or its exact, non-empty name): a
 * DELETE that wipes everything must not follow from a stray click or a script's wrong key.
 * A workspace already erased answers no event (the erasure is idempotent).
 */
export function decide(ws: Workspace, cmd: EraseWorkspace, now: number): WorkspaceErased[] {
  const named = cmd.confirm !== undefined && cmd.confirm !== '' && (cmd.confirm === ws.accountId || cmd.confirm === ws.companyName);
  if (!named) {
    throw new DomainError('CONFIRMATION_REQUIRED', 'to erase the workspace, send {"confirm": "<its id or its name>"}', { expected: 'workspace id or name' });
  }
  if (ws.erased) return [];
  return [{ type: 'WorkspaceErased', accountId: ws.accountId, projectIds: [...ws.projectIds], requestedBy: cmd.requestedBy, erasedAt: now }];
}

/** A member of the workspace being erased, with every workspace they are a member of (this one included). */
export type Member = { userId: string; workspaces: readonly string[] };

/**
 * The users an erasure of `accountId` leaves in no live workspace: their own data keys (which
 * seal their e-mail address and name, services/data-keys/fields.ts) are destroyed with the
 * workspace's. A member of another live workspace keeps their login there, and so their e-mail.
 */
export function leftInNoWorkspace(accountId: string, members: readonly Member[], erased: (accountId: string) => boolean): string[] {
  return members.filter((m) => m.workspaces.every((w) => w === accountId || erased(w))).map((m) => m.userId);
}
