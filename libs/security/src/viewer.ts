import { isPermission, type Permission } from '#domain';
import type { GroupEntry, ThirdPartyScope } from '#projections';
import type { Identity } from './authenticator.js';

/** What a scope check needs to know of a third party. */
export interface ScopedThirdParty {
  readonly territory: string | null;
  readonly ownerId: string | null;
}

/** What a confidential-comment check needs to know of the exchange that carries it. */
export interface ConfidentialHolder {
  readonly authorId: string;
  readonly confidentialGroupId: string | null;
}

/** Whether a user with this scope (null: none) may see a third party; for checks made outside a request. */
export const withinScope = (scope: ThirdPartyScope | null, userId: string, thirdParty: ScopedThirdParty): boolean => {
  if (scope === null) return true;
  if (scope.territories !== null && (thirdParty.territory === null || !scope.territories.includes(thirdParty.territory))) return false;
  if (scope.ownedOnly && thirdParty.ownerId !== userId) return false;
  return true;
};

/**
 * Who is asking and what they may do: the authenticated user, the union of
 * their groups' permissions, and the third parties they are limited to. Built
 * once per request, after authentication; every authorization decision reads
 * it, never the raw identity.
 */
export class Viewer {
  readonly permissions: ReadonlySet<Permission>;

  constructor(
    readonly identity: Identity,
    permissions: Iterable<Permission>,
    /** null: every third party. */
    readonly scope: ThirdPartyScope | null,
  ) {
    this.permissions = new Set(permissions);
  }

  /** The permissions of a user's groups as the groups read model has them now; unknown codes grant nothing. */
  static of(identity: Identity, groups: readonly GroupEntry[]): Viewer {
    const member = new Set(identity.groups);
    const permissions = groups.filter((group) => member.has(group.code)).flatMap((group) => group.permissions.filter(isPermission));
    return new Viewer(identity, permissions, identity.user.scope ?? null);
  }

  get userId(): string {
    return this.identity.userId;
  }

  get login(): string {
    return this.identity.login;
  }

  /** Ids of the user's groups, for confidential comments shared with a group. */
  get groupIds(): readonly string[] {
    return this.identity.user.groupIds;
  }

  can(permission: Permission): boolean {
    return this.permissions.has(permission);
  }

  /** Whether the user is limited to some third parties (territories or ownership). */
  get scoped(): boolean {
    return this.scope !== null && (this.scope.territories !== null || this.scope.ownedOnly);
  }

  /** Whether a third party is within the user's scope. */
  sees(thirdParty: ScopedThirdParty): boolean {
    return withinScope(this.scope, this.userId, thirdParty);
  }

  /** A confidential comment is for its author and the members of the group it was shared with, nobody else. */
  readsConfidential(holder: ConfidentialHolder): boolean {
    if (holder.authorId === this.userId) return true;
    return holder.confidentialGroupId !== null && this.groupIds.includes(holder.confidentialGroupId);
  }
}
