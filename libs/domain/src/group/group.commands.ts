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

export type GroupCommand = CreateGroup;
