import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  contactDecider,
  dataSubjects,
  defaultCatalogue,
  DomainRuleViolated,
  ERASED,
  exchangeDecider,
  InvalidInput,
  NotFound,
  streams,
  thirdPartyDecider,
  type CommandContext,
  type Decider,
  type Message,
} from '#domain';
import { EventCodec, foldStream, handleCommand, SubjectForgotten } from '#event-store';
import { projections } from '#projections';
import { openStores, thirdPartyId, type Stores } from '../../projections/src/testing/third-party-fixtures.js';
import { DataSubjectErasure, type ErasureStep } from './data-subject-erasure.js';

/**
 * Forgetting data subjects on the real stores: the events, the cascade to a
 * company's people, the keys, and the certificate rebuilt from the log.
 */

const NOW = new Date('2026-05-04T10:00:00.000Z');
const COMPANY = thirdPartyId(1);
const PERSON = thirdPartyId(2);
const ANNA = 'c-anna';
const BRUNO = 'c-bruno';
const EXCHANGE = 'x-1';

let stores: Stores;
let erasure: DataSubjectErasure;
let n = 0;

const context = (actorId = 'dpo-1'): CommandContext => {
  n += 1;
  return { actorId, now: NOW, commandId: `cmd-${n}`, correlationId: `cmd-${n}`, causationId: null, source: 'api' };
};

const run = async <S, C extends Message, E extends Message>(decider: Decider<S, C, E>, stream: string, command: C, codec?: EventCodec) =>
  handleCommand({ store: stores.eventStore, codec: codec ?? stores.codec, ids: stores.ids }, decider, stream, command, context('alice'));

const register = (id: string, name: string, kind: 'COMPANY' | 'INDIVIDUAL') =>
  run(thirdPartyDecider, streams.thirdParty(id), {
    type: 'RegisterThirdParty',
    data: { thirdPartyId: id, name, kind, roles: ['CUSTOMER'], email: `${id}@example.org`, catalogue: defaultCatalogue },
  });

const addContact = (contactId: string, lastName: string, codec?: EventCodec) =>
  run(
    contactDecider,
    streams.contact(contactId),
    { type: 'AddContact', data: { contactId, thirdParty: { thirdPartyId: COMPANY, status: 'active' }, firstName: 'Anna', lastName } },
    codec,
  );

beforeEach(async () => {
  stores = openStores();
  erasure = new DataSubjectErasure({ store: stores.eventStore, codec: stores.codec, ids: stores.ids, keys: stores.keys, clock: { now: () => NOW }, pageSize: 3 });
  await register(COMPANY, 'Atelier Nord', 'COMPANY');
  await register(PERSON, 'Hélène Garnier', 'INDIVIDUAL');
  await addContact(ANNA, 'Kowalska');
  await addContact(BRUNO, 'Lemaire');
  await run(exchangeDecider, streams.exchange(EXCHANGE), {
    type: 'LogExchange',
    data: {
      exchangeId: EXCHANGE,
      thirdParty: { thirdPartyId: COMPANY, status: 'active' },
      contacts: [{ contactId: ANNA, thirdPartyId: COMPANY, archived: false }],
      occurredAt: '2026-05-01T09:00:00.000Z',
      mode: 'phone',
      subject: 'quote',
      comment: 'Anna Kowalska asked for a quote',
      catalogue: defaultCatalogue,
    },
  });
});

afterEach(async () => {
  await stores.close();
});

