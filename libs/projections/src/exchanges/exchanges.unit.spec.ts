import { describe, expect, it } from '@jest/globals';
import type { ExchangeDeleted, ExchangeLogged, ExchangeStatusChanged, ExchangeUpdated, NoteAdded } from '#domain';
import type { EventEnvelope } from '#event-store';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { evolveExchanges, exchangesProjection, type ExchangeEntry } from './exchanges.projection.js';

const stream = 'exchange-x-1';
const SECRET = 'Budget is 40k, do not tell procurement';

const logged = (over: Partial<ExchangeLogged['data']> = {}, position = 5n): EventEnvelope<ExchangeLogged> =>
  envelopeOf<ExchangeLogged>(
    {
      type: 'ExchangeLogged',
      data: {
        exchangeId: 'x-1',
        authorId: 'alice',
        thirdPartyId: 'tp-1',
        contactIds: ['c-1', 'c-2'],
        occurredAt: '2025-03-04T09:30:00.000Z',
        mode: 'phone',
        subject: 'quote',
        comment: 'Asked for a quote',
        status: 'TO_DO',
        confidentialComment: SECRET,
        confidentialGroupId: 'sales-managers',
        collaboratorIds: ['bob'],
        notifyCollaborators: true,
        linkedDocument: { type: 'QUOTE', ref: 'PR2411-0042' },
        contactedBy: 'carol',
        ...over,
      },
    },
    { streamName: `exchange-${over.exchangeId ?? 'x-1'}`, revision: 0n, position, actorId: 'alice' },
  );

const context = { exchangeId: 'x-1', thirdPartyId: 'tp-1', subject: 'quote' };

const exchangeUpdated = (data: Partial<ExchangeUpdated['data']> & Pick<ExchangeUpdated['data'], 'changes'>, revision: bigint, position: bigint) =>
  envelopeOf<ExchangeUpdated>(
    {
      type: 'ExchangeUpdated',
      data: {
        ...context,
        contactIds: ['c-1', 'c-2'],
        previousContactIds: ['c-1', 'c-2'],
        occurredAt: '2025-03-04T09:30:00.000Z',
        ...data,
      },
    },
    { streamName: stream, revision, position, occurredAt: '2025-03-05T10:00:00.000Z' },
  );

const statusChanged = (from: 'TO_DO' | 'IN_PROGRESS' | 'CLOSED', to: 'TO_DO' | 'IN_PROGRESS' | 'CLOSED', revision: bigint, position: bigint) =>
  envelopeOf<ExchangeStatusChanged>(
    { type: 'ExchangeStatusChanged', data: { ...context, contactIds: ['c-3'], occurredAt: '2025-03-02T08:00:00.000Z', from, to } },
    { streamName: stream, revision, position, occurredAt: '2025-03-06T10:00:00.000Z' },
  );

const deleted = (revision: bigint, position: bigint) =>
  envelopeOf<ExchangeDeleted>(
    { type: 'ExchangeDeleted', data: { ...context, contactIds: ['c-3'], occurredAt: '2025-03-02T08:00:00.000Z', reason: 'duplicate' } },
    { streamName: stream, revision, position, occurredAt: '2025-03-07T10:00:00.000Z' },
  );

const expectedLogged: ExchangeEntry = {
  id: 'x-1',
  thirdPartyId: 'tp-1',
  contactIds: ['c-1', 'c-2'],
  namedContactIds: ['c-1', 'c-2'],
  occurredAt: '2025-03-04T09:30:00.000Z',
  mode: 'phone',
  subject: 'quote',
  comment: 'Asked for a quote',
  status: 'TO_DO',
  hasConfidentialComment: true,
  confidentialComment: SECRET,
  confidentialGroupId: 'sales-managers',
  collaboratorIds: ['bob'],
  notifyCollaborators: true,
  linkedDocumentType: 'QUOTE',
  linkedDocumentRef: 'PR2411-0042',
  contactedBy: 'carol',
  authorId: 'alice',
  participantIds: ['alice', 'carol', 'bob'],
  deleted: false,
  deletedAt: null,
  loggedAt: '2025-03-04T10:00:00.000Z',
  updatedAt: '2025-03-04T10:00:00.000Z',
  version: '0',
  lastPosition: '5',
};

