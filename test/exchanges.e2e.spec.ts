import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import { EXCHANGE_FIELDS, SuiviClient, TIMELINE_FIELDS, type Connection, type Json } from './support/suivi-client.js';

const LIST = `query($first: Int, $after: String, $filter: ExchangeFilter) {
  exchanges(first: $first, after: $after, filter: $filter) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;
const LATEST = `query($first: Int, $after: String) {
  latestExchanges(first: $first, after: $after) { totalCount edges { node { id occurredAt } } pageInfo { hasNextPage endCursor } }
}`;
const UPCOMING = `query { upcomingContacts(first: 10) { totalCount edges { node { id status occurredAt thirdParty { name } contacts { displayName } } } } }`;
const EXCHANGE = `query($id: ID!) { exchange(id: $id) { ${EXCHANGE_FIELDS} thirdParty { id name } contacts { id displayName } } }`;
const TIMELINE = `query($thirdPartyId: ID, $contactId: ID) {
  timeline(thirdPartyId: $thirdPartyId, contactId: $contactId, first: 20) { edges { node { ${TIMELINE_FIELDS} } } }
}`;

type Ids = { edges: { node: Json }[] };
const ids = (connection: Ids): string[] => connection.edges.map((e) => e.node['id'] as string);

describe.each(e2eBackends())('exchanges, home page widgets and notes (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  let garage: string;
  let cave: string;
  let anne: string;
  let bruno: string;
  // e1..e4 in the order they are logged; their dates are not in that order.
  const e: string[] = [];

  const list = async (filter: Json, first = 10): Promise<Connection> =>
    (await client.read<{ exchanges: Connection }>(LIST, { first, filter })).exchanges;

  beforeAll(async () => {
    suivi = await SuiviApp.start({ ...(mongodbUrl ? { mongodbUrl } : {}) });
    client = new SuiviClient(suivi);
    const register = async (name: string) =>
      (await client.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['PROSPECT'] }))
        .thirdParty.id;
    garage = await register('Garage Petit');
    cave = await register('Cave Rousseau');
    const add = async (thirdPartyId: string, firstName: string, lastName: string) =>
      (await client.must('addContact', { thirdPartyId, firstName, lastName })).contact.id;
    anne = await add(garage, 'Anne', 'Petit');
    bruno = await add(cave, 'Bruno', 'Rousseau');
    const log = async (input: Json) => (await client.must('logExchange', input)).exchange.id;
    e.push(
      await log({ thirdPartyId: garage, contactIds: [anne], occurredAt: '2025-03-01T09:00:00Z', mode: 'phone', subject: 'prospecting', collaboratorIds: ['bob'] }),
      await log({
        thirdPartyId: garage,
        occurredAt: '2025-03-05T10:00:00Z',
        mode: 'email',
        subject: 'quote',
        status: 'TO_DO',
        linkedDocument: { type: 'QUOTE', ref: 'PR-1' },
      }),
      await log({ thirdPartyId: cave, contactIds: [bruno], occurredAt: '2025-03-03T14:00:00+01:00', mode: 'visit', subject: 'support', status: 'IN_PROGRESS' }),
      await log({ thirdPartyId: cave, contactIds: [bruno], occurredAt: '2025-03-10T08:00:00Z', mode: 'meeting', subject: 'quote', status: 'TO_DO' }),
    );
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('lists the latest exchanges newest first, across pages', async () => {
    const first = (await client.read<{ latestExchanges: Connection & Ids }>(LATEST, { first: 3 })).latestExchanges;
    expect(ids(first)).toEqual([e[3], e[1], e[2]]);
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await client.read<{ latestExchanges: Connection & Ids }>(LATEST, { first: 3, after: first.pageInfo.endCursor }))
      .latestExchanges;
    expect(ids(second)).toEqual([e[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(first.edges[2]!.node['occurredAt']).toBe('2025-03-03T13:00:00.000Z');
  });

  it('lists upcoming contacts (to do, in progress) oldest first, with their third party and contacts', async () => {
    const { upcomingContacts } = await client.read<{ upcomingContacts: Connection & Ids }>(UPCOMING);
    expect(ids(upcomingContacts)).toEqual([e[2], e[1], e[3]]);
    expect(upcomingContacts.edges[0]!.node).toMatchObject({
      status: 'IN_PROGRESS',
      thirdParty: { name: 'Cave Rousseau' },
      contacts: [{ displayName: 'Bruno Rousseau' }],
    });
  });

  it('filters every exchange by what the "all exchanges" screen offers', async () => {
    expect(ids(await list({ thirdPartyId: garage }))).toEqual([e[1], e[0]]);
    expect(ids(await list({ contactId: bruno }))).toEqual([e[3], e[2]]);
    expect(ids(await list({ collaboratorId: 'bob' }))).toEqual([e[0]]);
    expect(ids(await list({ mode: 'visit' }))).toEqual([e[2]]);
    expect(ids(await list({ subject: 'quote' }))).toEqual([e[3], e[1]]);
    expect(ids(await list({ status: 'TO_DO' }))).toEqual([e[3], e[1]]);
    expect(ids(await list({ from: '2025-03-03T00:00:00Z', to: '2025-03-05T10:00:00Z' }))).toEqual([e[2]]);
    expect(ids(await list({ from: '2025-03-03T00:00:00Z', to: '2025-03-05T10:00:00.001Z' }))).toEqual([e[1], e[2]]);
    expect(ids(await list({ linkedDocumentType: 'QUOTE', linkedDocumentRef: 'PR-1' }))).toEqual([e[1]]);
    expect(ids(await list({ thirdPartyId: cave, subject: 'quote', status: 'TO_DO' }))).toEqual([e[3]]);
    const page = await list({}, 2);
    expect(page.totalCount).toBe(4);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('updates an exchange, recording the changes on the timeline', async () => {
    const { exchange } = await client.must('updateExchange', {
      exchangeId: e[0],
      subject: 'quote',
      comment: 'Asked for a quote after all',
      expectedVersion: '0',
    });
    expect(exchange).toMatchObject({ subject: 'quote', comment: 'Asked for a quote after all', version: '1' });

    const read = (await client.read<{ exchange: Json }>(EXCHANGE, { id: e[0] })).exchange;
    expect(read).toMatchObject({ subject: 'quote', version: '1', thirdParty: { id: garage }, contacts: [{ id: anne, displayName: 'Anne Petit' }] });

    const { timeline } = await client.read<{ timeline: Connection }>(TIMELINE, { thirdPartyId: garage });
    const updated = timeline.edges.find((edge) => edge.node['kind'] === 'EXCHANGE_UPDATED')!.node;
    expect(updated['changes']).toEqual(expect.arrayContaining([{ field: 'subject', from: '"prospecting"', to: '"quote"' }]));
  });

  it('moves follow-ups through their statuses and deletes an exchange, keeping it in the history', async () => {
    const { exchange } = await client.must('changeExchangeStatus', { exchangeId: e[2], status: 'CLOSED' });
    expect(exchange['status']).toBe('CLOSED');
    const deleted = await client.must('deleteExchange', { exchangeId: e[1], reason: 'duplicate' });
    expect(deleted.exchange).toMatchObject({ id: e[1], deleted: true });

    const { upcomingContacts } = await client.read<{ upcomingContacts: Ids }>(UPCOMING);
    expect(ids(upcomingContacts)).toEqual([e[3]]);
    const { latestExchanges } = await client.read<{ latestExchanges: Ids }>(LATEST, { first: 10 });
    expect(ids(latestExchanges)).toEqual([e[3], e[2], e[0]]);
    expect(ids(await list({ includeDeleted: true }))).toEqual([e[3], e[1], e[2], e[0]]);
    expect((await client.read<{ exchange: Json }>(EXCHANGE, { id: e[1] })).exchange).toMatchObject({ deleted: true });

    const { timeline } = await client.read<{ timeline: Connection }>(TIMELINE, { thirdPartyId: cave });
    expect(timeline.edges.map((edge) => edge.node['kind'])).toContain('EXCHANGE_STATUS_CHANGED');
    const garageTimeline = (await client.read<{ timeline: Connection }>(TIMELINE, { thirdPartyId: garage })).timeline;
    expect(garageTimeline.edges[0]!.node).toMatchObject({ kind: 'EXCHANGE_DELETED', exchangeId: e[1] });
  });

  it('adds notes to a third party and to a contact; they show on both timelines', async () => {
    const { note } = await client.must('addNote', { thirdPartyId: garage, contactId: anne, text: 'Prefers calls after 5 pm' });
    expect(note).toMatchObject({ thirdPartyId: garage, contactId: anne, text: 'Prefers calls after 5 pm', author: { id: ADMIN_USER_ID } });

    const ofGarage = (await client.read<{ timeline: Connection }>(TIMELINE, { thirdPartyId: garage })).timeline;
    expect(ofGarage.edges[0]!.node).toMatchObject({ kind: 'NOTE_ADDED', noteId: note.id });
    const ofAnne = (await client.read<{ timeline: Connection }>(TIMELINE, { contactId: anne })).timeline;
    // The exchange is dated 1 March 2025, before Anne was entered: the timeline follows the dates.
    expect(ofAnne.edges.map((edge) => edge.node['kind'])).toEqual(['NOTE_ADDED', 'EXCHANGE_UPDATED', 'CONTACT_ADDED', 'EXCHANGE_LOGGED']);

    const { thirdParty } = await client.read<{ thirdParty: Json }>('query($id: ID!) { thirdParty(id: $id) { lastInteractionAt } }', {
      id: garage,
    });
    expect(thirdParty['lastInteractionAt']).toBe(note.addedAt);
  });
});
