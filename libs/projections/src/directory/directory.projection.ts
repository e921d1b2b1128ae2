import type { ThirdPartyEvent, ThirdPartyKind, ThirdPartyRole } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { EnvelopeOf, Projection } from '../projection.js';

/** One third party as the directory lists it. A type alias (not an interface) so it is a `Doc`. */
export type DirectoryEntry = {
  readonly id: string;
  readonly name: string;
  /** Lower-cased, accent-free name: the key for prefix search and sorting. */
  readonly nameKey: string;
  readonly kind: ThirdPartyKind;
  readonly roles: ThirdPartyRole[];
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly updatedAt: string;
  /** Revision of the third party's stream: the expectedVersion a client sends back. */
  readonly version: string;
  /** Global position of the last event applied. */
  readonly lastPosition: string;
};

/**
 * Search key for names: "Élodie Dupont" and "elodie dupont" are the same key.
 * NFD splits accented letters into base letter + combining mark, then the marks go.
 */
export const directoryNameKey = (name: string): string =>
  name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

type DirectoryEvent = EnvelopeOf<ThirdPartyEvent>;

const handledTypes: ReadonlySet<string> = new Set<DirectoryEvent['type']>(['ThirdPartyRegistered']);

const asDirectoryEvent = (event: EventEnvelope): DirectoryEvent | null =>
  handledTypes.has(event.type) ? (event as DirectoryEvent) : null;

export const directoryCollection: CollectionDefinition = {
  name: 'directory',
  indexes: ['nameKey', 'kind', 'roles', 'registeredAt'],
};

export const evolveDirectory = (doc: DirectoryEntry | null, envelope: EventEnvelope): DirectoryEntry | null => {
  const event = asDirectoryEvent(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'ThirdPartyRegistered':
      // Registration opens the stream, so it describes the whole entry; any earlier
      // document for this id can only be a re-delivery and is replaced wholesale.
      return {
        id: event.data.thirdPartyId,
        name: event.data.name,
        nameKey: directoryNameKey(event.data.name),
        kind: event.data.kind,
        roles: [...event.data.roles],
        registeredAt: event.data.registeredAt,
        registeredBy: event.metadata.actorId,
        updatedAt: event.metadata.occurredAt,
        version: event.revision.toString(),
        lastPosition: event.position.toString(),
      };
    default: {
      const unreachable: never = event.type;
      return unreachable;
    }
  }
};

export const directoryProjection: Projection<DirectoryEntry> = {
  name: 'directory.v1',
  collection: directoryCollection,
  canHandle: (eventType) => handledTypes.has(eventType),
  documentId: (envelope) => {
    const event = asDirectoryEvent(envelope);
    if (event === null) return null;
    switch (event.type) {
      case 'ThirdPartyRegistered':
        return event.data.thirdPartyId;
      default: {
        const unreachable: never = event.type;
        return unreachable;
      }
    }
  },
  evolve: evolveDirectory,
};
