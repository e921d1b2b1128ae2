import type { Message } from '../shared/event.js';

/**
 * A user account. Everything about a user — memberships and API tokens
 * included — is on the user's stream, so the journal shows who granted what
 * to whom and one fold gives the whole account.
 */
export type UserCreated = Message<
  'UserCreated',
  {
    readonly userId: string;
    /** Lower-case, unique, never changes. */
    readonly login: string;
    readonly displayName: string;
    readonly email: string | null;
    readonly createdAt: string;
  }
>;

/** A disabled user's tokens are refused until the user is enabled again. */
export type UserDisabled = Message<
  'UserDisabled',
  { readonly userId: string; readonly reason: string | null; readonly disabledAt: string }
>;

export type UserEnabled = Message<'UserEnabled', { readonly userId: string; readonly enabledAt: string }>;

export type UserAddedToGroup = Message<
  'UserAddedToGroup',
  { readonly userId: string; readonly groupId: string; readonly groupCode: string }
>;

export type UserRemovedFromGroup = Message<
  'UserRemovedFromGroup',
  { readonly userId: string; readonly groupId: string; readonly groupCode: string }
>;

/**
 * An API token, as stored: never the token itself, only a slow hash of it.
 * `hash` is self-describing (algorithm, parameters, salt and digest, e.g. a
 * PHC string `$scrypt$ln=15,r=8,p=1$<salt>$<digest>`); the domain treats it
 * as opaque and never hashes anything itself.
 */
export type ApiTokenIssued = Message<
  'ApiTokenIssued',
  {
    readonly userId: string;
    /** Not secret: the part of the token that names it, so it can be found without scanning. */
    readonly tokenId: string;
    readonly label: string | null;
    readonly hash: string;
    /** UTC instant after which the token is refused; null: no expiry. */
    readonly expiresAt: string | null;
    readonly issuedAt: string;
  }
>;

export type ApiTokenRevoked = Message<
  'ApiTokenRevoked',
  { readonly userId: string; readonly tokenId: string; readonly reason: string | null; readonly revokedAt: string }
>;

/**
 * Which third parties the user may see from now on: those of `territories`
 * (null: any territory) and, when `ownedOnly`, only those they own. Both
 * limits apply together; null and false is no limit at all.
 */
export type UserScopeChanged = Message<
  'UserScopeChanged',
  { readonly userId: string; readonly territories: string[] | null; readonly ownedOnly: boolean }
>;

export type UserEvent =
  | UserCreated
  | UserDisabled
  | UserEnabled
  | UserAddedToGroup
  | UserRemovedFromGroup
  | ApiTokenIssued
  | ApiTokenRevoked
  | UserScopeChanged;
