import type { NodemailerError } from 'nodemailer';

/**
 * The relay could not take the message now: unreachable, too slow, TLS or the login failed, or
 * it answered 4xx. `isUnavailable` (services/platform/failures.ts) knows it by name, so the API
 * answers 503 SERVICE_UNAVAILABLE and a stream processor tries again later.
 */
export class MailUnavailableError extends Error {
  override readonly name = 'MailUnavailableError';
}

/**
 * The relay refused the message for good (a 5xx answer to MAIL FROM, RCPT TO or DATA, e.g. no
 * such mailbox): sending the same message again cannot help, so it is not "unavailable".
 */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';
  /** The relay's SMTP reply code, e.g. 550. */
  readonly responseCode: number;
  constructor(message: string, responseCode: number, options?: ErrorOptions) {
    super(message, options);
    this.responseCode = responseCode;
  }
}

/**
 * Nodemailer's codes of a relay that is away or unusable as configured: connecting, DNS, TLS, a
 * wait that ran out, our own deadline (EABORT), a garbled answer, a login refused or missing.
 */
const AWAY = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'EPROTOCOL', 'EABORT', 'EAUTH', 'ENOAUTH']);

/**
 * Classifies a failed send: MailRejectedError for a permanent refusal of the message,
 * MailUnavailableError for a relay that is away, else the error itself (a fault of ours, such
 * as a malformed message, which should surface as one).
 */
export function classifySendFailure(err: unknown, relay: string): Error {
  const e = (err ?? {}) as NodemailerError;
  const why = `${relay}: ${e.message ?? String(err)}`;
  const refusedTheMessage = e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  if (refusedTheMessage && e.responseCode !== undefined) {
    return e.permanent
      ? new MailRejectedError(`the mail relay refused the message (${why})`, e.responseCode, { cause: err })
      : new MailUnavailableError(`the mail relay deferred the message (${why})`, { cause: err });
  }
  if (AWAY.has(e.code ?? '') || (e.responseCode !== undefined && e.permanent === false)) {
    return new MailUnavailableError(`the mail relay is unavailable (${why})`, { cause: err });
  }
  return err instanceof Error ? err : new Error(why);
}
