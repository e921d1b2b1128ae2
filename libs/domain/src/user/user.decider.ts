import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider } from '../shared/event.js';
import { jsonEqual } from '../shared/field-changes.js';
import { isoInstant, LIMITS, optionalEmail, optionalText, requiredText } from '../shared/validation.js';
import type {
  AddUserToGroup,
  CreateUser,
  DisableUser,
  EnableUser,
  GroupReference,
  IssueApiToken,
  RemoveUserFromGroup,
  RevokeApiToken,
  SetUserScope,
  UserCommand,
} from './user.commands.js';
import type { UserEvent } from './user.events.js';

export interface GroupMembership {
  readonly groupId: string;
  readonly code: string;
}

export interface ApiTokenRecord {
  readonly tokenId: string;
  readonly label: string | null;
  readonly hash: string;
  readonly issuedAt: string;
  readonly expiresAt: string | null;
  /** null while the token is valid. */
  readonly revokedAt: string | null;
}

/**
 * The third parties a user may see: those of `territories` (null: any) and,
 * when `ownedOnly`, only the ones they own.
 */
export interface UserScope {
  readonly territories: readonly string[] | null;
  readonly ownedOnly: boolean;
}

/** Every third party: what a user starts with. */
export const UNRESTRICTED_SCOPE: UserScope = { territories: null, ownedOnly: false };

export interface UserRecord {
  readonly userId: string;
  readonly login: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly createdAt: string;
  /** In the order the user joined them. */
  readonly groups: readonly GroupMembership[];
  /** In the order they were issued. */
  readonly tokens: readonly ApiTokenRecord[];
  readonly scope: UserScope;
}

export type UserState =
  | { readonly status: 'none' }
  | ({ readonly status: 'active' } & UserRecord)
  | ({ readonly status: 'disabled' } & UserRecord);

export const LOGIN_MAX = 64;
const LOGIN = /^[a-z0-9](?:[a-z0-9._@-]*[a-z0-9])?$/;

/**
 * A login as stored: trimmed and lower-cased (logins are compared without
 * case), letters, digits, `.`, `_`, `-` and `@`, starting and ending with a
 * letter or digit — so an email address is a valid login.
 */
export const normalizeLogin = (field: string, raw: unknown): string => {
  const login = requiredText(field, raw, { max: LOGIN_MAX }).toLowerCase();
  if (!LOGIN.test(login)) {
    throw new InvalidInput(
      field,
      `must be 1 to ${LOGIN_MAX} characters: lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit`,
    );
  }
  return login;
};

const TOKEN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HASH_MAX = 512;

const initialState = (): UserState => ({ status: 'none' });

const withRecord = (state: UserState, change: (record: UserRecord) => Partial<UserRecord>): UserState =>
  state.status === 'none' ? state : { ...state, ...change(state) };

