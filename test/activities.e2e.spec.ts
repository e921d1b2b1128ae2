import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { categoryOf, permissions, streams } from '#domain';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '../apps/api/src/infrastructure/tokens.js';
import { ADMIN_USER_ID, e2eBackends, SuiviApp } from './support/suivi-app.js';
import { SuiviClient, type Connection, type Json } from './support/suivi-client.js';

const ACTIVITY_FIELDS = `id thirdPartyId contactIds kind title description assignee { id } dueAt startAt endAt reminders done doneAt status
  scheduledBy { id } version`;
const mutation = (name: string, input: string) => `mutation($input: ${input}!) { ${name}(input: $input) { position activity { ${ACTIVITY_FIELDS} } } }`;
const SCHEDULE = mutation('scheduleActivity', 'ScheduleActivityInput');
const UPDATE = mutation('updateActivity', 'UpdateActivityInput');
const COMPLETE = mutation('completeActivity', 'ActivityIdInput');
const REOPEN = mutation('reopenActivity', 'ActivityIdInput');
const CANCEL = mutation('cancelActivity', 'CancelActivityInput');
const ACTIVITY = `query($id: ID!) { activity(id: $id) { ${ACTIVITY_FIELDS} } }`;
const ACTIVITIES = `query($filter: ActivityFilter) { activities(first: 50, filter: $filter) { totalCount edges { node { title } } } }`;
const OF_THIRD_PARTY = `query($id: ID!) { thirdParty(id: $id) { activities(first: 10) { totalCount edges { node { title } } } } }`;
const LOG = `mutation($input: LogExchangeInput!) {
  logExchange(input: $input) { position exchange { id } followUpActivity { ${ACTIVITY_FIELDS} } }
}`;

type Activity = Json & { id: string; version: string };
type Answer<T> = { data: T | undefined; errors: { message: string; extensions?: Record<string, unknown> }[] | undefined };

async function mutate<T = { activity: Activity }>(client: SuiviClient, document: string, input: Json): Promise<Answer<T>> {
  const answer = await client.query<Record<string, T>>(document, { input });
  const payload = Object.values(answer.data ?? {})[0] as (T & { position?: string }) | undefined;
  if (payload?.position && BigInt(payload.position) > BigInt(client.lastPosition)) client.lastPosition = payload.position;
  return { data: payload ?? undefined, errors: answer.errors as Answer<T>['errors'] };
}

async function must<T = { activity: Activity }>(client: SuiviClient, document: string, input: Json): Promise<T> {
  const { data, errors } = await mutate<T>(client, document, input);
  if (!data || errors?.length) throw new Error(`mutation failed: ${JSON.stringify(errors)}`);
  return data;
}

const titles = (connection: Connection) => connection.edges.map((edge) => edge.node['title']);

