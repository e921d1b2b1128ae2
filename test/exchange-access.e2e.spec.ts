import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Json } from './support/suivi-client.js';

/**
 * What each kind of user finds of exchanges, their confidential comments and
 * the timelines, through every read path: a scoped user never learns that a
 * third party out of their scope exists, a confidential comment reaches only
 * its author and its group, and without exchanges.seeAll a user sees only the
 * exchanges they take part in. Two third parties, two exchanges: kept tiny for
 * the MongoDB variant.
 */

const SECRET_A = 'Ready to sign if we match the Lyon price';
const SECRET_B = 'Their CFO is leaving in June';

const EXCHANGE = `id thirdPartyId contactIds comment hasConfidentialComment confidentialGroupId confidentialComment
  thirdParty { id name } contacts { id displayName }`;
const CONNECTION = `totalCount edges { cursor node { ${EXCHANGE} } } pageInfo { hasNextPage endCursor }`;
const ENTRIES = `totalCount edges { cursor node { id kind summary thirdPartyId contactIds exchangeId noteId
  changes { field from to } confidentialComment } } pageInfo { hasNextPage endCursor }`;

const Q = {
  exchange: `query($id: ID!) { exchange(id: $id) { ${EXCHANGE} } }`,
  exchanges: `query($filter: ExchangeFilter) { exchanges(first: 50, filter: $filter) { ${CONNECTION} } }`,
  latest: `{ latestExchanges(first: 50) { ${CONNECTION} } }`,
  upcoming: `{ upcomingContacts(first: 50) { ${CONNECTION} } }`,
  timeline: `query($thirdPartyId: ID, $contactId: ID, $filter: TimelineFilter) {
    timeline(thirdPartyId: $thirdPartyId, contactId: $contactId, first: 50, filter: $filter) { ${ENTRIES} } }`,
  thirdPartyTimeline: `query($id: ID!) { thirdParty(id: $id) { timeline(first: 50) { ${ENTRIES} } } }`,
  contactTimeline: `query($id: ID!) { contact(id: $id) { timeline(first: 50) { ${ENTRIES} } } }`,
};

type Connection = { totalCount: number; edges: { node: Json }[] };

