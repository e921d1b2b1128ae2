import { GraphQLError } from 'graphql';
import { ADMIN_GROUP } from '#domain';
import type { Identity } from '#security';

/** The one message of every authentication failure: which check failed is not revealed. */
export const UNAUTHENTICATED_MESSAGE = 'authentication required: send a valid API token as "Authorization: Bearer <token>"';

// Keyed by the request object itself: nothing a client sends can set or forge it.
const identities = new WeakMap<object, Identity>();

export function setIdentity(request: object, identity: Identity): void {
  identities.set(request, identity);
}

/**
 * The authenticated user of a request. Every GraphQL request is authenticated
 * before it reaches a resolver; a request without an identity here means that
 * check was bypassed, so it is refused rather than served anonymously.
 */
export function identityOf(request: object): Identity {
  const identity = identities.get(request);
  if (identity === undefined) throw new GraphQLError(UNAUTHENTICATED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED' } });
  return identity;
}

/**
 * Users, groups and tokens are administered by members of the admin group.
 * Interim rule: the authorization step replaces it with the permission matrix
 * (permission `admin.usersAndGroups`).
 */
export function requireAdministrator(request: object): Identity {
  const identity = identityOf(request);
  if (!identity.groups.includes(ADMIN_GROUP)) {
    throw new GraphQLError('this operation is reserved to administrators (members of the admin group)', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  return identity;
}
