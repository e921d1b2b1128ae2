import { describe, expect, it } from '@jest/globals';
import { defaultCatalogue } from '../catalogue/catalogue.js';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type { ChangeExchangeStatus, ContactReference, DeleteExchange, LogExchange, UpdateExchange } from './exchange.commands.js';
import { exchangeDecider } from './exchange.decider.js';
import type { ExchangeDeleted, ExchangeEvent, ExchangeLogged } from './exchange.events.js';

const { given, fold } = deciderSpec(exchangeDecider);

const contact = (contactId: string, thirdPartyId: string | null = 'tp-1', archived = false): ContactReference => ({
  contactId,
  thirdPartyId,
  archived,
});

const log = (data: Partial<LogExchange['data']> = {}): LogExchange => ({
  type: 'LogExchange',
  data: {
    exchangeId: 'ex-1',
    thirdParty: { thirdPartyId: 'tp-1', status: 'active' },
    contacts: [contact('c-1'), contact('c-2')],
    occurredAt: '2026-03-02T10:00:00+01:00',
    mode: 'phone',
    subject: 'quote',
    catalogue: defaultCatalogue,
    ...data,
  },
});

const logged = (data: Partial<ExchangeLogged['data']> = {}): ExchangeLogged => ({
  type: 'ExchangeLogged',
  data: {
    exchangeId: 'ex-1',
    authorId: 'user-1',
    thirdPartyId: 'tp-1',
    contactIds: ['c-1', 'c-2'],
    occurredAt: '2026-03-02T09:00:00.000Z',
    mode: 'phone',
    subject: 'quote',
    comment: null,
    status: 'CLOSED',
    confidentialComment: null,
    confidentialGroupId: null,
    collaboratorIds: [],
    notifyCollaborators: false,
    linkedDocument: null,
    contactedBy: 'user-1',
    ...data,
  },
});

const deleted: ExchangeDeleted = {
  type: 'ExchangeDeleted',
  data: { exchangeId: 'ex-1', thirdPartyId: 'tp-1', contactIds: ['c-1', 'c-2'], subject: 'quote', occurredAt: '2026-03-02T09:00:00.000Z', reason: null },
};

const loggedData = (events: ExchangeEvent[]) => {
  const [event] = events;
  if (event?.type !== 'ExchangeLogged') throw new Error(`expected ExchangeLogged, got ${event?.type}`);
  return event.data;
};

const changesOf = (events: ExchangeEvent[]) => {
  const [event] = events;
  if (event?.type !== 'ExchangeUpdated') throw new Error(`expected ExchangeUpdated, got ${event?.type}`);
  return event.data.changes;
};

const update = (data: Partial<UpdateExchange['data']>): UpdateExchange => ({
  type: 'UpdateExchange',
  data: { exchangeId: 'ex-1', catalogue: defaultCatalogue, ...data },
});

const changeStatus = (status: ChangeExchangeStatus['data']['status']): ChangeExchangeStatus => ({
  type: 'ChangeExchangeStatus',
  data: { exchangeId: 'ex-1', status },
});

const remove = (reason?: string | null): DeleteExchange => ({ type: 'DeleteExchange', data: { exchangeId: 'ex-1', reason } });

