import { Type, type TSchema } from 'typebox';

/** What every list answers with its rows (002): `cursor` continues the list, null on its last page. */
const PaginationFields = {
  hasMore: Type.Boolean(),
  cursor: Type.Union([Type.String(), Type.Null()]),
};

/** The response schema of a list of `item`: `{data, pagination: {hasMore, cursor}}` (and a route's own `extra` fields). */
export function Page<T extends TSchema, X extends Record<string, TSchema> = Record<never, TSchema>>(item: T, extra?: X) {
  return Type.Object({ data: Type.Array(item), pagination: Type.Object({ ...PaginationFields, ...(extra ?? ({} as X)) }) });
}
