/** Topic names and settings. Source-of-truth topics keep their data forever. */
export type TopicSpec = { name: string; partitions: number; config: Record<string, string> };

const FOREVER = { 'retention.ms': '-1', 'retention.bytes': '-1' };
const WORK = { 'retention.ms': String(7 * 24 * 3_600_000) };

/**
 * A configuration topic: one partition, so one total order, and a single offset says how current
 * a role's in-memory copy is. Kept forever.
 */
export const configTopic = (name: string): TopicSpec => ({ name, partitions: 1, config: FOREVER });
/** A source-of-truth topic (events, outcomes): kept forever. */
export const logTopic = (name: string, partitions: number): TopicSpec => ({ name, partitions, config: FOREVER });
/** A work topic (dispatch lanes, delay tiers): kept a week, longer than any delay outlives it. */
export const workTopic = (name: string, partitions: number): TopicSpec => ({ name, partitions, config: WORK });