describe('LogExchange', () => {
  it('logs an exchange with defaults: CLOSED, contacted by the actor, UTC occurredAt', () => {
    given([]).when(log()).then([logged()]);
  });

  it('records every field given', () => {
    const [event] = given([])
      .when(
        log({
          comment: ' Asked for a quote on\r\n200 croissants ',
          status: 'TO_DO',
          confidentialComment: 'Budget is tight',
          confidentialGroupId: 'grp-sales',
          collaboratorIds: ['user-2', 'user-3', 'user-2'],
          notifyCollaborators: true,
          linkedDocument: { type: 'QUOTE', ref: ' PR2603-0042 ' },
          contactedBy: 'user-4',
        }),
        fixedContext({ actorId: 'user-5' }),
      )
      .events();
    expect(event).toEqual(
      logged({
        authorId: 'user-5',
        comment: 'Asked for a quote on\n200 croissants',
        status: 'TO_DO',
        confidentialComment: 'Budget is tight',
        confidentialGroupId: 'grp-sales',
        collaboratorIds: ['user-2', 'user-3'],
        notifyCollaborators: true,
        linkedDocument: { type: 'QUOTE', ref: 'PR2603-0042' },
        contactedBy: 'user-4',
      }),
    );
  });

  it('accepts an exchange without contacts and drops duplicate contacts', () => {
    expect(loggedData(given([]).when(log({ contacts: [] })).events()).contactIds).toEqual([]);
    expect(loggedData(given([]).when(log({ contacts: [contact('c-2'), contact('c-1'), contact('c-2')] })).events()).contactIds).toEqual([
      'c-2',
      'c-1',
    ]);
  });

  it('accepts any mode and subject of the deployment catalogue', () => {
    const catalogue = { ...defaultCatalogue, contactModes: [{ code: 'visio', label: 'Visio' }], exchangeSubjects: [{ code: 'devis', label: 'Devis' }] };
    const [event] = given([]).when(log({ catalogue, mode: 'visio', subject: 'devis' })).events();
    expect(event?.data).toMatchObject({ mode: 'visio', subject: 'devis' });
    given([]).when(log({ catalogue, mode: 'phone', subject: 'devis' })).thenInvalid('mode', 'mode: must be one of visio');
  });

  it('refuses a missing third party', () => {
    given([]).when(log({ thirdParty: null })).thenInvalid('thirdPartyId', 'thirdPartyId: is required');
  });

  it('refuses an unknown third party, saying so', () => {
    given([])
      .when(log({ thirdParty: { thirdPartyId: 'tp-9', status: 'none' } }))
      .thenInvalid('thirdPartyId', 'thirdPartyId: no third party with id tp-9');
  });

  it('refuses an archived third party', () => {
    given([]).when(log({ thirdParty: { thirdPartyId: 'tp-1', status: 'archived' } })).thenInvalid('thirdPartyId', /archived/);
  });

  it('refuses an unknown contact, naming its position', () => {
    given([]).when(log({ contacts: [contact('c-1'), contact('c-9', null)] })).thenInvalid('contactIds[1]', 'contactIds[1]: no contact with id c-9');
  });

  it('refuses a contact of another third party', () => {
    given([]).when(log({ contacts: [contact('c-7', 'tp-2')] })).thenInvalid('contactIds[0]', /belongs to another third party/);
  });

  it('refuses an archived contact', () => {
    given([]).when(log({ contacts: [contact('c-1'), contact('c-3', 'tp-1', true)] })).thenInvalid('contactIds[1]', /archived/);
  });

  it.each<[string, Partial<LogExchange['data']>, string, string | RegExp]>([
    ['a malformed date', { occurredAt: 'yesterday' }, 'occurredAt', /ISO-8601/],
    ['a date that does not exist', { occurredAt: '2026-02-30T10:00:00Z' }, 'occurredAt', /no such date/],
    ['a date without offset', { occurredAt: '2026-03-02T10:00:00' }, 'occurredAt', /ISO-8601/],
    ['a year before 1900', { occurredAt: '1850-03-02T10:00:00Z' }, 'occurredAt', /1900 and 2200/],
    ['a year after 2200', { occurredAt: '2999-03-02T10:00:00Z' }, 'occurredAt', /1900 and 2200/],
    ['an unknown mode', { mode: 'pigeon' }, 'mode', 'mode: must be one of phone, email, meeting, video_call, visit, letter'],
    ['an unknown subject', { subject: 'gossip' }, 'subject', /must be one of prospecting, quote/],
    ['an unknown status', { status: 'DONE' as never }, 'status', /CLOSED, IN_PROGRESS, TO_DO/],
    ['a comment over 10,000 characters', { comment: 'x'.repeat(10_001) }, 'comment', /at most 10000/],
    ['a control character in the comment', { comment: 'a\u001bb' }, 'comment', /control characters/],
    ['a confidential comment over 10,000 characters', { confidentialComment: 'x'.repeat(10_001) }, 'confidentialComment', /at most/],
    ['a group without a confidential comment', { confidentialGroupId: 'grp-sales' }, 'confidentialGroupId', /confidentialComment/],
    ['an unknown linked document type', { linkedDocument: { type: 'RECEIPT', ref: 'R1' } }, 'linkedDocument.type', /QUOTE, ORDER/],
    ['an empty linked document ref', { linkedDocument: { type: 'ORDER', ref: ' ' } }, 'linkedDocument.ref', /must not be empty/],
    ['a linked document ref over 100 characters', { linkedDocument: { type: 'ORDER', ref: 'x'.repeat(101) } }, 'linkedDocument.ref', /at most 100/],
    ['more than 50 collaborators', { collaboratorIds: Array.from({ length: 51 }, (_, i) => `user-${i}`) }, 'collaboratorIds', /at most 50/],
    ['a non-boolean notify flag', { notifyCollaborators: 'yes' as never }, 'notifyCollaborators', /true or false/],
  ])('refuses %s, naming the field', (_label, data, field, message) => {
    given([]).when(log(data)).thenInvalid(field, message);
  });

  it('allows 50 collaborators once duplicates are dropped', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    expect(loggedData(given([]).when(log({ collaboratorIds: [...fifty, 'user-0'] })).events()).collaboratorIds).toHaveLength(50);
  });

  it('is a no-op when repeated; a different exchange under the same id is a conflict', () => {
    given([logged()]).when(log()).thenNothing();
    given([logged()]).when(log({ subject: 'order' })).thenViolates(/already logged/);
    given([logged(), deleted]).when(log()).thenViolates(/deleted/);
  });
});

