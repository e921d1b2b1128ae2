import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { domainSchemaVersions, domainUpcasters, ERASED, type Message, type PersonalDataRule } from '#domain';
import { EventCodec, plaintextCipher, type EventMetadata } from './codec.js';
import type { NewEvent, StoredEvent } from './event-store.port.js';
import { SqliteSubjectKeyStore } from './keys/sqlite-subject-key-store.js';
import { SubjectForgotten, SubjectKeysMissing } from './keys/subject-key-store.port.js';
import { PersonalDataUnreadable, SubjectKeyCipher, type PersonalDataHeader } from './personal-data-cipher.js';

const metadata: Omit<EventMetadata, 'schemaVersion'> = {
  actorId: 'user-7',
  occurredAt: '2026-03-01T09:30:00.000Z',
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: null,
  source: 'api',
};

const registered: Message = {
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId: 'tp-1',
    name: 'Marie Dupont',
    kind: 'INDIVIDUAL',
    roles: ['PROSPECT'],
    prospectStatus: 'NEVER_CONTACTED',
    leadSource: null,
    territory: 'FR-69',
    vatNumber: null,
    email: 'marie@dupont.example',
    phone: '+33 4 00 00 00 01',
    website: null,
    address: { street: '3 rue des Lilas', postalCode: '69003', city: 'Lyon', region: null, country: 'FR' },
    paymentTerms: null,
    customFields: { nickname: 'la Dupont' },
    registeredAt: '2026-03-01T08:00:00.000Z',
    ownerId: 'user-1',
    categories: ['bakery'],
    tags: ['vip'],
  },
};

const updated: Message = {
  type: 'ThirdPartyUpdated',
  data: {
    thirdPartyId: 'tp-1',
    name: 'Marie Dupont-Martin',
    changes: [
      { field: 'name', from: 'Marie Dupont', to: 'Marie Dupont-Martin' },
      { field: 'territory', from: 'FR-69', to: 'FR-75' },
      { field: 'address', from: { street: '3 rue des Lilas', postalCode: '69003', city: 'Lyon', region: null, country: 'FR' }, to: null },
      { field: 'customFields.visits', from: 3, to: 4 },
    ],
  },
};

const exchange: Message = {
  type: 'ExchangeLogged',
  data: {
    thirdPartyId: 'tp-1',
    contactIds: ['c-1', 'c-2'],
    occurredAt: '2026-03-02T08:00:00.000Z',
    mode: 'PHONE',
    subject: 'QUOTE',
    comment: 'Paul Dupont and Léa Martin want the quote by Friday',
    status: 'CLOSED',
    confidentialComment: null,
    confidentialGroupId: null,
    collaboratorIds: [],
    notifyCollaborators: false,
    linkedDocument: null,
    contactedBy: 'user-1',
    exchangeId: 'e-1',
    authorId: 'user-1',
  },
};

const PLAINTEXT = ['Dupont', 'dupont', 'Lilas', '+33', 'Martin', 'Friday'];

let n = 0;
/** What a store gives back: the encoded event through JSON, with its place in the log. */
const asStored = (event: NewEvent): StoredEvent => {
  n += 1;
  const stored = JSON.parse(JSON.stringify(event)) as NewEvent;
  return { ...stored, streamName: 'thirdParty-tp-1', revision: BigInt(n), position: BigInt(n), recordedAt: new Date('2026-03-02T09:00:00.000Z') };
};

