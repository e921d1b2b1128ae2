import type { ConsentSubjectKind } from '#domain';
import { InvalidCursor, type Collection, type ReadStore } from '#read-store';
import { PAGE_MAX } from '../shared/paging.js';
import { consentsCollection, consentsEntryId, type ConsentEntryDecision, type ConsentsEntry } from './consents.projection.js';

export interface ConsentHistoryArgs {
  /** Page size, 1..100. */
  readonly first: number;
  /** The `endCursor` of the previous page. */
  readonly after?: string | null;
}

/** A page of a subject's decisions, newest recorded first. */
export interface ConsentHistoryPage {
  readonly items: { readonly decision: ConsentEntryDecision; readonly cursor: string }[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
  readonly totalCount: number;
}

// A cursor is the position of the last decision read: positions are unique and, within a subject, in recording order.
const CURSOR = /^(0|[1-9]\d{0,19})$/;

/** The reads the API needs on consents. */
export class ConsentQueries {
  constructor(private readonly collection: Collection<ConsentsEntry>) {}

  static async open(readStore: ReadStore): Promise<ConsentQueries> {
    return new ConsentQueries(await readStore.collection<ConsentsEntry>(consentsCollection));
  }

  /** A subject's entry; null when no decision was ever recorded for them. */
  async of(subjectKind: ConsentSubjectKind, subjectId: string): Promise<ConsentsEntry | null> {
    return (await this.collection.get(consentsEntryId(subjectKind, subjectId)))?.doc ?? null;
  }

  /** The decisions in force, one per purpose and channel; [] when none was recorded. */
  async current(subjectKind: ConsentSubjectKind, subjectId: string): Promise<ConsentEntryDecision[]> {
    return (await this.of(subjectKind, subjectId))?.current ?? [];
  }

  /**
   * Every decision, newest recorded first. A subject's history is one document:
   * it is paged here rather than in the store.
   */
  async history(subjectKind: ConsentSubjectKind, subjectId: string, args: ConsentHistoryArgs): Promise<ConsentHistoryPage> {
    const { first, after } = args;
    if (!Number.isInteger(first) || first < 1 || first > PAGE_MAX) {
      throw new RangeError(`first must be an integer between 1 and ${PAGE_MAX}, got ${String(first)}`);
    }
    if (after != null && !CURSOR.test(after)) throw new InvalidCursor();
    const newestFirst = [...((await this.of(subjectKind, subjectId))?.history ?? [])].reverse();
    const start = after == null ? 0 : newestFirst.findIndex((decision) => BigInt(decision.position) < BigInt(after));
    const rest = start === -1 ? [] : newestFirst.slice(start);
    const items = rest.slice(0, first).map((decision) => ({ decision, cursor: decision.position }));
    return {
      items,
      endCursor: items.at(-1)?.cursor ?? null,
      hasNextPage: rest.length > first,
      totalCount: newestFirst.length,
    };
  }
}
