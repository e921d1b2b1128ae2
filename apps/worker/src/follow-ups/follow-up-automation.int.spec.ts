import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  defaultFollowUpPolicies,
  followUpIdOf,
  followUpMessageId,
  streams,
  type CommandContext,
  type CommercialDocumentRecorded,
  type CommercialDocumentStatusChanged,
  type ConsentRecorded,
  type FollowUpPolicy,
  type Message,
} from '#domain';
import { CachedSubjectKeyStore, SqliteEventStore, SqliteSubjectKeyStore, type EventCodec } from '#event-store';
import { createCodec, FixedClock, openMailer, type Mailer } from '#platform';
import {
  CommercialDocumentQueries,
  ConsentQueries,
  ContactQueries,
  DirectoryQueries,
  FollowUpQueries,
  ProjectionRunner,
  TimelineQueries,
  UserQueries,
} from '#projections';
import { SqliteReadStore } from '#read-store';
import { startSmtpTestServer, type SmtpTestServer } from '../../../../test/support/smtp-test-server.js';
import { contactAdded, exchangeLogged, registered } from '../../../../libs/projections/src/testing/relationship-fixtures.js';
import { appendEvents, RecordingLogger, sequentialIds } from '../../../../libs/projections/src/testing/third-party-fixtures.js';
import { FollowUpAutomation } from './follow-up-automation.js';
import { FollowUpCommands } from './follow-up-commands.js';

const DAY = 86_400_000;
const NOW = new Date('2026-03-02T09:30:00.000Z');
const daysAgo = (days: number): string => new Date(NOW.getTime() - days * DAY).toISOString();

/** Quote follow-ups in AUTO; the invoice's first step in APPROVAL, to test the queue. */
const policies: FollowUpPolicy[] = defaultFollowUpPolicies.map((policy) =>
  policy.kind === 'UNPAID_INVOICE' ? { ...policy, steps: policy.steps.map((step, index) => (index === 0 ? { ...step, mode: 'APPROVAL' as const } : step)) } : policy,
);

