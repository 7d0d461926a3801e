import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: string; at: number };
/** An answer; `reset` destroys the connection instead (a receiver that resets), `hang` never answers. */
export type Answer = { status: number; body?: string; headers?: Record<string, string>; reset?: boolean; hang?: boolean };
export type Responder = (req: Received) => Answer | Promise<Answer>;

/** A recording HTTP receiver on loopback: what a customer's webhook endpoint would see. */
export class RecordingSink {
  readonly received: Received[] = [];
  private server?: Server;
  private waiters: Array<() => void> = [];
  responder: Responder = () => ({ status: 200, body: 'OK' });

  /** Listens on `host` (any 127.0.0.0/8 address answers on Linux loopback). */
  async start(host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(r);
        const answer = await this.responder(r);
        if (answer.reset) req.socket.destroy();
        else if (!answer.hang) res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
        const w = this.waiters;
        this.waiters = [];
        w.forEach((f) => f());
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, host, r));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves when `predicate` holds over what was received, or rejects after `timeoutMs`. */
  async waitFor(predicate: (received: Received[]) => boolean, timeoutMs = 30_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`sink: condition not met within ${timeoutMs} ms (received ${this.received.length})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 250));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