const evolve = (state: UserState, event: UserEvent): UserState => {
  switch (event.type) {
    case 'UserCreated': {
      const { userId, login, displayName, email, createdAt } = event.data;
      return { status: 'active', userId, login, displayName, email, createdAt, groups: [], tokens: [], scope: UNRESTRICTED_SCOPE };
    }
    case 'UserDisabled':
      return state.status === 'none' ? state : { ...state, status: 'disabled' };
    case 'UserEnabled':
      return state.status === 'none' ? state : { ...state, status: 'active' };
    case 'UserAddedToGroup': {
      const { groupId, groupCode } = event.data;
      return withRecord(state, ({ groups }) => ({
        groups: groups.some((g) => g.groupId === groupId) ? groups : [...groups, { groupId, code: groupCode }],
      }));
    }
    case 'UserRemovedFromGroup': {
      const { groupId } = event.data;
      return withRecord(state, ({ groups }) => ({ groups: groups.filter((g) => g.groupId !== groupId) }));
    }
    case 'ApiTokenIssued': {
      const { tokenId, label, hash, issuedAt, expiresAt } = event.data;
      return withRecord(state, ({ tokens }) => ({ tokens: [...tokens, { tokenId, label, hash, issuedAt, expiresAt, revokedAt: null }] }));
    }
    case 'ApiTokenRevoked': {
      const { tokenId, revokedAt } = event.data;
      return withRecord(state, ({ tokens }) => ({ tokens: tokens.map((t) => (t.tokenId === tokenId ? { ...t, revokedAt } : t)) }));
    }
    case 'UserScopeChanged': {
      const { territories, ownedOnly } = event.data;
      return withRecord(state, () => ({ scope: { territories: territories === null ? null : [...territories], ownedOnly } }));
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

type Known = Exclude<UserState, { status: 'none' }>;

const existing = (state: UserState, userId: string): Known => {
  if (state.status === 'none') throw new NotFound('user', userId);
  return state;
};

const requireGroup = (group: GroupReference | null | undefined, field: string): GroupMembership => {
  if (group === null || group === undefined || group.code === '') throw new InvalidInput(field, 'is required');
  if (group.status !== 'active') throw new InvalidInput(field, `no group with code ${group.code}`);
  return { groupId: group.groupId, code: group.code };
};

const createUser = (command: CreateUser, state: UserState, context: CommandContext): UserEvent[] => {
  const { userId } = command.data;
  const login = normalizeLogin('login', command.data.login);
  const displayName = optionalText('displayName', command.data.displayName, { max: LIMITS.name }) ?? login;
  const email = optionalEmail('email', command.data.email);
  const groups: GroupMembership[] = [];
  (command.data.groups ?? []).forEach((reference, index) => {
    const group = requireGroup(reference, `groupCodes[${index}]`);
    if (!groups.some((g) => g.groupId === group.groupId)) groups.push(group);
  });
  if (state.status !== 'none') {
    // The same creation again (a retry, a re-run bootstrap) changes nothing.
    const same =
      state.login === login &&
      state.displayName === displayName &&
      state.email === email &&
      jsonEqual(
        state.groups.map((g) => g.groupId),
        groups.map((g) => g.groupId),
      );
    if (same) return [];
    throw new DomainRuleViolated(`a user with login ${login} already exists`);
  }
  return [
    { type: 'UserCreated', data: { userId, login, displayName, email, createdAt: context.now.toISOString() } },
    ...groups.map((group): UserEvent => ({ type: 'UserAddedToGroup', data: { userId, groupId: group.groupId, groupCode: group.code } })),
  ];
};

const disableUser = (command: DisableUser, state: UserState, context: CommandContext): UserEvent[] => {
  const { userId } = command.data;
  const current = existing(state, userId);
  const reason = optionalText('reason', command.data.reason, { max: LIMITS.longText, multiline: true });
  if (current.status === 'disabled') return [];
  return [{ type: 'UserDisabled', data: { userId, reason, disabledAt: context.now.toISOString() } }];
};

const enableUser = (command: EnableUser, state: UserState, context: CommandContext): UserEvent[] => {
  const { userId } = command.data;
  const current = existing(state, userId);
  if (current.status === 'active') return [];
  return [{ type: 'UserEnabled', data: { userId, enabledAt: context.now.toISOString() } }];
};

const addUserToGroup = (command: AddUserToGroup, state: UserState): UserEvent[] => {
  const { userId } = command.data;
  const current = existing(state, userId);
  const group = requireGroup(command.data.group, 'groupCode');
  if (current.groups.some((g) => g.groupId === group.groupId)) return [];
  return [{ type: 'UserAddedToGroup', data: { userId, groupId: group.groupId, groupCode: group.code } }];
};

const removeUserFromGroup = (command: RemoveUserFromGroup, state: UserState): UserEvent[] => {
  const { userId, group } = command.data;
  const current = existing(state, userId);
  // Membership is judged by the user's own record: a group needs no check to be left.
  const membership = current.groups.find((g) => g.groupId === group.groupId);
  if (membership === undefined) return [];
  return [{ type: 'UserRemovedFromGroup', data: { userId, groupId: membership.groupId, groupCode: membership.code } }];
};

const issueApiToken = (command: IssueApiToken, state: UserState, context: CommandContext): UserEvent[] => {
  const { userId, tokenId, hash } = command.data;
  const current = existing(state, userId);
  if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) {
    throw new InvalidInput('tokenId', 'must be 1 to 64 letters, digits, "_" or "-"');
  }
  if (typeof hash !== 'string' || hash.length === 0 || hash.length > HASH_MAX || /\s/.test(hash)) {
    throw new InvalidInput('hash', `must be a hash string of 1 to ${HASH_MAX} characters without spaces`);
  }
  const label = optionalText('label', command.data.label, { max: LIMITS.label });
  const expiresAt =
    command.data.expiresAt === null || command.data.expiresAt === undefined ? null : isoInstant('expiresAt', command.data.expiresAt);
  const issued = current.tokens.find((t) => t.tokenId === tokenId);
  if (issued) {
    if (issued.hash === hash) return [];
    throw new DomainRuleViolated(`API token ${tokenId} already exists`);
  }
  if (current.status === 'disabled') throw new DomainRuleViolated(`user ${current.login} is disabled: enable them before issuing a token`);
  if (expiresAt !== null && Date.parse(expiresAt) <= context.now.getTime()) {
    throw new InvalidInput('expiresAt', 'must be in the future');
  }
  return [
    { type: 'ApiTokenIssued', data: { userId, tokenId, label, hash, expiresAt, issuedAt: context.now.toISOString() } },
  ];
};

const revokeApiToken = (command: RevokeApiToken, state: UserState, context: CommandContext): UserEvent[] => {
  const { userId, tokenId } = command.data;
  const current = existing(state, userId);
  const reason = optionalText('reason', command.data.reason, { max: LIMITS.longText, multiline: true });
  const token = current.tokens.find((t) => t.tokenId === tokenId);
  if (token === undefined) throw new NotFound('API token', tokenId);
  if (token.revokedAt !== null) return [];
  return [{ type: 'ApiTokenRevoked', data: { userId, tokenId, reason, revokedAt: context.now.toISOString() } }];
};

/**
 * The territories of a scope, written as third parties' territories are
 * (trimmed, NFC, at most LIMITS.short characters) so that they compare equal;
 * duplicates dropped, the first one kept. null is any territory; an empty
 * list would be no third party at all, which is never what is meant.
 */
const scopeTerritories = (raw: unknown): string[] | null => {
  if (raw === null || raw === undefined) return null;
  if (!Array.isArray(raw)) throw new InvalidInput('territories', 'must be a list of territories, or null for any territory');
  const territories: string[] = [];
  raw.forEach((item: unknown, index) => {
    const territory = requiredText(`territories[${index}]`, item, { max: LIMITS.short });
    if (!territories.includes(territory)) territories.push(territory);
  });
  if (territories.length === 0) {
    throw new InvalidInput('territories', 'must name at least one territory (null: any territory)');
  }
  if (territories.length > LIMITS.listItems) throw new InvalidInput('territories', `must have at most ${LIMITS.listItems} items`);
  return territories;
};

const sameTerritories = (a: readonly string[] | null, b: readonly string[] | null): boolean =>
  a === null || b === null ? a === b : a.length === b.length && a.every((territory) => b.includes(territory));

const setUserScope = (command: SetUserScope, state: UserState): UserEvent[] => {
  const { userId } = command.data;
  const current = existing(state, userId);
  const territories = scopeTerritories(command.data.territories);
  const { ownedOnly } = command.data;
  if (typeof ownedOnly !== 'boolean') throw new InvalidInput('ownedOnly', 'must be true or false');
  if (sameTerritories(current.scope.territories, territories) && current.scope.ownedOnly === ownedOnly) return [];
  return [{ type: 'UserScopeChanged', data: { userId, territories, ownedOnly } }];
};

const decide = (command: UserCommand, state: UserState, context: CommandContext): UserEvent[] => {
  switch (command.type) {
    case 'CreateUser':
      return createUser(command, state, context);
    case 'DisableUser':
      return disableUser(command, state, context);
    case 'EnableUser':
      return enableUser(command, state, context);
    case 'AddUserToGroup':
      return addUserToGroup(command, state);
    case 'RemoveUserFromGroup':
      return removeUserFromGroup(command, state);
    case 'IssueApiToken':
      return issueApiToken(command, state, context);
    case 'RevokeApiToken':
      return revokeApiToken(command, state, context);
    case 'SetUserScope':
      return setUserScope(command, state);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState,
  evolve,
  decide,
};

/** Whether a token of this record is accepted at `now`: issued, not revoked, not expired. */
export const isTokenValid = (token: Pick<ApiTokenRecord, 'revokedAt' | 'expiresAt'>, now: Date): boolean =>
  token.revokedAt === null && (token.expiresAt === null || Date.parse(token.expiresAt) > now.getTime());