/** The engine over real SQLite stores, a real SMTP server on loopback, and a clock that moves only when told. */
describe('the follow-up automation', () => {
  const clock = new FixedClock(NOW);
  const ids = sequentialIds(11);
  let dir: string;
  let store: SqliteEventStore;
  let readStore: SqliteReadStore;
  let codec: EventCodec;
  let runner: ProjectionRunner;
  let smtp: SmtpTestServer;
  let mailer: Mailer;
  let commands: FollowUpCommands;
  let queue: FollowUpQueries;
  const logger = new RecordingLogger();

  const automation = async (dryRun = false): Promise<FollowUpAutomation> =>
    new FollowUpAutomation({
      store,
      codec,
      commands,
      checkpoints: readStore.checkpoints,
      followUps: queue,
      directory: await DirectoryQueries.open(readStore),
      contacts: await ContactQueries.open(readStore),
      consents: await ConsentQueries.open(readStore),
      documents: await CommercialDocumentQueries.open(readStore),
      users: await UserQueries.open(readStore),
      mailer,
      from: 'Suivi <relances@example.com>',
      policies,
      dryRun,
      tickMs: 60_000,
      clock,
      ids,
      logger,
    });
  let engine: FollowUpAutomation;

  const append = async (stream: string, events: Message[], at = daysAgo(5)): Promise<void> => {
    const position = await appendEvents({ eventStore: store, codec, ids }, stream, events, { occurredAt: at });
    await runner.waitFor(position);
  };
  /** One tick, then the projections caught up with what it wrote. */
  const tick = async () => {
    const report = await engine.runOnce();
    const head = await store.headPosition();
    if (head !== null) await runner.waitFor(head);
    return report;
  };
  const customer = async (n: number | 'a' | 'b' | 'c'): Promise<{ thirdPartyId: string; email: string }> => {
    const thirdPartyId = `00000000-0000-4000-a000-00000000000${n}`;
    const email = `buyer${n}@client${n}.example`;
    await append(streams.thirdParty(thirdPartyId), [registered({ thirdPartyId, name: `Client ${n}`, roles: ['CUSTOMER'], prospectStatus: null, email: null, registeredAt: daysAgo(30) })]);
    const contactId = `00000000-0000-4000-c000-00000000000${n}`;
    await append(streams.contact(contactId), [contactAdded({ contactId, thirdPartyId, email, firstName: 'Marie', lastName: `Buyer ${n}` })]);
    return { thirdPartyId, email };
  };
  const document = async (
    n: number | 'a' | 'b' | 'c',
    thirdPartyId: string,
    facts: Pick<CommercialDocumentRecorded['data'], 'documentType' | 'status' | 'statusAt' | 'dueAt'>,
  ): Promise<string> => {
    const documentId = `00000000-0000-4000-d000-00000000000${n}`;
    const recorded: CommercialDocumentRecorded = {
      type: 'CommercialDocumentRecorded',
      data: { documentId, thirdPartyId, ref: `Q-${n}`, label: null, amount: '1200.00', currency: 'EUR', issuedAt: facts.statusAt, paidAmount: null, ...facts },
    };
    await append(streams.commercialDocument(documentId), [recorded]);
    return documentId;
  };
  const statusChanged = (documentId: string, thirdPartyId: string, data: Pick<CommercialDocumentStatusChanged['data'], 'documentType' | 'from' | 'to'>) =>
    append(streams.commercialDocument(documentId), [
      { type: 'CommercialDocumentStatusChanged', data: { documentId, thirdPartyId, ref: 'x', at: NOW.toISOString(), paidAmount: null, ...data } },
    ]);
  const lines = (thirdPartyId: string) =>
    queue.list({ thirdPartyId }, { first: 10 }, clock.now()).then((page) => page.items.map(({ item }) => `${item.step} ${item.state}`));
  const person = (actorId = 'user-2'): CommandContext => ({ actorId, now: clock.now(), commandId: ids.next(), correlationId: 'c', causationId: null, source: 'api' });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-follow-ups-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    readStore = SqliteReadStore.open({ file: path.join(dir, 'read.sqlite') });
    codec = createCodec(new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file: path.join(dir, 'keys.sqlite') })));
    runner = new ProjectionRunner({ store, readStore, codec, clock, logger: new RecordingLogger() });
    await runner.start();
    smtp = await startSmtpTestServer();
    mailer = openMailer({ smtpUrl: smtp.url, dataDir: dir }, { log: () => undefined });
    commands = new FollowUpCommands({ store, codec, ids });
    queue = await FollowUpQueries.open(readStore);
    engine = await automation();
  });

  afterAll(async () => {
    await engine.stop();
    await runner.stop();
    await mailer.close();
    await smtp.close();
    await store.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends the day-3 reminder of a quote sent 4 days ago, once, and shows it sent in the queue', async () => {
    const { thirdPartyId, email } = await customer(1);
    const documentId = await document(1, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(4), dueAt: null });
    const report = await tick();
    expect(report.scheduled).toBe(1);
    const [mail] = await smtp.waitFor(1);
    expect(mail?.messageId).toBe(followUpMessageId(followUpIdOf('QUOTE_NO_RESPONSE', documentId), 1, 1));
    expect(mail?.to).toMatchObject({ value: [{ address: email }] });
    expect(mail?.subject).toBe('Devis Q-1 : avez-vous pu le consulter ?');
    expect(mail?.text).toContain('1200.00 EUR');
    expect(await lines(thirdPartyId)).toEqual(['1 SENT', '2 SCHEDULED', '3 SCHEDULED']);
    // Another tick the same day sends nothing more.
    await tick();
    expect(smtp.messages).toHaveLength(1);
    // In the third party's timeline, and in the document's history of reminders.
    const timeline = await (await TimelineQueries.open(readStore)).list({ thirdPartyId, first: 10, filter: { kinds: ['FOLLOW_UP_SENT'] } });
    expect(timeline.items.map(({ doc }) => doc.summary)).toEqual(['Follow-up sent: quote no response, step 1']);
    const history = await queue.list({ documentId, states: ['SENT'] }, { first: 10 }, clock.now());
    expect(history.items.map(({ item }) => item.messageId)).toEqual([mail?.messageId]);
    const counts = await queue.counts({ thirdPartyId }, clock.now());
    expect(counts).toEqual([
      { kind: 'QUOTE_NO_RESPONSE', state: 'SCHEDULED', count: 2 },
      { kind: 'QUOTE_NO_RESPONSE', state: 'SENT', count: 1 },
    ]);
  });

  it('cancels the rest when the quote is accepted', async () => {
    const { thirdPartyId } = await customer(2);
    const documentId = await document(2, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(1), dueAt: null });
    await tick();
    await statusChanged(documentId, thirdPartyId, { documentType: 'QUOTE', from: 'SENT', to: 'ACCEPTED' });
    const report = await tick();
    expect(report.cancelled).toBe(1);
    expect(await lines(thirdPartyId)).toEqual(['1 CANCELLED', '2 CANCELLED', '3 CANCELLED']);
    clock.set(new Date(NOW.getTime() + 20 * DAY));
    try {
      await tick();
    } finally {
      clock.set(NOW);
    }
    expect(smtp.messages.filter((mail) => mail.subject?.includes('Q-2'))).toEqual([]);
  });

  it('cancels an unpaid-invoice follow-up once paid; its APPROVAL step waits for a person until then', async () => {
    const { thirdPartyId } = await customer(3);
    const documentId = await document(3, thirdPartyId, { documentType: 'INVOICE', status: 'ISSUED', statusAt: daysAgo(40), dueAt: daysAgo(4) });
    const before = smtp.messages.length;
    await tick();
    expect(await lines(thirdPartyId)).toEqual(['1 AWAITING_APPROVAL', '2 SCHEDULED', '3 SCHEDULED']);
    expect(smtp.messages).toHaveLength(before);
    await statusChanged(documentId, thirdPartyId, { documentType: 'INVOICE', from: 'ISSUED', to: 'PAID' });
    await tick();
    expect(await lines(thirdPartyId)).toEqual(['1 CANCELLED', '2 CANCELLED', '3 CANCELLED']);
    expect(smtp.messages).toHaveLength(before);
  });

  it('sends an APPROVAL step once a person approves it', async () => {
    const { thirdPartyId } = await customer(4);
    const documentId = await document(4, thirdPartyId, { documentType: 'INVOICE', status: 'ISSUED', statusAt: daysAgo(40), dueAt: daysAgo(4) });
    await tick();
    const before = smtp.messages.length;
    await commands.execute({ type: 'ApproveFollowUpStep', data: { followUpId: followUpIdOf('UNPAID_INVOICE', documentId), cycle: 1, step: 1 } }, person());
    await tick();
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.subject).toBe(`Facture Q-4 : échéance du ${daysAgo(4).slice(0, 10)}`);
    expect(await lines(thirdPartyId)).toEqual(['1 SENT', '2 SCHEDULED', '3 SCHEDULED']);
  });

  it('sends the mail as the approver edited it, and stores their text encrypted', async () => {
    const { thirdPartyId, email } = await customer('a');
    const documentId = await document('a', thirdPartyId, { documentType: 'INVOICE', status: 'ISSUED', statusAt: daysAgo(40), dueAt: daysAgo(4) });
    await tick();
    const before = smtp.messages.length;
    const followUpId = followUpIdOf('UNPAID_INVOICE', documentId);
    const edit = { subject: 'Invoice {DOCUMENT_REF}: as agreed by phone', text: 'Dear {CONTACT_FIRST_NAME},\nas agreed, {AMOUNT_DUE} {CURRENCY} by Friday <please>.' };
    await commands.execute({ type: 'ApproveFollowUpStep', data: { followUpId, cycle: 1, step: 1, ...edit, html: null } }, person());
    await tick();
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.to).toMatchObject({ value: [{ address: email }] });
    expect(mail?.subject).toBe('Invoice Q-a: as agreed by phone');
    expect(mail?.text?.trim()).toBe('Dear Marie,\nas agreed, 1200.00 EUR by Friday <please>.');
    // No HTML of the template's other text: the edited text, escaped.
    expect(mail?.html).toContain('by Friday &lt;please&gt;.');
    expect(mail?.html).not.toContain('Facture');
    expect(await lines(thirdPartyId)).toEqual(['1 SENT', '2 SCHEDULED', '3 SCHEDULED']);
    const stored = (await store.readStream(streams.followUp(followUpId))).find((event) => event.type === 'FollowUpStepApproved');
    expect(JSON.stringify(stored?.data)).not.toContain('as agreed');
    expect(stored?.data).toMatchObject({ step: 1, approvedBy: 'user-2', $pii: { subjects: [`thirdParty:${thirdPartyId}`] } });
  });

  const objectionOf = (thirdPartyId: string): ConsentRecorded => ({
    type: 'ConsentRecorded',
    data: {
      subjectKind: 'thirdParty',
      subjectId: thirdPartyId,
      thirdPartyId,
      purpose: 'FOLLOW_UP_EMAIL',
      channel: 'EMAIL',
      decision: 'OBJECTED',
      expressedAt: daysAgo(10),
      method: 'EMAIL',
      evidence: null,
      recordedAt: daysAgo(10),
      recordedBy: 'user-2',
    },
  });

  it('skips, never sends, a reminder to a third party who objected to follow-up mails', async () => {
    const { thirdPartyId } = await customer(5);
    await append(streams.consent('thirdParty', thirdPartyId), [objectionOf(thirdPartyId)]);
    await document(5, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(4), dueAt: null });
    const before = smtp.messages.length;
    const report = await tick();
    expect(report.steps).toContainEqual(expect.objectContaining({ step: 1, outcome: 'skipped', detail: 'CONSENT' }));
    expect(await lines(thirdPartyId)).toEqual(['1 SKIPPED', '2 SCHEDULED', '3 SCHEDULED']);
    expect(smtp.messages).toHaveLength(before);
  });

  it('drops, never sends, a decided step whose recipient objected before the restart', async () => {
    const { thirdPartyId } = await customer(8);
    const documentId = await document(8, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(2), dueAt: null });
    const followUpId = followUpIdOf('QUOTE_NO_RESPONSE', documentId);
    await tick();
    const before = smtp.messages.length;
    try {
      clock.set(new Date(NOW.getTime() + 1 * DAY));
      await commands.execute({ type: 'DecideFollowUpSend', data: { followUpId, cycle: 1, step: 1 } }, person('automation'));
      await append(streams.consent('thirdParty', thirdPartyId), [objectionOf(thirdPartyId)], clock.now().toISOString());
      const report = await tick();
      expect(report.steps).toContainEqual(expect.objectContaining({ followUpId, step: 1, outcome: 'skipped', detail: 'CONSENT' }));
      expect(await lines(thirdPartyId)).toEqual(['1 SKIPPED', '2 SCHEDULED', '3 SCHEDULED']);
      expect(smtp.messages).toHaveLength(before);
    } finally {
      clock.set(NOW);
    }
  });

  it('does not send twice when the process stopped between the decision and the sending, or after the hand-over', async () => {
    const { thirdPartyId, email } = await customer(6);
    const documentId = await document(6, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(2), dueAt: null });
    const followUpId = followUpIdOf('QUOTE_NO_RESPONSE', documentId);
    const mailsOf = () => smtp.messages.filter((mail) => mail.subject?.includes('Q-6')).map((mail) => mail.messageId);
    await tick(); // scheduled, nothing due yet
    try {
      // Day 3: the decision is recorded, then the process stops before handing the mail over.
      clock.set(new Date(NOW.getTime() + 1 * DAY));
      await commands.execute({ type: 'DecideFollowUpSend', data: { followUpId, cycle: 1, step: 1 } }, person('automation'));
      await engine.stop();
      // Restarted: the new automation finds the decision without its sending, sends it, once.
      engine = await automation();
      await tick();
      await tick();
      expect(mailsOf()).toEqual([followUpMessageId(followUpId, 1, 1)]);

      // Day 7: this time the server accepted the mail and the process stopped before recording it.
      clock.set(new Date(NOW.getTime() + 5 * DAY));
      await commands.execute({ type: 'DecideFollowUpSend', data: { followUpId, cycle: 1, step: 2 } }, person('automation'));
      const messageId = followUpMessageId(followUpId, 1, 2);
      await mailer.send({ messageId, from: 'Suivi <relances@example.com>', to: [email], subject: 'Devis Q-6 : relance', text: 't', html: '<p>t</p>' });
      await engine.stop();
      engine = await automation();
      const report = await tick();
      expect(report.steps).toContainEqual(expect.objectContaining({ followUpId, step: 2, outcome: 'sent', detail: 'handed over before a restart' }));
      expect(mailsOf()).toEqual([followUpMessageId(followUpId, 1, 1), messageId]);
      expect(await lines(thirdPartyId)).toEqual(['1 SENT', '2 SENT', '3 SCHEDULED']);
    } finally {
      clock.set(NOW);
    }
  });

  it('restarts a prospect\'s inactivity clock at each exchange, and mails a prospect only with a marketing consent', async () => {
    const thirdPartyId = '00000000-0000-4000-a000-000000000009';
    await append(streams.thirdParty(thirdPartyId), [registered({ thirdPartyId, name: 'Prospect 9', roles: ['PROSPECT'], email: 'hello@prospect9.example', registeredAt: daysAgo(20) })]);
    await tick();
    // Registered 20 days ago: the day-14 step is due (steps 1 and 2 overtaken), and prospects wait for approval.
    expect(await lines(thirdPartyId)).toEqual(['1 SKIPPED', '2 SKIPPED', '3 AWAITING_APPROVAL']);
    await append(streams.exchange('ex-9'), [exchangeLogged({ exchangeId: 'ex-9', thirdPartyId, contactIds: [], occurredAt: daysAgo(1) })]);
    await tick();
    const followUpId = followUpIdOf('INACTIVE_PROSPECT', thirdPartyId);
    expect((await queue.get(followUpId))?.cycle).toBe(2);
    expect(await lines(thirdPartyId)).toEqual(['1 SCHEDULED', '2 SCHEDULED', '3 SCHEDULED']);
    const before = smtp.messages.length;
    try {
      clock.set(new Date(NOW.getTime() + 2 * DAY));
      await commands.execute({ type: 'ApproveFollowUpStep', data: { followUpId, cycle: 2, step: 1 } }, person());
      await tick();
      // MARKETING_EMAIL is opt-in: without a consent, no mail.
      expect(await lines(thirdPartyId)).toEqual(['1 SKIPPED', '2 SCHEDULED', '3 SCHEDULED']);
      expect((await queue.get(followUpId))?.steps[0]?.skipReason).toBe('CONSENT');
      expect(smtp.messages).toHaveLength(before);
    } finally {
      clock.set(NOW);
    }
  });

  it('never sends a step a person skipped, holds a snoozed one until its date, and lets the next one go', async () => {
    const { thirdPartyId } = await customer(9);
    const documentId = await document(9, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(1), dueAt: null });
    const followUpId = followUpIdOf('QUOTE_NO_RESPONSE', documentId);
    const mailsOfQuote = () => smtp.messages.filter((mail) => mail.subject?.includes('Q-9'));
    const at = async (days: number) => {
      clock.set(new Date(NOW.getTime() + days * DAY));
      await tick();
    };
    try {
      await tick();
      await commands.execute({ type: 'SkipFollowUpStep', data: { followUpId, cycle: 1, step: 1, reason: 'MANUAL' } }, person());
      await at(3);
      expect(mailsOfQuote()).toEqual([]);
      // Step 2 (day 7 after sending) snoozed to day 12: nothing on day 8, sent on day 12.
      await commands.execute({ type: 'SnoozeFollowUpStep', data: { followUpId, cycle: 1, step: 2, until: new Date(NOW.getTime() + 11 * DAY).toISOString() } }, person());
      await at(7);
      expect(mailsOfQuote()).toEqual([]);
      await at(11);
      // waitFor counts every message of the server: one more than now.
      await smtp.waitFor(smtp.messages.length - mailsOfQuote().length + 1);
      expect(mailsOfQuote()).toHaveLength(1);
      expect(await lines(thirdPartyId)).toEqual(expect.arrayContaining(['1 SKIPPED', '2 SENT']));
    } finally {
      clock.set(NOW);
    }
  });

  it('sends nothing to a paused third party until the pause ends, and nothing at all to a blocked one', async () => {
    const paused = await customer('b');
    await document('b', paused.thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(1), dueAt: null });
    const blocked = await customer('c');
    await document('c', blocked.thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(1), dueAt: null });
    const mailsOf = (ref: string) => smtp.messages.filter((mail) => mail.subject?.includes(ref));
    try {
      await tick();
      await commands.executeHold({ type: 'PauseFollowUps', data: { thirdPartyId: paused.thirdPartyId, until: new Date(NOW.getTime() + 10 * DAY).toISOString() } }, person());
      await commands.executeHold({ type: 'BlockFollowUps', data: { thirdPartyId: blocked.thirdPartyId } }, person());
      clock.set(new Date(NOW.getTime() + 4 * DAY));
      await tick();
      expect(mailsOf('Q-b')).toEqual([]);
      expect(mailsOf('Q-c')).toEqual([]);
      clock.set(new Date(NOW.getTime() + 11 * DAY));
      await tick();
      await smtp.waitFor(smtp.messages.length - mailsOf('Q-b').length + 1);
      expect(mailsOf('Q-b').length).toBeGreaterThanOrEqual(1);
      expect(mailsOf('Q-c')).toEqual([]);
    } finally {
      clock.set(NOW);
    }
  });

  it('in dry run, says what it would send and sends and records nothing', async () => {
    const { thirdPartyId } = await customer(7);
    await document(7, thirdPartyId, { documentType: 'QUOTE', status: 'SENT', statusAt: daysAgo(4), dueAt: null });
    const before = smtp.messages.length;
    const report = await (await automation(true)).runOnce();
    const head = await store.headPosition();
    if (head !== null) await runner.waitFor(head);
    expect(report.steps).toContainEqual(expect.objectContaining({ step: 1, outcome: 'planned', detail: 'Devis Q-7 : avez-vous pu le consulter ?' }));
    expect(logger.lines.map((line) => line.message)).toContainEqual(expect.stringMatching(/^follow-ups \(dry run\): would send QUOTE_NO_RESPONSE-.* step 1 "Devis Q-7/));
    expect(smtp.messages).toHaveLength(before);
    // Scheduled (bookkeeping), but nothing decided: a real tick later still sends it.
    expect(await lines(thirdPartyId)).toEqual(['1 DUE', '2 SCHEDULED', '3 SCHEDULED']);
  });
});
