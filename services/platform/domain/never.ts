/** Exhaustiveness guard for switches over a union of messages. */
export function assertNever(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`);
}
