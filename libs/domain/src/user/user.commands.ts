import type { Message } from '../shared/event.js';

/**
 * A group named by a command, as the handler found it on the group's stream:
 * the decider judges whether it may be used.
 */
export interface GroupReference {
  readonly groupId: string;
  readonly code: string;
  readonly status: 'none' | 'active';
}

export type CreateUser = Message<
  'CreateUser',
  {
    readonly userId: string;
    readonly login: string;
    /** Absent or blank: the login. */
    readonly displayName?: string | null;
    readonly email?: string | null;
    /** Groups the user starts in. */
    readonly groups?: readonly GroupReference[] | null;
  }
>;

export type DisableUser = Message<'DisableUser', { readonly userId: string; readonly reason?: string | null }>;

export type EnableUser = Message<'EnableUser', { readonly userId: string }>;

export type AddUserToGroup = Message<'AddUserToGroup', { readonly userId: string; readonly group: GroupReference }>;

export type RemoveUserFromGroup = Message<'RemoveUserFromGroup', { readonly userId: string; readonly group: GroupReference }>;

/** The handler draws the token, hashes it and passes only the hash. */
export type IssueApiToken = Message<
  'IssueApiToken',
  {
    readonly userId: string;
    readonly tokenId: string;
    readonly hash: string;
    readonly label?: string | null;
    /** ISO-8601 instant with an offset; absent or null: no expiry. */
    readonly expiresAt?: string | null;
  }
>;

export type RevokeApiToken = Message<
  'RevokeApiToken',
  { readonly userId: string; readonly tokenId: string; readonly reason?: string | null }
>;

/** Limits the third parties the user sees; `territories` null and `ownedOnly` false lift every limit. */
export type SetUserScope = Message<
  'SetUserScope',
  { readonly userId: string; readonly territories: readonly string[] | null; readonly ownedOnly: boolean }
>;

export type UserCommand =
  | CreateUser
  | DisableUser
  | EnableUser
  | AddUserToGroup
  | RemoveUserFromGroup
  | IssueApiToken
  | RevokeApiToken
  | SetUserScope;