describe.each(e2eBackends())('who sees which exchanges, confidential comments and timelines (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let boardGroupId: string;
  // Third parties in territories A and B, a contact each, an exchange each.
  let tpA: string;
  let tpB: string;
  let contactA: string;
  let contactB: string;
  let exchangeA: string;
  let exchangeB: string;
  const users: Record<'outsider' | 'member' | 'scoped' | 'ownOnly', { id: string; client: SuiviClient }> = {} as never;
  const unknown = { thirdParty: randomUUID(), contact: randomUUID(), exchange: randomUUID() };

  const adminMutation = async (name: string, input: Json, selection: string): Promise<Json> => {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const { body } = await suivi.graphql<Record<string, Json>>(`mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} } }`, { input });
    const payload = body.data?.[name];
    if (!payload) throw new Error(`${name} failed: ${JSON.stringify(body.errors)}`);
    if (typeof payload['position'] === 'string' && BigInt(payload['position']) > BigInt(admin.lastPosition)) admin.lastPosition = payload['position'];
    return payload;
  };

  const userNamed = async (login: string, groupCodes: string[]): Promise<{ id: string; client: SuiviClient }> => {
    const created = await adminMutation('createUser', { login, groupCodes }, 'position user { id }');
    const id = (created['user'] as Json)['id'] as string;
    return { id, client: new SuiviClient(suivi) };
  };

  const tokenFor = async (user: { id: string; client: SuiviClient }): Promise<void> => {
    const issued = await adminMutation('issueApiToken', { userId: user.id }, 'token');
    user.client = new SuiviClient(suivi.as(issued['token'] as string));
  };

  /** Everything a user reads, by every path and filter, keyed by what was asked. */
  const sweep = async (client: SuiviClient): Promise<Record<string, unknown>> => {
    client.lastPosition = admin.lastPosition;
    const read = async (query: string, variables: Json = {}): Promise<unknown> => {
      const { data, errors } = await client.query(query, variables);
      if (errors?.length) throw new Error(`${query} failed: ${JSON.stringify(errors)}`);
      return data;
    };
    const filters: Record<string, Json> = {
      none: {},
      thirdPartyA: { thirdPartyId: tpA },
      thirdPartyB: { thirdPartyId: tpB },
      unknownThirdParty: { thirdPartyId: unknown.thirdParty },
      contactA: { contactId: contactA },
      contactB: { contactId: contactB },
      unknownContact: { contactId: unknown.contact },
      deletedIncluded: { includeDeleted: true },
      toDo: { status: 'TO_DO' },
      mode: { mode: 'phone' },
      subject: { subject: 'quote' },
      collaborator: { collaboratorId: users.ownOnly.id },
      linkedRef: { linkedDocumentRef: 'REF-B' },
      linkedType: { linkedDocumentType: 'QUOTE' },
      dates: { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    };
    const seen: Record<string, unknown> = {
      exchangeA: await read(Q.exchange, { id: exchangeA }),
      exchangeB: await read(Q.exchange, { id: exchangeB }),
      unknownExchange: await read(Q.exchange, { id: unknown.exchange }),
      latest: await read(Q.latest),
      upcoming: await read(Q.upcoming),
      timelineA: await read(Q.timeline, { thirdPartyId: tpA }),
      timelineB: await read(Q.timeline, { thirdPartyId: tpB }),
      unknownTimeline: await read(Q.timeline, { thirdPartyId: unknown.thirdParty }),
      timelineOfContactA: await read(Q.timeline, { contactId: contactA }),
      timelineOfContactB: await read(Q.timeline, { contactId: contactB }),
      unknownContactTimeline: await read(Q.timeline, { contactId: unknown.contact }),
      exchangeEntriesB: await read(Q.timeline, { thirdPartyId: tpB, filter: { kinds: ['EXCHANGE_LOGGED', 'EXCHANGE_UPDATED'] } }),
      noteEntriesB: await read(Q.timeline, { thirdPartyId: tpB, filter: { kinds: ['NOTE_ADDED'] } }),
      thirdPartyTimelineA: await read(Q.thirdPartyTimeline, { id: tpA }),
      thirdPartyTimelineB: await read(Q.thirdPartyTimeline, { id: tpB }),
      contactTimelineA: await read(Q.contactTimeline, { id: contactA }),
      contactTimelineB: await read(Q.contactTimeline, { id: contactB }),
    };
    for (const [name, filter] of Object.entries(filters)) seen[`exchanges ${name}`] = await read(Q.exchanges, { filter });
    return seen;
  };

  const text = (value: unknown): string => JSON.stringify(value);
  const exchangesOf = (seen: Record<string, unknown>, key: string): Connection => (seen[key] as { exchanges: Connection }).exchanges;
  const timelineOf = (seen: Record<string, unknown>, key: string): Connection => (seen[key] as { timeline: Connection }).timeline;
  const idsOf = (connection: Connection): string[] => connection.edges.map((edge) => edge.node['id'] as string);
  const kindsOf = (connection: Connection): string[] => connection.edges.map((edge) => edge.node['kind'] as string);

  beforeAll(async () => {
    suivi = await SuiviApp.start({ ...(mongodbUrl ? { mongodbUrl } : {}) });
    admin = new SuiviClient(suivi);
    const everything = ['thirdParties.read', 'contacts.read', 'exchanges.read', 'notes.read'];
    await adminMutation('createGroup', { code: 'readers', name: 'Readers', permissions: [...everything, 'exchanges.seeAll'] }, 'position');
    // No exchanges.seeAll, no notes.read.
    await adminMutation(
      'createGroup',
      { code: 'own-only', name: 'Own exchanges', permissions: ['thirdParties.read', 'contacts.read', 'exchanges.read', 'exchanges.update', 'exchanges.delete'] },
      'position',
    );
    const board = await adminMutation('createGroup', { code: 'board', name: 'Board', permissions: [] }, 'position group { id }');
    boardGroupId = (board['group'] as Json)['id'] as string;
    users.outsider = await userNamed('outsider', ['readers']);
    users.member = await userNamed('member', ['readers', 'board']);
    users.scoped = await userNamed('scoped', ['readers', 'board']);
    users.ownOnly = await userNamed('own-only', ['own-only']);
    await adminMutation('setUserScope', { userId: users.scoped.id, territories: ['A'], ownedOnly: false }, 'position');
    for (const user of Object.values(users)) await tokenFor(user);

    const register = async (name: string, territory: string) =>
      (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['CUSTOMER'], territory })).thirdParty.id;
    tpA = await register('Fromagerie Alpes', 'A');
    tpB = await register('Brasserie Bretonne', 'B');
    contactA = (await admin.must('addContact', { thirdPartyId: tpA, firstName: 'Anna', lastName: 'Alpes' })).contact.id;
    contactB = (await admin.must('addContact', { thirdPartyId: tpB, firstName: 'Bastien', lastName: 'Breton' })).contact.id;
    const log = async (thirdPartyId: string, contactId: string, secret: string, extra: Json) =>
      (
        await admin.must('logExchange', {
          thirdPartyId,
          contactIds: [contactId],
          occurredAt: '2025-06-02T09:00:00Z',
          mode: 'phone',
          subject: 'quote',
          status: 'TO_DO',
          comment: 'Called about the quote',
          confidentialComment: secret,
          confidentialGroupId: boardGroupId,
          linkedDocument: { type: 'QUOTE', ref: thirdPartyId === tpA ? 'REF-A' : 'REF-B' },
          ...extra,
        })
      ).exchange.id;
    exchangeA = await log(tpA, contactA, SECRET_A, { collaboratorIds: [users.ownOnly.id] });
    exchangeB = await log(tpB, contactB, SECRET_B, {});
    await admin.must('updateExchange', { exchangeId: exchangeB, confidentialComment: `${SECRET_B} (confirmed)`, expectedVersion: '0' });
    await admin.must('addNote', { thirdPartyId: tpB, contactId: contactB, text: 'Prefers email' });
  }, 60_000);

  afterAll(async () => {
    await suivi.stop();
  });

  it('shows the author everything, confidential comments included', async () => {
    const seen = await sweep(admin);
    expect((seen['exchangeB'] as { exchange: Json }).exchange).toMatchObject({ id: exchangeB, confidentialComment: `${SECRET_B} (confirmed)` });
    expect(exchangesOf(seen, 'exchanges none').totalCount).toBe(2);
    expect(idsOf(exchangesOf(seen, 'exchanges contactB'))).toEqual([exchangeB]);
    const entriesB = timelineOf(seen, 'exchangeEntriesB');
    expect(entriesB.edges.map((edge) => edge.node['confidentialComment'])).toEqual([`${SECRET_B} (confirmed)`, `${SECRET_B} (confirmed)`]);
    expect(kindsOf(timelineOf(seen, 'noteEntriesB'))).toEqual(['NOTE_ADDED']);
  });

  it('shows a user outside the group every exchange (exchanges.seeAll) but no confidential text, by any path', async () => {
    const seen = await sweep(users.outsider.client);
    expect(exchangesOf(seen, 'exchanges none').totalCount).toBe(2);
    expect((seen['exchangeB'] as { exchange: Json }).exchange).toMatchObject({
      id: exchangeB,
      hasConfidentialComment: true,
      confidentialGroupId: boardGroupId,
      confidentialComment: null,
    });
    expect(timelineOf(seen, 'exchangeEntriesB').totalCount).toBe(2);
    expect(text(seen)).not.toContain(SECRET_A);
    expect(text(seen)).not.toContain(SECRET_B);
  });

  it('gives the members of the group the confidential text, on the exchange, in lists and on the timelines', async () => {
    const seen = await sweep(users.member.client);
    expect((seen['exchangeA'] as { exchange: Json }).exchange).toMatchObject({ confidentialComment: SECRET_A });
    for (const key of ['latest', 'upcoming']) {
      const connection = Object.values(seen[key] as Record<string, Connection>)[0]!;
      expect(connection.edges.map((edge) => edge.node['confidentialComment']).sort()).toEqual([SECRET_A, `${SECRET_B} (confirmed)`]);
    }
    expect(timelineOf(seen, 'timelineOfContactA').edges.find((edge) => edge.node['kind'] === 'EXCHANGE_LOGGED')?.node).toMatchObject({
      exchangeId: exchangeA,
      confidentialComment: SECRET_A,
    });
  });

  it('shows a scoped user nothing of a third party out of scope: answered exactly as an unknown id', async () => {
    const seen = await sweep(users.scoped.client);
    const everything = text(seen);
    for (const hidden of [tpB, contactB, exchangeB, SECRET_B, 'Brasserie Bretonne', 'Bastien', 'REF-B']) expect(everything).not.toContain(hidden);

    expect(seen['exchangeB']).toEqual({ exchange: null });
    expect(seen['exchangeB']).toEqual(seen['unknownExchange']);
    expect(seen['timelineB']).toEqual(seen['unknownTimeline']);
    expect(seen['timelineOfContactB']).toEqual(seen['unknownContactTimeline']);
    expect(seen['exchanges thirdPartyB']).toEqual(seen['exchanges unknownThirdParty']);
    expect(seen['exchanges contactB']).toEqual(seen['exchanges unknownContact']);
    expect(timelineOf(seen, 'timelineB')).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(timelineOf(seen, 'noteEntriesB').totalCount).toBe(0);

    // What is in scope, they see whole: counts without the rest, and the confidential text of their group.
    for (const name of ['none', 'deletedIncluded', 'toDo', 'mode', 'subject', 'linkedType', 'dates', 'thirdPartyA', 'contactA']) {
      expect({ name, ids: idsOf(exchangesOf(seen, `exchanges ${name}`)), total: exchangesOf(seen, `exchanges ${name}`).totalCount }).toEqual({
        name,
        ids: [exchangeA],
        total: 1,
      });
    }
    expect(exchangesOf(seen, 'exchanges linkedRef').totalCount).toBe(0);
    expect(Object.values(seen['latest'] as Record<string, Connection>)[0]!.totalCount).toBe(1);
    expect(Object.values(seen['upcoming'] as Record<string, Connection>)[0]!.totalCount).toBe(1);
    expect((seen['exchangeA'] as { exchange: Json }).exchange).toMatchObject({ confidentialComment: SECRET_A, thirdParty: { id: tpA } });
    expect(timelineOf(seen, 'timelineA').totalCount).toBeGreaterThan(0);
  });

  it('records, for administrators, the out-of-scope ids a scoped user named, and not the unknown ones', async () => {
    const mine = new Set(['Query.exchange', 'Query.exchanges', 'Query.timeline']);
    // exchange(B); exchanges by B and by B's contact; B's timeline three times (with kinds filters) and its contact's.
    const expected = ['Query.exchange', ...Array<string>(2).fill('Query.exchanges'), ...Array<string>(4).fill('Query.timeline')];
    let operations: string[] = [];
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const { auditJournal } = await admin.read<{ auditJournal: { edges: { node: { changes: { field: string; to: string }[] } }[] } }>(
        `query($filter: AuditJournalFilter) { auditJournal(first: 100, filter: $filter) { edges { node { changes { field to } } } } }`,
        { filter: { action: 'AccessDenied' } },
      );
      const denials = auditJournal.edges.map((edge) => Object.fromEntries(edge.node.changes.map((change) => [change.field, JSON.parse(change.to) as string])));
      operations = denials
        .filter((denial) => denial['reason'] === 'outOfScope' && denial['login'] === 'scoped' && mine.has(denial['operation']!))
        .map((denial) => denial['operation']!)
        .sort();
      if (operations.length >= expected.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(operations).toEqual(expected);
  });

  it('without exchanges.seeAll, shows only the exchanges the user takes part in, and no entry of a module they may not read', async () => {
    const seen = await sweep(users.ownOnly.client);
    expect(idsOf(exchangesOf(seen, 'exchanges none'))).toEqual([exchangeA]);
    expect(exchangesOf(seen, 'exchanges none').totalCount).toBe(1);
    expect(exchangesOf(seen, 'exchanges thirdPartyB').totalCount).toBe(0);
    expect(seen['exchangeB']).toEqual({ exchange: null });
    // A collaborator, not the author nor in the group: the exchange, without its confidential text.
    expect((seen['exchangeA'] as { exchange: Json }).exchange).toMatchObject({ id: exchangeA, confidentialComment: null });
    expect(text(seen)).not.toContain(exchangeB);
    expect(text(seen)).not.toContain(SECRET_A);
    expect(text(seen)).not.toContain(SECRET_B);
    // Third party B is theirs to see, but not its exchange, nor the note (no notes.read).
    expect(kindsOf(timelineOf(seen, 'timelineB'))).toEqual(['CONTACT_ADDED', 'THIRD_PARTY_REGISTERED']);
    expect(timelineOf(seen, 'timelineB').totalCount).toBe(2);
    expect(timelineOf(seen, 'exchangeEntriesB').totalCount).toBe(0);
    expect(timelineOf(seen, 'noteEntriesB').totalCount).toBe(0);
    // The exchange is dated June 2025, before the contact was entered: the timeline follows the dates.
    expect(kindsOf(timelineOf(seen, 'timelineOfContactA'))).toEqual(['CONTACT_ADDED', 'EXCHANGE_LOGGED']);
  });

  it('without exchanges.seeAll, lets a user change only the exchanges they take part in: the others are answered as unknown ids', async () => {
    const as = users.ownOnly.client;
    const unknown = randomUUID();
    const attempts: [string, (id: string) => Json][] = [
      ['updateExchange', (exchangeId) => ({ exchangeId, comment: 'Taken over' })],
      ['changeExchangeStatus', (exchangeId) => ({ exchangeId, status: 'CLOSED' })],
      ['deleteExchange', (exchangeId) => ({ exchangeId, reason: 'not mine' })],
    ];
    for (const [name, input] of attempts) {
      const hidden = await as.mutate(name as 'updateExchange', input(exchangeB));
      const missing = await as.mutate(name as 'updateExchange', input(unknown));
      expect(hidden.errors).toBeDefined();
      expect(JSON.stringify(hidden.errors).replaceAll(exchangeB, '<id>')).toBe(JSON.stringify(missing.errors).replaceAll(unknown, '<id>'));
    }
    const { exchange } = await admin.read<{ exchange: Json }>('query($id: ID!) { exchange(id: $id) { comment status deleted } }', { id: exchangeB });
    expect(exchange).toMatchObject({ comment: 'Called about the quote', status: 'TO_DO', deleted: false });
    // A collaborator on exchange A may work on it.
    const moved = await as.mutate('changeExchangeStatus', { exchangeId: exchangeA, status: 'IN_PROGRESS' });
    expect(moved.errors).toBeUndefined();
  });
});
