import { describe, expect, it } from '@jest/globals';
import type { ContactReference } from '../exchange/exchange.commands.js';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type { ScheduleActivity, UpdateActivity } from './activity.commands.js';
import { activityDecider } from './activity.decider.js';
import type { ActivityEvent, ActivityScheduled } from './activity.events.js';
import { reminderInstant, reminderList } from './reminder-offset.js';

const { given, fold } = deciderSpec(activityDecider);

const contact = (contactId: string, thirdPartyId: string | null = 'tp-1', archived = false): ContactReference => ({ contactId, thirdPartyId, archived });

const schedule = (data: Partial<ScheduleActivity['data']> = {}): ScheduleActivity => ({
  type: 'ScheduleActivity',
  data: {
    activityId: 'a-1',
    thirdParty: { thirdPartyId: 'tp-1', status: 'active' },
    contacts: [contact('c-1')],
    kind: 'MEETING',
    title: 'Tasting at the bakery',
    startAt: '2026-03-05T10:00:00+01:00',
    endAt: '2026-03-05T11:00:00+01:00',
    reminders: ['pt15m', 'P1D'],
    ...data,
  },
});

const scheduled = (data: Partial<ActivityScheduled['data']> = {}): ActivityScheduled => ({
  type: 'ActivityScheduled',
  data: {
    activityId: 'a-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1'],
    kind: 'MEETING',
    title: 'Tasting at the bakery',
    description: null,
    assigneeId: 'user-1',
    dueAt: null,
    startAt: '2026-03-05T09:00:00.000Z',
    endAt: '2026-03-05T10:00:00.000Z',
    reminders: ['P1D', 'PT15M'],
    scheduledBy: 'user-1',
    ...data,
  },
});

const update = (data: Omit<UpdateActivity['data'], 'activityId'>): UpdateActivity => ({ type: 'UpdateActivity', data: { activityId: 'a-1', ...data } });

