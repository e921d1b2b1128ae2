import { GraphQLError } from 'graphql';
import type { Identity, Viewer } from '#security';

/** The one message of every authentication failure: which check failed is not revealed. */
export const UNAUTHENTICATED_MESSAGE = 'authentication required: send a valid API token as "Authorization: Bearer <token>"';

// Keyed by the request object itself: nothing a client sends can set or forge it.
const viewers = new WeakMap<object, Viewer>();

export function setViewer(request: object, viewer: Viewer): void {
  viewers.set(request, viewer);
}

/**
 * Who is asking, with their permissions and scope. Every GraphQL request is
 * authenticated before it reaches a resolver; a request without a viewer here
 * means that check was bypassed, so it is refused rather than served anonymously.
 */
export function viewerOf(request: object): Viewer {
  const viewer = viewers.get(request);
  if (viewer === undefined) throw new GraphQLError(UNAUTHENTICATED_MESSAGE, { extensions: { code: 'UNAUTHENTICATED' } });
  return viewer;
}

/** The authenticated user of a request. */
export function identityOf(request: object): Identity {
  return viewerOf(request).identity;
}
