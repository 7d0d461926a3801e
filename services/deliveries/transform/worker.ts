/**
 * Worker-thread entry of the transform pool (run by Node directly, types stripped). One call at a
 * time: the pool sends the next request only after the previous answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { failure } from './contract.ts';
import type { SandboxLimits, TransformInput, TransformResult } from './contract.ts';
import { Sandbox } from './sandbox.ts';

export type WorkerRequest = { id: number; code: string; input: TransformInput };
export type WorkerMessage = { type: 'ready' } | { type: 'result'; id: number; result: TransformResult };

if (!parentPort) throw new Error('transform worker must run in a worker thread');
const port = parentPort;
const limits = workerData as SandboxLimits;
let sandbox = await Sandbox.load(limits);
sandbox.prepare();

function reply(message: WorkerMessage): void {
  try {
    port.postMessage(message);
  } catch (e) {
    // A payload too deep for structured clone still gets an answer.
    if (message.type === 'result') port.postMessage({ ...message, result: failure(`transform output could not be passed back: ${String(e)}`) });
  }
}

let chain = Promise.resolve();
async function handle({ id, code, input }: WorkerRequest): Promise<void> {
  const result = sandbox.run(code, input);
  if (sandbox.poisoned) sandbox = await Sandbox.load(limits);
  reply({ type: 'result', id, result });
  sandbox.prepare();
}

port.on('message', (request: WorkerRequest) => {
  // A failure here (say, the WebAssembly module no longer loads) ends the worker; the pool
  // answers the job with an error and starts a new worker when needed.
  chain = chain.then(() => handle(request)).catch(() => process.exit(1));
});
reply({ type: 'ready' });
