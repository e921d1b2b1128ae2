import { describe, expect, it } from '@jest/globals';
import type { ContactAdded, ContactArchived, ContactUpdated, NoteAdded, ThirdPartyArchived } from '#domain';
import type { EventEnvelope } from '#event-store';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { contactDisplayName, contactSortKey, contactsProjection, evolveContacts, type ContactEntry } from './contacts.projection.js';

const stream = 'contact-c-1';

const added = (over: Partial<ContactAdded['data']> = {}, position = 5n): EventEnvelope<ContactAdded> =>
  envelopeOf<ContactAdded>(
    {
      type: 'ContactAdded',
      data: {
        contactId: 'c-1',
        thirdPartyId: 'tp-1',
        firstName: 'Élodie',
        lastName: 'Dupont',
        jobTitle: 'Buyer',
        email: 'elodie@dupont.example',
        phone: null,
        mobile: '+33 6 12 34 56 78',
        preferredLanguage: 'fr',
        preferredChannel: 'EMAIL',
        notes: null,
        addedAt: '2025-03-04T10:00:00.000Z',
        ...over,
      },
    },
    { streamName: `contact-${over.contactId ?? 'c-1'}`, revision: 0n, position },
  );

const contactUpdated = (changes: ContactUpdated['data']['changes'], displayName: string, revision: bigint, position: bigint) =>
  envelopeOf<ContactUpdated>(
    { type: 'ContactUpdated', data: { contactId: 'c-1', thirdPartyId: 'tp-1', displayName, changes } },
    { streamName: stream, revision, position, occurredAt: `2025-03-0${revision + 4n}T10:00:00.000Z` },
  );

const archived = (revision: bigint, position: bigint) =>
  envelopeOf<ContactArchived>(
    { type: 'ContactArchived', data: { contactId: 'c-1', thirdPartyId: 'tp-1', displayName: 'Élodie Martin', reason: 'left the company' } },
    { streamName: stream, revision, position, occurredAt: '2025-04-01T10:00:00.000Z' },
  );

const expectedAdded: ContactEntry = {
  id: 'c-1',
  thirdPartyId: 'tp-1',
  firstName: 'Élodie',
  lastName: 'Dupont',
  displayName: 'Élodie Dupont',
  jobTitle: 'Buyer',
  email: 'elodie@dupont.example',
  phone: null,
  mobile: '+33 6 12 34 56 78',
  preferredLanguage: 'fr',
  preferredChannel: 'EMAIL',
  notes: null,
  archived: false,
  addedAt: '2025-03-04T10:00:00.000Z',
  updatedAt: '2025-03-04T10:00:00.000Z',
  sortKey: 'dupont\u0001elodie',
  version: '0',
  lastPosition: '5',
};

const others: EventEnvelope[] = [
  envelopeOf<NoteAdded>(
    { type: 'NoteAdded', data: { noteId: 'n-1', thirdPartyId: 'tp-1', contactId: 'c-1', text: 'Prefers mornings', addedAt: '2025-03-05T00:00:00.000Z' } },
    { streamName: 'note-n-1', revision: 0n, position: 6n },
  ),
  envelopeOf<ThirdPartyArchived>(
    { type: 'ThirdPartyArchived', data: { thirdPartyId: 'tp-1', name: 'Dupont', reason: null, archivedAt: '2025-03-05T00:00:00.000Z' } },
    { streamName: 'thirdParty-tp-1', revision: 3n, position: 7n },
  ),
  envelopeOf({ type: 'ExchangeLogged', data: { exchangeId: 'x-1', contactIds: ['c-1'] } }, { streamName: 'exchange-x-1', revision: 0n, position: 8n }),
];

