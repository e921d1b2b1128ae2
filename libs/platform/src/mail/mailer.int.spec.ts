import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { startSmtpTestServer, type SmtpTestServer } from '../../../../test/support/smtp-test-server.js';
import { loadConfig } from '../config.js';
import { messageIdFileName, openMailer, type OutgoingMail } from './mailer.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'suivi-mail-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const mail = (id: string): OutgoingMail => ({
  messageId: `<${id}@suivi>`,
  from: 'Suivi <suivi@example.com>',
  to: ['anne@example.com', 'bob@example.com'],
  subject: 'Exchange with Dupont & Fils',
  text: 'Plain: Dupont & Fils',
  html: '<p>Dupont &amp; Fils</p>',
  headers: { 'X-Suivi-Kind': 'test' },
});

describe('mailer over SMTP (SMTP_URL)', () => {
  let server: SmtpTestServer;
  beforeEach(async () => {
    server = await startSmtpTestServer();
  });
  afterEach(() => server.close());

  it('hands the mail to the server with both parts, the given Message-ID and From, then remembers it', async () => {
    const dir = dataDir();
    const lines: string[] = [];
    const mailer = openMailer(loadConfig({ SMTP_URL: server.url, SUIVI_DATA_DIR: dir }), { log: (line) => lines.push(line) });
    expect(mailer.kind).toBe('smtp');
    expect(await mailer.wasHandedOver('<m1@suivi>')).toBe(false);

    const result = await mailer.send(mail('m1'));

    expect(result).toEqual({ accepted: ['anne@example.com', 'bob@example.com'], rejected: [] });
    const [received] = await server.waitFor(1);
    expect(received!.messageId).toBe('<m1@suivi>');
    expect(received!.from?.value).toEqual([{ name: 'Suivi', address: 'suivi@example.com' }]);
    expect(received!.subject).toBe('Exchange with Dupont & Fils');
    expect(received!.text?.trim()).toBe('Plain: Dupont & Fils');
    expect(received!.html).toBe('<p>Dupont &amp; Fils</p>');
    expect(received!.headers.get('x-suivi-kind')).toBe('test');
    expect(await mailer.wasHandedOver('<m1@suivi>')).toBe(true);
    expect(await mailer.wasHandedOver('<m2@suivi>')).toBe(false);
    expect(lines).toEqual([expect.stringContaining('<m1@suivi>')]);

    // Another process on the same data dir knows it too: the log is on disk.
    const restarted = openMailer(loadConfig({ SMTP_URL: server.url, SUIVI_DATA_DIR: dir }), { log: () => undefined });
    expect(await restarted.wasHandedOver('<m1@suivi>')).toBe(true);
    await Promise.all([mailer.close(), restarted.close()]);
  });

  it('records nothing when the server cannot be reached', async () => {
    const dir = dataDir();
    await server.close();
    const mailer = openMailer({ smtpUrl: server.url, dataDir: dir }, { log: () => undefined });
    await expect(mailer.send(mail('m3'))).rejects.toThrow();
    expect(await mailer.wasHandedOver('<m3@suivi>')).toBe(false);
    await mailer.close();
    server = await startSmtpTestServer();
  });
});

describe('mailer without SMTP_URL (the outbox)', () => {
  it('writes a parsable .eml file per mail and logs it', async () => {
    const dir = dataDir();
    const lines: string[] = [];
    const mailer = openMailer(loadConfig({ SUIVI_DATA_DIR: dir }), { log: (line) => lines.push(line) });
    expect(mailer.kind).toBe('outbox');
    expect(await mailer.wasHandedOver('<o1@suivi>')).toBe(false);

    const result = await mailer.send(mail('o1'));

    expect(result).toEqual({ accepted: ['anne@example.com', 'bob@example.com'], rejected: [] });
    expect(readdirSync(path.join(dir, 'outbox'))).toEqual(['o1@suivi.eml']);
    const parsed = await simpleParser(readFileSync(path.join(dir, 'outbox', 'o1@suivi.eml')));
    expect(parsed.messageId).toBe('<o1@suivi>');
    expect(parsed.from?.text).toBe('"Suivi" <suivi@example.com>');
    expect(parsed.text?.trim()).toBe('Plain: Dupont & Fils');
    expect(parsed.html).toBe('<p>Dupont &amp; Fils</p>');
    expect(await mailer.wasHandedOver('<o1@suivi>')).toBe(true);
    expect(lines).toEqual([expect.stringContaining(path.join(dir, 'outbox', 'o1@suivi.eml'))]);
    await mailer.close();
  });

  it('refuses a Message-ID that is not <id@domain>', async () => {
    const mailer = openMailer({ smtpUrl: null, dataDir: dataDir() }, { log: () => undefined });
    await expect(mailer.send({ ...mail('x'), messageId: 'no-brackets' })).rejects.toThrow(/^messageId: /);
  });
});

describe('messageIdFileName', () => {
  it('keeps a safe id readable and never lets two ids share a name', () => {
    expect(messageIdFileName('<exchange.1.user-2@suivi>')).toBe('exchange.1.user-2@suivi');
    const a = messageIdFileName('<a/b@suivi>');
    const b = messageIdFileName('<a_b@suivi>');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^a_b@suivi-[0-9a-f]{16}$/);
    expect(messageIdFileName('<../x@suivi>')).not.toContain('/');
  });
});

describe('mail configuration', () => {
  it('defaults the From and rejects a wrong SMTP_URL or SUIVI_MAIL_FROM without echoing a password', () => {
    expect(loadConfig({}).mailFrom).toBe('Suivi <suivi@localhost>');
    expect(loadConfig({}).smtpUrl).toBeNull();
    expect(() => loadConfig({ SMTP_URL: 'http://user:secret@mail' })).toThrow(/^SMTP_URL: must be an smtp:\/\//);
    expect(() => loadConfig({ SMTP_URL: 'http://user:secret@mail' })).not.toThrow(/secret/);
    expect(() => loadConfig({ SUIVI_MAIL_FROM: 'Suivi\r\nBcc: x@example.com' })).toThrow(/^SUIVI_MAIL_FROM: /);
    expect(loadConfig({ SUIVI_MAIL_FROM: 'crm@example.com' }).mailFrom).toBe('crm@example.com');
  });
});