describe('DataSubjectErasure', () => {
  it('forgets a company with its people: their events first, then the keys, and certifies it', async () => {
    const steps: ErasureStep[] = [];
    const certificate = await erasure.forget(
      { subject: { kind: 'thirdParty', id: COMPANY }, reason: 'SUBJECT_REQUEST', reference: 'DPO-17' },
      context(),
      (step) => steps.push(step),
    );
    const head = await stores.eventStore.headPosition();

    expect(certificate).toEqual({
      subject: { kind: 'thirdParty', id: COMPANY },
      reason: 'SUBJECT_REQUEST',
      reference: 'DPO-17',
      forgottenAt: NOW.toISOString(),
      forgottenBy: 'dpo-1',
      position: head!.toString(),
      keysDestroyed: [dataSubjects.thirdParty(COMPANY), dataSubjects.contact(ANNA), dataSubjects.contact(BRUNO)],
      contactsForgotten: [ANNA, BRUNO],
      // Its registration, the two additions, the exchange.
      eventsNowUnreadable: 4,
      eventsLeftInClear: 0,
      readModelsErased: projections.filter((p) => p.forgets?.includes('thirdParty')).map((p) => p.name),
    });
    expect(certificate.readModelsErased).toEqual(expect.arrayContaining(['directory.v2', 'exchanges.v3', 'timeline.v3', 'audit-journal.v3']));
    expect(steps.map((step) => step.step)).toEqual([
      'scanned',
      'contactForgotten',
      'contactForgotten',
      'recorded',
      'keyDestroyed',
      'keyDestroyed',
      'keyDestroyed',
      'certified',
    ]);

    const anna = await stores.eventStore.readStream(streams.contact(ANNA));
    expect(anna.at(-1)).toMatchObject({ type: 'ContactForgotten', data: { contactId: ANNA, thirdPartyId: COMPANY, reason: 'SUBJECT_REQUEST', reference: 'DPO-17' } });
    // Who took part stays readable; what was said is gone.
    const exchange = await foldStream({ store: stores.eventStore, codec: stores.codec }, exchangeDecider, streams.exchange(EXCHANGE));
    expect(exchange.events[0]?.data).toMatchObject({ comment: ERASED, mode: 'phone', contactIds: [ANNA] });
    expect(exchange.events[0]?.erasedSubjects).toEqual([dataSubjects.thirdParty(COMPANY), dataSubjects.contact(ANNA)]);
    // The other third party is untouched.
    expect((await stores.keys.get([dataSubjects.thirdParty(PERSON)])).get(dataSubjects.thirdParty(PERSON))).toBeInstanceOf(Buffer);
  });

  it('is idempotent: forgetting again writes nothing and certifies the same; certificate() rebuilds it later', async () => {
    const subject = { kind: 'thirdParty', id: COMPANY } as const;
    const first = await erasure.forget({ subject, reason: 'SUBJECT_REQUEST', reference: null }, context());
    const head = await stores.eventStore.headPosition();
    const again = await erasure.forget({ subject, reason: 'OTHER', reference: 'retry' }, context('someone-else'));
    expect(await stores.eventStore.headPosition()).toBe(head);
    expect(again).toEqual(first);
    expect(await erasure.certificate(subject)).toEqual(first);
    expect(await erasure.certificate({ kind: 'contact', id: ANNA })).toMatchObject({ keysDestroyed: [dataSubjects.contact(ANNA)], contactsForgotten: [] });
  });

  it('finishes an erasure interrupted after its events: the keys are destroyed by the second run', async () => {
    await run(contactDecider, streams.contact(BRUNO), { type: 'ForgetContact', data: { contactId: BRUNO, reason: 'SUBJECT_REQUEST' } });
    expect((await stores.keys.get([dataSubjects.contact(BRUNO)])).get(dataSubjects.contact(BRUNO))).toBeInstanceOf(Buffer);
    expect((await erasure.certificate({ kind: 'contact', id: BRUNO }))?.keysDestroyed).toEqual([]);

    const certificate = await erasure.forget({ subject: { kind: 'contact', id: BRUNO }, reason: 'SUBJECT_REQUEST', reference: null }, context());
    expect(certificate).toMatchObject({ keysDestroyed: [dataSubjects.contact(BRUNO)], forgottenBy: 'alice', eventsNowUnreadable: 1 });
  });

  it('forgets a contact still named on an exchange: the exchange stays, its texts are erased, and it takes no new text', async () => {
    const certificate = await erasure.forget({ subject: { kind: 'contact', id: ANNA }, reason: 'LEGAL_OBLIGATION', reference: null }, context());
    expect(certificate).toMatchObject({ contactsForgotten: [], keysDestroyed: [dataSubjects.contact(ANNA)], eventsNowUnreadable: 2 });
    const exchange = await foldStream({ store: stores.eventStore, codec: stores.codec }, exchangeDecider, streams.exchange(EXCHANGE));
    expect(exchange.state).toMatchObject({ status: 'logged' });
    expect(exchange.events[0]?.data).toMatchObject({ comment: ERASED });
    await expect(
      run(exchangeDecider, streams.exchange(EXCHANGE), { type: 'UpdateExchange', data: { exchangeId: EXCHANGE, comment: 'About Anna again', catalogue: defaultCatalogue } }),
    ).rejects.toThrow(SubjectForgotten);
    await expect(
      run(contactDecider, streams.contact(ANNA), { type: 'UpdateContact', data: { contactId: ANNA, lastName: 'Nowak' } }),
    ).rejects.toThrow(DomainRuleViolated);
    // Her company is not forgotten with her.
    expect(await erasure.certificate({ kind: 'thirdParty', id: COMPANY })).toBeNull();
  });

  it('counts the events about the subject still stored in clear, from before encryption', async () => {
    const clear = new EventCodec();
    await addContact('c-old', 'Vieillard', clear);
    const certificate = await erasure.forget({ subject: { kind: 'contact', id: 'c-old' }, reason: 'RETENTION_POLICY', reference: null }, context());
    expect(certificate).toMatchObject({ eventsNowUnreadable: 0, eventsLeftInClear: 1 });
  });

  it('refuses an unknown subject and bad input before writing anything', async () => {
    const head = await stores.eventStore.headPosition();
    await expect(erasure.forget({ subject: { kind: 'thirdParty', id: 'nobody' }, reason: 'SUBJECT_REQUEST', reference: null }, context())).rejects.toThrow(
      new NotFound('third party', 'nobody'),
    );
    await expect(erasure.forget({ subject: { kind: 'contact', id: 'nobody' }, reason: 'SUBJECT_REQUEST', reference: null }, context())).rejects.toThrow(NotFound);
    await expect(
      erasure.forget({ subject: { kind: 'thirdParty', id: COMPANY }, reason: 'BORED' as never, reference: null }, context()),
    ).rejects.toThrow(InvalidInput);
    await expect(
      erasure.forget({ subject: { kind: 'thirdParty', id: COMPANY }, reason: 'OTHER', reference: 'x'.repeat(101) }, context()),
    ).rejects.toThrow('reference: must be at most 100 characters');
    await expect(erasure.forget({ subject: { kind: 'user' as never, id: 'u' }, reason: 'OTHER', reference: null }, context())).rejects.toThrow(
      'subjectKind',
    );
    expect(await stores.eventStore.headPosition()).toBe(head);
    expect(await erasure.certificate({ kind: 'thirdParty', id: PERSON })).toBeNull();
  });
});
