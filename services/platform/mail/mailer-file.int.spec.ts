import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { createMailer } from './mailer.ts';

describe('the mailer without SMTP_URL (local development)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'mittr-mail-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('given MITTR_HOME, when mails are sent, then each is an .eml file under its mail/, one log line naming the file and the links', async () => {
    const lines: string[] = [];
    const mailer = createMailer(loadConfig({ MITTR_HOME: home }), { log: (l) => lines.push(l) });
    const link = 'http://127.0.0.1:8080/invitations/inv_1/accept?token=t0k3n';
    const id = await mailer.send({
      to: 'grace@example.test',
      subject: 'You are invited to Acme on mittr',
      text: `Accept the invitation:\n${link}\n`,
      html: `<a href="${link}">Accept</a>`,
      links: [link],
    });
    await mailer.send({ to: 'alan@example.test', subject: 'second', text: 'two' });
    mailer.close();

    const files = (await readdir(join(home, 'mail'))).sort();
    expect(files).toHaveLength(2);
    expect(lines).toHaveLength(2);
    const first = join(home, 'mail', files[0]!);
    expect(lines[0]).toContain(first);
    expect(lines[0]).toContain(link);

    const parsed = await simpleParser(await readFile(first));
    expect(parsed.messageId).toBe(id);
    expect(parsed.subject).toBe('You are invited to Acme on mittr');
    expect(parsed.to).toMatchObject({ value: [{ address: 'grace@example.test' }] });
    expect(parsed.from).toMatchObject({ value: [{ address: 'no-reply@mittr.local', name: 'mittr' }] });
    expect(parsed.text).toContain(link);
    expect(parsed.html).toContain(`href="${link}"`);
    const second = await simpleParser(await readFile(join(home, 'mail', files[1]!)));
    expect([second.subject, second.text?.trim()]).toEqual(['second', 'two']);
  });
});
