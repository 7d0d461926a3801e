import { type AddressObject, type Headers, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { freePort } from './ports.ts';

/** One message as the receiving server saw it: the SMTP envelope and the parsed MIME. */
export type ReceivedMail = {
  envelope: { from: string | false; to: string[] };
  /** The user the client authenticated as, if it did. */
  user: string | undefined;
  /** Whether the session was over TLS. */
  secure: boolean;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | false;
  headers: Headers;
  messageId: string | undefined;
  raw: Buffer;
};

export type SmtpOptions = {
  /** Accounts the server requires the client to log in with; none: no login needed. */
  users?: Record<string, string>;
  /** Recipients the server refuses with 550 (a mailbox that does not exist). */
  refuseRecipient?: (address: string) => boolean;
  /** A certificate and key: the server speaks TLS from the first byte (smtps://). */
  tls?: { cert: string; key: string };
};

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? ''));

/**
 * A real SMTP server (smtp-server) on loopback that parses (mailparser) and records every
 * message it accepts: what an operator's mail relay would receive from mittr.
 */
export class RecordingSmtp {
  readonly received: ReceivedMail[] = [];
  /** Session failures the server reported (a client that gave up on the TLS handshake): a relay logs them and goes on. */
  readonly errors: Error[] = [];
  port = 0;
  private server?: SMTPServer;
  private waiters: Array<() => void> = [];

  private readonly options: SmtpOptions;

  constructor(options: SmtpOptions = {}) {
    this.options = options;
  }

  /** `smtp[s]://[user:pass@]127.0.0.1:<port>`, with the first configured account, if any. */
  get url(): string {
    const [user, pass] = Object.entries(this.options.users ?? {})[0] ?? [];
    const auth = user ? `${encodeURIComponent(user)}:${encodeURIComponent(pass!)}@` : '';
    return `${this.options.tls ? 'smtps' : 'smtp'}://${auth}127.0.0.1:${this.port}`;
  }

  /** Listens on a free loopback port; answers the SMTP URL to send to. */
  async start(): Promise<string> {
    const { users, refuseRecipient, tls } = this.options;
    const opts: SMTPServerOptions = {
      ...(tls ? { secure: true, cert: tls.cert, key: tls.key } : {}),
      // Plain SMTP on loopback: STARTTLS would offer smtp-server's published test certificate,
      // which a verifying client (rightly) refuses.
      disabledCommands: users ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !users,
      allowInsecureAuth: true,
      logger: false,
      // stop() ends sessions a client left open after a second, not smtp-server's default 30 s.
      closeTimeout: 1_000,
      onAuth: (auth, _session, done) => {
        if (users && auth.username && users[auth.username] === auth.password) return done(null, { user: auth.username });
        return done(Object.assign(new Error('invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, done) => {
        if (refuseRecipient?.(address.address)) return done(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
        return done();
      },
      onData: (stream, session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', done);
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then((m) => {
            this.record({
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false, to: session.envelope.rcptTo.map((r) => r.address) },
              user: session.user as string | undefined,
              secure: session.secure,
              from: m.from?.text ?? '',
              to: addresses(m.to),
              subject: m.subject ?? '',
              text: m.text ?? '',
              html: m.html ?? false,
              headers: m.headers,
              messageId: m.messageId,
              raw,
            });
            done();
          }, done);
        });
      },
    };
    this.server = new SMTPServer(opts);
    this.server.on('error', (err) => this.errors.push(err));
    this.port = await freePort();
    await new Promise<void>((resolve, reject) => {
      this.server!.server.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    return this.url;
  }

  private record(mail: ReceivedMail): void {
    this.received.push(mail);
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** The first message (already received or still to come) that `predicate` accepts; rejects after `timeoutMs`. */
  async waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.received.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'none';
        throw new Error(`smtp: no matching message within ${timeoutMs} ms (received: ${seen})`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 250));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  /** Closes the listener and every open session. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
