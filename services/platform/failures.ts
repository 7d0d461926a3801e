/**
 * What kind of failure an error is, walked along its cause chain: the API maps these to
 * statuses, and the stream processors and projectors decide with them whether a record they
 * failed on is to be tried again (the infrastructure is away) or set aside (the record is bad).
 */
type ErrorLike = { name?: string; code?: string; type?: string; message?: string; cause?: unknown };

/** True when `err` or an error in its cause chain is one `test` recognizes. */
function inCauses(err: unknown, test: (e: ErrorLike) => boolean): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e !== undefined && e !== null && !seen.has(e); e = (e as ErrorLike).cause) {
    seen.add(e);
    if (test(e as ErrorLike)) return true;
  }
  return false;
}

/** Errors of Kafka, Postgres, the registry or the mail relay being unreachable: the caller may retry. */
export const isUnavailable = (err: unknown) => inCauses(err, (e) =>
  /^KafkaJS/.test(e.name ?? '') || e.name === 'ConnectionError' || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET'
  || e.name === 'BackendTerminatedError' || e.name === 'MailUnavailableError'
  // Postgres: connection exceptions (08xxx), operator intervention such as a shutdown or a
  // restart in progress (57xxx), too many connections (53300).
  || (typeof e.code === 'string' && /^(08|57)[0-9A-Z]{3}$|^53300$/.test(e.code))
  || /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is/.test(e.message ?? ''));

/**
 * Failures worth trying again rather than blaming the record: the infrastructure being away,
 * Postgres serialization failures and deadlocks (40xxx), lack of resources (53xxx), timeouts of
 * the registry client.
 */
export const isTransient = (err: unknown) => isUnavailable(err) || inCauses(err, (e) =>
  (typeof e.code === 'string' && /^(40|53)[0-9A-Z]{3}$/.test(e.code))
  || e.name === 'StatementTimeoutError' || /Timeout \(\d+ms\)/.test(e.message ?? ''));

/** Kafka refused records larger than its `message.max.bytes`: retrying the same request cannot help. */
export const isTooLargeForTheLog = (err: unknown) => inCauses(err, (e) =>
  e.type === 'MESSAGE_TOO_LARGE' || /message larger than the max message size/.test(e.message ?? ''));

/** One line naming an error and its causes, bounded, for an operator's eyes. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let e = err; e !== undefined && e !== null && !seen.has(e) && parts.length < 4; e = (e as ErrorLike).cause) {
    seen.add(e);
    const x = e as ErrorLike;
    parts.push(typeof e === 'object' ? `${x.name ?? 'Error'}${x.code ? ` ${x.code}` : ''}: ${x.message ?? String(e)}` : String(e));
  }
  const line = parts.join(' <- ');
  return line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line;
}