describe('SubjectKeyCipher through the EventCodec', () => {
  let keys: SqliteSubjectKeyStore;
  let codec: EventCodec;

  beforeEach(() => {
    keys = SqliteSubjectKeyStore.open({ file: ':memory:' });
    codec = new EventCodec({ schemaVersions: domainSchemaVersions, upcasters: domainUpcasters, cipher: new SubjectKeyCipher({ keys }) });
  });
  afterEach(async () => {
    await keys.close();
  });

  const encode = async (...events: Message[]): Promise<StoredEvent[]> =>
    (await codec.encodeAll(events, metadata, events.map((_e, i) => `event-${i}`))).map(asStored);

  it('decodes what it encoded, field order included', async () => {
    const stored = await encode(registered, updated, exchange);
    const decoded = await codec.decodeAll(stored);
    expect(decoded.map((e) => e.data)).toEqual([registered.data, updated.data, exchange.data]);
    // Journals list a creation's fields in the event's order.
    expect(decoded.map((e) => JSON.stringify(e.data))).toEqual([registered, updated, exchange].map((e) => JSON.stringify(e.data)));
    expect(decoded.every((e) => e.erasedSubjects === undefined)).toBe(true);
  });

  it('stores no personal value in clear, and keeps ids, dates and classifications readable', async () => {
    const [stored] = await encode(registered);
    const raw = JSON.stringify(stored!.data);
    for (const text of PLAINTEXT) expect(raw).not.toContain(text);
    const data = stored!.data as Record<string, unknown> & { $pii: PersonalDataHeader };
    expect(data).toMatchObject({ thirdPartyId: 'tp-1', kind: 'INDIVIDUAL', territory: 'FR-69', ownerId: 'user-1', tags: ['vip'] });
    expect(data).not.toHaveProperty('name');
    expect(data.$pii).toMatchObject({
      v: 1,
      subjects: ['thirdParty:tp-1'],
      fields: { name: 's', leadSource: 'o', vatNumber: 'o', email: 's', phone: 's', website: 'o', address: 'o', paymentTerms: 'o', customFields: 'o' },
    });
    // Two encryptions of the same data differ (a fresh IV each time).
    const [again] = await encode(registered);
    expect((again!.data as { $pii: PersonalDataHeader }).$pii.ct).not.toEqual(data.$pii.ct);
  });

  it('keeps field names of a changes list in clear, and the values of classifying fields', async () => {
    const [stored] = await encode(updated);
    const data = stored!.data as { changes: unknown[]; $pii: PersonalDataHeader };
    expect(data.changes).toEqual([{ field: 'name' }, { field: 'territory', from: 'FR-69', to: 'FR-75' }, { field: 'address' }, { field: 'customFields.visits' }]);
    expect(data.$pii.changes).toEqual([
      [0, 's', 's'],
      [2, 'o', 'o'],
      [3, 'n', 'n'],
    ]);
  });

  it('reads erased markers of the right types once a key is destroyed, and names the subject', async () => {
    const stored = await encode(registered, updated);
    await keys.destroy('thirdParty:tp-1');
    const [first, second] = await codec.decodeAll(stored);
    expect(first!.erasedSubjects).toEqual(['thirdParty:tp-1']);
    expect(first!.data).toEqual({
      ...(registered.data as object),
      name: ERASED,
      email: ERASED,
      phone: ERASED,
      address: null,
      customFields: null,
    });
    expect(second!.data).toEqual({
      thirdPartyId: 'tp-1',
      name: ERASED,
      changes: [
        { field: 'name', from: ERASED, to: ERASED },
        { field: 'territory', from: 'FR-69', to: 'FR-75' },
        { field: 'address', from: null, to: null },
        { field: 'customFields.visits', from: null, to: null },
      ],
    });
  });

  it('erases arrays to [] and booleans to null', async () => {
    const rule: PersonalDataRule = { subjects: (data) => [`contact:${String(data['id'])}`], clear: ['id'] };
    const custom = new EventCodec({ cipher: new SubjectKeyCipher({ keys, ruleOf: (type) => (type === 'Sampled' ? rule : null) }) });
    const event: Message = { type: 'Sampled', data: { id: 'c-9', aliases: ['Polo'], subscribed: true, age: 41, bio: 'x' } };
    const stored = (await custom.encodeAll([event], metadata, ['e-9'])).map(asStored);
    await keys.destroy('contact:c-9');
    const [decoded] = await custom.decodeAll(stored);
    expect(decoded!.data).toEqual({ id: 'c-9', aliases: [], subscribed: null, age: null, bio: ERASED });
  });

  it('needs every subject key of an exchange: destroying any one erases its text', async () => {
    for (const forgotten of ['thirdParty:tp-1', 'contact:c-1', 'contact:c-2']) {
      const [stored] = await encode(exchange);
      expect((stored!.data as { $pii: PersonalDataHeader }).$pii.subjects).toEqual(['thirdParty:tp-1', 'contact:c-1', 'contact:c-2']);
      await keys.destroy(forgotten);
      const [decoded] = await codec.decodeAll([stored!]);
      expect(decoded!.erasedSubjects).toEqual([forgotten]);
      expect(decoded!.data).toEqual({ ...(exchange.data as object), comment: ERASED });
      await keys.close();
      keys = SqliteSubjectKeyStore.open({ file: ':memory:' });
      codec = new EventCodec({ cipher: new SubjectKeyCipher({ keys }) });
    }
  });

  it('refuses to record personal data about a forgotten subject', async () => {
    await keys.destroy('thirdParty:tp-1');
    await expect(encode(registered)).rejects.toThrow(SubjectForgotten);
    await expect(encode(registered)).rejects.toThrow(/thirdParty:tp-1 has been forgotten/);
  });

  it('reads events stored before encryption as they were stored', async () => {
    const legacy: StoredEvent = {
      eventId: 'old-1',
      type: 'ThirdPartyRegistered',
      data: { thirdPartyId: 'tp-2', name: 'Old Name', kind: 'COMPANY', roles: ['CUSTOMER'], registeredAt: '2024-01-01T00:00:00.000Z' },
      metadata: { ...metadata, schemaVersion: 1 },
      streamName: 'thirdParty-tp-2',
      revision: 0n,
      position: 1n,
      recordedAt: new Date('2024-01-01T00:00:00.000Z'),
    };
    const [decoded] = await codec.decodeAll([legacy]);
    expect(decoded!.data).toMatchObject({ thirdPartyId: 'tp-2', name: 'Old Name', customFields: {} });
    expect(decoded!.erasedSubjects).toBeUndefined();
  });

  it('draws no key for an event with nothing personal, and leaves it in clear', async () => {
    const statusChanged: Message = {
      type: 'ExchangeStatusChanged',
      data: { exchangeId: 'e-1', thirdPartyId: 'tp-3', contactIds: [], subject: 'QUOTE', occurredAt: '2026-03-02T08:00:00.000Z', from: 'TO_DO', to: 'CLOSED' },
    };
    const deleted: Message = {
      type: 'ExchangeDeleted',
      data: { exchangeId: 'e-1', thirdPartyId: 'tp-3', contactIds: [], subject: 'QUOTE', occurredAt: '2026-03-02T08:00:00.000Z', reason: null },
    };
    const staff: Message = { type: 'UserCreated', data: { userId: 'u-1', login: 'marie', displayName: 'Marie Dupont' } };
    const stored = await encode(statusChanged, deleted, staff);
    expect(stored.map((e) => e.data)).toEqual([statusChanged.data, deleted.data, staff.data]);
    expect(await keys.get(['thirdParty:tp-3'])).toEqual(new Map());
  });

  it('fails on altered ciphertext or header instead of returning garbage', async () => {
    const [stored] = await encode(registered);
    const data = stored!.data as Record<string, unknown> & { $pii: PersonalDataHeader };
    const ct = Buffer.from(data.$pii.ct, 'base64');
    ct[0] = ct[0]! ^ 1;
    const alteredCt = { ...stored!, data: { ...data, $pii: { ...data.$pii, ct: ct.toString('base64') } } };
    await expect(codec.decodeAll([alteredCt])).rejects.toThrow(PersonalDataUnreadable);
    // Retyping a field would turn a marker into a wrong type: the header is authenticated too.
    const alteredHeader = { ...stored!, data: { ...data, $pii: { ...data.$pii, fields: { ...data.$pii.fields, name: 'a' } } } };
    await expect(codec.decodeAll([alteredHeader])).rejects.toThrow(/ThirdPartyRegistered: the personal data cannot be read/);
    const unknownVersion = { ...stored!, data: { ...data, $pii: { ...data.$pii, v: 2 } } };
    await expect(codec.decodeAll([unknownVersion])).rejects.toThrow(/version 2 is not known to this build/);
  });

  it('refuses to read events whose keys the key store never held, rather than call them erased', async () => {
    const [stored] = await encode(registered);
    const elsewhere = SqliteSubjectKeyStore.open({ file: ':memory:' });
    const wrongStore = new EventCodec({ schemaVersions: domainSchemaVersions, cipher: new SubjectKeyCipher({ keys: elsewhere }) });
    await expect(wrongStore.decodeAll([stored!])).rejects.toThrow(SubjectKeysMissing);
    await expect(wrongStore.decodeAll([stored!])).rejects.toThrow(/no key and no tombstone for data subject thirdParty:tp-1/);
    await elsewhere.close();
  });

  it('refuses to encode or decode personal data without its keys loaded', async () => {
    expect(() => codec.encode(registered, metadata, 'e-1')).toThrow(/key of data subject thirdParty:tp-1 was not loaded/);
    const [stored] = await encode(registered);
    expect(() => codec.decode(stored!)).toThrow(/key of data subject thirdParty:tp-1 was not loaded/);
    expect(() => new EventCodec({ schemaVersions: domainSchemaVersions, cipher: plaintextCipher }).decode(stored!)).toThrow(/holds encrypted personal data, but this codec has no cipher/);
  });
});
