import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { AccountMessage } from './domain/messages.ts';

/**
 * The append step of every accounts command: the records go to the accounts topic keyed by
 * `key` (a workspace, or a user), a read right after waits for them under `ids` (the key by
 * default), and this process folds them into its configuration at once.
 */
export async function appendAccounts(
  ctx: ApiContext, key: string, events: AccountMessage[], options: { ids?: string[]; release?: () => Promise<unknown> } = {},
): Promise<void> {
  await appendReserved(ctx, {
    records: events.map((event) => ({ topic: ctx.topics.accounts, key, event })),
    readModel: 'accounts', ids: options.ids ?? [key], release: options.release,
  });
  for (const e of events) ctx.store.apply(e);
}
