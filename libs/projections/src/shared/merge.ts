import type { MergeMoved, ThirdPartyMerged, ThirdPartyUnmerged } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { Filter } from '#read-store';
import { eventSelection } from './event-selection.js';

/** The events that move records between two third parties (docs/decisions/0029-merge.md). */
export const mergeSelection = eventSelection<ThirdPartyMerged | ThirdPartyUnmerged>(['ThirdPartyMerged', 'ThirdPartyUnmerged']);

/**
 * A document of a record that can move with a merge: `mergedFrom` is the
 * absorbed third party while it reads as the survivor's, absent otherwise.
 */
export type Movable = { readonly id: string; readonly thirdPartyId: string; readonly mergedFrom?: string };

/**
 * The fan-out of a merge or unmerge to the documents of the records it moved:
 * by id, which evolve never changes, so paging is not disturbed. Null for any
 * other event, or when nothing of that kind moved.
 */
export const mergeFanOut =
  (kind: keyof MergeMoved, documentIdOf: (recordId: string) => string = (recordId) => recordId) =>
  (envelope: EventEnvelope): readonly Filter[] | null => {
    const event = mergeSelection.select(envelope);
    if (event === null) return null;
    const ids = event.data.moved[kind];
    return ids.length === 0 ? null : [{ field: 'id', op: 'in', value: ids.map(documentIdOf) }];
  };

/** Both fan-outs of a read model: erasure, else merge (an event is never both). */
export const eitherFanOut =
  (...fanOuts: readonly ((envelope: EventEnvelope) => readonly Filter[] | null)[]) =>
  (envelope: EventEnvelope): readonly Filter[] | null => {
    for (const fanOut of fanOuts) {
      const filters = fanOut(envelope);
      if (filters !== null) return filters;
    }
    return null;
  };

/**
 * A moved record's document re-keyed by a merge or an unmerge. Only
 * `thirdPartyId` and `mergedFrom` change (no position, no updatedAt): an
 * unmerge gives back exactly the document the merge was given. A document that
 * is not on the side the event moves from is left alone (a re-delivery, or a
 * record that moved elsewhere meanwhile).
 */
export const rekeyMoved = <D extends Movable>(doc: D | null, envelope: EventEnvelope): D | null => {
  const event = mergeSelection.select(envelope);
  if (doc === null || event === null) return doc;
  const { thirdPartyId: absorbedId, survivorId } = event.data;
  if (event.type === 'ThirdPartyMerged') {
    if (doc.thirdPartyId !== absorbedId || doc.mergedFrom !== undefined) return doc;
    return { ...doc, thirdPartyId: survivorId, mergedFrom: absorbedId };
  }
  if (doc.mergedFrom !== absorbedId || doc.thirdPartyId !== survivorId) return doc;
  const { mergedFrom: _absorbed, ...rest } = doc;
  return { ...rest, thirdPartyId: absorbedId } as unknown as D;
};
