import { describe, expect, it } from '@jest/globals';
import type {
  ContactAdded,
  ExchangeDeleted,
  ExchangeLogged,
  ExchangeStatusChanged,
  ExchangeUpdated,
  NoteAdded,
  ProspectConverted,
  ThirdPartyArchived,
  ThirdPartyCategorised,
  ThirdPartyOwnerAssigned,
  ThirdPartyRegistered,
  ThirdPartyUpdated,
} from '#domain';
import type { EventEnvelope } from '#event-store';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import {
  customFieldTerm,
  directoryNameKey,
  directoryProjection,
  directoryWords,
  evolveDirectory,
  type DirectoryEntry,
} from './directory.projection.js';

const TP = 'tp-1';
const stream = `thirdParty-${TP}`;

const registeredData = (over: Partial<ThirdPartyRegistered['data']> = {}): ThirdPartyRegistered['data'] => ({
  thirdPartyId: TP,
  name: 'Élodie Dupont SARL',
  kind: 'COMPANY',
  roles: ['PROSPECT', 'CUSTOMER'],
  prospectStatus: 'TO_CONTACT',
  leadSource: 'trade-show',
  territory: 'north',
  vatNumber: 'FR40303265045',
  email: 'hello@dupont.example',
  phone: '+33 1 23 45 67 89',
  website: 'https://dupont.example',
  address: { street: '1 rue Haute', postalCode: '59000', city: 'Lille', region: null, country: 'FR' },
  paymentTerms: '30 days',
  ownerId: 'user-7',
  categories: ['retail'],
  tags: ['vip'],
  customFields: { sector: 'bakery', employees: 12, certified: true },
  registeredAt: '2025-03-04T10:00:00.000Z',
  ...over,
});

const registered = (
  over: Partial<ThirdPartyRegistered['data']> = {},
  place: { revision?: bigint; position?: bigint } = {},
): EventEnvelope<ThirdPartyRegistered> =>
  envelopeOf<ThirdPartyRegistered>(
    { type: 'ThirdPartyRegistered', data: registeredData(over) },
    { streamName: `thirdParty-${over.thirdPartyId ?? TP}`, revision: place.revision ?? 0n, position: place.position ?? 7n },
  );

const expectedEntry: DirectoryEntry = {
  id: TP,
  name: 'Élodie Dupont SARL',
  nameKey: 'elodie dupont sarl',
  nameWords: ['elodie', 'dupont', 'sarl'],
  namePrefixes: ['e', 'el', 'elo', 'elod', 'elodi', 'elodie', 'd', 'du', 'dup', 'dupo', 'dupon', 'dupont', 's', 'sa', 'sar', 'sarl'],
  kind: 'COMPANY',
  roles: ['PROSPECT', 'CUSTOMER'],
  prospectStatus: 'TO_CONTACT',
  leadSource: 'trade-show',
  territory: 'north',
  vatNumber: 'FR40303265045',
  email: 'hello@dupont.example',
  phone: '+33 1 23 45 67 89',
  website: 'https://dupont.example',
  address: { street: '1 rue Haute', postalCode: '59000', city: 'Lille', region: null, country: 'FR' },
  paymentTerms: '30 days',
  ownerId: 'user-7',
  categories: ['retail'],
  tags: ['vip'],
  customFields: { sector: 'bakery', employees: 12, certified: true },
  customFieldTerms: ['certified=true', 'employees=12', 'sector=bakery'],
  archived: false,
  archivedAt: null,
  convertedAt: null,
  lastInteractionAt: null,
  lastInteractionKey: '',
  registeredAt: '2025-03-04T10:00:00.000Z',
  registeredBy: 'user-1',
  updatedAt: '2025-03-04T10:00:00.000Z',
  version: '0',
  lastPosition: '7',
};

const updated = (changes: ThirdPartyUpdated['data']['changes'], revision: bigint, position: bigint, name = 'Élodie Dupont SARL') =>
  envelopeOf<ThirdPartyUpdated>(
    { type: 'ThirdPartyUpdated', data: { thirdPartyId: TP, name, changes } },
    { streamName: stream, revision, position, occurredAt: `2025-03-0${revision + 4n}T10:00:00.000Z` },
  );

