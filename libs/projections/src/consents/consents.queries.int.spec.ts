import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { consentDecider, streams, type ConsentSubjectReference, type RecordConsent } from '#domain';
import { handleCommand } from '#event-store';
import { InvalidCursor } from '#read-store';
import { DirectoryQueries } from '../directory/directory.queries.js';
import { directoryProjection } from '../directory/directory.projection.js';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { fixedClock, openStores, RecordingLogger, register, T0, thirdPartyId, type Stores } from '../testing/third-party-fixtures.js';
import { consentsProjection } from './consents.projection.js';
import { ConsentQueries } from './consents.queries.js';

let stores: Stores;
let consents: ConsentQueries;
let directory: DirectoryQueries;
let head = 0n;

const person = thirdPartyId(1);
const company = thirdPartyId(2);
const other = thirdPartyId(3);
const contactId = 'c-1';

const subjectOf = (kind: 'contact' | 'thirdParty', id: string, owner: string): ConsentSubjectReference => ({
  kind,
  id,
  status: 'active',
  underThirdParty: owner,
  person: true,
});

let clock = 0;
const recordConsent = async (subject: ConsentSubjectReference, data: Partial<RecordConsent['data']>): Promise<void> => {
  clock += 1;
  const commandId = stores.ids.next();
  const result = await handleCommand(
    { store: stores.eventStore, codec: stores.codec, ids: stores.ids },
    consentDecider,
    streams.consent(subject.kind, subject.id),
    {
      type: 'RecordConsent',
      data: {
        subject,
        purpose: 'MARKETING_EMAIL',
        channel: 'EMAIL',
        decision: 'GIVEN',
        at: new Date(T0 + clock * 60_000).toISOString(),
        method: 'FORM',
        evidence: { ipAddress: '203.0.113.7', textShown: 'Yes, send me offers.' },
        ...data,
      },
    },
    { actorId: 'user-1', now: new Date(T0 + 86_400_000), commandId, correlationId: commandId, causationId: null, source: 'api' },
  );
  if (result.position !== null) head = result.position;
};

beforeAll(async () => {
  stores = openStores();
  await register(stores, { n: 1, name: 'Marie Curie', kind: 'INDIVIDUAL' });
  await register(stores, { n: 2, name: 'Curie SARL', kind: 'COMPANY' });
  const last = await register(stores, { n: 3, name: 'Pierre Curie', kind: 'INDIVIDUAL' });
  head = last.position!;
  const marie = subjectOf('thirdParty', person, person);
  await recordConsent(marie, {});
  await recordConsent(marie, { purpose: 'NEWSLETTER', channel: 'ANY' });
  await recordConsent(marie, { decision: 'WITHDRAWN', method: 'EMAIL', evidence: null });
  await recordConsent(subjectOf('thirdParty', other, other), { decision: 'GIVEN' });
  // A contact of the company objects: the company itself has no decision.
  await recordConsent(subjectOf('contact', contactId, company), { decision: 'OBJECTED' });

  const runner = new ProjectionRunner({
    store: stores.eventStore,
    readStore: stores.readStore,
    codec: stores.codec,
    projections: [consentsProjection, directoryProjection],
    logger: new RecordingLogger(),
    clock: fixedClock,
  });
  await runner.start();
  await runner.waitFor(head);
  await runner.stop();
  consents = await ConsentQueries.open(stores.readStore);
  directory = await DirectoryQueries.open(stores.readStore);
});

afterAll(async () => {
  await stores.close();
});

describe('ConsentQueries against the SQLite read store', () => {
  it('gives the decisions in force, with the evidence decrypted', async () => {
    const current = await consents.current('thirdParty', person);
    expect(current.map((d) => `${d.purpose}:${d.channel}:${d.decision}`)).toEqual(['MARKETING_EMAIL:EMAIL:WITHDRAWN', 'NEWSLETTER:ANY:GIVEN']);
    expect(current[1]?.evidence).toEqual({ formId: null, ipAddress: '203.0.113.7', textShown: 'Yes, send me offers.', documentRef: null });
    expect(await consents.current('contact', contactId)).toMatchObject([{ decision: 'OBJECTED' }]);
  });

  it('has nothing for a subject without decisions, or of the other kind', async () => {
    expect(await consents.current('thirdParty', company)).toEqual([]);
    expect(await consents.of('contact', person)).toBeNull();
  });

  it('pages the history newest first', async () => {
    const first = await consents.history('thirdParty', person, { first: 2 });
    expect(first.items.map((item) => item.decision.decision)).toEqual(['WITHDRAWN', 'GIVEN']);
    expect(first).toMatchObject({ hasNextPage: true, totalCount: 3 });
    const second = await consents.history('thirdParty', person, { first: 2, after: first.endCursor });
    expect(second.items.map((item) => `${item.decision.purpose}:${item.decision.decision}`)).toEqual(['MARKETING_EMAIL:GIVEN']);
    expect(second).toMatchObject({ hasNextPage: false, endCursor: second.items[0]?.cursor });
    expect((await consents.history('thirdParty', company, { first: 5 })).items).toEqual([]);
  });

  it('refuses a page size out of range and a cursor it did not hand out', async () => {
    await expect(consents.history('thirdParty', person, { first: 0 })).rejects.toThrow(RangeError);
    await expect(consents.history('thirdParty', person, { first: 101 })).rejects.toThrow(RangeError);
    await expect(consents.history('thirdParty', person, { first: 1, after: 'abc' })).rejects.toThrow(InvalidCursor);
  });
});

describe('the directory filtered on consent', () => {
  const names = async (consent: Parameters<DirectoryQueries['list']>[0]['filter']): Promise<string[]> =>
    (await directory.list({ first: 10, filter: consent })).items.map((item) => item.doc.name);

  it('finds the persons whose decision in force matches, on a channel or on any', async () => {
    expect(await names({ consent: { purpose: 'MARKETING_EMAIL', decision: 'GIVEN' } })).toEqual(['Pierre Curie']);
    expect(await names({ consent: { purpose: 'MARKETING_EMAIL', decision: 'WITHDRAWN', channel: 'EMAIL' } })).toEqual(['Marie Curie']);
    expect(await names({ consent: { purpose: 'NEWSLETTER', decision: 'GIVEN', channel: 'ANY' } })).toEqual(['Marie Curie']);
    expect(await names({ consent: { purpose: 'NEWSLETTER', decision: 'GIVEN', channel: 'EMAIL' } })).toEqual([]);
  });

  it('does not count a contact’s decision as its company’s', async () => {
    expect(await names({ consent: { purpose: 'MARKETING_EMAIL', decision: 'OBJECTED' } })).toEqual([]);
  });
});
