import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { streams, type ContactAdded, type ContactArchived, type ContactUpdated } from '#domain';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { appendEvents, fixedClock, openStores, RecordingLogger, type Stores } from '../testing/third-party-fixtures.js';
import { contactsProjection } from './contacts.projection.js';
import { ContactQueries } from './contacts.queries.js';

let stores: Stores;
let queries: ContactQueries;

const at = { occurredAt: '2025-01-06T09:00:00.000Z' };

const addContact = (contactId: string, thirdPartyId: string, firstName: string | null, lastName: string): Promise<bigint> => {
  const event: ContactAdded = {
    type: 'ContactAdded',
    data: {
      contactId,
      thirdPartyId,
      firstName,
      lastName,
      jobTitle: null,
      email: null,
      phone: null,
      mobile: null,
      preferredLanguage: null,
      preferredChannel: null,
      notes: null,
      addedAt: at.occurredAt,
    },
  };
  return appendEvents(stores, streams.contact(contactId), [event], at);
};

/** More than one page of the store, so the whole list needs several reads. */
const MANY = 130;

beforeAll(async () => {
  stores = openStores();
  await addContact('c-1', 'tp-1', 'Zoé', 'Le');
  await addContact('c-2', 'tp-1', 'Amy', 'Le Blanc');
  await addContact('c-3', 'tp-1', 'anne', 'lé');
  await addContact('c-4', 'tp-1', null, 'Dupont');
  await addContact('c-5', 'tp-1', 'Bruno', 'Dupont');
  await addContact('c-6', 'tp-1', 'Émile', 'Zola');
  await addContact('c-7', 'tp-2', 'Other', 'Company');
  for (let n = 1; n <= MANY; n++) await addContact(`m-${n}`, 'tp-3', `First ${n}`, `Last ${String(n).padStart(3, '0')}`);
  const renamed: ContactUpdated = {
    type: 'ContactUpdated',
    data: { contactId: 'c-6', thirdPartyId: 'tp-1', displayName: 'Émile Abel', changes: [{ field: 'lastName', from: 'Zola', to: 'Abel' }] },
  };
  await appendEvents(stores, streams.contact('c-6'), [renamed], at);
  const archived: ContactArchived = {
    type: 'ContactArchived',
    data: { contactId: 'c-5', thirdPartyId: 'tp-1', displayName: 'Bruno Dupont', reason: 'left' },
  };
  const head = await appendEvents(stores, streams.contact('c-5'), [archived], at);

  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [contactsProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  queries = await ContactQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

describe('ContactQueries against the SQLite read store', () => {
  it('gets a contact by id, archived or not, or null', async () => {
    expect((await queries.get('c-6'))?.displayName).toBe('Émile Abel');
    expect((await queries.get('c-5'))?.archived).toBe(true);
    expect(await queries.get('nobody')).toBeNull();
  });

  it('lists a third party’s contacts by last name then first name, ignoring case and accents, archived left out', async () => {
    const contacts = await queries.listByThirdParty('tp-1');
    expect(contacts.map((contact) => contact.displayName)).toEqual(['Émile Abel', 'Dupont', 'anne lé', 'Zoé Le', 'Amy Le Blanc']);
  });

  it('includes archived contacts on request', async () => {
    const contacts = await queries.listByThirdParty('tp-1', { includeArchived: true });
    expect(contacts.map((contact) => contact.id)).toEqual(['c-6', 'c-4', 'c-5', 'c-3', 'c-1', 'c-2']);
  });

  it('returns every contact of a third party that has more than one page of them, in order, once each', async () => {
    const contacts = await queries.listByThirdParty('tp-3');
    expect(contacts).toHaveLength(MANY);
    expect(contacts.map((contact) => contact.id)).toEqual(Array.from({ length: MANY }, (_, i) => `m-${i + 1}`));
  });

  it('returns an empty list for a third party without contacts', async () => {
    expect(await queries.listByThirdParty('tp-404')).toEqual([]);
    expect((await queries.listByThirdParty('tp-2')).map((contact) => contact.id)).toEqual(['c-7']);
  });
});
