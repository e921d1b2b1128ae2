import { describe, expect, it } from '@jest/globals';
import type { Message } from '#domain';
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
  noteAdded,
  ownerAssigned,
  registered,
  statusChanged,
  thirdPartyArchived,
  thirdPartyUpdated,
  unknownEvent,
  type Place,
} from '../testing/relationship-fixtures.js';
import { auditJournalProjection, auditScopes, eraseAuditEntry, evolveAuditJournal, type AuditEntry } from './audit-journal.projection.js';
import { changesOf, hasConfidentialChange, redactChanges, revealedChanges } from '../shared/confidential-redaction.js';

const entryOf = (event: Message, place: Place = {}): AuditEntry => {
  const entry = evolveAuditJournal(null, envelope(event, place));
  if (entry === null) throw new Error(`no entry for ${event.type}`);
  return entry;
};

describe('audit journal projection', () => {
  it('journals who did what, when, on which entity, with the correlation and source', () => {
    const expected: AuditEntry = {
      id: 'ev-9',
      at: '2025-03-03T12:20:00.000Z',
      position: '9',
      sortKey: '00000000000000000009',
      actorId: 'bob',
      action: 'ExchangeStatusChanged',
      entityType: 'exchange',
      entityId: ids.meeting,
      changes: [{ field: 'status', from: 'TO_DO', to: 'CLOSED' }],
      scope: ids.boulangerie,
      subjects: [`thirdParty:${ids.boulangerie}`, `contact:${ids.marie}`, `contact:${ids.pierre}`],
      correlationId: 'corr-7',
      causationId: 'ev-8',
      source: 'automation',
      commandId: 'cmd-7',
    };
    const entry = entryOf(statusChanged(), {
      eventId: 'ev-9',
      position: 9n,
      metadata: {
        actorId: 'bob',
        occurredAt: '2025-03-03T13:20:00+01:00',
        commandId: 'cmd-7',
        correlationId: 'corr-7',
        causationId: 'ev-8',
        source: 'automation',
      },
    });
    expect(entry).toEqual(expected);
  });

  it('lists every field of a registration from null to its value, custom fields one by one, empty ones left out', () => {
    expect(entryOf(registered()).changes).toEqual([
      { field: 'name', from: null, to: 'Boulangerie Martin' },
      { field: 'kind', from: null, to: 'COMPANY' },
      { field: 'roles', from: null, to: ['PROSPECT'] },
      { field: 'prospectStatus', from: null, to: 'NEVER_CONTACTED' },
      { field: 'leadSource', from: null, to: 'trade fair' },
      { field: 'territory', from: null, to: 'Lyon' },
      { field: 'email', from: null, to: 'contact@boulangerie-martin.fr' },
      {
        field: 'address',
        from: null,
        to: { street: '3 rue Mercière', postalCode: '69002', city: 'Lyon', region: null, country: 'FR' },
      },
      { field: 'customFields.sector', from: null, to: 'bakery' },
      { field: 'customFields.employees', from: null, to: 12 },
      { field: 'registeredAt', from: null, to: '2025-03-03T09:00:00.000Z' },
      { field: 'ownerId', from: null, to: 'alice' },
      { field: 'tags', from: null, to: ['artisan'] },
    ]);
    expect(entryOf(registered()).entityType).toBe('thirdParty');
    expect(entryOf(registered()).entityId).toBe(ids.boulangerie);
  });

  it('lists the fields of an added contact and note, keeping references to other entities', () => {
    expect(entryOf(contactAdded()).changes).toEqual([
      { field: 'thirdPartyId', from: null, to: ids.boulangerie },
      { field: 'firstName', from: null, to: 'Marie' },
      { field: 'lastName', from: null, to: 'Curie' },
      { field: 'jobTitle', from: null, to: 'Buyer' },
      { field: 'email', from: null, to: 'marie@boulangerie-martin.fr' },
      { field: 'preferredLanguage', from: null, to: 'fr' },
      { field: 'preferredChannel', from: null, to: 'EMAIL' },
      { field: 'addedAt', from: null, to: '2025-03-03T09:10:00.000Z' },
    ]);
    expect(entryOf(noteAdded()).changes).toEqual([
      { field: 'thirdPartyId', from: null, to: ids.boulangerie },
      { field: 'contactId', from: null, to: ids.marie },
      { field: 'text', from: null, to: 'Prefers to be called in the morning' },
      { field: 'addedAt', from: null, to: '2025-03-03T12:05:00.000Z' },
    ]);
  });

  it('keeps the confidential comment of a logged exchange, for the reader of the journal to redact', () => {
    const entry = entryOf(exchangeLogged());
    expect(entry.changes).toEqual([
      { field: 'authorId', from: null, to: 'alice' },
      { field: 'thirdPartyId', from: null, to: ids.boulangerie },
      { field: 'contactIds', from: null, to: [ids.marie, ids.pierre] },
      { field: 'occurredAt', from: null, to: '2025-03-03T11:00:00.000Z' },
      { field: 'mode', from: null, to: 'phone' },
      { field: 'subject', from: null, to: 'quote' },
      { field: 'comment', from: null, to: 'Asked for a quote for 200 croissants a day' },
      { field: 'status', from: null, to: 'TO_DO' },
      { field: 'confidentialComment', from: null, to: CONFIDENTIAL_TEXT },
      { field: 'confidentialGroupId', from: null, to: 'sales-managers' },
      { field: 'collaboratorIds', from: null, to: ['bob'] },
      { field: 'notifyCollaborators', from: null, to: false },
      { field: 'linkedDocument', from: null, to: { type: 'QUOTE', ref: 'PR2503-0042' } },
      { field: 'contactedBy', from: null, to: 'alice' },
    ]);
    expect(redactChanges(entry.changes)).toContainEqual({ field: 'confidentialComment', from: null, to: '[confidential]' });
  });

  it('keeps the changes of update events, an exchange\'s confidential comment included', () => {
    expect(entryOf(thirdPartyUpdated()).changes).toEqual(thirdPartyUpdated().data.changes);
    expect(entryOf(ownerAssigned('bob')).changes).toEqual([{ field: 'ownerId', from: 'alice', to: 'bob' }]);
    expect(entryOf(categorised()).changes).toEqual(categorised().data.changes);
    expect(entryOf(contactUpdated()).changes).toEqual(contactUpdated().data.changes);
    expect(entryOf(converted()).changes).toEqual(converted().data.changes);
    expect(entryOf(exchangeUpdated()).changes).toEqual(exchangeUpdated().data.changes);
    const added = entryOf(exchangeUpdated({ changes: [{ field: 'confidentialComment', from: null, to: CONFIDENTIAL_TEXT }] }));
    expect(added.changes).toEqual([{ field: 'confidentialComment', from: null, to: CONFIDENTIAL_TEXT }]);
  });

  it('redacts a confidential value anywhere but on an exchange, where nobody could be judged its reader', () => {
    const registration = entryOf({ type: 'ThirdPartyRegistered', data: { ...registered().data, confidentialComment: CONFIDENTIAL_TEXT } });
    expect(registration.changes).toContainEqual({ field: 'confidentialComment', from: null, to: '[confidential]' });
    const renamed = entryOf(thirdPartyUpdated({ changes: [{ field: 'confidentialComment', from: 'old', to: CONFIDENTIAL_TEXT }] }));
    expect(renamed.changes).toEqual([{ field: 'confidentialComment', from: '[confidential]', to: '[confidential]' }]);
    expect(JSON.stringify([registration, renamed])).not.toContain(CONFIDENTIAL_TEXT);
  });

  it('records archives and deletions as the flag they set, with the reason when there is one', () => {
    expect(entryOf(thirdPartyArchived('closed down')).changes).toEqual([
      { field: 'archived', from: false, to: true },
      { field: 'reason', from: null, to: 'closed down' },
    ]);
    expect(entryOf(contactArchived()).changes).toEqual([{ field: 'archived', from: false, to: true }]);
    expect(entryOf(contactArchived()).entityType).toBe('contact');
    expect(entryOf(exchangeDeleted({ reason: 'duplicate' })).changes).toEqual([
      { field: 'deleted', from: false, to: true },
      { field: 'reason', from: null, to: 'duplicate' },
    ]);
  });

  it.each([
    [registered(), 'thirdParty', ids.boulangerie],
    [thirdPartyUpdated(), 'thirdParty', ids.boulangerie],
    [ownerAssigned(), 'thirdParty', ids.boulangerie],
    [categorised(), 'thirdParty', ids.boulangerie],
    [thirdPartyArchived(), 'thirdParty', ids.boulangerie],
    [converted(), 'thirdParty', ids.boulangerie],
    [contactAdded(), 'contact', ids.marie],
    [contactUpdated(), 'contact', ids.marie],
    [contactArchived(), 'contact', ids.pierre],
    [exchangeLogged(), 'exchange', ids.meeting],
    [exchangeUpdated(), 'exchange', ids.meeting],
    [statusChanged(), 'exchange', ids.meeting],
    [exchangeDeleted(), 'exchange', ids.meeting],
    [noteAdded(), 'note', ids.contactNote],
  ])('journals %p on its stream entity', (event, entityType, entityId) => {
    expect(auditJournalProjection.canHandle(event.type)).toBe(true);
    expect(auditJournalProjection.documentId(envelope(event, { eventId: 'ev-x' }))).toBe('ev-x');
    const entry = entryOf(event);
    expect(entry).toMatchObject({ action: event.type, entityType, entityId, actorId: 'alice', source: 'api' });
    expect(entry.changes.length).toBeGreaterThan(0);
  });

  it('journals an event type this build does not know, with the well-formed changes it lists, redacted', () => {
    expect(auditJournalProjection.canHandle('InvoiceIssued')).toBe(true);
    const entry = entryOf(unknownEvent(), { streamName: 'invoice-inv-1' });
    expect(entry).toMatchObject({ action: 'InvoiceIssued', entityType: 'invoice', entityId: 'inv-1' });
    expect(entry.changes).toEqual([
      { field: 'total', from: null, to: 1250.5 },
      { field: 'confidentialComment', from: null, to: '[confidential]' },
    ]);
  });

  it('journals an unknown event without changes, or without a dash in its stream name', () => {
    const bare = entryOf({ type: 'UserSignedIn', data: { userId: 'u-1' } }, { streamName: 'security' });
    expect(bare).toMatchObject({ action: 'UserSignedIn', entityType: 'security', entityId: 'security', changes: [] });
    expect(entryOf({ type: 'Odd', data: null }, { streamName: 'odd-1' }).changes).toEqual([]);
    expect(entryOf({ type: 'Odd', data: { changes: 'no' } }, { streamName: 'odd-1' }).changes).toEqual([]);
  });

  it('sorts by a 20-digit position key, exact for positions beyond 2^53', () => {
    const entry = entryOf(noteAdded(), { position: 2n ** 64n - 1n });
    expect(entry.position).toBe('18446744073709551615');
    expect(entry.sortKey).toBe('18446744073709551615');
    expect(entryOf(noteAdded(), { position: 2n ** 53n + 1n }).sortKey).toBe('00009007199254740993');
  });

  it('is idempotent: applying the same events twice yields the same documents', () => {
    const events: EventEnvelope[] = [
      envelope(registered(), { eventId: 'e1', position: 1n }),
      envelope(contactAdded(), { eventId: 'e2', position: 2n }),
      envelope(exchangeLogged(), { eventId: 'e3', position: 3n }),
      envelope(exchangeUpdated(), { eventId: 'e4', position: 4n }),
      envelope(unknownEvent(), { eventId: 'e5', position: 5n, streamName: 'invoice-inv-1' }),
      envelope(exchangeDeleted(), { eventId: 'e6', position: 6n }),
    ];
    const once = fold(auditJournalProjection, events);
    expect(once.size).toBe(6);
    expect(fold(auditJournalProjection, events, once)).toEqual(once);
    for (const event of events) {
      const doc = once.get(event.eventId)!.doc;
      expect(auditJournalProjection.evolve(doc, event)).toBe(doc);
    }
  });

  it('declares the indexes its queries filter and sort on', () => {
    expect(auditJournalProjection.name).toBe('audit-journal.v3');
    expect(auditJournalProjection.collection).toEqual({
      name: 'audit_journal_v3',
      indexes: ['entityType', 'entityId', 'actorId', 'action', 'at', 'sortKey', 'scope', 'subjects'],
      compoundIndexes: [['entityId', 'sortKey']],
      listFields: ['subjects'],
    });
  });

  it.each([
    [registered(), ids.boulangerie],
    [ownerAssigned(), ids.boulangerie],
    [contactAdded(), ids.boulangerie],
    [contactArchived(), ids.boulangerie],
    [exchangeLogged({ thirdPartyId: ids.atelier }), ids.atelier],
    [exchangeDeleted(), ids.boulangerie],
    [noteAdded(), ids.boulangerie],
  ])('scopes %p to the third party it is about', (event, scope) => {
    expect(entryOf(event).scope).toBe(scope);
  });

  it('scopes a third party\'s own stream by its id, and an unknown event by the thirdPartyId it carries if any', () => {
    expect(entryOf({ type: 'Odd', data: {} }, { streamName: 'thirdParty-tp-9' }).scope).toBe('tp-9');
    expect(entryOf({ type: 'QuoteSent', data: { thirdPartyId: 'tp-7' } }, { streamName: 'quote-q-1' }).scope).toBe('tp-7');
    expect(entryOf(unknownEvent(), { streamName: 'invoice-inv-1' }).scope).toBe(auditScopes.global);
    expect(entryOf({ type: 'Odd', data: { thirdPartyId: 42 } }, { streamName: 'odd-1' }).scope).toBe('global');
  });

  it('scopes users and groups as global, and anything on a security stream as security', () => {
    expect(entryOf({ type: 'UserEnabled', data: { userId: 'u-1', enabledAt: 'x' } }, { streamName: 'user-u-1' }).scope).toBe('global');
    expect(entryOf({ type: 'GroupCreated', data: { groupId: 'g-1' } }, { streamName: 'group-g-1' }).scope).toBe('global');
    expect(entryOf({ type: 'SomethingLater', data: { thirdPartyId: 'tp-1' } }, { streamName: 'security-2026-11-23' }).scope).toBe('security');
  });
});

