/** Topic names and settings. Source-of-truth topics keep their data forever. */
export type TopicSpec = { name: string; partitions: number; config: Record<string, string> };

/**
 * The largest record batch a topic takes: 4 MiB, not the broker's 1 MiB. A batch of events up to
 * the API's 1 MiB body is appended as one batch, and its payloads are sealed (AES-GCM, then
 * base64url in the schemas' string fields: services/data-keys/fields.ts), about a third larger
 * than sent: at 1 MiB such a batch was refused (413) though its request was within the limit.
 */
const MAX_BATCH = { 'max.message.bytes': String(4 * 1024 * 1024) };
const FOREVER = { 'retention.ms': '-1', 'retention.bytes': '-1', ...MAX_BATCH };
const WORK = { 'retention.ms': String(7 * 24 * 3_600_000), ...MAX_BATCH };

/**
 * A configuration topic: one partition, so one total order, and a single offset says how current
 * a role's in-memory copy is. Kept forever.
 */
export const configTopic = (name: string): TopicSpec => ({ name, partitions: 1, config: FOREVER });
/** A source-of-truth topic (events, outcomes): kept forever. */
export const logTopic = (name: string, partitions: number): TopicSpec => ({ name, partitions, config: FOREVER });
/** A work topic (dispatch lanes, delay tiers): kept a week, longer than any delay outlives it. */
export const workTopic = (name: string, partitions: number): TopicSpec => ({ name, partitions, config: WORK });
