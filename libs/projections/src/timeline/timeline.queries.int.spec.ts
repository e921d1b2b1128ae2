import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidCursor } from '#read-store';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { allDocs, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { appendScenario, CONFIDENTIAL_TEXT, ids, type Appended } from '../testing/relationship-fixtures.js';
import { timelineCollection, timelineKinds, timelineProjection, type TimelineEntry } from './timeline.projection.js';
import { TimelineQueries, UNRESTRICTED_TIMELINE, type TimelineAccess, type TimelineListArgs } from './timeline.queries.js';

let stores: Stores;
let appended: Appended;
let queries: TimelineQueries;

beforeAll(async () => {
  stores = openStores();
  appended = await appendScenario(stores);
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [timelineProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(appended.head);
  await runner.stop();
  queries = await TimelineQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

/** Step keys of a page's entries, through their event ids. */
const keysOf = (page: { items: { doc: TimelineEntry }[] }): string[] => {
  const byEventId = new Map([...appended.steps].map(([key, step]) => [step.eventId, key]));
  return page.items.map((item) => byEventId.get(item.doc.id) ?? `unknown ${item.doc.id}`);
};

const boulangerieTimeline = [
  'meetingDeleted',
  'pierreArchived',
  'converted',
  'meetingUpdated',
  'renamed',
  'thirdPartyNote',
  'contactNote',
  'meetingClosed',
  'meetingLogged',
  'pierreAdded',
  'marieAdded',
  'registered',
];

describe('TimelineQueries against the SQLite read store', () => {
  it("lists a third party's timeline newest first, exchanges at their own date, ties by position", async () => {
    const page = await queries.list({ thirdPartyId: ids.boulangerie, first: 100 });
    expect(keysOf(page)).toEqual(boulangerieTimeline);
    expect(page.totalCount).toBe(12);
    expect(page.hasNextPage).toBe(false);
    const atelier = await queries.list({ thirdPartyId: ids.atelier, first: 100 });
    expect(keysOf(atelier)).toEqual(['callLogged', 'atelierRegistered']);
  });

  it('stores the entry as the projection built it', async () => {
    const page = await queries.list({ thirdPartyId: ids.boulangerie, first: 1, filter: { kinds: ['EXCHANGE_STATUS_CHANGED'] } });
    const step = appended.steps.get('meetingClosed')!;
    expect(page.items[0]?.doc).toEqual({
      id: step.eventId,
      thirdPartyId: ids.boulangerie,
      contactIds: [ids.marie, ids.pierre],
      kind: 'EXCHANGE_STATUS_CHANGED',
      occurredAt: '2025-03-03T12:00:00.000Z',
      sortKey: `2025-03-03T12:00:00.000Z|${step.position.toString().padStart(20, '0')}`,
      summary: 'Exchange status: TO_DO → CLOSED',
      actorId: 'alice',
      changes: [{ field: 'status', from: 'TO_DO', to: 'CLOSED' }],
      exchangeId: ids.meeting,
      contactId: null,
      noteId: null,
      documentId: null,
      position: step.position.toString(),
    });
  });

  it("shows on a contact's own timeline what concerns that contact", async () => {
    const marie = await queries.list({ contactId: ids.marie, first: 100 });
    expect(keysOf(marie)).toEqual(['meetingDeleted', 'meetingUpdated', 'contactNote', 'meetingClosed', 'meetingLogged', 'marieAdded']);
    expect(marie.totalCount).toBe(6);
    // Pierre left the exchange in meetingUpdated: the update is on his timeline, the deletion is not.
    const pierre = await queries.list({ contactId: ids.pierre, first: 100 });
    expect(keysOf(pierre)).toEqual(['pierreArchived', 'meetingUpdated', 'meetingClosed', 'meetingLogged', 'pierreAdded']);
    expect((await queries.list({ contactId: 'ct-nobody', first: 10 })).totalCount).toBe(0);
  });

  it('filters by kinds', async () => {
    const page = await queries.list({
      thirdPartyId: ids.boulangerie,
      first: 100,
      filter: { kinds: ['NOTE_ADDED', 'EXCHANGE_LOGGED', 'PROSPECT_CONVERTED'] },
    });
    expect(keysOf(page)).toEqual(['converted', 'thirdPartyNote', 'contactNote', 'meetingLogged']);
    expect(page.totalCount).toBe(4);
    const contactKinds = await queries.list({ contactId: ids.marie, first: 100, filter: { kinds: ['EXCHANGE_UPDATED'] } });
    expect(keysOf(contactKinds)).toEqual(['meetingUpdated']);
  });

  it('treats an empty kinds list as no kind filter', async () => {
    const page = await queries.list({ thirdPartyId: ids.boulangerie, first: 100, filter: { kinds: [] } });
    expect(page.totalCount).toBe(12);
  });

  it('filters by date range, from inclusive and to exclusive, whatever the spelling of the instants', async () => {
    const expected = ['meetingUpdated', 'renamed', 'thirdPartyNote', 'contactNote', 'meetingClosed'];
    const utc = await queries.list({
      thirdPartyId: ids.boulangerie,
      first: 100,
      filter: { from: '2025-03-03T12:00:00.000Z', to: '2025-03-03T13:00:00.000Z' },
    });
    expect(keysOf(utc)).toEqual(expected);
    expect(utc.totalCount).toBe(5);
    const offset = await queries.list({
      thirdPartyId: ids.boulangerie,
      first: 100,
      filter: { from: '2025-03-03T13:00:00+01:00', to: '2025-03-03T14:00:00+01:00' },
    });
    expect(keysOf(offset)).toEqual(expected);
    const onlyFrom = await queries.list({ thirdPartyId: ids.boulangerie, first: 100, filter: { from: '2025-03-03T13:00:00Z' } });
    expect(keysOf(onlyFrom)).toEqual(['meetingDeleted', 'pierreArchived', 'converted']);
    const onlyTo = await queries.list({ thirdPartyId: ids.boulangerie, first: 100, filter: { to: '2025-03-03T09:15:00Z' } });
    expect(keysOf(onlyTo)).toEqual(['marieAdded', 'registered']);
  });

  it('combines contact, kinds and dates', async () => {
    const page = await queries.list({
      contactId: ids.pierre,
      first: 100,
      filter: { kinds: ['EXCHANGE_LOGGED', 'EXCHANGE_STATUS_CHANGED', 'CONTACT_ADDED'], from: '2025-03-03T10:00:00Z' },
    });
    expect(keysOf(page)).toEqual(['meetingClosed', 'meetingLogged']);
    expect(page.totalCount).toBe(2);
  });

  it('pages through a timeline with cursors, totalCount staying the full count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await queries.list({ thirdPartyId: ids.boulangerie, first: 5, after });
      pages += 1;
      expect(page.totalCount).toBe(12);
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...keysOf(page));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(boulangerieTimeline);
  });

  it('pages within a filtered contact timeline', async () => {
    const args: TimelineListArgs = { contactId: ids.marie, first: 2, filter: { from: '2025-03-03T10:00:00Z' } };
    const first = await queries.list(args);
    expect(keysOf(first)).toEqual(['meetingDeleted', 'meetingUpdated']);
    expect(first.totalCount).toBe(5);
    expect(first.hasNextPage).toBe(true);
    const second = await queries.list({ ...args, after: first.endCursor });
    expect(keysOf(second)).toEqual(['contactNote', 'meetingClosed']);
    const third = await queries.list({ ...args, after: second.endCursor });
    expect(keysOf(third)).toEqual(['meetingLogged']);
    expect(third.hasNextPage).toBe(false);
  });

  it('refuses a cursor that is not one of its own', async () => {
    await expect(queries.list({ thirdPartyId: ids.boulangerie, first: 5, after: 'bogus' })).rejects.toThrow(InvalidCursor);
  });

  it('never stores the text of a confidential comment', async () => {
    const docs = await allDocs(await stores.readStore.collection<TimelineEntry>(timelineCollection));
    expect(docs).toHaveLength(14);
    expect(JSON.stringify(docs)).not.toContain(CONFIDENTIAL_TEXT);
    const update = docs.find((doc) => doc.kind === 'EXCHANGE_UPDATED')!;
    expect(update.changes).toContainEqual({ field: 'confidentialComment', from: '[confidential]', to: '[confidential]' });
  });

  it.each([0, 101, 1.5, -1, Number.NaN])('refuses first = %p with a RangeError naming `first`', async (first) => {
    await expect(queries.list({ thirdPartyId: ids.boulangerie, first })).rejects.toThrow(
      /^first must be an integer between 1 and 100/,
    );
  });

  it('accepts the bounds 1 and 100', async () => {
    expect((await queries.list({ thirdPartyId: ids.boulangerie, first: 1 })).items).toHaveLength(1);
    expect((await queries.list({ thirdPartyId: ids.boulangerie, first: 100 })).items).toHaveLength(12);
  });

  it('needs exactly one of thirdPartyId and contactId', async () => {
    await expect(queries.list({ first: 10 })).rejects.toThrow(RangeError);
    await expect(queries.list({ thirdPartyId: ids.boulangerie, contactId: ids.marie, first: 10 })).rejects.toThrow(
      /exactly one of them/,
    );
  });

  it('refuses a malformed date or an unknown kind, naming the argument', async () => {
    await expect(queries.list({ thirdPartyId: ids.boulangerie, first: 10, filter: { from: 'yesterday' } })).rejects.toThrow(
      /^filter\.from must be an ISO-8601 instant/,
    );
    await expect(queries.list({ thirdPartyId: ids.boulangerie, first: 10, filter: { to: '2025-13-45' } })).rejects.toThrow(
      /^filter\.to must be an ISO-8601 instant/,
    );
    await expect(
      queries.list({ thirdPartyId: ids.boulangerie, first: 10, filter: { kinds: ['NOTE_ADDED', 'NOPE' as never] } }),
    ).rejects.toThrow(/^filter\.kinds\[1\] is not a timeline kind/);
  });
  describe('within what a viewer may see', () => {
    const only = (over: Partial<TimelineAccess>): TimelineAccess => ({ ...UNRESTRICTED_TIMELINE, ...over });
    const boulangerie = { thirdPartyId: ids.boulangerie, first: 100 } as const;
    const withoutMeeting = boulangerieTimeline.filter((key) => !key.startsWith('meeting'));

    it('leaves out the kinds the viewer may not read, in the pages and in totalCount', async () => {
      const noExchanges = only({ kinds: timelineKinds.filter((kind) => !kind.startsWith('EXCHANGE_')) });
      const page = await queries.list(boulangerie, noExchanges);
      expect(keysOf(page)).toEqual(withoutMeeting);
      expect(page.totalCount).toBe(8);
      const notes = await queries.list({ ...boulangerie, filter: { kinds: ['NOTE_ADDED', 'EXCHANGE_LOGGED'] } }, only({ kinds: ['EXCHANGE_LOGGED'] }));
      expect(keysOf(notes)).toEqual(['meetingLogged']);
      expect(notes.totalCount).toBe(1);
      const none = await queries.list(boulangerie, only({ kinds: [] }));
      expect(none).toEqual({ items: [], endCursor: null, hasNextPage: false, totalCount: 0 });
      const unreadable = await queries.list({ ...boulangerie, filter: { kinds: ['NOTE_ADDED'] } }, only({ kinds: ['EXCHANGE_LOGGED'] }));
      expect(unreadable.totalCount).toBe(0);
    });

    it('keeps the exchange entries of the exchanges given, and every entry about no exchange', async () => {
      const page = await queries.list(boulangerie, only({ exchangeIds: [] }));
      expect(keysOf(page)).toEqual(withoutMeeting);
      expect(page.totalCount).toBe(8);
      expect((await queries.list(boulangerie, only({ exchangeIds: [ids.meeting] }))).totalCount).toBe(12);
      const marie = await queries.list({ contactId: ids.marie, first: 100 }, only({ exchangeIds: [ids.call] }));
      expect(keysOf(marie)).toEqual(['contactNote', 'marieAdded']);
      const many = [...Array.from({ length: 40_000 }, (_, i) => `x-far-${i}`), ids.meeting];
      expect(keysOf(await queries.list(boulangerie, only({ exchangeIds: many })))).toEqual(boulangerieTimeline);
    });

    it('pages through a restricted timeline without gaps, totalCount staying the restricted count', async () => {
      const access = only({ exchangeIds: [], kinds: timelineKinds.filter((kind) => kind !== 'NOTE_ADDED') });
      const expected = withoutMeeting.filter((key) => !key.endsWith('Note'));
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await queries.list({ ...boulangerie, first: 4, after }, access);
        expect(page.totalCount).toBe(expected.length);
        seen.push(...keysOf(page));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect(seen).toEqual(expected);
    });

    it('answers a third party out of scope with the empty page an unknown one gets', async () => {
      const outOfScope = await queries.list(boulangerie, only({ thirdPartyIds: [] }));
      expect(outOfScope).toEqual({ items: [], endCursor: null, hasNextPage: false, totalCount: 0 });
      expect(await queries.list({ thirdPartyId: 'tp-nobody', first: 100 })).toEqual(outOfScope);
      expect(await queries.list({ contactId: ids.marie, first: 100 }, only({ thirdPartyIds: [ids.atelier] }))).toEqual(outOfScope);
      expect((await queries.list(boulangerie, only({ thirdPartyIds: [ids.boulangerie] }))).totalCount).toBe(12);
    });
  });
});
