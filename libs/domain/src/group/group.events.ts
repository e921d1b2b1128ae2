import type { Message } from '../shared/event.js';

/** A group of users; its permissions are codes of the `permissions` list. */
export type GroupCreated = Message<
  'GroupCreated',
  {
    readonly groupId: string;
    /** Stable, lower-case identifier (`sales`); users are added to a group by code. */
    readonly code: string;
    readonly name: string;
    readonly permissions: readonly string[];
    readonly createdAt: string;
  }
>;

export type GroupEvent = GroupCreated;
