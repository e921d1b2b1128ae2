import { Injectable } from '@nestjs/common';
import { DirectoryQueries, type ExchangeAccess, type ExchangeEntry } from '#projections';
import type { Viewer } from '#security';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';

/** What decides whether a viewer sees an exchange: its participants, and its third party. */
export type VisibleExchange = Pick<ExchangeEntry, 'thirdPartyId' | 'participantIds'>;

/**
 * Which exchanges a viewer sees: those of the third parties in their scope
 * and, without `exchanges.seeAll`, only those they authored, made or
 * collaborate on. Lists get it as read-store filters (`access`); a single
 * exchange is judged by `sees`, by the same rule.
 */
@Injectable()
export class ExchangeVisibility {
  constructor(
    private readonly scopes: ThirdPartyScopes,
    private readonly directory: DirectoryQueries,
  ) {}

  /**
   * The constraints of every exchange list the viewer reads. A list about one
   * third party needs the scope's verdict on that one only: a short filter
   * rather than every id in scope.
   */
  async access(viewer: Viewer, thirdPartyId: string | null = null): Promise<ExchangeAccess> {
    const visible = await this.scopes.visibleIds(viewer);
    let thirdPartyIds: string[] | null = null;
    if (visible !== null) thirdPartyIds = thirdPartyId === null ? [...visible] : visible.has(thirdPartyId) ? [thirdPartyId] : [];
    return { thirdPartyIds, participantId: participantOf(viewer) };
  }

  /** Whether the viewer sees this exchange. */
  async sees(viewer: Viewer, exchange: VisibleExchange): Promise<boolean> {
    return takesPart(viewer, exchange) && this.scopes.canSee(viewer, exchange.thirdPartyId);
  }

  /**
   * Whether the third party exists but is out of the viewer's scope: what a
   * scoped user naming it explicitly is recorded for (an unknown id is not).
   */
  async outOfScope(viewer: Viewer, thirdPartyId: string): Promise<boolean> {
    if (!viewer.scoped) return false;
    const entry = await this.directory.get(thirdPartyId);
    return entry !== null && !viewer.sees(entry);
  }
}

/** null: the viewer sees everyone's exchanges. */
export const participantOf = (viewer: Viewer): string | null => (viewer.can('exchanges.seeAll') ? null : viewer.userId);

export const takesPart = (viewer: Viewer, exchange: Pick<VisibleExchange, 'participantIds'>): boolean => {
  const participant = participantOf(viewer);
  return participant === null || exchange.participantIds.includes(participant);
};
