import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { streams, type ActivityEvent, type ActivityScheduled, type Message, type UserCreated } from '#domain';
import { CachedSubjectKeyStore, SqliteEventStore, SqliteSubjectKeyStore, type EventCodec } from '#event-store';
import { createCodec, FixedClock, openMailer, type Mailer } from '#platform';
import { ActivityQueries, DirectoryQueries, ProjectionRunner, UserQueries } from '#projections';
import { SqliteReadStore } from '#read-store';
import { startSmtpTestServer, type SmtpTestServer } from '../../../../test/support/smtp-test-server.js';
import { registered } from '../../../../libs/projections/src/testing/relationship-fixtures.js';
import { appendEvents, RecordingLogger, sequentialIds } from '../../../../libs/projections/src/testing/third-party-fixtures.js';
import { activityReminderMessageId, ActivityReminders } from './activity-reminders.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-03-02T09:30:00.000Z');
const at = (iso: string): Date => new Date(iso);
const THIRD_PARTY = '00000000-0000-4000-a000-000000000001';

/** The reminders over real SQLite stores, a real SMTP server on loopback, and a clock that moves only when told. */
describe('activity reminders', () => {
  const clock = new FixedClock(NOW);
  const ids = sequentialIds(21);
  let dir: string;
  let store: SqliteEventStore;
  let readStore: SqliteReadStore;
  let codec: EventCodec;
  let runner: ProjectionRunner;
  let smtp: SmtpTestServer;
  let mailer: Mailer;
  let reminders: ActivityReminders;

  const automation = async (): Promise<ActivityReminders> =>
    new ActivityReminders({
      store,
      checkpoints: readStore.checkpoints,
      activities: await ActivityQueries.open(readStore),
      users: await UserQueries.open(readStore),
      directory: await DirectoryQueries.open(readStore),
      mailer,
      from: 'Suivi <agenda@example.com>',
      clock,
      tickMs: 60_000,
      logger: new RecordingLogger(),
    });

  const append = async (stream: string, events: Message[], occurredAt = new Date(NOW.getTime() - 48 * HOUR).toISOString()): Promise<void> => {
    const position = await appendEvents({ eventStore: store, codec, ids }, stream, events, { occurredAt });
    await runner.waitFor(position);
  };
  const tickAt = async (instant: string) => {
    clock.set(at(instant));
    return reminders.runOnce();
  };
  const meeting = (activityId: string, data: Partial<ActivityScheduled['data']> = {}): ActivityScheduled => ({
    type: 'ActivityScheduled',
    data: {
      activityId,
      thirdPartyId: THIRD_PARTY,
      contactIds: [],
      kind: 'MEETING',
      title: `Tasting ${activityId}`,
      description: 'Bring the <new> range',
      assigneeId: 'user-ann',
      dueAt: null,
      startAt: '2026-03-03T10:00:00.000Z',
      endAt: '2026-03-03T11:00:00.000Z',
      reminders: ['P1D', 'PT15M'],
      scheduledBy: 'user-ann',
      ...data,
    },
  });
  const change = (activityId: string, event: Omit<ActivityEvent, 'data'> & { data: Record<string, unknown> }): ActivityEvent =>
    ({ ...event, data: { activityId, thirdPartyId: THIRD_PARTY, contactIds: [], ...event.data } }) as ActivityEvent;
  const subjectsSent = () => smtp.messages.map((mail) => mail.subject);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-agenda-'));
    store = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    readStore = SqliteReadStore.open({ file: path.join(dir, 'read.sqlite') });
    codec = createCodec(new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file: path.join(dir, 'keys.sqlite') })));
    runner = new ProjectionRunner({ store, readStore, codec, clock, logger: new RecordingLogger() });
    await runner.start();
    smtp = await startSmtpTestServer();
    mailer = openMailer({ smtpUrl: smtp.url, dataDir: dir }, { log: () => undefined });
    const user = (userId: string, email: string | null): UserCreated => ({
      type: 'UserCreated',
      data: { userId, login: userId, displayName: `User ${userId}`, email, createdAt: NOW.toISOString() },
    });
    await append(streams.user('user-ann'), [user('user-ann', 'ann@example.com')]);
    await append(streams.user('user-bob'), [user('user-bob', null)]);
    await append(streams.thirdParty(THIRD_PARTY), [registered({ thirdPartyId: THIRD_PARTY, name: 'Boulangerie Martin' })]);
    reminders = await automation();
  });

  afterAll(async () => {
    await reminders.stop();
    await runner.stop();
    await mailer.close();
    await smtp.close();
    await store.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('mails the assignee each reminder once, when it falls due', async () => {
    await append(streams.activity('a-1'), [meeting('a-1')]);
    expect((await tickAt('2026-03-02T09:59:00.000Z')).sent).toEqual([]);
    expect((await tickAt('2026-03-02T10:00:00.000Z')).sent).toEqual([activityReminderMessageId('a-1', 'P1D', '2026-03-03T10:00:00.000Z')]);
    const [mail] = await smtp.waitFor(1);
    expect(mail?.messageId).toBe(activityReminderMessageId('a-1', 'P1D', '2026-03-03T10:00:00.000Z'));
    expect(mail?.to).toMatchObject({ value: [{ address: 'ann@example.com' }] });
    expect(mail?.subject).toBe('Reminder: Tasting a-1 (2026-03-03 10:00 UTC to 2026-03-03 11:00 UTC)');
    expect(mail?.text).toContain('With: Boulangerie Martin');
    expect(mail?.html).toContain('Bring the &lt;new&gt; range');
    expect((await tickAt('2026-03-02T12:00:00.000Z')).sent).toEqual([]);
    expect((await tickAt('2026-03-03T09:45:00.000Z')).sent).toEqual([activityReminderMessageId('a-1', 'PT15M', '2026-03-03T10:00:00.000Z')]);
    await smtp.waitFor(2);
    // Another process (a restart) finds them handed over.
    const restarted = await automation();
    expect((await (clock.set(at('2026-03-03T09:50:00.000Z')), restarted.runOnce())).sent).toEqual([]);
    // Once the activity has begun, nothing more.
    expect((await tickAt('2026-03-03T10:00:00.000Z')).sent).toEqual([]);
    expect(smtp.messages).toHaveLength(2);
  });

  it('reminds a moved activity again for its new time, and never a done or cancelled one', async () => {
    await append(streams.activity('a-2'), [meeting('a-2', { reminders: ['PT2H'] })]);
    await append(streams.activity('a-3'), [meeting('a-3', { reminders: ['PT2H'] }), change('a-3', { type: 'ActivityCompleted', data: { doneAt: NOW.toISOString() } })]);
    await append(streams.activity('a-4'), [meeting('a-4', { reminders: ['PT2H'] }), change('a-4', { type: 'ActivityCancelled', data: { reason: null } })]);
    const before = smtp.messages.length;
    expect((await tickAt('2026-03-03T08:00:00.000Z')).sent).toEqual([activityReminderMessageId('a-2', 'PT2H', '2026-03-03T10:00:00.000Z')]);
    await append(streams.activity('a-2'), [
      change('a-2', {
        type: 'ActivityUpdated',
        data: {
          previousContactIds: [],
          changes: [
            { field: 'startAt', from: '2026-03-03T10:00:00.000Z', to: '2026-03-04T10:00:00.000Z' },
            { field: 'endAt', from: '2026-03-03T11:00:00.000Z', to: '2026-03-04T11:00:00.000Z' },
          ],
        },
      }),
    ]);
    expect((await tickAt('2026-03-03T09:00:00.000Z')).sent).toEqual([]);
    expect((await tickAt('2026-03-04T08:00:00.000Z')).sent).toEqual([activityReminderMessageId('a-2', 'PT2H', '2026-03-04T10:00:00.000Z')]);
    await smtp.waitFor(before + 2);
    expect(subjectsSent().filter((subject) => subject?.includes('a-3') || subject?.includes('a-4'))).toEqual([]);
  });

  it('sends one mail for reminders fallen due together, none fallen due before scheduling, none to a user without email', async () => {
    const scheduledAt = '2026-03-05T09:00:00.000Z';
    // Scheduled 30 minutes ahead: its day-before reminder was never due; the 15-minute one is.
    await append(streams.activity('a-5'), [meeting('a-5', { startAt: '2026-03-05T09:30:00.000Z', endAt: '2026-03-05T10:00:00.000Z' })], scheduledAt);
    expect((await tickAt('2026-03-05T09:05:00.000Z')).sent).toEqual([]);
    // A stop past both reminders of a-6: only the nearest goes.
    await append(streams.activity('a-6'), [meeting('a-6', { startAt: '2026-03-05T09:30:00.000Z', endAt: '2026-03-05T10:00:00.000Z' })]);
    await append(streams.activity('a-7'), [meeting('a-7', { assigneeId: 'user-bob', startAt: '2026-03-05T09:30:00.000Z', endAt: '2026-03-05T10:00:00.000Z' })]);
    const report = await tickAt('2026-03-05T09:20:00.000Z');
    expect(report.sent.sort()).toEqual(
      [activityReminderMessageId('a-5', 'PT15M', '2026-03-05T09:30:00.000Z'), activityReminderMessageId('a-6', 'PT15M', '2026-03-05T09:30:00.000Z')].sort(),
    );
    expect(report.skipped).toEqual([{ activityId: 'a-7', why: 'the assignee has no email' }]);
  });
});
