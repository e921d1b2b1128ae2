import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  contactDecider,
  dataSubjects,
  defaultCatalogue,
  streams,
  thirdPartyDecider,
  type CommandContext,
  type Decider,
  type Message,
} from '#domain';
import { foldStream, handleCommand } from '#event-store';
import { openStores, thirdPartyId, type Stores } from '../../projections/src/testing/third-party-fixtures.js';
import { DataSubjectErasure } from './data-subject-erasure.js';

/**
 * Erasure and merges: the contacts a merge moved to a survivor are the
 * survivor's while the merge holds, so forgetting the survivor forgets them;
 * once unmerged they are the absorbed one's again, and stay.
 */

const NOW = new Date('2026-05-04T10:00:00.000Z');
const SURVIVOR = thirdPartyId(1);
const ABSORBED = thirdPartyId(2);
const OWN = 'c-own';
const MOVED = 'c-moved';

let stores: Stores;
let erasure: DataSubjectErasure;
let n = 0;

const context = (): CommandContext => {
  n += 1;
  return { actorId: 'alice', now: NOW, commandId: `cmd-${n}`, correlationId: `cmd-${n}`, causationId: null, source: 'api' };
};
const run = <S, C extends Message, E extends Message>(decider: Decider<S, C, E>, stream: string, command: C) =>
  handleCommand({ store: stores.eventStore, codec: stores.codec, ids: stores.ids }, decider, stream, command, context());
const active = (thirdPartyIdValue: string) => ({ thirdPartyId: thirdPartyIdValue, status: 'active' as const });
const moved = { contactIds: [MOVED], exchangeIds: [], documentIds: [], followUpIds: [], activityIds: [] };

const merge = () =>
  run(thirdPartyDecider, streams.thirdParty(ABSORBED), {
    type: 'MergeThirdParties',
    data: { thirdPartyId: ABSORBED, survivor: active(SURVIVOR), reason: 'Registered twice', moved, mergedIntoAbsorbed: [] },
  });

const contactStatus = async (contactId: string): Promise<string> =>
  (await foldStream({ store: stores.eventStore, codec: stores.codec }, contactDecider, streams.contact(contactId))).state.status;

beforeEach(async () => {
  stores = openStores();
  erasure = new DataSubjectErasure({ store: stores.eventStore, codec: stores.codec, ids: stores.ids, keys: stores.keys, clock: { now: () => NOW }, pageSize: 3 });
  for (const [id, name] of [
    [SURVIVOR, 'Atelier Pivert'],
    [ABSORBED, 'Atelier Pivert SARL'],
  ] as const) {
    await run(thirdPartyDecider, streams.thirdParty(id), {
      type: 'RegisterThirdParty',
      data: { thirdPartyId: id, name, kind: 'COMPANY', roles: ['CUSTOMER'], catalogue: defaultCatalogue },
    });
  }
  await run(contactDecider, streams.contact(OWN), { type: 'AddContact', data: { contactId: OWN, thirdParty: active(SURVIVOR), lastName: 'Fontaine' } });
  await run(contactDecider, streams.contact(MOVED), { type: 'AddContact', data: { contactId: MOVED, thirdParty: active(ABSORBED), lastName: 'Brissac' } });
});

afterEach(async () => {
  await stores.close();
});

describe('forgetting the survivor of a merge', () => {
  it('forgets the contacts the merge moved to it, and destroys their keys', async () => {
    await merge();
    const certificate = await erasure.forget({ subject: { kind: 'thirdParty', id: SURVIVOR }, reason: 'SUBJECT_REQUEST', reference: null }, context());
    expect(certificate.contactsForgotten).toEqual([OWN, MOVED]);
    expect(certificate.keysDestroyed).toEqual([dataSubjects.thirdParty(SURVIVOR), dataSubjects.contact(OWN), dataSubjects.contact(MOVED)]);
    expect(await contactStatus(MOVED)).toBe('forgotten');
  });

  it('leaves them alone once the merge was undone', async () => {
    await merge();
    await run(thirdPartyDecider, streams.thirdParty(ABSORBED), {
      type: 'UnmergeThirdParties',
      data: { thirdPartyId: ABSORBED, survivor: active(SURVIVOR), reason: 'Two workshops' },
    });
    const certificate = await erasure.forget({ subject: { kind: 'thirdParty', id: SURVIVOR }, reason: 'SUBJECT_REQUEST', reference: null }, context());
    expect(certificate.contactsForgotten).toEqual([OWN]);
    expect(await contactStatus(MOVED)).toBe('active');
  });
});