const exchangeContext = { thirdPartyId: TP, contactIds: ['c-1'], subject: 'quote' };

const exchangeLogged = (exchangeId: string, occurredAt: string, position: bigint) =>
  envelopeOf<ExchangeLogged>(
    {
      type: 'ExchangeLogged',
      data: {
        exchangeId,
        authorId: 'user-1',
        ...exchangeContext,
        occurredAt,
        mode: 'phone',
        comment: null,
        status: 'CLOSED',
        confidentialComment: null,
        confidentialGroupId: null,
        collaboratorIds: [],
        notifyCollaborators: false,
        linkedDocument: null,
        contactedBy: 'user-1',
      },
    },
    { streamName: `exchange-${exchangeId}`, revision: 0n, position },
  );

const exchangeUpdated = (exchangeId: string, occurredAt: string, position: bigint) =>
  envelopeOf<ExchangeUpdated>(
    {
      type: 'ExchangeUpdated',
      data: {
        exchangeId,
        ...exchangeContext,
        occurredAt,
        previousContactIds: ['c-1'],
        changes: [{ field: 'occurredAt', from: '2025-03-10T09:00:00.000Z', to: occurredAt }],
      },
    },
    { streamName: `exchange-${exchangeId}`, revision: 1n, position },
  );

const noteAdded = (addedAt: string, position: bigint) =>
  envelopeOf<NoteAdded>(
    { type: 'NoteAdded', data: { noteId: `n-${position}`, thirdPartyId: TP, contactId: null, text: 'Call back', addedAt } },
    { streamName: `note-n-${position}`, revision: 0n, position, occurredAt: addedAt },
  );

const ignored: EventEnvelope[] = [
  envelopeOf<ExchangeStatusChanged>(
    {
      type: 'ExchangeStatusChanged',
      data: { exchangeId: 'x-1', ...exchangeContext, occurredAt: '2025-05-01T00:00:00.000Z', from: 'TO_DO', to: 'CLOSED' },
    },
    { streamName: 'exchange-x-1', revision: 2n, position: 90n },
  ),
  envelopeOf<ExchangeDeleted>(
    { type: 'ExchangeDeleted', data: { exchangeId: 'x-1', ...exchangeContext, occurredAt: '2025-05-01T00:00:00.000Z', reason: null } },
    { streamName: 'exchange-x-1', revision: 3n, position: 91n },
  ),
  envelopeOf<ContactAdded>(
    {
      type: 'ContactAdded',
      data: {
        contactId: 'c-1',
        thirdPartyId: TP,
        firstName: null,
        lastName: 'Martin',
        jobTitle: null,
        email: null,
        phone: null,
        mobile: null,
        preferredLanguage: null,
        preferredChannel: null,
        notes: null,
        addedAt: '2025-05-01T00:00:00.000Z',
      },
    },
    { streamName: 'contact-c-1', revision: 0n, position: 92n },
  ),
];

