import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { categoryOf, mayContact, type ConsentStanding } from '#domain';
import type { EventCodec, EventStore, SubjectKeyStore } from '#event-store';
import { ConsentQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { DataSubjectErasure } from '#security';
import { SecurityJournal, type Denial } from '../apps/api/src/auth/security-journal.js';
import { CLOCK, CODEC, EVENT_STORE, READ_STORE, SUBJECT_KEYS } from '../apps/api/src/infrastructure/tokens.js';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Connection, type Json } from './support/suivi-client.js';

const CONSENT_FIELDS = 'purpose channel decision expressedAt method evidence { formId ipAddress textShown documentRef } recordedAt recordedBy { id }';
const RECORD_CONTACT = `mutation($input: RecordContactConsentInput!) {
  recordContactConsent(input: $input) { position consent { ${CONSENT_FIELDS} } consents { purpose channel decision expressedAt } }
}`;
const RECORD_THIRD_PARTY = `mutation($input: RecordThirdPartyConsentInput!) {
  recordThirdPartyConsent(input: $input) { position consent { ${CONSENT_FIELDS} } consents { purpose channel decision expressedAt } }
}`;
const CONTACT_CONSENTS = `query($id: ID!, $first: Int, $after: String) {
  contact(id: $id) {
    consents { ${CONSENT_FIELDS} }
    consentHistory(first: $first, after: $after) { totalCount edges { cursor node { decision expressedAt } } pageInfo { hasNextPage endCursor } }
  }
}`;
const THIRD_PARTY_CONSENTS = `query($id: ID!) { thirdParty(id: $id) { consents { purpose channel decision } consentHistory(first: 5) { totalCount } } }`;
const DIRECTORY = `query($filter: ThirdPartyFilter) { thirdParties(first: 20, filter: $filter) { edges { node { name } } } }`;

type Recorded = { position: string; consent: Json; consents: ConsentStanding[] };

/**
 * Consent over HTTP: decisions recorded on contacts and on third parties that
 * are persons, read back in force and in history, found through the
 * directory; refused without the subject's update permission, out of scope
 * (as an unknown id) and once the subject is forgotten.
 */
