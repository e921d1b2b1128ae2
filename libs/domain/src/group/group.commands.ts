import type { Message } from '../shared/event.js';

export type CreateGroup = Message<
  'CreateGroup',
  {
    readonly groupId: string;
    readonly code: string;
    readonly name: string;
    /** Permission codes; absent or null: none. */
    readonly permissions?: readonly string[] | null;
  }
>;

/** Replaces the group's permissions with this list; the order given does not matter. */
export type ChangeGroupPermissions = Message<
  'ChangeGroupPermissions',
  {
    readonly groupId: string;
    readonly permissions: readonly string[];
  }
>;

export type GroupCommand = CreateGroup | ChangeGroupPermissions;