/** One event of every handled type, in log order. */
const history = (): EventEnvelope[] => [
  registered(),
  updated(
    [
      { field: 'name', from: 'Élodie Dupont SARL', to: 'Dupont & Fils' },
      { field: 'prospectStatus', from: 'TO_CONTACT', to: 'IN_PROGRESS' },
      { field: 'customFields.sector', from: 'bakery', to: 'pastry' },
      { field: 'customFields.certified', from: true, to: null },
      { field: 'address.city', from: 'Lille', to: 'Roubaix' },
    ],
    1n,
    10n,
    'Dupont & Fils',
  ),
  exchangeLogged('x-1', '2025-03-10T09:00:00.000Z', 11n),
  envelopeOf<ThirdPartyOwnerAssigned>(
    { type: 'ThirdPartyOwnerAssigned', data: { thirdPartyId: TP, name: 'Dupont & Fils', changes: [{ field: 'ownerId', from: 'user-7', to: 'user-9' }] } },
    { streamName: stream, revision: 2n, position: 12n, occurredAt: '2025-03-11T10:00:00.000Z' },
  ),
  envelopeOf<ThirdPartyCategorised>(
    {
      type: 'ThirdPartyCategorised',
      data: {
        thirdPartyId: TP,
        name: 'Dupont & Fils',
        changes: [
          { field: 'categories', from: ['retail'], to: ['retail', 'food'] },
          { field: 'tags', from: ['vip'], to: [] },
        ],
      },
    },
    { streamName: stream, revision: 3n, position: 13n, occurredAt: '2025-03-12T10:00:00.000Z' },
  ),
  noteAdded('2025-03-12T11:00:00.000Z', 14n),
  // Moved earlier: the interaction date stays at the later value.
  exchangeUpdated('x-1', '2025-03-01T09:00:00.000Z', 15n),
  envelopeOf<ProspectConverted>(
    {
      type: 'ProspectConverted',
      data: {
        thirdPartyId: TP,
        name: 'Dupont & Fils',
        convertedAt: '2025-03-13T10:00:00.000Z',
        convertedBy: 'user-9',
        firstExchangeAt: '2025-03-01T09:00:00.000Z',
        msSinceFirstExchange: 1_040_400_000,
        changes: [
          { field: 'roles', from: ['PROSPECT', 'CUSTOMER'], to: ['CUSTOMER'] },
          { field: 'prospectStatus', from: 'IN_PROGRESS', to: null },
        ],
      },
    },
    { streamName: stream, revision: 4n, position: 16n, occurredAt: '2025-03-13T10:00:00.000Z' },
  ),
  ...ignored,
  envelopeOf<ThirdPartyArchived>(
    { type: 'ThirdPartyArchived', data: { thirdPartyId: TP, name: 'Dupont & Fils', reason: 'closed down', archivedAt: '2025-06-01T10:00:00.000Z' } },
    { streamName: stream, revision: 5n, position: 100n, occurredAt: '2025-06-01T10:00:00.000Z' },
  ),
];

const finalEntry: DirectoryEntry = {
  ...expectedEntry,
  name: 'Dupont & Fils',
  nameKey: 'dupont & fils',
  nameWords: ['dupont', 'fils'],
  namePrefixes: ['d', 'du', 'dup', 'dupo', 'dupon', 'dupont', 'f', 'fi', 'fil', 'fils'],
  roles: ['CUSTOMER'],
  prospectStatus: null,
  address: { street: '1 rue Haute', postalCode: '59000', city: 'Roubaix', region: null, country: 'FR' },
  ownerId: 'user-9',
  categories: ['retail', 'food'],
  tags: [],
  customFields: { sector: 'pastry', employees: 12 },
  customFieldTerms: ['employees=12', 'sector=pastry'],
  archived: true,
  archivedAt: '2025-06-01T10:00:00.000Z',
  convertedAt: '2025-03-13T10:00:00.000Z',
  lastInteractionAt: '2025-03-12T11:00:00.000Z',
  lastInteractionKey: '2025-03-12T11:00:00.000Z',
  updatedAt: '2025-06-01T10:00:00.000Z',
  version: '5',
  lastPosition: '100',
};

