import { ADMIN_GROUP, isPermission, permissions as allPermissions, type Permission } from '../access/permissions.js';
import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { jsonEqual } from '../shared/field-changes.js';
import { LIMITS, requiredText } from '../shared/validation.js';
import type { FieldChange } from '../shared/values.js';
import type { ChangeGroupPermissions, CreateGroup, GroupCommand } from './group.commands.js';
import type { GroupEvent } from './group.events.js';

export interface GroupRecord {
  readonly groupId: string;
  readonly code: string;
  readonly name: string;
  readonly permissions: readonly string[];
  readonly createdAt: string;
}

export type GroupState = { readonly status: 'none' } | ({ readonly status: 'active' } & GroupRecord);

const GROUP_CODE = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * A group code as stored: trimmed and lower-cased, a letter then up to 39
 * letters, digits, `_` or `-`. Codes name groups in commands and never change.
 */
export const normalizeGroupCode = (field: string, raw: unknown): string => {
  const code = requiredText(field, raw, { max: 40 }).toLowerCase();
  if (!GROUP_CODE.test(code)) {
    throw new InvalidInput(field, 'must be 1 to 40 characters: a lower-case letter, then letters, digits, "_" or "-"');
  }
  return code;
};

/** Known permission codes, duplicates dropped, in the canonical order of the permission list. */
export const permissionList = (field: string, raw: unknown): string[] => {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new InvalidInput(field, 'must be a list');
  raw.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || !isPermission(item)) {
      throw new InvalidInput(`${field}[${index}]`, `must be one of ${allPermissions.join(', ')}`);
    }
  });
  const given = new Set(raw as string[]);
  return allPermissions.filter((permission) => given.has(permission));
};

/** Without it nobody could administer users, groups and tokens: the admin group keeps it. */
const ADMINISTRATION: Permission = 'admin.usersAndGroups';

const initialState = (): GroupState => ({ status: 'none' });

/** The list a `permissions` change leaves, or `current` when the changes do not touch it. */
const permissionsAfter = (changes: readonly FieldChange[], current: readonly string[]): readonly string[] => {
  const change = changes.find((c) => c.field === 'permissions');
  if (change === undefined || !Array.isArray(change.to)) return current;
  return change.to.filter((permission): permission is string => typeof permission === 'string');
};

const evolve = (state: GroupState, event: GroupEvent): GroupState => {
  switch (event.type) {
    case 'GroupCreated': {
      const { groupId, code, name, permissions, createdAt } = event.data;
      return { status: 'active', groupId, code, name, permissions, createdAt };
    }
    case 'GroupPermissionsChanged':
      return state.status === 'active' ? { ...state, permissions: permissionsAfter(event.data.changes, state.permissions) } : state;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const createGroup = (command: CreateGroup, state: GroupState, context: CommandContext): GroupEvent[] => {
  const { groupId } = command.data;
  const code = normalizeGroupCode('code', command.data.code);
  const name = requiredText('name', command.data.name, { max: LIMITS.name });
  const permissions = permissionList('permissions', command.data.permissions);
  if (state.status === 'active') {
    // Creating the same group again changes nothing; another one under its code is refused.
    if (state.code === code && state.name === name && jsonEqual([...state.permissions], permissions)) return [];
    throw new DomainRuleViolated(`group ${code} already exists`);
  }
  return [{ type: 'GroupCreated', data: { groupId, code, name, permissions, createdAt: context.now.toISOString() } }];
};

const changeGroupPermissions = (command: ChangeGroupPermissions, state: GroupState): GroupEvent[] => {
  const { groupId } = command.data;
  if (state.status === 'none') throw new NotFound('group', groupId);
  // Unlike a creation's, the list is required: a forgotten one must not withdraw every permission.
  if (command.data.permissions === null || command.data.permissions === undefined) {
    throw new InvalidInput('permissions', 'is required: the whole new list (an empty list withdraws every permission)');
  }
  const permissions = permissionList('permissions', command.data.permissions);
  if (jsonEqual([...state.permissions], permissions)) return [];
  if (state.code === ADMIN_GROUP && state.permissions.includes(ADMINISTRATION) && !permissions.includes(ADMINISTRATION)) {
    throw new DomainRuleViolated(
      `the ${ADMIN_GROUP} group keeps ${ADMINISTRATION}: without it nobody could administer users, groups and tokens any more`,
    );
  }
  return [
    {
      type: 'GroupPermissionsChanged',
      data: { groupId, code: state.code, changes: [{ field: 'permissions', from: [...state.permissions], to: permissions }] },
    },
  ];
};

const decide = (command: GroupCommand, state: GroupState, context: CommandContext): GroupEvent[] => {
  switch (command.type) {
    case 'CreateGroup':
      return createGroup(command, state, context);
    case 'ChangeGroupPermissions':
      return changeGroupPermissions(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const groupDecider: Decider<GroupState, GroupCommand, GroupEvent> = {
  initialState,
  evolve,
  decide,
};