const note = envelopeOf<NoteAdded>(
  { type: 'NoteAdded', data: { noteId: 'n-1', thirdPartyId: 'tp-1', contactId: null, text: 'x', addedAt: '2025-03-05T00:00:00.000Z' } },
  { streamName: 'note-n-1', revision: 0n, position: 6n },
);

const history = (): EventEnvelope[] => [
  logged(),
  note,
  exchangeUpdated(
    {
      contactIds: ['c-3'],
      previousContactIds: ['c-1', 'c-2'],
      subject: 'order',
      occurredAt: '2025-03-02T09:00:00+01:00',
      changes: [
        { field: 'contactIds', from: ['c-1', 'c-2'], to: ['c-3'] },
        { field: 'subject', from: 'quote', to: 'order' },
        { field: 'occurredAt', from: '2025-03-04T09:30:00.000Z', to: '2025-03-02T09:00:00+01:00' },
        { field: 'mode', from: 'phone', to: 'visit' },
        { field: 'comment', from: 'Asked for a quote', to: null },
        { field: 'confidentialComment', from: SECRET, to: null },
        { field: 'confidentialGroupId', from: 'sales-managers', to: null },
        { field: 'collaboratorIds', from: ['bob'], to: ['bob', 'dave'] },
        { field: 'notifyCollaborators', from: true, to: false },
        { field: 'linkedDocument', from: { type: 'QUOTE', ref: 'PR2411-0042' }, to: { type: 'ORDER', ref: 'CO2411-0007' } },
        { field: 'contactedBy', from: 'carol', to: 'alice' },
      ],
    },
    1n,
    10n,
  ),
  statusChanged('TO_DO', 'IN_PROGRESS', 2n, 11n),
  deleted(3n, 12n),
];

const finalEntry: ExchangeEntry = {
  ...expectedLogged,
  contactIds: ['c-3'],
  // The contacts it named before still find it: its texts were theirs too.
  namedContactIds: ['c-1', 'c-2', 'c-3'],
  occurredAt: '2025-03-02T08:00:00.000Z',
  mode: 'visit',
  subject: 'order',
  comment: null,
  status: 'IN_PROGRESS',
  hasConfidentialComment: false,
  confidentialComment: null,
  confidentialGroupId: null,
  collaboratorIds: ['bob', 'dave'],
  notifyCollaborators: false,
  linkedDocumentType: 'ORDER',
  linkedDocumentRef: 'CO2411-0007',
  contactedBy: 'alice',
  participantIds: ['alice', 'bob', 'dave'],
  deleted: true,
  deletedAt: '2025-03-07T10:00:00.000Z',
  updatedAt: '2025-03-07T10:00:00.000Z',
  version: '3',
  lastPosition: '12',
};

