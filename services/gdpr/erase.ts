import { DomainError } from '../platform/domain/errors.ts';
import { decide, leftInNoWorkspace, type EraseWorkspace, type Member, type Workspace } from './domain/decide.ts';
import type { WorkspaceErased } from './domain/messages.ts';

/** What an erasure needs from the outside: the workspace as known now, the key shredder, the log. */
export type ErasurePorts = {
  workspace(accountId: string): Workspace | undefined;
  /** Destroys the workspace's data key everywhere it is kept; idempotent (a shredded key stays shredded). */
  shredDataKey(accountId: string): Promise<void>;
  /** The workspace's members, each with every workspace they belong to. */
  members(accountId: string): Member[];
  /** Whether a workspace is erased already. */
  erased(accountId: string): boolean;
  append(e: WorkspaceErased): Promise<void>;
  now(): number;
};

/**
 * Erases a workspace: decide (pure), then shred its data key and those of the users it leaves in
 * no workspace (their e-mail addresses and names), then append WorkspaceErased.
 *
 * The order is what makes a crash midway safe. The key goes first: once it is shredded the log's
 * records of the workspace are noise, whatever happens next. If the process dies (or Kafka
 * refuses) before WorkspaceErased is appended, nothing is recorded, the workspace's keys and
 * sessions still work, and the admin's retry of the DELETE shreds again (a no-op) and appends.
 * The other order could record the erasure and then die before the shred: the workspace's keys
 * and sessions are refused from then on, so nobody could ask again, and its data would stay
 * decryptable. Both steps are idempotent: a second erasure answers as the first did.
 */
export async function eraseWorkspace(ports: ErasurePorts, accountId: string, cmd: EraseWorkspace): Promise<{ accountId: string; erasedAt: number }> {
  const ws = ports.workspace(accountId);
  if (!ws) throw new DomainError('NOT_FOUND', 'no such workspace');
  const at = ports.now();
  const events = decide(ws, cmd, at);
  await ports.shredDataKey(accountId);
  // The same users on a retry: memberships are not changed by an erasure.
  for (const userId of leftInNoWorkspace(accountId, ports.members(accountId), ports.erased)) await ports.shredDataKey(userId);
  for (const e of events) await ports.append(e);
  return { accountId, erasedAt: events[0]?.erasedAt ?? at };
}
