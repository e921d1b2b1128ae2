import { describe, expect, it } from '@jest/globals';
import type { CommercialDocumentRecorded, CommercialDocumentStatusChanged, Message } from '#domain';
import type { EventEnvelope } from '#event-store';
import {
  categorised,
  CONFIDENTIAL_TEXT,
  contactAdded,
  contactArchived,
  contactUpdated,
  converted,
  envelope,
  exchangeDeleted,
  exchangeLogged,
  exchangeUpdated,
  fold,
  ids,
  metadataAt,
  noteAdded,
  ownerAssigned,
  registered,
  statusChanged,
  thirdPartyArchived,
  thirdPartyUpdated,
  unknownEvent,
  type Place,
} from '../testing/relationship-fixtures.js';
import { conversionDelay, eraseTimelineEntry, evolveTimeline, timelineProjection, type TimelineEntry, type TimelineKind } from './timeline.projection.js';

const entryOf = (event: Message, place: Place = {}): TimelineEntry => {
  const entry = evolveTimeline(null, envelope(event, place));
  if (entry === null) throw new Error(`no entry for ${event.type}`);
  return entry;
};

describe('timeline projection', () => {
  it('turns a registration into an entry with the event id, actor, position and a summary', () => {
    const expected: TimelineEntry = {
      id: 'ev-7',
      thirdPartyId: ids.boulangerie,
      contactIds: [],
      kind: 'THIRD_PARTY_REGISTERED',
      occurredAt: '2025-03-03T09:00:00.000Z',
      sortKey: '2025-03-03T09:00:00.000Z|00000000000000000007',
      summary: 'Registered Boulangerie Martin (company, prospect)',
      actorId: 'alice',
      changes: [],
      exchangeId: null,
      contactId: null,
      noteId: null,
      documentId: null,
      position: '7',
    };
    expect(
      entryOf(registered(), { eventId: 'ev-7', position: 7n, metadata: { occurredAt: '2025-03-03T09:00:00.000Z' } }),
    ).toEqual(expected);
  });

  it('places a logged exchange at the date of the exchange, not when it was logged', () => {
    const expected: TimelineEntry = {
      id: 'ev-1',
      thirdPartyId: ids.boulangerie,
      contactIds: [ids.marie, ids.pierre],
      kind: 'EXCHANGE_LOGGED',
      occurredAt: '2025-03-03T11:00:00.000Z',
      sortKey: '2025-03-03T11:00:00.000Z|00000000000000000042',
      summary: 'Exchange logged: phone — quote',
      actorId: 'bob',
      changes: [],
      exchangeId: ids.meeting,
      contactId: null,
      noteId: null,
      documentId: null,
      position: '42',
    };
    expect(
      entryOf(exchangeLogged(), { metadata: { occurredAt: '2025-03-03T16:30:00.000Z', actorId: 'bob' } }),
    ).toEqual(expected);
  });

  type Case = [string, Message, TimelineKind, string, string[], Partial<TimelineEntry>];
  const cases: Case[] = [
    ['ThirdPartyRegistered', registered({ roles: ['PROSPECT', 'SUPPLIER'] }), 'THIRD_PARTY_REGISTERED', 'Registered Boulangerie Martin (company, prospect, supplier)', [], {}],
    ['ThirdPartyUpdated', thirdPartyUpdated(), 'THIRD_PARTY_UPDATED', 'Updated name, email', [], {}],
    ['ThirdPartyOwnerAssigned', ownerAssigned('bob'), 'THIRD_PARTY_UPDATED', 'Owner assigned: bob', [], {}],
    ['ThirdPartyOwnerAssigned (removed)', ownerAssigned(null), 'THIRD_PARTY_UPDATED', 'Owner unassigned', [], {}],
    ['ThirdPartyCategorised', categorised(), 'THIRD_PARTY_UPDATED', 'Updated categories, tags', [], {}],
    ['ThirdPartyArchived', thirdPartyArchived('closed down'), 'THIRD_PARTY_ARCHIVED', 'Archived: closed down', [], {}],
    ['ThirdPartyArchived (no reason)', thirdPartyArchived(null), 'THIRD_PARTY_ARCHIVED', 'Archived', [], {}],
    ['ProspectConverted', converted(), 'PROSPECT_CONVERTED', 'Converted to customer (12 days after the first exchange)', [], {}],
    ['ProspectConverted (no exchange)', converted(null), 'PROSPECT_CONVERTED', 'Converted to customer (no exchange recorded before)', [], {}],
    ['ContactAdded', contactAdded(), 'CONTACT_ADDED', 'Contact added: Marie Curie (Buyer)', [ids.marie], { contactId: ids.marie }],
    [
      'ContactAdded (last name only)',
      contactAdded({ firstName: null, jobTitle: null }),
      'CONTACT_ADDED',
      'Contact added: Curie',
      [ids.marie],
      { contactId: ids.marie },
    ],
    ['ContactUpdated', contactUpdated(), 'CONTACT_UPDATED', 'Contact updated: Marie Curie — email, phone', [ids.marie], { contactId: ids.marie }],
    [
      'ContactArchived',
      contactArchived({ reason: 'left the company' }),
      'CONTACT_ARCHIVED',
      'Contact archived: Pierre Curie — left the company',
      [ids.pierre],
      { contactId: ids.pierre },
    ],
    [
      'ExchangeLogged',
      exchangeLogged({ mode: 'video_call', subject: 'follow_up' }),
      'EXCHANGE_LOGGED',
      'Exchange logged: video call — follow up',
      [ids.marie, ids.pierre],
      { exchangeId: ids.meeting },
    ],
    [
      'ExchangeUpdated',
      exchangeUpdated(),
      'EXCHANGE_UPDATED',
      'Exchange updated (quote): contactIds, confidentialComment',
      [ids.marie, ids.pierre],
      { exchangeId: ids.meeting },
    ],
    [
      'ExchangeStatusChanged',
      statusChanged(),
      'EXCHANGE_STATUS_CHANGED',
      'Exchange status: TO_DO → CLOSED',
      [ids.marie, ids.pierre],
      { exchangeId: ids.meeting },
    ],
    ['ExchangeDeleted', exchangeDeleted(), 'EXCHANGE_DELETED', 'Exchange deleted', [ids.marie], { exchangeId: ids.meeting }],
    [
      'ExchangeDeleted (with a reason)',
      exchangeDeleted({ reason: 'duplicate' }),
      'EXCHANGE_DELETED',
      'Exchange deleted: duplicate',
      [ids.marie],
      { exchangeId: ids.meeting },
    ],
    ['NoteAdded (on a contact)', noteAdded(), 'NOTE_ADDED', 'Note added', [ids.marie], { noteId: ids.contactNote, contactId: ids.marie }],
    [
      'NoteAdded (on the third party)',
      noteAdded({ noteId: ids.thirdPartyNote, contactId: null }),
      'NOTE_ADDED',
      'Note added',
      [],
      { noteId: ids.thirdPartyNote, contactId: null },
    ],
  ];

  it.each(cases)('maps %s to its kind, summary and contacts', (_name, event, kind, summary, contactIds, refs) => {
    expect(timelineProjection.canHandle(event.type)).toBe(true);
    const entry = entryOf(event);
    expect(entry).toMatchObject({ kind, summary, contactIds, thirdPartyId: ids.boulangerie, ...refs });
    expect(timelineProjection.documentId(envelope(event, { eventId: 'ev-routed' }))).toBe('ev-routed');
  });

  it('covers every timeline kind', () => {
    const kinds = new Set(cases.map(([, event]) => entryOf(event).kind));
    expect([...kinds].sort()).toEqual(
      [
        'THIRD_PARTY_REGISTERED',
        'THIRD_PARTY_UPDATED',
        'THIRD_PARTY_ARCHIVED',
        'PROSPECT_CONVERTED',
        'CONTACT_ADDED',
        'CONTACT_UPDATED',
        'CONTACT_ARCHIVED',
        'EXCHANGE_LOGGED',
        'EXCHANGE_UPDATED',
        'EXCHANGE_STATUS_CHANGED',
        'EXCHANGE_DELETED',
        'NOTE_ADDED',
      ].sort(),
    );
  });

  it('keeps the field changes of updates, and records a status change as one', () => {
    expect(entryOf(thirdPartyUpdated()).changes).toEqual(thirdPartyUpdated().data.changes);
    expect(entryOf(contactUpdated()).changes).toEqual(contactUpdated().data.changes);
    expect(entryOf(converted()).changes).toEqual(converted().data.changes);
    expect(entryOf(statusChanged({ from: 'IN_PROGRESS', to: 'TO_DO' })).changes).toEqual([
      { field: 'status', from: 'IN_PROGRESS', to: 'TO_DO' },
    ]);
    expect(entryOf(exchangeLogged()).changes).toEqual([]);
    expect(entryOf(contactAdded()).changes).toEqual([]);
  });

  it('redacts confidential comments in changes and never stores their text', () => {
    const entry = entryOf(exchangeUpdated());
    expect(entry.changes).toEqual([
      { field: 'contactIds', from: [ids.marie, ids.pierre], to: [ids.marie] },
      { field: 'confidentialComment', from: '[confidential]', to: '[confidential]' },
    ]);
    const cleared = entryOf(
      exchangeUpdated({ changes: [{ field: 'confidentialComment', from: CONFIDENTIAL_TEXT, to: null }] }),
    );
    expect(cleared.changes).toEqual([{ field: 'confidentialComment', from: '[confidential]', to: null }]);
    for (const entry of [entryOf(exchangeLogged()), entryOf(exchangeUpdated()), cleared]) {
      expect(JSON.stringify(entry)).not.toContain(CONFIDENTIAL_TEXT);
    }
  });

  it('puts an exchange update on the timelines of the contacts it removed as well as those it kept', () => {
    const entry = entryOf(exchangeUpdated({ contactIds: [ids.pierre], previousContactIds: [ids.marie, ids.pierre] }));
    expect(entry.contactIds).toEqual([ids.pierre, ids.marie]);
  });

  it('spells every instant in UTC with milliseconds, so string order is time order', () => {
    const entry = entryOf(exchangeLogged({ occurredAt: '2025-03-03T12:00:00+01:00' }), { position: 5n });
    expect(entry.occurredAt).toBe('2025-03-03T11:00:00.000Z');
    expect(entry.sortKey).toBe('2025-03-03T11:00:00.000Z|00000000000000000005');
    expect(entryOf(noteAdded(), { metadata: { occurredAt: '2025-03-03T13:05:00Z' } }).occurredAt).toBe(
      '2025-03-03T13:05:00.000Z',
    );
  });

  it('orders entries at the same instant by position, with exact bigint positions', () => {
    const big = 2n ** 64n - 1n;
    const later = entryOf(noteAdded(), { position: big });
    const earlier = entryOf(noteAdded(), { position: 2n ** 53n + 1n });
    expect(later.position).toBe('18446744073709551615');
    expect(later.sortKey).toBe('2025-03-03T12:00:00.000Z|18446744073709551615');
    expect(earlier.sortKey).toBe('2025-03-03T12:00:00.000Z|00009007199254740993');
    expect(later.sortKey > earlier.sortKey).toBe(true);
  });

  it.each([
    [0, 'less than an hour'],
    [3_599_999, 'less than an hour'],
    [3_600_000, '1 hour'],
    [23 * 3_600_000 + 59_999, '23 hours'],
    [86_400_000, '1 day'],
    [12 * 86_400_000 + 5_000, '12 days'],
  ])('writes a conversion delay of %p ms as %p', (ms, text) => {
    expect(conversionDelay(ms)).toBe(text);
  });

  it('ignores events it does not show', () => {
    const unknown = envelope(unknownEvent());
    expect(timelineProjection.canHandle('InvoiceIssued')).toBe(false);
    expect(timelineProjection.documentId(unknown)).toBeNull();
    const doc = entryOf(noteAdded());
    expect(timelineProjection.evolve(doc, unknown)).toBe(doc);
  });

  it('is idempotent: applying the same events twice yields the same documents', () => {
    const events: EventEnvelope[] = [
      envelope(registered(), { eventId: 'e1', position: 1n }),
      envelope(contactAdded(), { eventId: 'e2', position: 2n }),
      envelope(exchangeLogged(), { eventId: 'e3', position: 3n }),
      envelope(exchangeUpdated(), { eventId: 'e4', position: 4n }),
      envelope(unknownEvent(), { eventId: 'e5', position: 5n }),
      envelope(noteAdded(), { eventId: 'e6', position: 6n }),
    ];
    const once = fold(timelineProjection, events);
    expect(once.size).toBe(5);
    const twice = fold(timelineProjection, events, once);
    expect(twice).toEqual(once);
    // Even without the position guard, evolving an entry with its own event changes nothing.
    for (const event of events.filter((e) => timelineProjection.canHandle(e.type))) {
      const doc = once.get(event.eventId)!.doc;
      expect(timelineProjection.evolve(doc, event)).toBe(doc);
    }
    expect(fold(timelineProjection, [...events].reverse())).toEqual(once);
  });

  it('does not share arrays with the event', () => {
    const event = envelope(exchangeLogged());
    const entry = evolveTimeline(null, event)!;
    expect(entry.contactIds).toEqual(event.data.contactIds);
    expect(entry.contactIds).not.toBe(event.data.contactIds);
  });

  it('declares the indexes its queries filter and sort on', () => {
    expect(timelineProjection.name).toBe('timeline.v3');
    expect(timelineProjection.collection).toEqual({
      name: 'timeline',
      indexes: ['thirdPartyId', 'contactIds', 'kind', 'occurredAt', 'sortKey', 'exchangeId', 'documentId'],
      compoundIndexes: [['thirdPartyId', 'sortKey']],
      listFields: ['contactIds'],
    });
  });

  it('uses the metadata of the event for the actor', () => {
    expect(entryOf(noteAdded(), { metadata: metadataAt('2025-03-03T12:00:00.000Z', { actorId: 'carol' }) }).actorId).toBe(
      'carol',
    );
  });

  describe('commercial documents', () => {
    const LABEL = 'Croissants for the Curie wedding';
    const recorded = (data: Partial<CommercialDocumentRecorded['data']> = {}): CommercialDocumentRecorded => ({
      type: 'CommercialDocumentRecorded',
      data: {
        documentId: 'doc-1',
        thirdPartyId: ids.boulangerie,
        documentType: 'QUOTE',
        ref: 'PR2503-0042',
        label: LABEL,
        amount: '1200.00',
        currency: 'EUR',
        issuedAt: '2025-03-01T09:00:00.000Z',
        dueAt: '2025-03-31T09:00:00.000Z',
        status: 'SENT',
        statusAt: '2025-03-02T10:00:00.000Z',
        paidAmount: null,
        ...data,
      },
    });
    const changed = (data: Partial<CommercialDocumentStatusChanged['data']> = {}): CommercialDocumentStatusChanged => ({
      type: 'CommercialDocumentStatusChanged',
      data: {
        documentId: 'doc-1',
        thirdPartyId: ids.boulangerie,
        documentType: 'QUOTE',
        ref: 'PR2503-0042',
        from: 'SENT',
        to: 'ACCEPTED',
        at: '2025-03-10T15:00:00+01:00',
        paidAmount: null,
        ...data,
      },
    });

    it('shows a recorded document at its status instant, by type, ref, amount and status, never by its label', () => {
      const entry = entryOf(recorded(), { eventId: 'ev-doc', position: 9n, metadata: { occurredAt: '2025-03-05T08:00:00.000Z' } });
      const expected: TimelineEntry = {
        id: 'ev-doc',
        thirdPartyId: ids.boulangerie,
        contactIds: [],
        kind: 'COMMERCIAL_DOCUMENT_RECORDED',
        occurredAt: '2025-03-02T10:00:00.000Z',
        sortKey: '2025-03-02T10:00:00.000Z|00000000000000000009',
        summary: 'Quote PR2503-0042 recorded: 1200.00 EUR, sent',
        actorId: 'alice',
        changes: [{ field: 'status', from: null, to: 'SENT' }],
        exchangeId: null,
        contactId: null,
        noteId: null,
        documentId: 'doc-1',
        position: '9',
      };
      expect(entry).toEqual(expected);
      expect(JSON.stringify(entry)).not.toContain(LABEL);
      expect(timelineProjection.canHandle('CommercialDocumentRecorded')).toBe(true);
    });

    it("lists what an invoice's payments came to", () => {
      const entry = entryOf(recorded({ documentType: 'INVOICE', ref: 'FA-7', status: 'PARTIALLY_PAID', paidAmount: '400.00' }));
      expect(entry.summary).toBe('Invoice FA-7 recorded: 1200.00 EUR, partially paid, 400.00 paid');
      expect(entry.changes).toEqual([
        { field: 'status', from: null, to: 'PARTIALLY_PAID' },
        { field: 'paidAmount', from: null, to: '400.00' },
      ]);
      const paid = entryOf(changed({ documentType: 'INVOICE', ref: 'FA-7', from: 'PARTIALLY_PAID', to: 'PAID', paidAmount: '1200.00' }));
      expect(paid.summary).toBe('Invoice FA-7: partially paid → paid, 1200.00 paid');
    });

    it('shows a status change at the instant it happened, as a change of status', () => {
      const entry = entryOf(changed(), { metadata: { occurredAt: '2025-03-12T08:00:00.000Z' } });
      expect(entry).toMatchObject({
        kind: 'COMMERCIAL_DOCUMENT_STATUS_CHANGED',
        occurredAt: '2025-03-10T14:00:00.000Z',
        summary: 'Quote PR2503-0042: sent → accepted',
        changes: [{ field: 'status', from: 'SENT', to: 'ACCEPTED' }],
        documentId: 'doc-1',
        contactIds: [],
      });
    });

    it('keeps its entries as they are when the third party is forgotten: they hold nothing personal', () => {
      for (const entry of [
        entryOf(recorded({ documentType: 'INVOICE', status: 'PARTIALLY_PAID', paidAmount: '400.00' })),
        entryOf(changed()),
      ]) {
        expect(eraseTimelineEntry(entry)).toEqual(entry);
      }
      // Built from the event as it reads once erased (its label a marker), the entry is the same.
      expect(entryOf(recorded({ label: '[erased]' }))).toEqual(entryOf(recorded()));
    });
  });
});
