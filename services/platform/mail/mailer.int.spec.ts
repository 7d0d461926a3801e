import { createServer, type Server, type Socket } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki } from '../../../test/support/pki.ts';
import { freePort } from '../../../test/support/ports.ts';
import { RecordingSmtp } from '../../../test/support/smtp.ts';
import { describeError, isUnavailable } from '../failures.ts';
import { installErrorHandling } from '../http/errors.ts';
import { createMailer, MailRejectedError, MailUnavailableError, type Mailer } from './mailer.ts';

const FROM = 'mittr <no-reply@mittr.test>';
const TIMEOUT_MS = 1_500;
const mailerFor = (smtpUrl: string, ca?: string) =>
  createMailer({ env: 'test', smtpUrl, mailFrom: FROM, mailDir: '/nonexistent' }, { timeoutMs: TIMEOUT_MS, ...(ca ? { ca } : {}) });

/** How long `promise` takes to fail, and with what. */
async function failure(promise: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  const err = await promise.then(() => new Error('expected the send to fail'), (e: unknown) => e);
  return { err, ms: Date.now() - started };
}

describe('the mailer through a real SMTP relay on loopback', () => {
  const smtp = new RecordingSmtp({ users: { mittr: 'p@ss word' }, refuseRecipient: (a) => a.startsWith('nobody@') });
  let mailer: Mailer;
  beforeAll(async () => {
    mailer = mailerFor(await smtp.start());
  });
  afterAll(async () => {
    mailer?.close();
    await smtp.stop();
  });

  it('given SMTP_URL with credentials, when a mail is sent, then it arrives with its subject, From, text, HTML and links', async () => {
    const link = 'http://127.0.0.1:8080/verify?token=abc123';
    const id = await mailer.send({
      to: 'ada@example.test',
      subject: 'Verify your e-mail address',
      text: `Follow this link to verify your address:\n${link}\n`,
      html: `<p><a href="${link}">Verify</a></p>`,
      links: [link],
    });
    const got = await smtp.waitFor((m) => m.messageId === id, 5_000);
    expect(got).toMatchObject({
      user: 'mittr',
      envelope: { from: 'no-reply@mittr.test', to: ['ada@example.test'] },
      to: ['ada@example.test'],
      subject: 'Verify your e-mail address',
    });
    expect(got.raw.toString('utf8')).toMatch(/^From: mittr <no-reply@mittr\.test>\r$/m);
    expect(got.headers.get('from')).toMatchObject({ value: [{ address: 'no-reply@mittr.test', name: 'mittr' }] });
    expect(got.text).toContain(link);
    expect(got.html).toContain(`href="${link}"`);
  });

  it('given one mail sent, when a second is sent, then both arrived, each its own message', async () => {
    const first = await mailer.send({ to: 'bob@example.test', subject: 'first', text: 'one' });
    const second = await mailer.send({ to: 'bob@example.test', subject: 'second', text: 'two' });
    expect(first).not.toBe(second);
    const a = await smtp.waitFor((m) => m.messageId === first, 5_000);
    const b = await smtp.waitFor((m) => m.messageId === second, 5_000);
    expect([a.subject, a.text.trim(), b.subject, b.text.trim()]).toEqual(['first', 'one', 'second', 'two']);
  });

  it('given a recipient the relay refuses for good (550), then the send is rejected, not unavailable', async () => {
    const { err } = await failure(mailer.send({ to: 'nobody@example.test', subject: 'hello', text: 'hi' }));
    expect(err).toBeInstanceOf(MailRejectedError);
    expect((err as MailRejectedError).responseCode).toBe(550);
    expect(isUnavailable(err)).toBe(false);
  });

  it('given a wrong password, then the relay is unavailable (mittr cannot send), and the message names no credentials', async () => {
    const wrong = mailerFor(`smtp://mittr:wrong@127.0.0.1:${smtp.port}`);
    const { err } = await failure(wrong.send({ to: 'ada@example.test', subject: 'hello', text: 'hi' }));
    wrong.close();
    expect(err).toBeInstanceOf(MailUnavailableError);
    expect((err as Error).message).not.toContain('wrong');
  });

  it('given links not in the text, then nothing is sent and the bug is named', async () => {
    const before = smtp.received.length;
    await expect(mailer.send({ to: 'ada@example.test', subject: 'reset', text: 'no link here', links: ['http://x.test/r'] }))
      .rejects.toThrow(/links not in its text: http:\/\/x\.test\/r/);
    expect(smtp.received.length).toBe(before);
  });
});

describe('the mailer through a relay that speaks TLS (smtps://)', () => {
  const pki = makePki();
  const smtp = new RecordingSmtp({ tls: pki.server });
  beforeAll(async () => {
    await smtp.start();
  });
  afterAll(async () => {
    await smtp.stop();
  });

  it('given the CA of the relay\'s certificate, then the mail arrives over TLS', async () => {
    const mailer = mailerFor(smtp.url, pki.ca);
    const id = await mailer.send({ to: 'ada@example.test', subject: 'over tls', text: 'sealed' });
    mailer.close();
    expect(await smtp.waitFor((m) => m.messageId === id, 5_000)).toMatchObject({ secure: true, subject: 'over tls' });
  });

  it('given a certificate that chains to no trusted CA, then nothing is sent and the relay is unavailable', async () => {
    const before = smtp.received.length;
    const mailer = mailerFor(smtp.url);
    const { err } = await failure(mailer.send({ to: 'ada@example.test', subject: 'over tls', text: 'sealed' }));
    mailer.close();
    expect(err).toBeInstanceOf(MailUnavailableError);
    expect(smtp.received.length).toBe(before);
    expect(describeError(err)).toMatch(/certificate|self-signed/i);
  });
});

describe('the mailer when the relay is away', () => {
  let blackHole: Server | undefined;
  const held: Socket[] = [];
  afterAll(async () => {
    held.forEach((s) => s.destroy());
    await new Promise<void>((r) => (blackHole ? blackHole.close(() => r()) : r()));
  });

  it('given a closed port, then the send fails as unavailable at once, and the API answers 503 SERVICE_UNAVAILABLE', async () => {
    const mailer = mailerFor(`smtp://127.0.0.1:${await freePort()}`);
    const { err, ms } = await failure(mailer.send({ to: 'ada@example.test', subject: 'hello', text: 'hi' }));
    mailer.close();
    expect(err).toBeInstanceOf(MailUnavailableError);
    expect(isUnavailable(err)).toBe(true);
    expect(ms).toBeLessThan(TIMEOUT_MS * 3);

    const app = Fastify({ logger: false });
    installErrorHandling(app);
    app.get('/', async () => { throw err; });
    const res = await app.inject({ method: 'GET', url: '/' });
    await app.close();
    expect([res.statusCode, res.json().code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
  });

  it('given a relay that accepts the connection and never greets, then the send fails as unavailable within its timeout', async () => {
    blackHole = createServer((s) => { held.push(s); });
    const port = await freePort();
    await new Promise<void>((r) => blackHole!.listen(port, '127.0.0.1', r));
    const mailer = mailerFor(`smtp://127.0.0.1:${port}`);
    const { err, ms } = await failure(mailer.send({ to: 'ada@example.test', subject: 'hello', text: 'hi' }));
    mailer.close();
    expect(err).toBeInstanceOf(MailUnavailableError);
    expect(isUnavailable(err)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(ms).toBeLessThan(TIMEOUT_MS * 3 + 1_000);
  });
});
