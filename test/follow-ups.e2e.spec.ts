import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSmtpTestServer, type SmtpTestServer } from './support/smtp-test-server.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

const DAY = 86_400_000;
const RECORD = `mutation($input: RecordCommercialDocumentInput!) { recordCommercialDocument(input: $input) { position commercialDocument { id } } }`;
const QUEUE = `query($filter: FollowUpFilterInput) {
  followUps(filter: $filter, first: 10) { totalCount edges { node { followUpId kind cycle step mode state messageId sentAt documentId } } }
}`;
const DASHBOARD = `query($filter: FollowUpFilterInput) { followUpDashboard(filter: $filter) { asOf counts { kind state count } } }`;
const SKIP = `mutation($input: FollowUpStepInput!) { skipFollowUpStep(input: $input) { position reminder { step state } } }`;
const TIMELINE = `query($id: ID!) {
  thirdParty(id: $id) { timeline(first: 10, filter: { kinds: [FOLLOW_UP_SENT, COMMERCIAL_DOCUMENT_RECORDED] }) { edges { node { kind summary occurredAt documentId } } } }
}`;
const DOCUMENT_FOLLOW_UPS = `query($id: ID!) { commercialDocument(id: $id) { ref followUps { step state messageId sentAt } } }`;
const APPROVE = `mutation($input: ApproveFollowUpStepInput!) { approveFollowUpStep(input: $input) { position reminder { step state } } }`;
const BLOCK = `mutation($input: FollowUpHoldInput!) { blockFollowUps(input: $input) { thirdPartyId status until } }`;

type Reminder = { followUpId: string; step: number; state: string; messageId: string | null; sentAt: string | null };

