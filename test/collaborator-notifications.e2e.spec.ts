import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { READ_STORE_FILE } from '#platform';
import { startSmtpTestServer, type SmtpTestServer } from './support/smtp-test-server.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }';
const CONFIDENTIAL = 'They might switch suppliers in spring';
const COMMENT = 'Discussed the spring order';

describe('collaborator notifications by mail (SMTP_URL)', () => {
  let smtp: SmtpTestServer;
  let dataDir: string;
  let suivi: SuiviApp | null = null;
  let exchangeId: string;
  let claireId: string;

  const logged: string[] = [];
  const logger = {
    log: (message: unknown) => logged.push(String(message)),
    error: (message: unknown) => logged.push(String(message)),
    warn: (message: unknown) => logged.push(String(message)),
  };
  const start = async () => {
    suivi = await SuiviApp.start({ dataDir, logger, env: { SMTP_URL: smtp.url, SUIVI_MAIL_FROM: 'Suivi CRM <crm@example.com>' } });
    return suivi;
  };
  const createUser = async (app: SuiviApp, input: Record<string, unknown>): Promise<string> => {
    const { body } = await app.graphql<{ createUser: { user: { id: string } } }>(CREATE_USER, { input });
    expect(body.errors).toBeUndefined();
    return body.data!.createUser.user.id;
  };

  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-notifications-'));
  });

  afterAll(async () => {
    await suivi?.stop();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('mails each collaborator with an email once, without the comments', async () => {
    const app = await start();
    const client = new SuiviClient(app);
    claireId = await createUser(app, { login: 'claire', displayName: 'Claire Martin', email: 'claire@example.fr' });
    const noEmailId = await createUser(app, { login: 'paul', displayName: 'Paul Noemail' });
    // Scoped to a territory the third party is not in: the mail would name it to them.
    const scopedId = await createUser(app, { login: 'marc', displayName: 'Marc Breton', email: 'marc@example.fr' });
    const scoped = await app.graphql('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', {
      input: { userId: scopedId, territories: ['Bretagne'], ownedOnly: false },
    });
    expect(scoped.body.errors).toBeUndefined();
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Boulangerie <Martin> & Fils', kind: 'COMPANY', roles: ['PROSPECT'] });
    const { exchange } = await client.must('logExchange', {
      thirdPartyId: thirdParty.id,
      occurredAt: '2026-03-03T10:00:00.000Z',
      mode: 'phone',
      subject: 'quote',
      comment: COMMENT,
      confidentialComment: CONFIDENTIAL,
      collaboratorIds: [claireId, noEmailId, scopedId],
      notifyCollaborators: true,
    });
    exchangeId = exchange.id;
    // Not asked to notify: no mail for this one.
    await client.must('logExchange', {
      thirdPartyId: thirdParty.id,
      occurredAt: '2026-03-04T10:00:00.000Z',
      mode: 'phone',
      subject: 'order',
      collaboratorIds: [claireId],
      notifyCollaborators: false,
    });

    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail!.messageId).toBe(`<exchange.${exchangeId}.collaborator.${claireId}@suivi>`);
    expect(mail!.from?.value).toEqual([{ name: 'Suivi CRM', address: 'crm@example.com' }]);
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.value.map((to) => to.address) : null).toEqual(['claire@example.fr']);
    expect(mail!.subject).toBe('Exchange with Boulangerie <Martin> & Fils: Quote');
    expect(mail!.text).toContain('Hello Claire Martin,');
    expect(mail!.text).toContain('logged an exchange with Boulangerie <Martin> & Fils on 2026-03-03 (Quote)');
    expect(mail!.html).toContain('<strong>Boulangerie &lt;Martin&gt; &amp; Fils</strong>');
    expect(mail!.headers.get('auto-submitted')).toBe('auto-generated');
    for (const part of [mail!.subject, mail!.text, mail!.html]) {
      expect(part).not.toContain(CONFIDENTIAL);
      expect(part).not.toContain(COMMENT);
    }
    // The second exchange (no notification) is behind the first in the log: once it is past, nothing else is coming.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages).toHaveLength(1);
    expect(logged).toContain(`collaborator notifications: exchange ${exchangeId}: collaborator ${noEmailId} skipped (the user has no email)`);
    expect(logged).toContain(`collaborator notifications: exchange ${exchangeId}: collaborator ${scopedId} skipped (the third party is out of the user's scope)`);
  });

  it('sends nothing again when the app restarts on the same data dir, even replaying the whole log', async () => {
    await suivi!.stop();
    suivi = null;
    // As if the process had stopped between handing the mail over and saving its checkpoint: the log is replayed from the start.
    const readStore = new Database(path.join(dataDir, READ_STORE_FILE));
    try {
      expect(readStore.prepare("UPDATE checkpoints SET position = 0 WHERE consumer = 'collaborator-notifications'").run().changes).toBe(1);
    } finally {
      readStore.close();
    }
    const app = await start();
    const client = new SuiviClient(app);
    // A mail logged after the restart proves the notifier is running again…
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Garage Petit', kind: 'COMPANY', roles: ['CUSTOMER'] });
    const { exchange } = await client.must('logExchange', {
      thirdPartyId: thirdParty.id,
      occurredAt: '2026-03-05T10:00:00.000Z',
      mode: 'meeting',
      subject: 'support',
      collaboratorIds: [claireId],
      notifyCollaborators: true,
    });
    const mails = await smtp.waitFor(2, 10_000);
    // …and the first exchange was not mailed a second time before it.
    expect(mails.map((mail) => mail.messageId)).toEqual([
      `<exchange.${exchangeId}.collaborator.${claireId}@suivi>`,
      `<exchange.${exchange.id}.collaborator.${claireId}@suivi>`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages).toHaveLength(2);
  });
});
