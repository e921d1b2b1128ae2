import { describe, expect, it } from '@jest/globals';
import type { MergeMoved, ThirdPartyMerged, ThirdPartyUnmerged } from '#domain';
import { envelopeOf } from '../testing/envelope-fixtures.js';
import { scopeOfEvent } from '../audit-journal/audit-journal.projection.js';
import { evolveTimeline } from '../timeline/timeline.projection.js';
import { eitherFanOut, mergeFanOut, rekeyMoved, type Movable } from './merge.js';

const moved: MergeMoved = { contactIds: ['c-1'], exchangeIds: ['e-1', 'e-2'], documentIds: [], followUpIds: [], activityIds: [] };
const place = { streamName: 'thirdParty-tp-2', revision: 3n, position: 40n };
const merged = envelopeOf<ThirdPartyMerged>(
  {
    type: 'ThirdPartyMerged',
    data: { thirdPartyId: 'tp-2', survivorId: 'tp-1', name: 'Dup', reason: 'Twice', mergedAt: '2025-03-04T10:00:00.000Z', moved },
  },
  place,
);
const unmerged = envelopeOf<ThirdPartyUnmerged>(
  {
    type: 'ThirdPartyUnmerged',
    data: { thirdPartyId: 'tp-2', survivorId: 'tp-1', name: 'Dup', reason: 'Not', unmergedAt: '2025-03-05T10:00:00.000Z', moved },
  },
  { ...place, revision: 4n, position: 41n },
);

type Entry = Movable & { readonly comment: string };

describe('re-keying moved records', () => {
  const entry: Entry = { id: 'e-1', thirdPartyId: 'tp-2', comment: 'Visit' };

  it('moves a record of the absorbed third party to the survivor and back, to the very same document', () => {
    const there = rekeyMoved(entry, merged);
    expect(there).toEqual({ id: 'e-1', thirdPartyId: 'tp-1', mergedFrom: 'tp-2', comment: 'Visit' });
    const back = rekeyMoved(there, unmerged);
    expect(back).toEqual(entry);
    expect(Object.keys(back!)).toEqual(Object.keys(entry));
  });

  it('leaves alone a record on neither side, and one already moved (a re-delivery)', () => {
    const other: Entry = { id: 'e-9', thirdPartyId: 'tp-7', comment: 'x' };
    expect(rekeyMoved(other, merged)).toBe(other);
    expect(rekeyMoved(other, unmerged)).toBe(other);
    const there = rekeyMoved(entry, merged)!;
    expect(rekeyMoved(there, merged)).toBe(there);
    expect(rekeyMoved(entry, unmerged)).toBe(entry);
    expect(rekeyMoved(null, merged)).toBeNull();
  });

  it('fans out by id to exactly what moved, and to nothing for other events', () => {
    expect(mergeFanOut('exchangeIds')(merged)).toEqual([{ field: 'id', op: 'in', value: ['e-1', 'e-2'] }]);
    expect(mergeFanOut('contactIds', (id) => `contact:${id}`)(unmerged)).toEqual([{ field: 'id', op: 'in', value: ['contact:c-1'] }]);
    expect(mergeFanOut('documentIds')(merged)).toBeNull();
    const other = envelopeOf({ type: 'ThirdPartyArchived', data: { thirdPartyId: 'tp-2' } }, place);
    expect(mergeFanOut('exchangeIds')(other)).toBeNull();
    expect(eitherFanOut(() => null, mergeFanOut('contactIds'))(merged)).toEqual([{ field: 'id', op: 'in', value: ['c-1'] }]);
  });
});

describe('merge entries', () => {
  it("journals a merge in its survivor's history, on the absorbed one's record", () => {
    expect(scopeOfEvent(merged)).toBe('tp-1');
    expect(scopeOfEvent(unmerged)).toBe('tp-1');
  });

  it("puts a merge on the absorbed one's timeline, which the survivor's shows while it holds", () => {
    expect(evolveTimeline(null, merged)).toMatchObject({ thirdPartyId: 'tp-2', kind: 'THIRD_PARTY_MERGED', summary: 'Merged into third party tp-1' });
    expect(evolveTimeline(null, unmerged)).toMatchObject({ kind: 'THIRD_PARTY_UNMERGED', summary: 'Unmerged from third party tp-1' });
  });
});
