import type { Message } from '../shared/event.js';
import type { FieldChange } from '../shared/values.js';

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

/**
 * The group's permissions, replaced: one change `permissions`, the whole list
 * before and after (each in the canonical order of `permissions`), so the
 * journal shows what was granted and withdrawn and a fold needs no other event.
 * Its members hold the new permissions from their next request on.
 */
export type GroupPermissionsChanged = Message<
  'GroupPermissionsChanged',
  {
    readonly groupId: string;
    /** The group's code, so the event reads on its own. */
    readonly code: string;
    readonly changes: FieldChange[];
  }
>;

export type GroupEvent = GroupCreated | GroupPermissionsChanged;
