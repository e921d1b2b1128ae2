import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '../testing/decider-spec.js';
import { InvalidInput } from '../shared/errors.js';
import { requireActiveThirdParty } from '../shared/references.js';
import { personalDataRuleOf } from '../privacy/personal-data.js';
import type { ThirdPartyReference } from '../contact/contact.commands.js';
import type { ForgetThirdParty, MergeThirdParties, UnmergeThirdParties, UpdateThirdParty } from './third-party.commands.js';
import { ERASURE_UNMERGE_REASON, thirdPartyDecider } from './third-party.decider.js';
import type { MergeMoved, ThirdPartyEvent, ThirdPartyMerged, ThirdPartyRegistered, ThirdPartyUnmerged } from './third-party.events.js';

const { given, fold } = deciderSpec(thirdPartyDecider);

const registered = (thirdPartyId = 'tp-2', name = 'Boulangerie Martin SARL'): ThirdPartyRegistered => ({
  type: 'ThirdPartyRegistered',
  data: {
    thirdPartyId,
    name,
    kind: 'COMPANY',
    roles: ['CUSTOMER'],
    prospectStatus: null,
    leadSource: null,
    territory: 'FR-69',
    vatNumber: null,
    email: null,
    phone: null,
    website: null,
    address: null,
    paymentTerms: null,
    customFields: {},
    registeredAt: '2026-03-01T08:00:00.000Z',
    ownerId: 'user-2',
    categories: [],
    tags: [],
  },
});

const moved: MergeMoved = { contactIds: ['c-1', 'c-2'], exchangeIds: ['e-1'], documentIds: ['d-1'], followUpIds: [], activityIds: ['a-1'] };
const survivor = (status: ThirdPartyReference['status'] = 'active', mergedInto?: string): ThirdPartyReference => ({
  thirdPartyId: 'tp-1',
  status,
  ...(mergedInto ? { mergedInto } : {}),
});

const merge = (data: Partial<MergeThirdParties['data']> = {}): MergeThirdParties => ({
  type: 'MergeThirdParties',
  data: { thirdPartyId: 'tp-2', survivor: survivor(), reason: 'Registered twice', moved, mergedIntoAbsorbed: [], ...data },
});
const unmerge = (data: Partial<UnmergeThirdParties['data']> = {}): UnmergeThirdParties => ({
  type: 'UnmergeThirdParties',
  data: { thirdPartyId: 'tp-2', survivor: survivor(), reason: 'Two companies after all', ...data },
});

const merged: ThirdPartyMerged = {
  type: 'ThirdPartyMerged',
  data: {
    thirdPartyId: 'tp-2',
    survivorId: 'tp-1',
    name: 'Boulangerie Martin SARL',
    reason: 'Registered twice',
    mergedAt: '2026-03-02T09:30:00.000Z',
    moved,
  },
};
const unmerged: ThirdPartyUnmerged = {
  type: 'ThirdPartyUnmerged',
  data: {
    thirdPartyId: 'tp-2',
    survivorId: 'tp-1',
    name: 'Boulangerie Martin SARL',
    reason: 'Two companies after all',
    unmergedAt: '2026-03-02T09:30:00.000Z',
    moved,
  },
};
const archived: ThirdPartyEvent = {
  type: 'ThirdPartyArchived',
  data: { thirdPartyId: 'tp-2', name: 'Boulangerie Martin SARL', reason: null, archivedAt: '2026-03-01T12:00:00.000Z' },
};

