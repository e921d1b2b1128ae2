import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore, StoredEvent } from '#event-store';
import { EVENT_STORE } from '../apps/api/src/infrastructure/tokens.js';
import { PinoLoggerService } from '../apps/api/src/observability/pino-logger.service.js';
import { startSmtpTestServer, type SmtpTestServer } from './support/smtp-test-server.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }';
const REGISTER = 'mutation($input: RegisterThirdPartyInput!) { registerThirdParty(input: $input) { position thirdParty { id } } }';
const LOG_EXCHANGE = 'mutation($input: LogExchangeInput!) { logExchange(input: $input) { position exchange { id } } }';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string; context?: string; level?: string };

async function eventsAfter(store: EventStore, after: bigint | null): Promise<StoredEvent[]> {
  const page = await store.readAll({ after, maxCount: 1000 });
  return page.events;
}

describe('correlation ids from a request to its events, logs and mails', () => {
  let smtp: SmtpTestServer;
  let suivi: SuiviApp;
  let client: SuiviClient;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    const logger = PinoLoggerService.create({ level: 'info', process: 'api', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
    suivi = await SuiviApp.start({ logger, env: { SMTP_URL: smtp.url } });
    client = new SuiviClient(suivi);
  });
  afterAll(async () => {
    await suivi.stop();
    await smtp.close();
  });

  const mailsSent = async (): Promise<number> => {
    const text = await (await fetch(`${suivi.url}/metrics`)).text();
    const sample = /^suivi_mails_sent_total\{purpose="collaborator_notification"\} (\d+)$/m.exec(text);
    return sample ? Number(sample[1]) : 0;
  };

  const lineWhere = async (predicate: (line: LogLine) => boolean, timeoutMs = 5_000): Promise<LogLine | undefined> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(predicate);
      if (found || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const post = async (query: string, input: Record<string, unknown>, correlationId?: string) => {
    const headers: Record<string, string> = correlationId === undefined ? {} : { 'x-correlation-id': correlationId };
    const response = await suivi.post<Record<string, { position: string } & Record<string, { id: string }>>>(JSON.stringify({ query, variables: { input } }), headers);
    expect(response.body.errors).toBeUndefined();
    return { echoed: response.headers.get('x-correlation-id'), data: response.body.data! };
  };

  it("keeps a sane client id, echoes it, and stores it in the metadata of the command's events", async () => {
    const head = await suivi.headPosition();
    const { echoed } = await post(REGISTER, { name: 'Corrélation SA', kind: 'COMPANY', roles: ['PROSPECT'] }, 'req-2026.11-abc_42');
    expect(echoed).toBe('req-2026.11-abc_42');
    // The administrator's first request also records their account (bootstrap): only the registration is ours.
    const events = (await eventsAfter(suivi.app.get(EVENT_STORE), head)).filter((event) => event.type === 'ThirdPartyRegistered');
    expect(events).toHaveLength(1);
    expect(events[0]!.metadata['correlationId']).toBe('req-2026.11-abc_42');
  });

  it('replaces an id that is not safe to log or store by one of its own', async () => {
    for (const unsafe of ['two words', 'x'.repeat(129), 'a\u00e9b', '<script>']) {
      const head = await suivi.headPosition();
      const { echoed } = await post(REGISTER, { name: `Douteux ${unsafe.length}`, kind: 'COMPANY', roles: ['PROSPECT'] }, unsafe);
      expect(echoed).toMatch(UUID);
      const [event] = await eventsAfter(suivi.app.get(EVENT_STORE), head);
      expect(event!.metadata['correlationId']).toBe(echoed);
    }
    const { echoed } = await post(REGISTER, { name: 'Sans en-tête', kind: 'COMPANY', roles: ['PROSPECT'] });
    expect(echoed).toMatch(UUID);
  });

  it('logs the request and the mail it causes with the same id, and puts it on the mail', async () => {
    const user = await post(CREATE_USER, { login: 'lea', displayName: 'Léa Collaboratrice', email: 'lea@example.fr' });
    const leaId = user.data['createUser']!['user']!.id;
    const { thirdParty } = await client.must('registerThirdParty', { name: 'Atelier Suivi', kind: 'COMPANY', roles: ['CUSTOMER'] });
    const correlationId = 'mail-flow-7f3c';
    const sentBefore = await mailsSent();
    const { data } = await post(
      LOG_EXCHANGE,
      { thirdPartyId: thirdParty.id, mode: 'phone', subject: 'quote', comment: 'Ne pas journaliser', collaboratorIds: [leaId], notifyCollaborators: true },
      correlationId,
    );
    const exchangeId = data['logExchange']!['exchange']!.id;

    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail!.messageId).toBe(`<exchange.${exchangeId}.collaborator.${leaId}@suivi>`);
    expect(mail!.headers.get('x-suivi-correlation-id')).toBe(correlationId);

    const request = lines.find((line) => line.msg === 'request' && line.correlationId === correlationId);
    expect(request).toMatchObject({ level: 'info', context: 'HTTP', route: '/graphql', method: 'POST', statusCode: 200, process: 'api' });
    // Logged once the server's acceptance is recorded, a moment after the server has the mail.
    const mailLine = await lineWhere((line) => line.context === 'Mail' && typeof line.msg === 'string' && line.msg.includes(mail!.messageId!));
    expect(mailLine?.correlationId).toBe(correlationId);
    expect(await mailsSent()).toBe(sentBefore + 1);
    // Ids and types only: neither the recipient, nor the names, nor the comment.
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const personal of ['lea@example.fr', 'Léa Collaboratrice', 'Ne pas journaliser', 'Atelier Suivi']) expect(text).not.toContain(personal);
  });
});