describe('directory projection', () => {
  it('turns a registration into a directory entry carrying the whole profile', () => {
    expect(directoryProjection.evolve(null, registered())).toEqual(expectedEntry);
  });

  it('folds one event of every handled type into the entry', () => {
    expect(docsOf(foldProjection(directoryProjection, history()))).toEqual({ [TP]: finalEntry });
  });

  it('applied twice, the same events yield the same documents', () => {
    const once = foldProjection(directoryProjection, history());
    const twice = foldProjection(directoryProjection, history(), once);
    expect(docsOf(twice)).toEqual(docsOf(once));
    const interleaved = history().flatMap((event) => [event, event]);
    expect(docsOf(foldProjection(directoryProjection, interleaved))).toEqual(docsOf(once));
  });

  it('evolve itself is deterministic: the same event on the same document gives equal documents', () => {
    for (const event of history()) {
      const before = evolveDirectory(null, registered());
      expect(evolveDirectory(before, event)).toEqual(evolveDirectory(before, event));
    }
  });

  it('routes every handled event to the third party it names, exchanges and notes included', () => {
    const handled = history().filter((event) => directoryProjection.canHandle(event.type));
    expect(handled.map((event) => event.type)).toEqual([
      'ThirdPartyRegistered',
      'ThirdPartyUpdated',
      'ExchangeLogged',
      'ThirdPartyOwnerAssigned',
      'ThirdPartyCategorised',
      'NoteAdded',
      'ExchangeUpdated',
      'ProspectConverted',
      'ThirdPartyArchived',
    ]);
    for (const event of handled) expect(directoryProjection.documentId(event)).toBe(TP);
    expect(directoryProjection.documentId(registered({ thirdPartyId: 'tp-42' }))).toBe('tp-42');
  });

  it('ignores status changes, deletions of exchanges and contact events', () => {
    const doc = evolveDirectory(null, registered());
    for (const event of ignored) {
      expect(directoryProjection.canHandle(event.type)).toBe(false);
      expect(directoryProjection.documentId(event)).toBeNull();
      expect(directoryProjection.evolve(doc, event)).toBe(doc);
    }
  });

  it('applies changes field by field, recomputing the name keys and custom field terms', () => {
    const doc = evolveDirectory(null, registered())!;
    const next = evolveDirectory(
      doc,
      updated(
        [
          { field: 'name', from: 'Élodie Dupont SARL', to: 'Zoë Saldaña' },
          { field: 'kind', from: 'COMPANY', to: 'INDIVIDUAL' },
          { field: 'address', from: doc.address as never, to: null },
          { field: 'customFields.rating', from: null, to: 4.5 },
          { field: 'leadSource', from: 'trade-show', to: null },
          { field: 'somethingNew', from: null, to: 'ignored' },
        ],
        1n,
        8n,
        'Zoë Saldaña',
      ),
    )!;
    expect(next).toEqual({
      ...doc,
      name: 'Zoë Saldaña',
      nameKey: 'zoe saldana',
      nameWords: ['zoe', 'saldana'],
      namePrefixes: ['z', 'zo', 'zoe', 's', 'sa', 'sal', 'sald', 'salda', 'saldan', 'saldana'],
      kind: 'INDIVIDUAL',
      address: null,
      leadSource: null,
      customFields: { ...doc.customFields, rating: 4.5 },
      customFieldTerms: ['certified=true', 'employees=12', 'rating=4.5', 'sector=bakery'],
      updatedAt: '2025-03-05T10:00:00.000Z',
      version: '1',
      lastPosition: '8',
    });
    expect(next).not.toHaveProperty('somethingNew');
  });

  it('fills a missing address when one part of it changes', () => {
    const doc = evolveDirectory(null, registered({ address: null }))!;
    const next = evolveDirectory(doc, updated([{ field: 'address.country', from: null, to: 'IT' }], 1n, 8n))!;
    expect(next.address).toEqual({ street: null, postalCode: null, city: null, region: null, country: 'IT' });
  });

  it('keeps the latest interaction, moving neither the version nor updatedAt', () => {
    const doc = evolveDirectory(null, registered())!;
    const logged = evolveDirectory(doc, exchangeLogged('x-1', '2025-03-10T09:00:00.000Z', 8n))!;
    expect(logged).toEqual({
      ...doc,
      lastInteractionAt: '2025-03-10T09:00:00.000Z',
      lastInteractionKey: '2025-03-10T09:00:00.000Z',
      lastPosition: '8',
    });
    const older = evolveDirectory(logged, exchangeLogged('x-2', '2025-02-01T09:00:00.000Z', 9n))!;
    expect(older.lastInteractionAt).toBe('2025-03-10T09:00:00.000Z');
    const newer = evolveDirectory(older, noteAdded('2025-04-01T08:00:00.000Z', 10n))!;
    expect(newer.lastInteractionAt).toBe('2025-04-01T08:00:00.000Z');
    const moved = evolveDirectory(newer, exchangeUpdated('x-1', '2025-05-02T08:00:00.000Z', 11n))!;
    expect(moved.lastInteractionAt).toBe('2025-05-02T08:00:00.000Z');
    expect(moved.version).toBe('0');
    expect(moved.updatedAt).toBe(doc.updatedAt);
  });

  it('stores interaction instants in UTC with milliseconds, whatever offset the event used', () => {
    const doc = evolveDirectory(null, registered())!;
    const next = evolveDirectory(doc, exchangeLogged('x-1', '2025-03-10T10:00:00+01:00', 8n))!;
    expect(next.lastInteractionAt).toBe('2025-03-10T09:00:00.000Z');
  });

  it('leaves an unknown third party alone (no entry appears for an exchange or an update)', () => {
    expect(evolveDirectory(null, exchangeLogged('x-1', '2025-03-10T09:00:00.000Z', 8n))).toBeNull();
    expect(evolveDirectory(null, updated([{ field: 'email', from: null, to: 'a@b.c' }], 1n, 8n))).toBeNull();
  });

  it('does not share arrays or objects with the event', () => {
    const event = registered();
    const doc = evolveDirectory(null, event)!;
    expect(doc.roles).not.toBe(event.data.roles);
    expect(doc.categories).not.toBe(event.data.categories);
    expect(doc.customFields).not.toBe(event.data.customFields);
    expect(doc.address).not.toBe(event.data.address);
  });

  it('stores positions and revisions as exact decimal strings', () => {
    const big = 2n ** 63n + 5n;
    const doc = evolveDirectory(null, registered({}, { revision: 3n, position: big }))!;
    expect(doc.version).toBe('3');
    expect(doc.lastPosition).toBe('9223372036854775813');
  });

  it.each([
    ['Élodie', 'elodie'],
    ['ÉLODIE', 'elodie'],
    ['elodie', 'elodie'],
    ['Ångström Çà et là', 'angstrom ca et la'],
    ['Zoë Saldaña', 'zoe saldana'],
  ])('normalises %p to the key %p', (name, key) => {
    expect(directoryNameKey(name)).toBe(key);
    expect(evolveDirectory(null, registered({ name }))!.nameKey).toBe(key);
  });

  it('gives decomposed input (e + combining acute) the same key as precomposed input', () => {
    expect(directoryNameKey('E\u0301lodie')).toBe(directoryNameKey('\u00c9lodie'));
    expect(directoryNameKey('E\u0301lodie')).toBe('elodie');
  });

  it.each([
    ['Dupont-Martin & Fils', ['dupont', 'martin', 'fils']],
    ["L'Atelier  du  Pain", ['l', 'atelier', 'du', 'pain']],
    ['ACME acme', ['acme']],
    ['3M France', ['3m', 'france']],
    ['  ', []],
  ])('splits %p into the words %p', (name, words) => {
    expect(directoryWords(name)).toEqual(words);
  });

  it.each([
    ['sector', 'bakery', 'sector=bakery'],
    ['employees', 12, 'employees=12'],
    ['certified', false, 'certified=false'],
    ['label', '12', 'label=12'],
  ] as const)('spells the custom field %p = %p as the term %p', (key, value, term) => {
    expect(customFieldTerm(key, value)).toBe(term);
  });

  it('declares an index for every field its queries filter or sort on', () => {
    expect(directoryProjection.name).toBe('directory.v2');
    expect(directoryProjection.collection).toEqual({
      name: 'directory',
      indexes: [
        'nameKey',
        'namePrefixes',
        'kind',
        'roles',
        'prospectStatus',
        'territory',
        'categories',
        'tags',
        'ownerId',
        'leadSource',
        'customFieldTerms',
        'lastInteractionKey',
        'consentTerms',
        'archived',
        'registeredAt',
        'mergedInto',
      ],
      compoundIndexes: [['archived', 'mergedInto']],
      listFields: ['namePrefixes', 'roles', 'categories', 'tags', 'customFieldTerms', 'consentTerms'],
    });
  });
});
