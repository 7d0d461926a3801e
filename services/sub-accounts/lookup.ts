import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Scope } from '../../projections/events/queries.ts';
import { assertActive } from './domain/decide.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether `id` can name anything (every id is a UUID): anything else is not found, before any query. */
export const isUuid = (id: string) => UUID.test(id);

/**
 * The sub-account an event or an endpoint is made for, checked against this process's
 * configuration (a map lookup, no I/O): the caller's project's and active, else NOT_FOUND or
 * INVALID_STATE. Undefined (none named) answers null: the workspace's own.
 */
export function activeSubAccount(ctx: ApiContext, scope: Scope, subAccountId: string | undefined | null): string | null {
  if (subAccountId === undefined || subAccountId === null) return null;
  if (!isUuid(subAccountId)) throw new DomainError('NOT_FOUND', 'sub-account not found');
  return assertActive(ctx.store.state.subAccounts.get(subAccountId.toLowerCase()), scope).subAccountId;
}