const history = (): EventEnvelope[] => [
  added(),
  ...others,
  contactUpdated(
    [
      { field: 'lastName', from: 'Dupont', to: 'Martin' },
      { field: 'jobTitle', from: 'Buyer', to: 'Head of purchasing' },
      { field: 'phone', from: null, to: '+33 1 23 45 67 89' },
      { field: 'preferredChannel', from: 'EMAIL', to: 'PHONE' },
      { field: 'notes', from: null, to: 'Met at the fair' },
    ],
    'Élodie Martin',
    1n,
    10n,
  ),
  archived(2n, 11n),
];

describe('contacts projection', () => {
  it('turns an added contact into an entry', () => {
    expect(evolveContacts(null, added())).toEqual(expectedAdded);
  });

  it('folds an update and an archive into the entry, moving version and updatedAt', () => {
    expect(docsOf(foldProjection(contactsProjection, history()))).toEqual({
      'c-1': {
        ...expectedAdded,
        lastName: 'Martin',
        displayName: 'Élodie Martin',
        jobTitle: 'Head of purchasing',
        phone: '+33 1 23 45 67 89',
        preferredChannel: 'PHONE',
        notes: 'Met at the fair',
        archived: true,
        updatedAt: '2025-04-01T10:00:00.000Z',
        sortKey: 'martin\u0001elodie',
        version: '2',
        lastPosition: '11',
      },
    });
  });

  it('applied twice, the same events yield the same documents', () => {
    const once = foldProjection(contactsProjection, history());
    expect(docsOf(foldProjection(contactsProjection, history(), once))).toEqual(docsOf(once));
    expect(docsOf(foldProjection(contactsProjection, history().flatMap((event) => [event, event])))).toEqual(docsOf(once));
  });

  it('routes contact events to their contact and ignores every other event', () => {
    for (const event of history()) {
      const handled = event.streamName === stream;
      expect(contactsProjection.canHandle(event.type)).toBe(handled);
      expect(contactsProjection.documentId(event)).toBe(handled ? 'c-1' : null);
    }
    const doc = evolveContacts(null, added());
    for (const event of others) expect(evolveContacts(doc, event)).toBe(doc);
  });

  it('recomputes the sort key when the first name changes, and ignores fields it does not know', () => {
    const doc = evolveContacts(null, added())!;
    const next = evolveContacts(
      doc,
      contactUpdated(
        [
          { field: 'firstName', from: 'Élodie', to: null },
          { field: 'shoeSize', from: null, to: 42 },
        ],
        'Dupont',
        1n,
        6n,
      ),
    )!;
    expect(next.firstName).toBeNull();
    expect(next.displayName).toBe('Dupont');
    expect(next.sortKey).toBe('dupont\u0001');
    expect(next).not.toHaveProperty('shoeSize');
  });

  it('leaves an unknown contact alone', () => {
    expect(evolveContacts(null, archived(1n, 6n))).toBeNull();
    expect(evolveContacts(null, contactUpdated([], 'X', 1n, 6n))).toBeNull();
  });

  it.each([
    ['Élodie', 'Dupont', 'Élodie Dupont'],
    [null, 'Dupont', 'Dupont'],
    ['', 'Dupont', 'Dupont'],
  ])('displays %p %p as %p', (first, last, display) => {
    expect(contactDisplayName(first, last)).toBe(display);
  });

  it('orders by last name first, a shorter last name before a longer one it begins', () => {
    const keys = [
      contactSortKey('Le Blanc', 'Amy'),
      contactSortKey('Le', 'Zoé'),
      contactSortKey('Lé', 'Anne'),
      contactSortKey('Dupont', null),
    ];
    expect([...keys].sort()).toEqual([
      contactSortKey('Dupont', null),
      contactSortKey('Lé', 'Anne'),
      contactSortKey('Le', 'Zoé'),
      contactSortKey('Le Blanc', 'Amy'),
    ]);
  });

  it('declares the indexes its queries filter and sort on', () => {
    expect(contactsProjection.name).toBe('contacts.v1');
    expect(contactsProjection.collection).toEqual({ name: 'contacts', indexes: ['thirdPartyId', 'sortKey', 'archived'] });
  });
});