describe('confidential redaction', () => {
  it('replaces confidential values by a placeholder or null, leaving other fields alone', () => {
    expect(
      redactChanges([
        { field: 'confidentialComment', from: 'a secret', to: null },
        { field: 'confidentialGroupId', from: null, to: 'g-1' },
        { field: 'comment', from: 'x', to: 'y' },
      ]),
    ).toEqual([
      { field: 'confidentialComment', from: '[confidential]', to: null },
      { field: 'confidentialGroupId', from: null, to: 'g-1' },
      { field: 'comment', from: 'x', to: 'y' },
    ]);
  });

  it('reveals changes to a reader of the confidential comment, and redacts them for anyone else', () => {
    const changes = [
      { field: 'confidentialComment', from: null, to: 'a secret' },
      { field: 'comment', from: 'x', to: 'y' },
    ];
    expect(hasConfidentialChange(changes)).toBe(true);
    expect(revealedChanges(changes, true)).toBe(changes);
    expect(revealedChanges(changes, false)).toEqual([
      { field: 'confidentialComment', from: null, to: '[confidential]' },
      { field: 'comment', from: 'x', to: 'y' },
    ]);
    const plain = [{ field: 'comment', from: 'x', to: 'y' }];
    expect(hasConfidentialChange(plain)).toBe(false);
    expect(revealedChanges(plain, false)).toBe(plain);
  });

  it('reads only well-formed changes from unknown data', () => {
    expect(changesOf({ changes: [{ field: 'a' }, { field: 2, from: 1, to: 2 }, null] })).toEqual([
      { field: 'a', from: null, to: null },
    ]);
    expect(changesOf('text')).toEqual([]);
  });

  it('lists what a consent decision and a commercial document record, and erases only the personal evidence', () => {
    const consent = entryOf(
      {
        type: 'ConsentRecorded',
        data: {
          subjectKind: 'contact',
          subjectId: 'c-1',
          thirdPartyId: 'tp-1',
          purpose: 'MARKETING_EMAIL',
          channel: 'EMAIL',
          decision: 'OBJECTED',
          expressedAt: '2025-03-03T10:00:00.000Z',
          method: 'EMAIL',
          evidence: { formId: null, ipAddress: '203.0.113.7', textShown: null, documentRef: null },
          recordedAt: '2025-03-03T10:05:00.000Z',
          recordedBy: 'alice',
        },
      },
      { streamName: 'consent-contact-c-1' },
    );
    expect(consent.changes).toEqual(
      expect.arrayContaining([
        { field: 'purpose', from: null, to: 'MARKETING_EMAIL' },
        { field: 'decision', from: null, to: 'OBJECTED' },
        { field: 'evidence', from: null, to: { formId: null, ipAddress: '203.0.113.7', textShown: null, documentRef: null } },
      ]),
    );
    expect(consent.scope).toBe('tp-1');
    const erased = eraseAuditEntry(consent);
    expect(erased.changes.map((change) => change.field)).not.toContain('evidence');
    expect(erased.changes).toEqual(expect.arrayContaining([{ field: 'decision', from: null, to: 'OBJECTED' }]));

    const paid = entryOf(
      {
        type: 'CommercialDocumentStatusChanged',
        data: { documentId: 'd-1', thirdPartyId: 'tp-1', documentType: 'INVOICE', ref: 'FA-1', from: 'ISSUED', to: 'PAID', at: '2025-03-20T00:00:00.000Z', paidAmount: '1200.00' },
      },
      { streamName: 'commercialDocument-d-1' },
    );
    expect(paid.changes).toEqual([
      { field: 'status', from: 'ISSUED', to: 'PAID' },
      { field: 'at', from: null, to: '2025-03-20T00:00:00.000Z' },
      { field: 'paidAmount', from: null, to: '1200.00' },
    ]);
    expect(eraseAuditEntry(paid)).toEqual(paid);
  });
});