describe('UpdateExchange', () => {
  it('records the changed fields with the exchange context after the change', () => {
    given([logged({ comment: 'Call back' })])
      .when(update({ subject: 'order', comment: 'Call back', occurredAt: '2026-03-02T11:00:00+01:00', contacts: [contact('c-1')] }))
      .then([
        {
          type: 'ExchangeUpdated',
          data: {
            exchangeId: 'ex-1',
            thirdPartyId: 'tp-1',
            contactIds: ['c-1'],
            subject: 'order',
            occurredAt: '2026-03-02T10:00:00.000Z',
            previousContactIds: ['c-1', 'c-2'],
            changes: [
              { field: 'contactIds', from: ['c-1', 'c-2'], to: ['c-1'] },
              { field: 'occurredAt', from: '2026-03-02T09:00:00.000Z', to: '2026-03-02T10:00:00.000Z' },
              { field: 'subject', from: 'quote', to: 'order' },
            ],
          },
        },
      ]);
  });

  it('records every updatable field and folds them', () => {
    const when = given([logged()]).when(
      update({
        mode: 'email',
        comment: 'Sent the quote',
        confidentialComment: 'Competitor is cheaper',
        confidentialGroupId: 'grp-1',
        collaboratorIds: ['user-2'],
        notifyCollaborators: true,
        linkedDocument: { type: 'QUOTE', ref: 'PR-1' },
        contactedBy: 'user-3',
      }),
    );
    expect(changesOf(when.events()).map((change) => change.field)).toEqual([
      'mode',
      'comment',
      'confidentialComment',
      'confidentialGroupId',
      'collaboratorIds',
      'notifyCollaborators',
      'linkedDocument',
      'contactedBy',
    ]);
    expect(when.state()).toMatchObject({
      status: 'logged',
      details: {
        mode: 'email',
        comment: 'Sent the quote',
        confidentialComment: 'Competitor is cheaper',
        confidentialGroupId: 'grp-1',
        collaboratorIds: ['user-2'],
        notifyCollaborators: true,
        linkedDocument: { type: 'QUOTE', ref: 'PR-1' },
        contactedBy: 'user-3',
      },
    });
  });

  it('is a no-op when nothing changes', () => {
    given([logged()]).when(update({ mode: 'phone', occurredAt: '2026-03-02T10:00:00+01:00', contacts: [contact('c-1'), contact('c-2')] })).thenNothing();
    given([logged()]).when(update({})).thenNothing();
  });

  it('un-shares the confidential comment when it is cleared', () => {
    const events = given([logged({ confidentialComment: 'secret', confidentialGroupId: 'grp-1' })])
      .when(update({ confidentialComment: null }))
      .events();
    expect(changesOf(events)).toEqual([
      { field: 'confidentialComment', from: 'secret', to: null },
      { field: 'confidentialGroupId', from: 'grp-1', to: null },
    ]);
  });

  it('refuses a group without a confidential comment', () => {
    given([logged()]).when(update({ confidentialGroupId: 'grp-1' })).thenInvalid('confidentialGroupId');
    given([logged({ confidentialComment: 'secret', confidentialGroupId: 'grp-1' })])
      .when(update({ confidentialComment: null, confidentialGroupId: 'grp-1' }))
      .thenInvalid('confidentialGroupId');
  });

  it('refuses contacts of another third party or unknown, and new archived contacts', () => {
    given([logged()]).when(update({ contacts: [contact('c-1'), contact('c-7', 'tp-2')] })).thenInvalid('contactIds[1]', /another third party/);
    given([logged()]).when(update({ contacts: [contact('c-9', null)] })).thenInvalid('contactIds[0]', /no contact/);
    given([logged()]).when(update({ contacts: [contact('c-3', 'tp-1', true)] })).thenInvalid('contactIds[0]', /archived/);
  });

  it('keeps a contact that was archived after the exchange was logged', () => {
    given([logged()]).when(update({ contacts: [contact('c-1', 'tp-1', true), contact('c-2')] })).thenNothing();
  });

  it.each<[string, Partial<UpdateExchange['data']>, string]>([
    ['a malformed date', { occurredAt: '02/03/2026' }, 'occurredAt'],
    ['an unknown mode', { mode: 'fax' }, 'mode'],
    ['an unknown subject', { subject: 'gossip' }, 'subject'],
    ['a long comment', { comment: 'x'.repeat(10_001) }, 'comment'],
    ['a bad linked document', { linkedDocument: { type: 'NOTE', ref: 'x' } }, 'linkedDocument.type'],
    ['too many collaborators', { collaboratorIds: Array.from({ length: 51 }, (_, i) => `u${i}`) }, 'collaboratorIds'],
  ])('refuses %s, naming the field', (_label, data, field) => {
    given([logged()]).when(update(data)).thenInvalid(field);
  });

  it('refuses an unknown exchange and a deleted one', () => {
    given([]).when(update({ comment: 'x' })).thenNotFound('exchange', 'ex-1');
    given([logged(), deleted]).when(update({ comment: 'x' })).thenViolates(/deleted/);
  });
});