/** The engine inside the app as `npm start` runs it, ticking every second, mailing a real SMTP server on loopback. */
describe('follow-ups over GraphQL', () => {
  let smtp: SmtpTestServer;
  let suivi: SuiviApp;
  let admin: SuiviClient;

  const reminders = async (thirdPartyId: string): Promise<Reminder[]> =>
    (await admin.read<{ followUps: { edges: { node: Reminder }[] } }>(QUEUE, { filter: { thirdPartyId } })).followUps.edges.map((edge) => edge.node);
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const customer = async (name: string, email: string): Promise<string> => {
    const id = (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['CUSTOMER'], territory: 'Nord' })).thirdParty.id;
    await admin.must('addContact', { thirdPartyId: id, firstName: 'Marie', lastName: 'Acheteuse', email });
    return id;
  };
  const quote = async (thirdPartyId: string, ref: string, sentDaysAgo: number): Promise<string> => {
    const statusAt = new Date(Date.now() - sentDaysAgo * DAY).toISOString();
    const input: Json = { thirdPartyId, type: 'QUOTE', ref, amount: '980', currency: 'EUR', issuedAt: statusAt, statusAt };
    const answer = await admin.query<{ recordCommercialDocument: { position: string; commercialDocument: { id: string } } }>(RECORD, { input });
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    admin.lastPosition = answer.data.recordCommercialDocument.position;
    return answer.data.recordCommercialDocument.commercialDocument.id;
  };

  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    suivi = await SuiviApp.start({ env: { SUIVI_FOLLOW_UPS: 'on', SMTP_URL: smtp.url, SUIVI_FOLLOW_UP_TICK_SECONDS: '1', SUIVI_MAIL_FROM: 'Relances <relances@example.com>' } });
    admin = new SuiviClient(suivi);
  });
  afterAll(async () => {
    await suivi?.stop();
    await smtp?.close();
  });

  it('mails the day-3 reminder of a quote sent 4 days ago within seconds, lists it SENT in the queue, the dashboard, the timeline and the quote', async () => {
    const bakery = await customer('Boulangerie du Nord', 'achats@boulangerie.example');
    const documentId = await quote(bakery, 'DV-0001', 4);
    const [mail] = await smtp.waitFor(1, 15_000);
    expect(mail?.subject).toBe('Devis DV-0001 : avez-vous pu le consulter ?');
    expect(mail?.to).toMatchObject({ value: [{ address: 'achats@boulangerie.example' }] });
    expect(mail?.from).toMatchObject({ value: [{ address: 'relances@example.com' }] });
    const lines = await until(() => reminders(bakery), (found) => found[0]?.state === 'SENT');
    expect(lines.map(({ step, state }) => `${step} ${state}`)).toEqual(['1 SENT', '2 SCHEDULED', '3 SCHEDULED']);
    expect(lines[0]).toMatchObject({ followUpId: `QUOTE_NO_RESPONSE-${documentId}`, messageId: mail?.messageId });
    const { followUpDashboard } = await admin.read<{ followUpDashboard: { counts: Json[] } }>(DASHBOARD, { filter: { thirdPartyId: bakery } });
    expect(followUpDashboard.counts).toEqual([
      { kind: 'QUOTE_NO_RESPONSE', state: 'SCHEDULED', count: 2 },
      { kind: 'QUOTE_NO_RESPONSE', state: 'SENT', count: 1 },
    ]);
    type Entry = { kind: string; summary: string; occurredAt: string; documentId: string | null };
    const timeline = await until(
      async () => (await admin.read<{ thirdParty: { timeline: { edges: { node: Entry }[] } } }>(TIMELINE, { id: bakery })).thirdParty.timeline.edges.map((edge) => edge.node),
      (entries) => entries.some((entry) => entry.kind === 'FOLLOW_UP_SENT'),
    );
    expect(timeline.map(({ kind, summary }) => ({ kind, summary }))).toEqual([
      { kind: 'FOLLOW_UP_SENT', summary: 'Follow-up sent: quote no response, step 1' },
      { kind: 'COMMERCIAL_DOCUMENT_RECORDED', summary: 'Quote DV-0001 recorded: 980.00 EUR, sent' },
    ]);
    expect(timeline[0]!.occurredAt).toBe(lines[0]!.sentAt);
    expect(timeline[1]!.documentId).toBe(documentId);
    // The quote's own history of reminders.
    const { commercialDocument } = await admin.read<{ commercialDocument: { ref: string; followUps: Reminder[] } }>(DOCUMENT_FOLLOW_UPS, { id: documentId });
    expect(commercialDocument.followUps.map(({ step, state }) => `${step} ${state}`)).toEqual(['1 SENT', '2 SCHEDULED', '3 SCHEDULED']);
    expect(commercialDocument.followUps[0]).toMatchObject({ messageId: mail?.messageId, sentAt: lines[0]!.sentAt });
    // An edit at approval is checked like a template, naming the part.
    const edit = await admin.query(APPROVE, { input: { followUpId: lines[0]!.followUpId, cycle: 1, step: 2, text: 'Dear {CONTACT_FIRSTNAME}' } });
    expect(edit.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.text' });
    expect(edit.errors?.[0]?.message).toMatch(/\{CONTACT_FIRSTNAME\}/);
  });

  it('lets a person skip a step, and block a third party so that its due steps are skipped, never sent', async () => {
    const garage = await customer('Garage du Sud', 'achats@garage.example');
    const before = smtp.messages.length;
    const blocked = await admin.query<{ blockFollowUps: Json }>(BLOCK, { input: { thirdPartyId: garage } });
    expect(blocked.data?.blockFollowUps).toEqual({ thirdPartyId: garage, status: 'BLOCKED', until: null });
    await quote(garage, 'DV-0002', 4);
    const lines = await until(() => reminders(garage), (found) => found[0]?.state === 'SKIPPED');
    expect(lines.map(({ step, state }) => `${step} ${state}`)).toEqual(['1 SKIPPED', '2 SCHEDULED', '3 SCHEDULED']);
    const skipped = await admin.query<{ skipFollowUpStep: Json }>(SKIP, { input: { followUpId: lines[0]!.followUpId, cycle: 1, step: 2 } });
    expect(skipped.data?.skipFollowUpStep).toMatchObject({ reminder: { step: 2, state: 'SKIPPED' } });
    const bad = await admin.query(SKIP, { input: { followUpId: 'not-a-follow-up', cycle: 1, step: 2 } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(smtp.messages).toHaveLength(before);
  });
});
