import type { UserEvent } from '#domain';
import type { EventEnvelope } from '#event-store';
import type { CollectionDefinition } from '#read-store';
import type { Projection } from '../projection.js';
import { eventSelection } from '../shared/event-selection.js';

/**
 * An API token as authentication needs it. `hash` is the slow hash the user
 * stream recorded (never the token); no API ever returns it.
 */
export type ApiTokenEntry = {
  readonly tokenId: string;
  readonly label: string | null;
  readonly hash: string;
  readonly issuedAt: string;
  readonly expiresAt: string | null;
  readonly revoked: boolean;
  readonly revokedAt: string | null;
};

/**
 * A limit on the third parties a user sees: those of the listed territories
 * (null: any territory) and, when `ownedOnly`, only those the user owns. Both
 * limits apply together.
 */
export type ThirdPartyScope = {
  readonly territories: string[] | null;
  readonly ownedOnly: boolean;
};

/**
 * A user account as authentication and administration read it: one document per
 * user, its group codes and tokens included, so that checking a request's token
 * is a single read by id. A type alias (not an interface) so it is a `Doc`.
 */
export type UserEntry = {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly disabled: boolean;
  /** Codes of the user's groups, in the order they were joined. */
  readonly groups: string[];
  readonly groupIds: string[];
  readonly tokens: ApiTokenEntry[];
  /** The ids of `tokens`: indexed, to find the user a token belongs to. */
  readonly tokenIds: string[];
  /** Which third parties the user may see; null: all of them. */
  readonly scope: ThirdPartyScope | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Revision of the user's stream. */
  readonly version: string;
  readonly lastPosition: string;
};

const selection = eventSelection<UserEvent>([
  'UserCreated',
  'UserDisabled',
  'UserEnabled',
  'UserAddedToGroup',
  'UserRemovedFromGroup',
  'ApiTokenIssued',
  'ApiTokenRevoked',
  'UserScopeChanged',
]);

export const usersCollection: CollectionDefinition = {
  name: 'users',
  indexes: ['login', 'disabled', 'tokenIds', 'groups'],
  listFields: ['tokenIds', 'groups'],
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const touched = (doc: UserEntry, event: EventEnvelope, change: (entry: Mutable<UserEntry>) => void): UserEntry => {
  const entry: Mutable<UserEntry> = { ...doc };
  change(entry);
  entry.updatedAt = event.metadata.occurredAt;
  entry.version = event.revision.toString();
  entry.lastPosition = event.position.toString();
  return entry;
};

export const evolveUsers = (doc: UserEntry | null, envelope: EventEnvelope): UserEntry | null => {
  const event = selection.select(envelope);
  if (event === null) return doc;
  if (event.type === 'UserCreated') {
    const { userId, login, displayName, email, createdAt } = event.data;
    return {
      id: userId,
      login,
      displayName,
      email,
      disabled: false,
      groups: [],
      groupIds: [],
      tokens: [],
      tokenIds: [],
      scope: null,
      createdAt,
      updatedAt: event.metadata.occurredAt,
      version: event.revision.toString(),
      lastPosition: event.position.toString(),
    };
  }
  // Every other event follows the user's creation on the same stream.
  if (doc === null) return doc;
  switch (event.type) {
    case 'UserDisabled':
      return touched(doc, event, (entry) => {
        entry.disabled = true;
      });
    case 'UserEnabled':
      return touched(doc, event, (entry) => {
        entry.disabled = false;
      });
    case 'UserAddedToGroup': {
      const { groupId, groupCode } = event.data;
      if (doc.groupIds.includes(groupId)) return touched(doc, event, () => undefined);
      return touched(doc, event, (entry) => {
        entry.groups = [...doc.groups, groupCode];
        entry.groupIds = [...doc.groupIds, groupId];
      });
    }
    case 'UserRemovedFromGroup': {
      const index = doc.groupIds.indexOf(event.data.groupId);
      return touched(doc, event, (entry) => {
        if (index === -1) return;
        entry.groups = doc.groups.filter((_code, i) => i !== index);
        entry.groupIds = doc.groupIds.filter((_id, i) => i !== index);
      });
    }
    case 'ApiTokenIssued': {
      const { tokenId, label, hash, issuedAt, expiresAt } = event.data;
      if (doc.tokenIds.includes(tokenId)) return touched(doc, event, () => undefined);
      return touched(doc, event, (entry) => {
        entry.tokens = [...doc.tokens, { tokenId, label, hash, issuedAt, expiresAt, revoked: false, revokedAt: null }];
        entry.tokenIds = [...doc.tokenIds, tokenId];
      });
    }
    case 'ApiTokenRevoked': {
      const { tokenId, revokedAt } = event.data;
      return touched(doc, event, (entry) => {
        entry.tokens = doc.tokens.map((token) => (token.tokenId === tokenId ? { ...token, revoked: true, revokedAt } : token));
      });
    }
    case 'UserScopeChanged': {
      const { territories, ownedOnly } = event.data;
      return touched(doc, event, (entry) => {
        // No limit at all is stored as null, so "is this user scoped" is one test.
        entry.scope = territories === null && !ownedOnly ? null : { territories: territories === null ? null : [...territories], ownedOnly };
      });
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const usersProjection: Projection<UserEntry> = {
  name: 'users.v2',
  collection: usersCollection,
  canHandle: selection.canHandle,
  documentId: (envelope) => selection.select(envelope)?.data.userId ?? null,
  evolve: evolveUsers,
};
