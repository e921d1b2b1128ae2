import type { Collection, Filter, ReadStore } from '#read-store';
import { countedPage, type CountedPage } from '../shared/paging.js';
import { retentionQueueCollection, type ErasureProposalEntry, type ErasureProposalStatus } from './retention-queue.projection.js';

export interface RetentionQueueListArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  /** Only this policy's proposals. */
  readonly policy?: string | null;
  /** Default PENDING: the queue itself; the others are the record of past decisions. */
  readonly status?: ErasureProposalStatus | null;
  /** Only proposals about these third parties (a scoped reader's); absent or null: all. */
  readonly thirdPartyIds?: ReadonlySet<string> | null;
}

const READ_PAGE = 1_000;

/** The erasure proposals, by status (the queue: those waiting for a decision), oldest first. */
export class RetentionQueueQueries {
  constructor(private readonly collection: Collection<ErasureProposalEntry>) {}

  static async open(readStore: ReadStore): Promise<RetentionQueueQueries> {
    return new RetentionQueueQueries(await readStore.collection<ErasureProposalEntry>(retentionQueueCollection));
  }

  /** A proposal by id, whatever its status. */
  async get(id: string): Promise<ErasureProposalEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  async list(args: RetentionQueueListArgs): Promise<CountedPage<ErasureProposalEntry>> {
    const where: Filter[] = [{ field: 'status', op: 'eq', value: args.status ?? 'PENDING' }];
    if (args.policy != null) where.push({ field: 'policy', op: 'eq', value: args.policy });
    if (args.thirdPartyIds != null) where.push({ field: 'thirdPartyId', op: 'in', value: [...args.thirdPartyIds] });
    return countedPage(this.collection, { where, sort: { field: 'proposedAt', direction: 'asc' }, first: args.first, after: args.after });
  }

  /** Every pending proposal, read whole: the automation withdraws those that no longer qualify. */
  async allPending(): Promise<ErasureProposalEntry[]> {
    const where: Filter[] = [{ field: 'status', op: 'eq', value: 'PENDING' }];
    const entries: ErasureProposalEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where, first: READ_PAGE, after });
      for (const item of page.items) entries.push(item.doc);
      if (!page.hasNextPage) return entries;
      after = page.endCursor;
    }
  }
}
