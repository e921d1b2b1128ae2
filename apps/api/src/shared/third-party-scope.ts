import { Injectable } from '@nestjs/common';
import { DirectoryQueries } from '#projections';
import type { Viewer } from '#security';

/**
 * Which third parties a viewer may see, for the resolvers to filter on. A
 * scoped user (territories, ownership) sees the rest of Suivi only through the
 * third parties in scope: anything else behaves as if it did not exist — null,
 * empty lists, counts without it, the same NOT_FOUND as an unknown id.
 *
 * Scope is judged on the directory read model, as of the request: a third
 * party moved out of a territory leaves the scope when the directory has
 * applied the move.
 */
@Injectable()
export class ThirdPartyScopes {
  // One viewer per request: the set is read at most once per request.
  private readonly visible = new WeakMap<Viewer, Promise<ReadonlySet<string>>>();

  constructor(private readonly directory: DirectoryQueries) {}

  /** The ids of the third parties in scope; null when the viewer is not scoped (every third party). */
  async visibleIds(viewer: Viewer): Promise<ReadonlySet<string> | null> {
    if (!viewer.scoped || viewer.scope === null) return null;
    let ids = this.visible.get(viewer);
    if (ids === undefined) {
      ids = this.directory.idsInScope(viewer.scope, viewer.userId).then((list) => new Set(list));
      this.visible.set(viewer, ids);
    }
    return ids;
  }

  /** Whether a third party exists and is in the viewer's scope. */
  async canSee(viewer: Viewer, thirdPartyId: string): Promise<boolean> {
    if (!viewer.scoped) return true;
    const entry = await this.directory.get(thirdPartyId);
    return entry !== null && viewer.sees(entry);
  }
}
