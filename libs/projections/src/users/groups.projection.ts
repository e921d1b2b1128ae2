import type { GroupEvent } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { eventSelection } from '../shared/event-selection.js';

/** A group of users and its permission codes. A type alias (not an interface) so it is a `Doc`. */
export type GroupEntry = {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly permissions: string[];
  readonly createdAt: string;
  readonly version: string;
  readonly lastPosition: string;
};

const selection = eventSelection<GroupEvent>(['GroupCreated', 'GroupPermissionsChanged']);

export const groupsCollection: CollectionDefinition = {
  name: 'groups',
  indexes: ['code'],
};

export const evolveGroups = (doc: GroupEntry | null, envelope: EventEnvelope): GroupEntry | null => {
  const event = selection.select(envelope);
  if (event === null) return doc;
  switch (event.type) {
    case 'GroupCreated': {
      const { groupId, code, name, permissions, createdAt } = event.data;
      return {
        id: groupId,
        code,
        name,
        permissions: [...permissions],
        createdAt,
        version: event.revision.toString(),
        lastPosition: event.position.toString(),
      };
    }
    case 'GroupPermissionsChanged': {
      // Follows the group's creation on the same stream.
      if (doc === null) return doc;
      const change = event.data.changes.find((c) => c.field === 'permissions');
      if (change === undefined || !Array.isArray(change.to)) return doc;
      return {
        ...doc,
        permissions: change.to.filter((permission): permission is string => typeof permission === 'string'),
        version: event.revision.toString(),
        lastPosition: event.position.toString(),
      };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const groupsProjection: Projection<GroupEntry> = {
  name: 'groups.v1',
  collection: groupsCollection,
  canHandle: selection.canHandle,
  documentId: (envelope) => selection.select(envelope)?.data.groupId ?? null,
  evolve: evolveGroups,
};
