import { Args, Context, Float, Query, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { DirectoryQueries, type DirectoryEntry } from '#projections';
import { viewerOf } from '../auth/request-identity.js';
import { badUserInput } from '../graphql/errors.js';
import { offsetCursors } from '../graphql/offset-cursors.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, type Connection } from '../graphql/relay.js';
import { thirdPartyFromDirectory } from '../third-party/third-party.mapper.js';
import { duplicateCandidates, type CandidateRecord } from './duplicate-candidates.js';
import { DuplicateCandidate, DuplicateCandidateConnection } from './duplicates.types.js';

export const DEFAULT_MIN_SCORE = 0.5;
const READ_PAGE = 1_000;
const { cursorOf, offsetAfter } = offsetCursors('dup:');

const candidateOf = (entry: DirectoryEntry): CandidateRecord => ({
  id: entry.id,
  name: entry.name,
  email: entry.email,
  phone: entry.phone,
  vatNumber: entry.vatNumber,
  country: entry.address?.country ?? null,
});

/**
 * Likely duplicates, computed on demand from the directory as the caller sees
 * it (their scope; archived, merged and forgotten entries left out), so a pair
 * never names a third party the caller could not read. The pairs are recomputed
 * for every page: a cursor is an offset in an order that holds while the
 * directory does not change.
 */
@Resolver(() => DuplicateCandidate)
export class DuplicatesResolver {
  constructor(
    private readonly directory: DirectoryQueries,
    private readonly consistency: ReadConsistency,
  ) {}

  @Query(() => DuplicateCandidateConnection, {
    description:
      'Pairs of third parties that are likely duplicates, best first: same VAT number, e-mail address or phone, same company e-mail domain with a similar name, or names at least 85% alike. Only third parties the caller may read, neither archived nor merged. Merge a pair with mergeThirdParties.',
  })
  async duplicateCandidates(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('minScore', { type: () => Float, nullable: true, description: `Lowest score listed, 0 to 1 (default ${DEFAULT_MIN_SCORE}).` })
    minScore: number | null,
    @Context('req') req: FastifyRequest,
  ): Promise<Connection<DuplicateCandidate>> {
    const size = pageSize(first);
    const threshold = minScore ?? DEFAULT_MIN_SCORE;
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw badUserInput('minScore', 'must be between 0 and 1');
    const offset = offsetAfter(after);
    const viewer = viewerOf(req);
    const scope = viewer.scoped && viewer.scope !== null ? { scope: viewer.scope, userId: viewer.userId } : undefined;
    await this.consistency.await(req);
    const entries = new Map<string, DirectoryEntry>();
    let cursor: string | null = null;
    for (;;) {
      const page = await this.directory.listedPage({ first: READ_PAGE, after: cursor, ...(scope ? { scope } : {}) });
      for (const { doc } of page.items) if (!doc.forgottenAt) entries.set(doc.id, doc);
      if (!page.hasNextPage || page.endCursor === null) break;
      cursor = page.endCursor;
    }
    const pairs = duplicateCandidates([...entries.values()].map(candidateOf), threshold);
    const slice = pairs.slice(offset, offset + size);
    const edges = slice.map((pair, index) => ({
      cursor: cursorOf(offset + index + 1),
      node: {
        a: thirdPartyFromDirectory(entries.get(pair.a) as DirectoryEntry),
        b: thirdPartyFromDirectory(entries.get(pair.b) as DirectoryEntry),
        score: pair.score,
        reasons: pair.reasons,
      },
    }));
    return {
      edges,
      totalCount: pairs.length,
      pageInfo: {
        hasNextPage: offset + size < pairs.length,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