describe('activity decider', () => {
  describe('ScheduleActivity', () => {
    it('schedules a meeting for the actor, times in UTC, reminders longest first', () => {
      given([]).when(schedule()).then([scheduled()]);
    });

    it('schedules a task with a due instant for another user', () => {
      given([])
        .when(schedule({ kind: 'TASK', startAt: null, endAt: null, dueAt: '2026-03-06T17:00:00Z', assigneeId: 'user-2', reminders: [] }))
        .then([scheduled({ kind: 'TASK', startAt: null, endAt: null, dueAt: '2026-03-06T17:00:00.000Z', assigneeId: 'user-2', reminders: [] })]);
    });

    it('refuses times that do not fit the kind, naming the field', () => {
      given([]).when(schedule({ kind: 'TASK' })).thenInvalid('dueAt', /required for a TASK/);
      given([]).when(schedule({ kind: 'TASK', dueAt: '2026-03-06T17:00:00Z' })).thenInvalid('startAt');
      given([]).when(schedule({ kind: 'CALL', endAt: null })).thenInvalid('endAt', /required for a CALL/);
      given([]).when(schedule({ dueAt: '2026-03-06T17:00:00Z' })).thenInvalid('dueAt', /only for a TASK/);
      given([]).when(schedule({ endAt: '2026-03-05T10:00:00+01:00' })).thenInvalid('endAt', /after startAt/);
      given([]).when(schedule({ startAt: '2026-03-05 10:00' })).thenInvalid('startAt');
    });

    it('refuses bad kinds, titles, references and reminders', () => {
      given([]).when(schedule({ kind: 'LUNCH' })).thenInvalid('kind', /TASK, CALL, MEETING/);
      given([]).when(schedule({ title: '  ' })).thenInvalid('title', /empty/);
      given([]).when(schedule({ thirdParty: null })).thenInvalid('thirdPartyId', /required/);
      given([]).when(schedule({ thirdParty: { thirdPartyId: 'tp-1', status: 'archived' } })).thenInvalid('thirdPartyId', /archived/);
      given([]).when(schedule({ contacts: [contact('c-9', 'tp-2')] })).thenInvalid('contactIds[0]', /another third party/);
      given([]).when(schedule({ reminders: ['P1M'] })).thenInvalid('reminders[0]', /weeks, days, hours or minutes/);
      given([]).when(schedule({ reminders: ['PT0M'] })).thenInvalid('reminders[0]', /longer than zero/);
      given([]).when(schedule({ reminders: ['PT1M', 'PT2M', 'PT3M', 'PT4M', 'PT5M', 'PT6M'] })).thenInvalid('reminders', /at most 5/);
    });

    it('is a no-op when repeated, a conflict when different, refused after a cancellation', () => {
      given([scheduled()]).when(schedule()).thenNothing();
      given([scheduled()]).when(schedule({ title: 'Another' })).thenViolates(/already scheduled/);
      given([scheduled(), { type: 'ActivityCancelled', data: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'], reason: null } }])
        .when(schedule())
        .thenViolates(/cancelled/);
    });
  });

  describe('UpdateActivity', () => {
    it('records each change; moving a meeting moves its times', () => {
      given([scheduled()])
        .when(update({ startAt: '2026-03-05T12:00:00Z', endAt: '2026-03-05T13:00:00Z', title: 'Tasting' }))
        .then([
          {
            type: 'ActivityUpdated',
            data: {
              activityId: 'a-1',
              thirdPartyId: 'tp-1',
              contactIds: ['c-1'],
              previousContactIds: ['c-1'],
              changes: [
                { field: 'title', from: 'Tasting at the bakery', to: 'Tasting' },
                { field: 'startAt', from: '2026-03-05T09:00:00.000Z', to: '2026-03-05T12:00:00.000Z' },
                { field: 'endAt', from: '2026-03-05T10:00:00.000Z', to: '2026-03-05T13:00:00.000Z' },
              ],
            },
          },
        ]);
    });

    it('checks the whole record: a meeting turned into a task needs a dueAt and loses its span', () => {
      given([scheduled()]).when(update({ kind: 'TASK' })).thenInvalid('dueAt');
      const state = given([scheduled()])
        .when(update({ kind: 'TASK', dueAt: '2026-03-05T09:00:00Z', startAt: null, endAt: null }))
        .state();
      expect(state).toMatchObject({ status: 'scheduled', details: { kind: 'TASK', dueAt: '2026-03-05T09:00:00.000Z', startAt: null, endAt: null } });
    });

    it('changes nothing when nothing differs; unknown → not found; cancelled → conflict', () => {
      given([scheduled()]).when(update({ title: 'Tasting at the bakery', reminders: ['PT15M', 'p1d'] })).thenNothing();
      given([]).when(update({ title: 'x' })).thenNotFound('activity', 'a-1');
      given([scheduled(), { type: 'ActivityCancelled', data: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'], reason: null } }])
        .when(update({ title: 'x' }))
        .thenViolates(/cancelled/);
    });
  });

  describe('CompleteActivity, ReopenActivity, CancelActivity', () => {
    const completed: ActivityEvent = { type: 'ActivityCompleted', data: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'], doneAt: '2026-03-02T09:30:00.000Z' } };

    it('completes at the command instant, once', () => {
      given([scheduled()]).when({ type: 'CompleteActivity', data: { activityId: 'a-1' } }).then([completed]);
      given([scheduled(), completed]).when({ type: 'CompleteActivity', data: { activityId: 'a-1' } }).thenNothing();
      expect(fold([scheduled(), completed])).toMatchObject({ doneAt: '2026-03-02T09:30:00.000Z' });
    });

    it('reopens a done activity, and only a done one', () => {
      given([scheduled(), completed])
        .when({ type: 'ReopenActivity', data: { activityId: 'a-1' } })
        .then([{ type: 'ActivityReopened', data: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'] } }]);
      given([scheduled()]).when({ type: 'ReopenActivity', data: { activityId: 'a-1' } }).thenNothing();
    });

    it('cancels once; a cancelled activity can be neither completed nor reopened', () => {
      const cancelled: ActivityEvent = { type: 'ActivityCancelled', data: { activityId: 'a-1', thirdPartyId: 'tp-1', contactIds: ['c-1'], reason: 'moved' } };
      given([scheduled()]).when({ type: 'CancelActivity', data: { activityId: 'a-1', reason: ' moved ' } }).then([cancelled]);
      given([scheduled(), cancelled]).when({ type: 'CancelActivity', data: { activityId: 'a-1' } }).thenNothing();
      given([scheduled(), cancelled]).when({ type: 'CompleteActivity', data: { activityId: 'a-1' } }).thenViolates(/cancelled/);
      given([]).when({ type: 'CancelActivity', data: { activityId: 'a-1' } }, fixedContext()).thenNotFound('activity', 'a-1');
    });
  });
});

describe('reminder offsets', () => {
  it('normalise, drop equal lengths and sort longest first', () => {
    expect(reminderList('reminders', ['PT60M', 'P1W', 'pt1h', 'P1DT2H'])).toEqual(['P1W', 'P1DT2H', 'PT60M']);
  });

  it('give the instant a reminder fires at', () => {
    expect(reminderInstant('2026-03-05T09:00:00.000Z', 'PT15M')).toBe('2026-03-05T08:45:00.000Z');
    expect(reminderInstant('2026-03-05T09:00:00.000Z', 'P1D')).toBe('2026-03-04T09:00:00.000Z');
  });
});
