/** Endpoint transformations: user JavaScript in a QuickJS sandbox on a worker pool. */
export { TransformPool } from './pool.ts';
export type { TransformPoolOptions } from './pool.ts';
export type { TransformInput, TransformResult } from './contract.ts';