describe('MergeThirdParties', () => {
  it('records one event on the absorbed stream, with what moved (ids sorted, listed once)', () => {
    given([registered()]).when(merge()).then([merged]);
    given([registered()])
      .when(merge({ moved: { ...moved, contactIds: ['c-2', 'c-1', 'c-2'] } }))
      .then([merged]);
  });

  it('leaves the absorbed one merged, keeping its record and what it was before', () => {
    const state = given([registered(), archived]).when(merge()).state();
    expect(state).toMatchObject({ status: 'merged', mergedInto: 'tp-1', moved, statusBeforeMerge: 'archived', ownerId: 'user-2' });
  });

  it('is a no-op when repeated into the same survivor, and refused into another', () => {
    given([registered(), merged]).when(merge()).thenNothing();
    given([registered(), merged])
      .when(merge({ survivor: { thirdPartyId: 'tp-9', status: 'active' } }))
      .thenViolates(/third party tp-2 was merged into tp-1 on 2026-03-02/);
  });

  it('refuses a missing, archived, merged or hidden survivor, and itself', () => {
    given([registered()]).when(merge({ survivor: null })).thenInvalid('survivorId', 'is required');
    given([registered()]).when(merge({ survivor: survivor('none') })).thenInvalid('survivorId', 'no third party with id tp-1');
    given([registered()]).when(merge({ survivor: survivor('forgotten') })).thenInvalid('survivorId', 'no third party with id tp-1');
    given([registered()]).when(merge({ survivor: survivor('archived') })).thenInvalid('survivorId', /archived/);
    given([registered()]).when(merge({ survivor: survivor('merged', 'tp-7') })).thenInvalid('survivorId', /merged into tp-7/);
    given([registered()])
      .when(merge({ survivor: { thirdPartyId: 'tp-2', status: 'active' } }))
      .thenInvalid('survivorId', /must not be the absorbed third party itself/);
  });

  it('refuses chains: a third party that has others merged into it cannot be absorbed', () => {
    given([registered()]).when(merge({ mergedIntoAbsorbed: ['tp-5'] })).thenViolates(/has third parties merged into it \(tp-5\)/);
  });

  it('refuses an unknown or forgotten absorbed third party, and bad input', () => {
    given([]).when(merge()).thenNotFound('third party', 'tp-2');
    const forgotten: ThirdPartyEvent = {
      type: 'ThirdPartyForgotten',
      data: { thirdPartyId: 'tp-2', reason: 'SUBJECT_REQUEST', reference: null, forgottenAt: '2026-03-01T10:00:00.000Z', contactIds: [] },
    };
    given([registered(), forgotten]).when(merge()).thenViolates(/was forgotten on 2026-03-01/);
    given([registered()]).when(merge({ reason: '  ' })).thenInvalid('reason', 'must not be empty');
    given([registered()]).when(merge({ moved: { ...moved, exchangeIds: [''] } })).thenInvalid('moved.exchangeIds[0]');
    given([registered()]).when(merge({ moved: null as never })).thenInvalid('moved');
  });

  it('makes the absorbed one refuse every other command, naming the survivor', () => {
    const update: UpdateThirdParty = {
      type: 'UpdateThirdParty',
      data: { thirdPartyId: 'tp-2', name: 'Other', catalogue: { customFields: [] } as never },
    };
    given([registered(), merged]).when(update).thenViolates(/merged into tp-1 on 2026-03-02: change tp-1 instead, or unmerge it first/);
    given([registered(), merged])
      .when({ type: 'ArchiveThirdParty', data: { thirdPartyId: 'tp-2' } })
      .thenViolates(/merged into tp-1/);
  });

  it('makes other aggregates refuse it as a reference, naming the survivor', () => {
    expect(() => requireActiveThirdParty({ thirdPartyId: 'tp-2', status: 'merged', mergedInto: 'tp-1' }, 'thirdPartyId')).toThrow(
      new InvalidInput('thirdPartyId', 'third party tp-2 was merged into tp-1: record it on tp-1'),
    );
  });

  it('keeps ids and what moved in clear, the reason and name under both third parties\' keys', () => {
    const rule = personalDataRuleOf('ThirdPartyMerged');
    expect(rule?.clear).toEqual(['thirdPartyId', 'survivorId', 'mergedAt', 'moved']);
    expect(rule?.subjects(merged.data as never)).toEqual(['thirdParty:tp-2', 'thirdParty:tp-1']);
  });
});

describe('UnmergeThirdParties', () => {
  it('moves back exactly what the merge moved, and the absorbed one is as it was', () => {
    given([registered(), merged]).when(unmerge()).then([unmerged]);
    expect(fold([registered(), merged, unmerged])).toEqual(fold([registered()]));
    expect(fold([registered(), archived, merged, unmerged])).toEqual(fold([registered(), archived]));
  });

  it('refuses a third party that is not merged, and a survivor the caller cannot see', () => {
    given([registered()]).when(unmerge()).thenViolates(/third party tp-2 is not merged into another/);
    given([registered(), merged, unmerged]).when(unmerge()).thenViolates(/not merged/);
    given([]).when(unmerge()).thenNotFound('third party', 'tp-2');
    given([registered(), merged]).when(unmerge({ survivor: survivor('none') })).thenNotFound('third party', 'tp-2');
    given([registered(), merged]).when(unmerge({ survivor: null })).thenNotFound('third party', 'tp-2');
    given([registered(), merged]).when(unmerge({ survivor: survivor('forgotten') })).thenViolates(/tp-1 was forgotten/);
    given([registered(), merged]).when(unmerge({ reason: '' })).thenInvalid('reason');
  });
});

describe('ForgetThirdParty on a merged third party', () => {
  const forget: ForgetThirdParty = {
    type: 'ForgetThirdParty',
    data: { thirdPartyId: 'tp-2', reason: 'SUBJECT_REQUEST', reference: null, contactIds: ['c-1', 'c-2'] },
  };

  it('is never blocked: it unmerges first, so the read models erase its records with it', () => {
    const events = given([registered(), merged]).when(forget).events();
    expect(events.map((event) => event.type)).toEqual(['ThirdPartyUnmerged', 'ThirdPartyForgotten']);
    expect(events[0]?.data).toMatchObject({ survivorId: 'tp-1', moved, reason: ERASURE_UNMERGE_REASON });
    expect(fold([registered(), merged, ...events])).toMatchObject({ status: 'forgotten' });
  });
});
