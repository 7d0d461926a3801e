import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Credential, Principal } from '../platform/http/principal.ts';
import { eraseWorkspace, type ErasurePorts } from './erase.ts';

/** The erasure's command: its ports on this process's configuration, the key shredder and the log. */
export function gdprCommands(ctx: ApiContext) {
  const accounts = () => ctx.store.state.accounts;
  const ports: ErasurePorts = {
    workspace: (accountId) => {
      const account = accounts().get(accountId);
      if (!account) return undefined;
      return { accountId, companyName: account.companyName, projectIds: accounts().projects.list(accountId).map((p) => p.projectId), erased: ctx.store.state.erased.has(accountId) };
    },
    shredDataKey: (ownerId) => ctx.dataKeys.destroy(ownerId),
    members: (accountId) => {
      const people = accounts().people;
      return people.membersOf(accountId).map((m) => ({ userId: m.userId, workspaces: people.membershipsOf(m.userId).map((w) => w.accountId) }));
    },
    erased: (accountId) => ctx.store.state.erased.has(accountId),
    append: async (event) => {
      const [at] = await appendReserved(ctx, { records: [{ topic: ctx.topics.gdpr, key: event.accountId, event }], readModel: 'gdpr', ids: [event.accountId] });
      // This process refuses the workspace's keys and sessions from the answer on; the others as they fold it.
      ctx.store.apply(event, Number(at!.offset));
    },
    now: Date.now,
  };

  /** Erases the caller's workspace, `confirm` naming it; who asked is kept as an id only. */
  function erase(p: Principal, who: Credential, confirm: string | undefined) {
    return eraseWorkspace(ports, p.accountId, { type: 'EraseWorkspace', confirm, requestedBy: who.userId ?? who.keyId });
  }
  return { erase };
}
