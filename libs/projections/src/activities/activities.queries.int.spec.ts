import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ERASED, streams, type ActivityEvent, type ActivityScheduled, type ContactForgotten } from '#domain';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { appendEvents, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { activitiesProjection, evolveActivities, type ActivityEntry } from './activities.projection.js';
import { ActivityQueries, UNRESTRICTED_ACTIVITIES as EVERYONE, type ActivityListFilter } from './activities.queries.js';

let stores: Stores;
let queries: ActivityQueries;

const scheduled = (id: string, data: Partial<ActivityScheduled['data']> = {}): ActivityScheduled => ({
  type: 'ActivityScheduled',
  data: {
    activityId: id,
    thirdPartyId: 'tp-1',
    contactIds: [],
    kind: 'TASK',
    title: `Task ${id}`,
    description: null,
    assigneeId: 'user-1',
    dueAt: '2025-03-01T09:00:00.000Z',
    startAt: null,
    endAt: null,
    reminders: [],
    scheduledBy: 'user-1',
    ...data,
  },
});

const meeting = { kind: 'MEETING', dueAt: null, startAt: '2025-03-02T09:00:00.000Z', endAt: '2025-03-02T10:00:00.000Z' } as const;

// a-1 task due 03-01 (done), a-2 meeting 03-02 for user-2 with contact c-1 (moved to 03-04, reminders), a-3 task 03-03 on
// tp-2 (cancelled), a-4 call 03-05 on tp-2.
const histories: [string, ActivityEvent[]][] = [
  ['a-1', [scheduled('a-1'), { type: 'ActivityCompleted', data: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: [], doneAt: '2025-03-01T08:00:00.000Z' } }]],
  [
    'a-2',
    [
      scheduled('a-2', { ...meeting, assigneeId: 'user-2', contactIds: ['c-1'], description: 'About Paul', reminders: ['P1D', 'PT15M'] }),
      {
        type: 'ActivityUpdated',
        data: {
          activityId: 'a-2',
          thirdPartyId: 'tp-1',
          contactIds: ['c-1'],
          previousContactIds: ['c-1'],
          changes: [
            { field: 'startAt', from: '2025-03-02T09:00:00.000Z', to: '2025-03-04T09:00:00.000Z' },
            { field: 'endAt', from: '2025-03-02T10:00:00.000Z', to: '2025-03-04T10:00:00.000Z' },
          ],
        },
      },
    ],
  ],
  [
    'a-3',
    [
      scheduled('a-3', { thirdPartyId: 'tp-2', dueAt: '2025-03-03T09:00:00.000Z' }),
      { type: 'ActivityCancelled', data: { activityId: 'a-3', thirdPartyId: 'tp-2', contactIds: [], reason: null } },
    ],
  ],
  ['a-4', [scheduled('a-4', { thirdPartyId: 'tp-2', kind: 'CALL', dueAt: null, startAt: '2025-03-05T09:00:00.000Z', endAt: '2025-03-05T09:30:00.000Z', reminders: ['PT2H'] })]],
];

const forgotten: ContactForgotten = {
  type: 'ContactForgotten',
  data: { contactId: 'c-1', thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: null, forgottenAt: '2025-03-10T00:00:00.000Z' },
} as unknown as ContactForgotten;

beforeAll(async () => {
  stores = openStores();
  const at = { occurredAt: '2025-02-20T00:00:00.000Z' };
  let head = 0n;
  for (const [id, events] of histories) head = await appendEvents(stores, streams.activity(id), events, at);
  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [activitiesProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  queries = await ActivityQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

const ids = (page: { items: { doc: ActivityEntry }[] }): string[] => page.items.map((item) => item.doc.id);

describe('ActivityQueries against the SQLite read store', () => {
  it('keeps an activity as it is now: moved times, reminders counted back from them, done and cancelled', async () => {
    expect(await queries.get('a-2')).toMatchObject({
      kind: 'MEETING',
      at: '2025-03-04T09:00:00.000Z',
      endAt: '2025-03-04T10:00:00.000Z',
      reminders: ['P1D', 'PT15M'],
      remindFrom: '2025-03-03T09:00:00.000Z',
      version: '1',
    });
    expect(await queries.get('a-1')).toMatchObject({ done: true, doneAt: '2025-03-01T08:00:00.000Z', remindFrom: null });
    expect(await queries.get('a-3')).toMatchObject({ status: 'CANCELLED' });
    expect(await queries.get('a-404')).toBeNull();
  });

  it.each<[string, ActivityListFilter, string[]]>([
    ['nothing: soonest first, cancelled left out', {}, ['a-1', 'a-2', 'a-4']],
    ['assignee', { assigneeId: 'user-2' }, ['a-2']],
    ['third party', { thirdPartyId: 'tp-2' }, ['a-4']],
    ['third party, cancelled included', { thirdPartyId: 'tp-2', includeCancelled: true }, ['a-3', 'a-4']],
    ['done', { done: true }, ['a-1']],
    ['not done', { done: false }, ['a-2', 'a-4']],
    ['from (inclusive) and to (exclusive)', { from: '2025-03-04T10:00:00+01:00', to: '2025-03-05T09:00:00Z' }, ['a-2']],
    ['kind', { kind: 'CALL' }, ['a-4']],
  ])('filters by %s', async (_what, filter, expected) => {
    const page = await queries.list({ first: 100, filter }, EVERYONE);
    expect(ids(page)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
  });

  it('lists only the third parties the access admits', async () => {
    expect(ids(await queries.list({ first: 100 }, { thirdPartyIds: ['tp-2'] }))).toEqual(['a-4']);
    expect(ids(await queries.list({ first: 100 }, { thirdPartyIds: [] }))).toEqual([]);
  });

  it('finds the open activities with a reminder due and a time still ahead', async () => {
    expect(ids(await queries.remindable(new Date('2025-03-02T00:00:00.000Z'), 100, null))).toEqual([]);
    expect(ids(await queries.remindable(new Date('2025-03-03T09:00:00.000Z'), 100, null))).toEqual(['a-2']);
    expect(ids(await queries.remindable(new Date('2025-03-05T07:00:00.000Z'), 100, null))).toEqual(['a-4']);
  });
});

describe('activities projection', () => {
  it('erases the texts about a forgotten contact, keeps the schedule, and is idempotent', () => {
    const envelope = (event: ActivityEvent | ContactForgotten, position: bigint) =>
      ({ ...event, streamName: 'x', revision: 0n, position, metadata: { occurredAt: '2025-02-20T00:00:00.000Z', actorId: 'user-1' } }) as never;
    const doc = evolveActivities(null, envelope(histories[1]![1][0]!, 1n))!;
    const erased = evolveActivities(doc, envelope(forgotten, 2n))!;
    expect(erased).toMatchObject({ title: ERASED, description: ERASED, startAt: '2025-03-02T09:00:00.000Z', contactIds: ['c-1'] });
    expect(evolveActivities(erased, envelope(forgotten, 2n))).toEqual(erased);
    expect(activitiesProjection.fanOut!(envelope(forgotten, 2n))).toEqual([{ field: 'contactIds', op: 'contains', value: 'c-1' }]);
  });
});
