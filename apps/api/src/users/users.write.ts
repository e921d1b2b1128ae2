import { Logger } from '@nestjs/common';
import type { ApiTokenRecord, GroupState } from '#domain';
import { groupsProjection, usersProjection, type ApiTokenEntry, type UserEntry } from '#projections';
import type { KnownUser } from '#security';
import type { ReadConsistency } from '../graphql/read-consistency.js';
import type { ApiToken, Group, UserAccount, UserScope } from './users.types.js';

/** What every user command returns: the account after it, and where it is in the log. */
export interface UserWritten {
  readonly user: UserAccount;
  readonly position: bigint;
}

/** What every group command returns: the group after it, and where it is in the log. */
export interface GroupWritten {
  readonly group: Group;
  readonly position: bigint;
}

const apiToken = (token: ApiTokenRecord | ApiTokenEntry): ApiToken => ({
  id: token.tokenId,
  label: token.label,
  issuedAt: token.issuedAt,
  expiresAt: token.expiresAt,
  revokedAt: token.revokedAt,
});

export const apiTokenOf = (user: UserAccount, tokenId: string): ApiToken => {
  const token = user.apiTokens.find((t) => t.id === tokenId);
  if (token === undefined) throw new Error(`user ${user.id} has no token ${tokenId}`);
  return token;
};

const scopeOf = (scope: { readonly territories: readonly string[] | null; readonly ownedOnly: boolean } | null): UserScope | null =>
  scope === null || (scope.territories === null && !scope.ownedOnly)
    ? null
    : { territories: scope.territories === null ? null : [...scope.territories], ownedOnly: scope.ownedOnly };

/** The account as the write side has it after a command. */
export const accountFromState = (state: KnownUser): UserAccount => ({
  id: state.userId,
  login: state.login,
  displayName: state.displayName,
  email: state.email,
  disabled: state.status === 'disabled',
  createdAt: state.createdAt,
  apiTokens: state.tokens.map(apiToken),
  scope: scopeOf(state.scope),
  groupCodes: state.groups.map((g) => g.code),
});

/** The account as the users read model has it. */
export const accountFromEntry = (entry: UserEntry): UserAccount => ({
  id: entry.id,
  login: entry.login,
  displayName: entry.displayName,
  email: entry.email,
  disabled: entry.disabled,
  createdAt: entry.createdAt,
  apiTokens: entry.tokens.map(apiToken),
  scope: scopeOf(entry.scope),
  groupCodes: [...entry.groups],
});

export const groupFromState = (state: Exclude<GroupState, { status: 'none' }>): Group => ({
  id: state.groupId,
  code: state.code,
  name: state.name,
  permissions: [...state.permissions],
});

const logger = new Logger('Users');

/**
 * Authentication reads the users read model: a change to a user, a group or a
 * token is effective once that model has applied it. The mutation waits for it
 * (as long as a read-your-writes query would) so that, when it answers, a new
 * token works and a revoked one is refused by every API process. A slow worker
 * does not fail the mutation — the change is recorded — but is logged.
 */
export async function awaitAuthentication(consistency: ReadConsistency, position: bigint): Promise<void> {
  try {
    await consistency.awaitPosition(position, [usersProjection.name, groupsProjection.name]);
  } catch (error) {
    logger.warn(`the users read model has not applied position ${position} yet: ${error instanceof Error ? error.message : String(error)}`);
  }
}
