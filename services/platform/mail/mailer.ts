import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.ts';
import { classifySendFailure } from './failures.ts';

export { MailRejectedError, MailUnavailableError } from './failures.ts';

/** One message to one person: plain text always (every client shows it), HTML if wanted. */
export type Mail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * The links the reader is meant to follow (verify, reset, accept), already in `text`: the
   * development fallback logs them, so a developer can click one without opening a mail client.
   */
  links?: string[];
};

export interface Mailer {
  /**
   * Sends `mail` and answers its Message-ID. Throws MailUnavailableError when the relay is away
   * (503 for the API; the relay may have taken a message whose send timed out, so a retry can
   * duplicate it) and MailRejectedError when it refuses the message for good.
   */
  send(mail: Mail): Promise<string>;
  /** Ends the transport's connections. */
  close(): void;
}

export type MailerOptions = {
  /** Where the one development line per message goes. */
  log?: (line: string) => void;
  /** Bound of each SMTP wait (connecting, the greeting, every answer); the whole send gets 3x. */
  timeoutMs?: number;
  /** CA certificates (PEM) trusted for the relay besides the public ones, e.g. an internal relay's CA. */
  ca?: string;
};

type MailConfig = Pick<Config, 'env' | 'smtpUrl' | 'mailFrom' | 'mailDir'>;

/** The mailer `config` asks for: SMTP through SMTP_URL, else .eml files under `config.mailDir`. */
export function createMailer(config: MailConfig, options: MailerOptions = {}): Mailer {
  const log = options.log ?? ((line: string) => console.error(line));
  if (!config.smtpUrl && config.env === 'production') {
    log(`mittr: SMTP_URL is not set: mail (verification, password reset) is written to ${config.mailDir}, not sent`);
  }
  return config.smtpUrl
    ? smtpMailer(config.smtpUrl, config.mailFrom, options.timeoutMs ?? 10_000, options.ca)
    : fileMailer(config.mailDir, config.mailFrom, log);
}

/** A link said to be in the mail but missing from its text is a bug the reader would pay for. */
function assertLinksInText(mail: Mail): void {
  const missing = (mail.links ?? []).filter((l) => !mail.text.includes(l));
  if (missing.length > 0) throw new Error(`mail "${mail.subject}": links not in its text: ${missing.join(' ')}`);
}

const message = (m: Mail) => ({ to: m.to, subject: m.subject, text: m.text, ...(m.html === undefined ? {} : { html: m.html }) });

function smtpMailer(url: string, from: string, timeoutMs: number, ca: string | undefined): Mailer {
  // Nodemailer's own waits are minutes long: a request waiting on a mail must not.
  const waits = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs };
  // A `ca` alone would replace Node's public roots; the relay's certificate is verified either way.
  const tls = ca ? { tls: { ca: [...rootCertificates, ca] } } : {};
  const transport = nodemailer.createTransport({ url, ...waits, ...tls }, { from });
  const u = new URL(url);
  const relay = `${u.protocol}//${u.host}`; // never the credentials, which errors would carry into logs
  return {
    async send(mail) {
      assertLinksInText(mail);
      try {
        const info = await transport.sendMail({ ...message(mail), signal: AbortSignal.timeout(3 * timeoutMs) });
        return info.messageId;
      } catch (err) {
        throw classifySendFailure(err, relay);
      }
    },
    close: () => transport.close(),
  };
}

function fileMailer(dir: string, from: string, log: (line: string) => void): Mailer {
  // Nodemailer builds the RFC 822 bytes exactly as it would for SMTP, CRLF line ends and all.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }, { from });
  return {
    async send(mail) {
      assertLinksInText(mail);
      const info = await transport.sendMail(message(mail));
      // Named by time first, so a listing of the folder is in the order the mail was written.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`;
      const file = join(dir, name);
      await mkdir(dir, { recursive: true });
      await writeFile(file, info.message);
      const links = mail.links?.length ? `; links: ${mail.links.join(' ')}` : '';
      log(`mittr: mail to ${mail.to} "${mail.subject}" written to ${file} (no SMTP_URL)${links}`);
      return info.messageId;
    },
    close: () => transport.close(),
  };
}
