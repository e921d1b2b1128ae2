import { isPermission, permissions as allPermissions } from '../access/permissions.js';
import { DomainRuleViolated, InvalidInput } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { jsonEqual } from '../shared/field-changes.js';
import { LIMITS, requiredText } from '../shared/validation.js';
import type { CreateGroup, GroupCommand } from './group.commands.js';
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

const initialState = (): GroupState => ({ status: 'none' });

const evolve = (_state: GroupState, event: GroupEvent): GroupState => {
  switch (event.type) {
    case 'GroupCreated': {
      const { groupId, code, name, permissions, createdAt } = event.data;
      return { status: 'active', groupId, code, name, permissions, createdAt };
    }
    default: {
      const unreachable: never = event.type;
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

const decide = (command: GroupCommand, state: GroupState, context: CommandContext): GroupEvent[] => {
  switch (command.type) {
    case 'CreateGroup':
      return createGroup(command, state, context);
    default: {
      const unreachable: never = command.type;
      return unreachable;
    }
  }
};

export const groupDecider: Decider<GroupState, GroupCommand, GroupEvent> = {
  initialState,
  evolve,
  decide,
};