describe('exchanges projection', () => {
  it('turns a logged exchange into an entry, with the confidential comment for the API to give its readers', () => {
    const doc = evolveExchanges(null, logged());
    expect(doc).toEqual(expectedLogged);
  });

  it('folds an update, a status change and a deletion into the entry; a cleared confidential comment is gone', () => {
    const docs = docsOf(foldProjection(exchangesProjection, history()));
    expect(docs).toEqual({ 'x-1': finalEntry });
    expect(JSON.stringify(docs)).not.toContain('40k');
  });

  it('keeps the participants (author, who made the contact, collaborators) as they change, each once', () => {
    const doc = evolveExchanges(null, logged({ contactedBy: 'alice', collaboratorIds: ['alice', 'bob'] }))!;
    expect(doc.participantIds).toEqual(['alice', 'bob']);
    const next = evolveExchanges(
      doc,
      exchangeUpdated(
        {
          changes: [
            { field: 'collaboratorIds', from: ['alice', 'bob'], to: ['dave'] },
            { field: 'contactedBy', from: 'alice', to: 'erin' },
          ],
        },
        1n,
        6n,
      ),
    )!;
    expect(next.participantIds).toEqual(['alice', 'erin', 'dave']);
    // Not a participant's change: the list stays as it was.
    const closed = evolveExchanges(next, statusChanged('TO_DO', 'CLOSED', 2n, 7n))!;
    expect(closed.participantIds).toEqual(['alice', 'erin', 'dave']);
  });

  it('applied twice, the same events yield the same documents', () => {
    const once = foldProjection(exchangesProjection, history());
    expect(docsOf(foldProjection(exchangesProjection, history(), once))).toEqual(docsOf(once));
    expect(docsOf(foldProjection(exchangesProjection, history().flatMap((event) => [event, event])))).toEqual(docsOf(once));
  });

  it('routes exchange events to their exchange and ignores notes', () => {
    for (const event of history()) {
      const handled = event.streamName === stream;
      expect(exchangesProjection.canHandle(event.type)).toBe(handled);
      expect(exchangesProjection.documentId(event)).toBe(handled ? 'x-1' : null);
    }
    const doc = evolveExchanges(null, logged());
    expect(evolveExchanges(doc, note)).toBe(doc);
  });

  it('records a confidential comment added by an update, with its text and group', () => {
    const doc = evolveExchanges(null, logged({ confidentialComment: null, confidentialGroupId: null }))!;
    expect(doc.hasConfidentialComment).toBe(false);
    const next = evolveExchanges(
      doc,
      exchangeUpdated(
        {
          changes: [
            { field: 'confidentialComment', from: null, to: SECRET },
            { field: 'confidentialGroupId', from: null, to: 'board' },
            { field: 'linkedDocument', from: { type: 'QUOTE', ref: 'PR2411-0042' }, to: null },
          ],
        },
        1n,
        6n,
      ),
    )!;
    expect(next.hasConfidentialComment).toBe(true);
    expect(next.confidentialComment).toBe(SECRET);
    expect(next.confidentialGroupId).toBe('board');
    expect(next.linkedDocumentType).toBeNull();
    expect(next.linkedDocumentRef).toBeNull();
  });

  it('treats an empty confidential comment as none', () => {
    expect(evolveExchanges(null, logged({ confidentialComment: '' }))).toMatchObject({ hasConfidentialComment: false, confidentialComment: null });
  });

  it('changes only the status on a status change, and keeps a deleted exchange flagged', () => {
    const doc = evolveExchanges(null, logged())!;
    const closed = evolveExchanges(doc, statusChanged('TO_DO', 'CLOSED', 1n, 6n))!;
    expect(closed).toEqual({ ...doc, status: 'CLOSED', updatedAt: '2025-03-06T10:00:00.000Z', version: '1', lastPosition: '6' });
    const gone = evolveExchanges(closed, deleted(2n, 7n))!;
    expect(gone).toEqual({ ...closed, deleted: true, deletedAt: '2025-03-07T10:00:00.000Z', updatedAt: '2025-03-07T10:00:00.000Z', version: '2', lastPosition: '7' });
  });

  it('stores occurredAt in UTC with milliseconds, whatever offset the event used', () => {
    expect(evolveExchanges(null, logged({ occurredAt: '2025-03-04T10:30:00+01:00' }))!.occurredAt).toBe('2025-03-04T09:30:00.000Z');
  });

  it('leaves an unknown exchange alone', () => {
    expect(evolveExchanges(null, statusChanged('TO_DO', 'CLOSED', 1n, 6n))).toBeNull();
    expect(evolveExchanges(null, deleted(1n, 6n))).toBeNull();
    expect(evolveExchanges(null, exchangeUpdated({ changes: [] }, 1n, 6n))).toBeNull();
  });

  it('does not share arrays with the event', () => {
    const event = logged();
    const doc = evolveExchanges(null, event)!;
    expect(doc.contactIds).not.toBe(event.data.contactIds);
    expect(doc.collaboratorIds).not.toBe(event.data.collaboratorIds);
  });

  it('declares an index for every field its queries filter or sort on', () => {
    expect(exchangesProjection.name).toBe('exchanges.v3');
    expect(exchangesProjection.collection).toEqual({
      name: 'exchanges',
      indexes: [
        'thirdPartyId',
        'contactIds',
        'namedContactIds',
        'collaboratorIds',
        'participantIds',
        'mode',
        'subject',
        'status',
        'occurredAt',
        'linkedDocumentType',
        'linkedDocumentRef',
        'deleted',
      ],
      compoundIndexes: [['thirdPartyId', 'occurredAt']],
      listFields: ['contactIds', 'namedContactIds', 'collaboratorIds', 'participantIds'],
    });
  });
});
