import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import type { SuiviConfig } from '../config.js';
import { currentCorrelationId, MAIL_CORRELATION_HEADER, saneCorrelationId } from '../observability/correlation.js';

/** One mail, ready to go. The caller chooses the Message-ID so that a retry of the same mail carries the same one. */
export interface OutgoingMail {
  /** `<id@suivi>`: stable for a given mail, supplied by the caller. */
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SendResult {
  readonly accepted: string[];
  readonly rejected: string[];
}

export interface Mailer {
  /** `smtp`: SMTP_URL is set; `outbox`: .eml files under <dataDir>/outbox. */
  readonly kind: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
  /** Whether a message with this Message-ID was already handed over (outbox: its file exists; SMTP: the local sent-log). */
  wasHandedOver(messageId: string): Promise<boolean>;
}

export type MailConfig = Pick<SuiviConfig, 'smtpUrl' | 'dataDir'>;

export interface MailerOptions {
  /** Where a line per handed-over mail goes; default stdout. */
  readonly log?: (line: string) => void;
}

const MESSAGE_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

/**
 * SMTP_URL set: an SMTP transport, plus a sent-log (a file per Message-ID
 * under <dataDir>/mail-sent) written once the server has accepted the mail.
 * Otherwise the outbox: each mail becomes <dataDir>/outbox/<id>.eml, which an
 * operator can read, or hand to any mail tool, without a server.
 */
export function openMailer(config: MailConfig, options: MailerOptions = {}): Mailer {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.dataDir, log) : outboxMailer(config.dataDir, log);
}

/**
 * The name a Message-ID is stored under: readable when the id is made of safe
 * characters, with a hash of the id appended whenever anything had to be
 * replaced or cut, so that two ids never share a file.
 */
export function messageIdFileName(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '');
  const safe = bare.replace(/[^A-Za-z0-9._@+=-]/g, '_').slice(0, 150);
  if (safe === bare && !safe.startsWith('.')) return safe;
  return `${safe}-${createHash('sha256').update(messageId).digest('hex').slice(0, 16)}`;
}

function checkMail(mail: OutgoingMail): void {
  if (!MESSAGE_ID.test(mail.messageId)) throw new Error(`messageId: must look like <id@domain> (got "${mail.messageId}")`);
  if (mail.to.length === 0) throw new Error('to: at least one recipient is needed');
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`headers.${name}: must be a single line`);
  }
}

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );

/** Readers (wasHandedOver, an operator's tool) see the whole file or none of it. */
async function writeAtomically(file: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, content, { flush: true });
  await rename(temporary, file);
}

// The correlation id of the command the mail follows from (see runWithCorrelation), unless the caller set one.
const correlationHeader = (): Record<string, string> => {
  const id = saneCorrelationId(currentCorrelationId());
  return id === null ? {} : { [MAIL_CORRELATION_HEADER]: id };
};

const envelope = (mail: OutgoingMail) => ({
  messageId: mail.messageId,
  from: mail.from,
  to: [...mail.to],
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  headers: { ...correlationHeader(), ...mail.headers },
});

function outboxMailer(dataDir: string, log: (line: string) => void): Mailer {
  const outbox = path.join(dataDir, 'outbox');
  const composer = createTransport({ streamTransport: true, buffer: true });
  const fileOf = (messageId: string) => path.join(outbox, `${messageIdFileName(messageId)}.eml`);
  return {
    kind: 'outbox',
    async send(mail) {
      checkMail(mail);
      const info = await composer.sendMail(envelope(mail));
      const file = fileOf(mail.messageId);
      await writeAtomically(file, info.message as Buffer);
      // The subject is left out: it may name the client or the recipient, and logs are not erased.
      log(`mail ${mail.messageId} to ${mail.to.length} recipient(s) written to ${file} (no SMTP_URL)`);
      return { accepted: [...mail.to], rejected: [] };
    },
    wasHandedOver: (messageId) => exists(fileOf(messageId)),
    async close() {
      composer.close();
    },
  };
}

const address = (entry: string | { address: string }): string => (typeof entry === 'string' ? entry : entry.address);

function smtpMailer(url: string, dataDir: string, log: (line: string) => void): Mailer {
  const sentLog = path.join(dataDir, 'mail-sent');
  const transport = createTransport(url);
  const fileOf = (messageId: string) => path.join(sentLog, messageIdFileName(messageId));
  return {
    kind: 'smtp',
    async send(mail) {
      checkMail(mail);
      const info = await transport.sendMail(envelope(mail));
      // The server has the mail from here on. A crash before the next line
      // leaves no record, and a retry sends the mail again: with the same
      // Message-ID, which lets receiving servers and clients drop the copy.
      await writeAtomically(
        fileOf(mail.messageId),
        `${JSON.stringify({ messageId: mail.messageId, accepted: info.accepted.map(address), rejected: info.rejected.map(address), at: new Date().toISOString() })}\n`,
      );
      const result = { accepted: info.accepted.map(address), rejected: info.rejected.map(address) };
      log(`mail ${mail.messageId} handed to the SMTP server: ${result.accepted.length} accepted, ${result.rejected.length} rejected`);
      return result;
    },
    wasHandedOver: (messageId) => exists(fileOf(messageId)),
    async close() {
      transport.close();
    },
  };
}
