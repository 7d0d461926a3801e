/**
 * Our transactions last milliseconds; a crashed process's open one blocks read_committed readers
 * of its partitions until the broker aborts it, so keep that wait short. Likewise a dead
 * process's partitions move to the others after the session timeout.
 */
export const TRANSACTION_TIMEOUT_MS = 10_000;
export const SESSION_TIMEOUT_MS = 15_000;