describe.each(e2eBackends())('consent (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let marie: string; // a third party that is a person, territory Nord
  let pierre: string; // another, territory Nord
  let company: string; // territory Sud
  let paul: string; // a contact of the company
  let anne: string; // another contact of the company

  /** Streams written since `head`, but for the security journal's (which records the refusals themselves). */
  const writtenSince = async (head: bigint | null): Promise<string[]> => {
    const { events } = await suivi.app.get<EventStore>(EVENT_STORE).readAll({ after: head, maxCount: 1000 });
    return events.map((event) => event.streamName).filter((stream) => categoryOf(stream) !== 'security');
  };

  const record = async (query: string, input: Json, client: SuiviClient = admin) => {
    const { data, errors } = await client.query<Record<string, Recorded>>(query, { input });
    const payload = data ? Object.values(data)[0] : undefined;
    if (payload && BigInt(payload.position) > BigInt(client.lastPosition)) client.lastPosition = payload.position;
    return { payload, errors };
  };
  const decision = (over: Json = {}): Json => ({
    purpose: 'MARKETING_EMAIL',
    channel: 'EMAIL',
    decision: 'GIVEN',
    at: '2026-01-10T09:00:00+01:00',
    method: 'FORM',
    evidence: { formId: 'newsletter-2026', ipAddress: '203.0.113.7', textShown: 'Yes, send me your offers.' },
    ...over,
  });
  const clientWith = async (login: string, groupCodes: string[], scope?: Json): Promise<SuiviClient> => {
    const created = await admin.read<{ createUser: { user: { id: string } } }>(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
      { input: { login, groupCodes } },
    );
    const userId = created.createUser.user.id;
    if (scope) await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', { input: { userId, ...scope } });
    const issued = await admin.read<{ issueApiToken: { token: string } }>(
      'mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }',
      { input: { userId } },
    );
    const client = new SuiviClient(suivi.as(issued.issueApiToken.token));
    client.lastPosition = admin.lastPosition;
    return client;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    marie = (await admin.must('registerThirdParty', { name: 'Marie Curie', kind: 'INDIVIDUAL', roles: ['PROSPECT'], territory: 'Nord' })).thirdParty.id;
    pierre = (await admin.must('registerThirdParty', { name: 'Pierre Curie', kind: 'INDIVIDUAL', roles: ['CUSTOMER'], territory: 'Nord' })).thirdParty.id;
    company = (await admin.must('registerThirdParty', { name: 'Radium SARL', kind: 'COMPANY', roles: ['CUSTOMER'], territory: 'Sud' })).thirdParty.id;
    paul = (await admin.must('addContact', { thirdPartyId: company, firstName: 'Paul', lastName: 'Langevin' })).contact.id;
    anne = (await admin.must('addContact', { thirdPartyId: company, firstName: 'Anne', lastName: 'Sud' })).contact.id;
  });
  afterAll(async () => {
    await suivi?.stop();
  });

  it('records a contact’s decision with its evidence, and answers it with the decisions in force', async () => {
    const { payload, errors } = await record(RECORD_CONTACT, { contactId: paul, ...decision() });
    expect(errors).toBeUndefined();
    expect(payload?.consent).toEqual({
      purpose: 'MARKETING_EMAIL',
      channel: 'EMAIL',
      decision: 'GIVEN',
      expressedAt: '2026-01-10T08:00:00.000Z',
      method: 'FORM',
      evidence: { formId: 'newsletter-2026', ipAddress: '203.0.113.7', textShown: 'Yes, send me your offers.', documentRef: null },
      recordedAt: expect.any(String),
      recordedBy: { id: expect.any(String) },
    });
    expect(payload?.consents).toEqual([{ purpose: 'MARKETING_EMAIL', channel: 'EMAIL', decision: 'GIVEN', expressedAt: '2026-01-10T08:00:00.000Z' }]);
  });

  it('records nothing when the same decision at the same instant is sent again', async () => {
    const head = await suivi.headPosition();
    const { payload, errors } = await record(RECORD_CONTACT, { contactId: paul, ...decision({ at: '2026-01-10T08:00:00Z' }) });
    expect(errors).toBeUndefined();
    expect(payload?.consent).toMatchObject({ decision: 'GIVEN', expressedAt: '2026-01-10T08:00:00.000Z' });
    expect(await suivi.headPosition()).toBe(head);
  });

  it('keeps the decision expressed last in force, and every decision in the history', async () => {
    await record(RECORD_CONTACT, { contactId: paul, ...decision({ decision: 'WITHDRAWN', at: '2026-02-01T10:00:00Z', method: 'EMAIL', evidence: { documentRef: 'mail-0042' } }) });
    // Signed on paper before the withdrawal, entered after it: the withdrawal stays in force.
    await record(RECORD_CONTACT, { contactId: paul, ...decision({ at: '2026-01-20T10:00:00Z', method: 'PAPER', evidence: null }) });
    const first = await admin.read<{ contact: { consents: Json[]; consentHistory: Connection } }>(CONTACT_CONSENTS, { id: paul, first: 2 });
    expect(first.contact.consents).toMatchObject([{ purpose: 'MARKETING_EMAIL', channel: 'EMAIL', decision: 'WITHDRAWN', evidence: { documentRef: 'mail-0042' } }]);
    const history = first.contact.consentHistory;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((edge) => edge.node['decision'])).toEqual(['GIVEN', 'WITHDRAWN']);
    expect(history.pageInfo.hasNextPage).toBe(true);
    const rest = await admin.read<{ contact: { consentHistory: Connection } }>(CONTACT_CONSENTS, { id: paul, first: 2, after: history.pageInfo.endCursor });
    expect(rest.contact.consentHistory.edges.map((edge) => edge.node['expressedAt'])).toEqual(['2026-01-10T08:00:00.000Z']);
    expect(rest.contact.consentHistory.pageInfo.hasNextPage).toBe(false);
  });

  it('lets no follow-up e-mail go to a contact who objected to follow-ups, and still to one who did not', async () => {
    await record(RECORD_CONTACT, { contactId: paul, ...decision({ purpose: 'FOLLOW_UP_EMAIL', channel: 'ANY', decision: 'OBJECTED', method: 'PHONE', evidence: null }) });
    const consentsOf = async (id: string) =>
      (await admin.read<{ contact: { consents: ConsentStanding[] } }>('query($id: ID!) { contact(id: $id) { consents { purpose channel decision expressedAt } } }', { id }))
        .contact.consents;
    expect(mayContact(await consentsOf(paul), 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(false);
    expect(mayContact(await consentsOf(anne), 'FOLLOW_UP_EMAIL', 'EMAIL')).toBe(true);
    // Marketing is opt-in: Anne never consented.
    expect(mayContact(await consentsOf(anne), 'MARKETING_EMAIL', 'EMAIL')).toBe(false);
  });

  it('records on a third party that is a person, and finds it through the directory', async () => {
    expect((await record(RECORD_THIRD_PARTY, { thirdPartyId: marie, ...decision() })).errors).toBeUndefined();
    expect((await record(RECORD_THIRD_PARTY, { thirdPartyId: pierre, ...decision({ decision: 'OBJECTED', channel: 'ANY' }) })).errors).toBeUndefined();
    const read = await admin.read<{ thirdParty: Json }>(THIRD_PARTY_CONSENTS, { id: marie });
    expect(read.thirdParty).toEqual({ consents: [{ purpose: 'MARKETING_EMAIL', channel: 'EMAIL', decision: 'GIVEN' }], consentHistory: { totalCount: 1 } });
    const names = async (consent: Json) =>
      (await admin.read<{ thirdParties: Connection }>(DIRECTORY, { filter: { consent } })).thirdParties.edges.map((edge) => edge.node['name']);
    expect(await names({ purpose: 'MARKETING_EMAIL', decision: 'GIVEN' })).toEqual(['Marie Curie']);
    expect(await names({ purpose: 'MARKETING_EMAIL', decision: 'OBJECTED' })).toEqual(['Pierre Curie']);
    expect(await names({ purpose: 'MARKETING_EMAIL', decision: 'OBJECTED', channel: 'EMAIL' })).toEqual([]);
    // Paul withdrew, but Paul is a contact: the company has no decision of its own.
    expect(await names({ purpose: 'MARKETING_EMAIL', decision: 'WITHDRAWN' })).toEqual([]);
  });

  it('refuses a company: consent is a person’s', async () => {
    const { errors } = await record(RECORD_THIRD_PARTY, { thirdPartyId: company, ...decision() });
    expect(errors?.[0]).toMatchObject({ message: expect.stringContaining('is a company'), extensions: { code: 'CONFLICT' } });
  });

  it.each([
    ['an instant in the future', { at: '2099-01-01T00:00:00Z' }, 'input.at'],
    ['an instant without offset', { at: '2026-01-10T09:00:00' }, 'input.at'],
    ['an IP address that is none', { evidence: { ipAddress: 'localhost' } }, 'input.evidence.ipAddress'],
    ['an unknown purpose', { purpose: 'SPAM' }, 'input.purpose'],
  ])('refuses %s, naming the field', async (_label, over, field) => {
    const head = await suivi.headPosition();
    const { errors } = await record(RECORD_CONTACT, { contactId: paul, ...decision(over) });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await suivi.headPosition()).toBe(head);
  });

  it('answers an unknown subject NOT_FOUND', async () => {
    const { errors } = await record(RECORD_CONTACT, { contactId: randomUUID(), ...decision() });
    expect(errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('needs the update permission of the subject’s module', async () => {
    // Accounting updates third parties but only reads contacts; support the other way round.
    const accounting = await clientWith('consent-accounting', ['accounting']);
    const support = await clientWith('consent-support', ['support']);
    const head = await suivi.headPosition();
    const refusedContact = await record(RECORD_CONTACT, { contactId: paul, ...decision({ at: '2026-03-01T00:00:00Z' }) }, accounting);
    expect(refusedContact.errors?.[0]).toMatchObject({ message: expect.stringContaining('contacts.update'), extensions: { code: 'FORBIDDEN' } });
    const refusedThirdParty = await record(RECORD_THIRD_PARTY, { thirdPartyId: marie, ...decision({ at: '2026-03-01T00:00:00Z' }) }, support);
    expect(refusedThirdParty.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await writtenSince(head)).toEqual([]);
    expect((await record(RECORD_THIRD_PARTY, { thirdPartyId: marie, ...decision({ channel: 'POST', method: 'PAPER' }) }, accounting)).errors).toBeUndefined();
    expect((await record(RECORD_CONTACT, { contactId: paul, ...decision({ channel: 'SMS', purpose: 'MARKETING_SMS' }) }, support)).errors).toBeUndefined();
  });

  it('answers a subject out of scope exactly as an unknown id, and writes nothing', async () => {
    const nina = await clientWith('consent-nina', ['sales'], { territories: ['Nord'], ownedOnly: false });
    const denials: Denial[] = [];
    const journal = suivi.app.get(SecurityJournal);
    const spy = jest.spyOn(journal, 'record').mockImplementation((denial: Denial) => void denials.push(denial));
    const head = await suivi.headPosition();
    const out = await record(RECORD_CONTACT, { contactId: paul, ...decision({ at: '2026-03-02T00:00:00Z' }) }, nina);
    const unknownId = randomUUID();
    const none = await record(RECORD_CONTACT, { contactId: unknownId, ...decision({ at: '2026-03-02T00:00:00Z' }) }, nina);
    expect(out.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(JSON.parse(JSON.stringify(out).replaceAll(paul, '<id>'))).toEqual(JSON.parse(JSON.stringify(none).replaceAll(unknownId, '<id>')));
    expect(await writtenSince(head)).toEqual([]);
    spy.mockRestore();
    // Only administrators learn of the attempt, under the mutation's name.
    expect(denials.map((denial) => `${denial.reason} ${denial.operation}`)).toEqual(['outOfScope Mutation.recordContactConsent']);
    // In scope, the same user records; the directory filter keeps to the scope.
    expect((await record(RECORD_THIRD_PARTY, { thirdPartyId: pierre, ...decision({ purpose: 'NEWSLETTER', at: '2026-03-02T00:00:00Z' }) }, nina)).errors).toBeUndefined();
    const seen = await nina.read<{ thirdParties: Connection }>(DIRECTORY, { filter: { consent: { purpose: 'MARKETING_EMAIL', decision: 'GIVEN' } } });
    expect(seen.thirdParties.edges.map((edge) => edge.node['name'])).toEqual(['Marie Curie']);
  });

  it('refuses a decision about a forgotten person, and forgets their decisions', async () => {
    const zoe = (await admin.must('addContact', { thirdPartyId: company, firstName: 'Zoé', lastName: 'Oubli' })).contact.id;
    expect((await record(RECORD_CONTACT, { contactId: zoe, ...decision() })).errors).toBeUndefined();
    const consents = await ConsentQueries.open(suivi.app.get<ReadStore>(READ_STORE));
    await admin.read('query($id: ID!) { contact(id: $id) { id } }', { id: zoe });
    expect(await consents.current('contact', zoe)).toMatchObject([{ decision: 'GIVEN' }]);
    const erasure = new DataSubjectErasure({
      store: suivi.app.get<EventStore>(EVENT_STORE),
      codec: suivi.app.get<EventCodec>(CODEC),
      keys: suivi.app.get<SubjectKeyStore>(SUBJECT_KEYS),
      clock: suivi.app.get<{ now(): Date }>(CLOCK),
    });
    const now = new Date();
    const certificate = await erasure.forget(
      { subject: { kind: 'contact', id: zoe }, reason: 'SUBJECT_REQUEST', reference: 'TICKET-19' },
      { actorId: 'dpo', now, commandId: randomUUID(), correlationId: randomUUID(), causationId: null, source: 'system' },
    );
    admin.lastPosition = certificate.position;
    const head = await suivi.headPosition();
    const { errors } = await record(RECORD_CONTACT, { contactId: zoe, ...decision({ decision: 'WITHDRAWN', at: now.toISOString() }) });
    expect(errors?.[0]).toMatchObject({ message: expect.stringContaining(`contact ${zoe} has been forgotten`), extensions: { code: 'CONFLICT' } });
    expect(await writtenSince(head)).toEqual([]);
    // The read model (awaited through the position the erasure returned) keeps nothing of them.
    await admin.read('query($id: ID!) { contact(id: $id) { id } }', { id: zoe });
    expect(await consents.of('contact', zoe)).toBeNull();
  });
});