describe.each(e2eBackends())('activities (%s)', (_label, mongodbUrl) => {
  let suivi: SuiviApp;
  let admin: SuiviClient;
  let bakery: string;
  let garage: string;
  let paul: string;
  let bob: string;

  const meeting = (over: Json = {}): Json => ({
    thirdPartyId: bakery,
    contactIds: [paul],
    kind: 'MEETING',
    title: 'Tasting of the spring range',
    startAt: '2026-03-05T10:00:00+01:00',
    endAt: '2026-03-05T11:00:00+01:00',
    reminders: ['pt15m', 'P1D'],
    ...over,
  });

  const streamLength = async (streamName: string) => (await suivi.app.get<EventStore>(EVENT_STORE).readStream(streamName)).length;

  beforeAll(async () => {
    suivi = await SuiviApp.start(mongodbUrl ? { mongodbUrl } : {});
    admin = new SuiviClient(suivi);
    const register = async (name: string, territory: string) =>
      (await admin.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['CUSTOMER'], territory })).thirdParty.id;
    bakery = await register('Boulangerie du Nord', 'Nord');
    garage = await register('Garage du Sud', 'Sud');
    paul = (await admin.must('addContact', { thirdPartyId: bakery, firstName: 'Paul', lastName: 'Martin' })).contact.id;
    bob = (
      await admin.read<{ createUser: { user: { id: string } } }>('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
        input: { login: 'bob', groupCodes: [] },
      })
    ).createUser.user.id;
  });
  afterAll(async () => {
    await suivi.stop();
  });

  it('schedules a meeting for its author, moves it, completes, reopens and cancels it', async () => {
    const { activity } = await must(admin, SCHEDULE, meeting());
    expect(activity).toMatchObject({
      thirdPartyId: bakery,
      contactIds: [paul],
      kind: 'MEETING',
      assignee: { id: ADMIN_USER_ID },
      startAt: '2026-03-05T09:00:00.000Z',
      endAt: '2026-03-05T10:00:00.000Z',
      dueAt: null,
      reminders: ['P1D', 'PT15M'],
      done: false,
      status: 'SCHEDULED',
      version: '0',
    });
    const moved = await must(admin, UPDATE, { activityId: activity.id, startAt: '2026-03-06T09:00:00Z', endAt: '2026-03-06T10:00:00Z', expectedVersion: '0' });
    expect(moved.activity).toMatchObject({ startAt: '2026-03-06T09:00:00.000Z', version: '1' });
    const stale = await mutate(admin, UPDATE, { activityId: activity.id, title: 'x', expectedVersion: '0' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect((await must(admin, COMPLETE, { activityId: activity.id })).activity).toMatchObject({ done: true, version: '2' });
    expect((await must(admin, COMPLETE, { activityId: activity.id })).activity).toMatchObject({ version: '2' });
    expect((await must(admin, REOPEN, { activityId: activity.id })).activity).toMatchObject({ done: false, doneAt: null });
    expect((await must(admin, CANCEL, { activityId: activity.id, reason: 'moved to April' })).activity).toMatchObject({ status: 'CANCELLED' });
    const cancelled = await mutate(admin, COMPLETE, { activityId: activity.id });
    expect(cancelled.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect((await admin.read<{ activity: Activity }>(ACTIVITY, { id: activity.id })).activity).toMatchObject({ status: 'CANCELLED', version: '4' });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    for (const [over, field] of [
      [{ kind: 'TASK' }, 'input.dueAt'],
      [{ endAt: '2026-03-05T09:00:00+01:00' }, 'input.endAt'],
      [{ reminders: ['P1M'] }, 'input.reminders[0]'],
      [{ title: '' }, 'input.title'],
      [{ thirdPartyId: randomUUID() }, 'input.thirdPartyId'],
      [{ contactIds: [randomUUID()] }, 'input.contactIds[0]'],
      [{ assigneeId: randomUUID() }, 'input.assigneeId'],
    ] as const) {
      const head = await suivi.headPosition();
      const { errors } = await mutate(admin, SCHEDULE, meeting(over));
      expect({ field, extensions: errors?.[0]?.extensions }).toMatchObject({ field, extensions: { code: 'BAD_USER_INPUT', field } });
      expect(await suivi.headPosition()).toBe(head);
    }
  });

  it('lists soonest first with filters, and per third party', async () => {
    await must(admin, SCHEDULE, { thirdPartyId: bakery, kind: 'TASK', title: 'Send the price list', dueAt: '2026-04-01T09:00:00Z' });
    await must(admin, SCHEDULE, meeting({ title: 'Visit', startAt: '2026-04-02T09:00:00Z', endAt: '2026-04-02T10:00:00Z', assigneeId: bob }));
    await must(admin, SCHEDULE, { thirdPartyId: garage, kind: 'CALL', title: 'Call the garage', startAt: '2026-04-03T09:00:00Z', endAt: '2026-04-03T09:15:00Z' });
    const list = async (filter: Json) => titles((await admin.read<{ activities: Connection }>(ACTIVITIES, { filter })).activities);
    expect(await list({ from: '2026-04-01T00:00:00Z' })).toEqual(['Send the price list', 'Visit', 'Call the garage']);
    expect(await list({ from: '2026-04-01T00:00:00Z', assigneeId: ADMIN_USER_ID })).toEqual(['Send the price list', 'Call the garage']);
    expect(await list({ from: '2026-04-01T00:00:00Z', to: '2026-04-03T09:00:00Z', kind: 'MEETING' })).toEqual(['Visit']);
    expect(await list({ thirdPartyId: garage })).toEqual(['Call the garage']);
    expect(await list({ thirdPartyId: bakery, includeCancelled: true, to: '2026-03-31T00:00:00Z' })).toEqual(['Tasting of the spring range']);
    const ofGarage = (await admin.read<{ thirdParty: { activities: Connection } }>(OF_THIRD_PARTY, { id: garage })).thirdParty.activities;
    expect(ofGarage).toMatchObject({ totalCount: 1 });
  });

  describe('logExchange with a follow-up activity', () => {
    const exchange = (over: Json = {}): Json => ({
      thirdPartyId: bakery,
      contactIds: [paul],
      mode: 'phone',
      subject: 'quote',
      followUpActivity: { kind: 'TASK', title: 'Send the quote', dueAt: '2026-05-01T09:00:00Z', reminders: ['PT2H'] },
      ...over,
    });
    type Logged = { exchange: { id: string }; followUpActivity: Activity | null };

    it("schedules it with the exchange, about the exchange's third party and contacts", async () => {
      const logged = await must<Logged>(admin, LOG, exchange());
      expect(logged.followUpActivity).toMatchObject({ thirdPartyId: bakery, contactIds: [paul], kind: 'TASK', dueAt: '2026-05-01T09:00:00.000Z', reminders: ['PT2H'] });
      expect((await admin.read<{ activity: Activity }>(ACTIVITY, { id: logged.followUpActivity!.id })).activity).toMatchObject({ title: 'Send the quote' });
    });

    it('schedules it once when retried with the same idempotency key', async () => {
      const idempotencyKey = `follow-up-${randomUUID()}`;
      const first = await must<Logged>(admin, LOG, exchange({ idempotencyKey }));
      const again = await must<Logged>(admin, LOG, exchange({ idempotencyKey }));
      expect(again.exchange.id).toBe(first.exchange.id);
      expect(again.followUpActivity?.id).toBe(first.followUpActivity?.id);
      expect(await streamLength(streams.activity(first.followUpActivity!.id))).toBe(1);
    });

    it('is null without one; a bad one is refused under followUpActivity and nothing is written', async () => {
      expect((await must<Logged>(admin, LOG, exchange({ followUpActivity: null }))).followUpActivity).toBeNull();
      const head = await suivi.headPosition();
      const { errors } = await mutate(admin, LOG, exchange({ followUpActivity: { kind: 'CALL', title: 'Call back', startAt: '2026-05-01T09:00:00Z' } }));
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.followUpActivity.endAt' });
      expect(await suivi.headPosition()).toBe(head);
    });
  });

  describe('for a user scoped to the Nord territory', () => {
    let nina: SuiviClient;
    let southCall: string;

    beforeAll(async () => {
      await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
        input: { code: 'field', name: 'Field', permissions: permissions.filter((p) => p !== 'admin.usersAndGroups') },
      });
      const created = await admin.read<{ createUser: { user: { id: string } } }>(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }',
        { input: { login: 'nina', groupCodes: ['field'] } },
      );
      const userId = created.createUser.user.id;
      await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', {
        input: { userId, territories: ['Nord'], ownedOnly: false },
      });
      const issued = await admin.read<{ issueApiToken: { token: string } }>('mutation($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }', {
        input: { userId },
      });
      nina = new SuiviClient(suivi.as(issued.issueApiToken.token));
      const listed = await admin.read<{ activities: { edges: { node: { id: string } }[] } }>(
        `query($tp: ID!) { activities(filter: { thirdPartyId: $tp }) { edges { node { id } } } }`,
        { tp: garage },
      );
      southCall = listed.activities.edges[0]!.node.id;
      nina.lastPosition = admin.lastPosition;
    });

    it('sees only the activities of third parties in scope', async () => {
      const all = (await nina.read<{ activities: Connection }>(ACTIVITIES, { filter: { from: '2026-04-01T00:00:00Z', to: '2026-04-30T00:00:00Z' } })).activities;
      expect(titles(all)).toEqual(['Send the price list', 'Visit']);
      expect((await nina.read<{ activity: unknown }>(ACTIVITY, { id: southCall })).activity).toBeNull();
    });

    it('gets the answers of an unknown id when writing out of scope, and writes nothing', async () => {
      const { events: before } = await suivi.app.get<EventStore>(EVENT_STORE).readAll({ after: null, maxCount: 100000 });
      const head = before.at(-1)?.position ?? null;
      const scheduled = await mutate(nina, SCHEDULE, meeting({ thirdPartyId: garage, contactIds: [] }));
      expect(scheduled.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.thirdPartyId' });
      const completed = await mutate(nina, COMPLETE, { activityId: southCall });
      const unknown = await mutate(nina, COMPLETE, { activityId: randomUUID() });
      expect(completed.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
      expect(completed.errors?.[0]?.message.replace(southCall, '<id>')).toBe(unknown.errors?.[0]?.message.replace(/[0-9a-f-]{36}/, '<id>'));
      const { events } = await suivi.app.get<EventStore>(EVENT_STORE).readAll({ after: head, maxCount: 1000 });
      expect(events.map((event) => event.streamName).filter((stream) => categoryOf(stream) !== 'security')).toEqual([]);
    });
  });
});
