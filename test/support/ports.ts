import { createServer } from 'node:net';

/**
 * Ports handed out below the kernel's ephemeral range (32768-60999 on Linux). A port the kernel
 * gave us and we released can be given again at once, to anyone's next outgoing connection: a
 * Kafka client's socket once took the port a mittr child was about to listen on, and the child
 * that lost it died after its twin on the same port had answered /health for both. Each test
 * worker (VITEST_POOL_ID, else the process id) takes its own slice of the range, and a port is
 * handed out once per process.
 */
const FIRST = 20_000;
const SLICES = 8;
const SLICE_SIZE = 1_500;
const worker = Number(process.env.VITEST_POOL_ID ?? process.pid);
const base = FIRST + (worker % SLICES) * SLICE_SIZE;
let next = Math.floor(Math.random() * SLICE_SIZE);

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A free TCP port on loopback that no other test worker and no outgoing connection is given. No vitest import: the bench harness uses it too. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < SLICE_SIZE; tried++) {
    const port = base + (next++ % SLICE_SIZE);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${base}-${base + SLICE_SIZE - 1}`);
}
