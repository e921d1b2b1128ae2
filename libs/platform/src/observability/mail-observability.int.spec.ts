import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { messageIdFileName, openMailer, type OutgoingMail } from '../mail/mailer.js';
import { runWithCorrelation } from './correlation.js';
import { instrumentMailer } from './instrumented-mailer.js';
import { SuiviMetrics } from './metrics.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-mail-observability-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const mail = (messageId: string): OutgoingMail => ({
  messageId,
  from: 'suivi@localhost',
  to: ['someone@example.com'],
  subject: 'Reminder',
  text: 'text',
  html: '<p>text</p>',
});

const value = async (metrics: SuiviMetrics, name: 'suivi_mails_sent_total' | 'suivi_mails_failed_total', purpose: string): Promise<number> => {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  return metric.values.find((sample) => sample.labels['purpose'] === purpose)?.value ?? 0;
};

/** A port nothing listens on: bound, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe('mail and correlation ids', () => {
  it('puts the correlation id of the work in hand on the mail, and none outside of it', async () => {
    const mailer = openMailer({ dataDir, smtpUrl: null }, { log: () => undefined });
    await runWithCorrelation('corr-mail-1', () => mailer.send(mail('<with@suivi>')));
    await mailer.send(mail('<without@suivi>'));
    const eml = (id: string) => readFileSync(path.join(dataDir, 'outbox', `${messageIdFileName(id)}.eml`), 'utf8');
    expect(eml('<with@suivi>')).toMatch(/^X-Suivi-Correlation-Id: corr-mail-1\r?$/im);
    expect(eml('<without@suivi>')).not.toMatch(/X-Suivi-Correlation-Id/i);
    await mailer.close();
  });

  it('counts mails handed over and mails that failed, by purpose', async () => {
    const metrics = new SuiviMetrics({ defaultMetrics: false });
    const outbox = instrumentMailer(openMailer({ dataDir, smtpUrl: null }, { log: () => undefined }), metrics);
    await outbox.send(mail('<followup.f-1.c1.s1@suivi>'));
    await outbox.send(mail('<activity-reminder.a-1.PT15M.0@suivi>'));
    expect(await value(metrics, 'suivi_mails_sent_total', 'follow_up')).toBe(1);
    expect(await value(metrics, 'suivi_mails_sent_total', 'activity_reminder')).toBe(1);

    const unreachable = instrumentMailer(openMailer({ dataDir, smtpUrl: `smtp://127.0.0.1:${await closedPort()}` }, { log: () => undefined }), metrics);
    await expect(unreachable.send(mail('<exchange.e-1.collaborator.u-1@suivi>'))).rejects.toThrow();
    expect(await value(metrics, 'suivi_mails_failed_total', 'collaborator_notification')).toBe(1);
    expect(await value(metrics, 'suivi_mails_sent_total', 'collaborator_notification')).toBe(0);
    await outbox.close();
    await unreachable.close();
  });
});
