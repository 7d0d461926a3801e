/**
 * Streaming JSON: a document written piece by piece as an async generator of text, so a caller
 * (the export's response) pulls one piece at a time and nothing holds the whole document.
 */
export type Pieces = AsyncGenerator<string, void, undefined>;

/** A page of a keyset-paginated list, as every list query answers it. */
export type Page<T> = { data: T[]; pagination: { cursor: string | null } } | null;

/** Every item of a paginated list, page by page (`fetch(undefined)` is the first page). */
export async function* paged<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    if (!page) return;
    yield* page.data;
    cursor = page.pagination.cursor ?? undefined;
  } while (cursor !== undefined);
}

/** A JSON array of the items, each written by `write` (which may itself stream). */
export async function* array<T>(items: AsyncIterable<T> | Iterable<T>, write: (item: T) => Pieces = (item) => value(item)): Pieces {
  yield '[';
  let first = true;
  for await (const item of items) {
    if (!first) yield ',';
    first = false;
    yield* write(item);
  }
  yield ']';
}

/** One JSON value, written at once. */
export async function* value(v: unknown): Pieces {
  yield JSON.stringify(v ?? null);
}

/** A JSON object whose fields are written one after another, each by its own writer. */
export async function* object(fields: ReadonlyArray<readonly [string, () => Pieces]>): Pieces {
  yield '{';
  let first = true;
  for (const [name, write] of fields) {
    yield `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    yield* write();
  }
  yield '}';
}

/** `head`'s fields, then one more field streamed by `write` (an endpoint and its requests). */
export async function* extended(head: Record<string, unknown>, name: string, write: () => Pieces): Pieces {
  const fields = Object.entries(head).map(([k, v]) => [k, () => value(v)] as const);
  yield* object([...fields, [name, write]]);
}

/**
 * The pieces gathered into chunks of about `bytes` (64 KiB): one write to the socket per chunk,
 * not one per comma. A chunk is yielded only when the reader asks for one, so memory holds a
 * chunk and a page of rows, whatever the document's size.
 */
export async function* chunked(pieces: Pieces, bytes = 64 * 1024): AsyncGenerator<Buffer, void, undefined> {
  let parts: string[] = [];
  let size = 0;
  for await (const p of pieces) {
    parts.push(p);
    size += p.length;
    if (size >= bytes) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.from(parts.join(''), 'utf8');
}