describe('ChangeExchangeStatus', () => {
  it('records the status change with the exchange context', () => {
    given([logged({ status: 'TO_DO' })])
      .when(changeStatus('IN_PROGRESS'))
      .then([
        {
          type: 'ExchangeStatusChanged',
          data: {
            exchangeId: 'ex-1',
            thirdPartyId: 'tp-1',
            contactIds: ['c-1', 'c-2'],
            subject: 'quote',
            occurredAt: '2026-03-02T09:00:00.000Z',
            from: 'TO_DO',
            to: 'IN_PROGRESS',
          },
        },
      ]);
  });

  it('folds the new status', () => {
    expect(given([logged()]).when(changeStatus('TO_DO')).state()).toMatchObject({ details: { status: 'TO_DO' } });
  });

  it('is a no-op for the same status', () => {
    given([logged()]).when(changeStatus('CLOSED')).thenNothing();
  });

  it('refuses an unknown status, an unknown exchange and a deleted one', () => {
    given([logged()]).when(changeStatus('DONE' as never)).thenInvalid('status');
    given([]).when(changeStatus('TO_DO')).thenNotFound('exchange', 'ex-1');
    given([logged(), deleted]).when(changeStatus('TO_DO')).thenViolates(/deleted/);
  });
});

describe('DeleteExchange', () => {
  it('records the deletion with the exchange context and the reason', () => {
    given([logged()])
      .when(remove('Logged on the wrong customer'))
      .then([{ ...deleted, data: { ...deleted.data, reason: 'Logged on the wrong customer' } }]);
  });

  it('leaves the exchange deleted, keeping what it was', () => {
    expect(given([logged()]).when(remove()).state()).toMatchObject({ status: 'deleted', exchangeId: 'ex-1', details: { subject: 'quote' } });
  });

  it('is a no-op the second time', () => {
    given([logged(), deleted]).when(remove()).thenNothing();
  });

  it('refuses an unknown exchange and a bad reason', () => {
    given([]).when(remove()).thenNotFound('exchange', 'ex-1');
    given([logged()]).when(remove('\u0000')).thenInvalid('reason');
  });
});

describe('evolve', () => {
  it('folds an update and a status change into the details', () => {
    expect(
      fold([
        logged(),
        {
          type: 'ExchangeUpdated',
          data: {
            exchangeId: 'ex-1',
            thirdPartyId: 'tp-1',
            contactIds: ['c-2'],
            subject: 'order',
            occurredAt: '2026-03-02T09:00:00.000Z',
            previousContactIds: ['c-1', 'c-2'],
            changes: [
              { field: 'contactIds', from: ['c-1', 'c-2'], to: ['c-2'] },
              { field: 'subject', from: 'quote', to: 'order' },
            ],
          },
        },
        {
          type: 'ExchangeStatusChanged',
          data: {
            exchangeId: 'ex-1',
            thirdPartyId: 'tp-1',
            contactIds: ['c-2'],
            subject: 'order',
            occurredAt: '2026-03-02T09:00:00.000Z',
            from: 'CLOSED',
            to: 'IN_PROGRESS',
          },
        },
      ]),
    ).toMatchObject({ status: 'logged', authorId: 'user-1', details: { contactIds: ['c-2'], subject: 'order', status: 'IN_PROGRESS' } });
  });
});
