import { lookup } from 'node:dns/promises';
import nodemailer from 'nodemailer';
import { addressAllowed, type AddressPolicy } from '../deliveries/address-policy.ts';
import type { MailNotification } from './domain/notification.ts';

export type SmtpConfig = { smtpHost: string; smtpPort?: number; smtpUsername?: string; smtpPassword?: string; fromEmail: string; toEmails: string[]; secure?: boolean };
export type MailResult = { ok: boolean; statusCode: number | null; messageId: string | null; error: string | null; retryable: boolean };

const TIMEOUT_MS = 10_000;

/**
 * Sends a connector's mail through the customer's SMTP relay (nodemailer). The relay's host is
 * resolved and checked against the deployment's address policy first, and the connection goes to
 * the checked address (TLS still verifies the host name), as deliveries do over HTTP.
 */
export async function sendConnectorMail(config: SmtpConfig, mail: MailNotification, policy: AddressPolicy): Promise<MailResult> {
  let address: string;
  try {
    address = (await lookup(config.smtpHost)).address;
  } catch (err) {
    return { ok: false, statusCode: null, messageId: null, error: `cannot resolve ${config.smtpHost}: ${(err as Error).message}`, retryable: true };
  }
  const verdict = addressAllowed(address, policy);
  if (!verdict.ok) return { ok: false, statusCode: null, messageId: null, error: verdict.reason, retryable: false };
  const port = config.smtpPort ?? 587;
  const transport = nodemailer.createTransport({
    host: address, port, secure: config.secure ?? port === 465, name: 'mittr',
    tls: { servername: config.smtpHost },
    ...(config.smtpUsername ? { auth: { user: config.smtpUsername, pass: config.smtpPassword ?? '' } } : {}),
    connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS, dnsTimeout: TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({ from: config.fromEmail, to: config.toEmails, subject: mail.subject, text: mail.text });
    const code = Number.parseInt(String(info.response ?? '250'), 10);
    return { ok: true, statusCode: Number.isNaN(code) ? 250 : code, messageId: info.messageId, error: null, retryable: false };
  } catch (err) {
    const e = err as Error & { responseCode?: number };
    const code = e.responseCode ?? null;
    // 5xx is the relay's final word (no such mailbox, refused login); the rest may pass later.
    return { ok: false, statusCode: code, messageId: null, error: e.message, retryable: code === null || code < 500 };
  } finally {
    transport.close();
  }
}
