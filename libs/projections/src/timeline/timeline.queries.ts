import { countedPage } from '../shared/paging.js';
import type { Collection, Filter, Page, ReadStore } from '#read-store';
import { instantArgument } from '../shared/read-model-keys.js';
import { timelineCollection, timelineKinds, type TimelineEntry, type TimelineKind } from './timeline.projection.js';


export interface TimelineFilter {
  /** Entries of any of these kinds; absent or empty: every kind. */
  readonly kinds?: readonly TimelineKind[] | null;
  /** Inclusive lower bound on occurredAt (ISO-8601). */
  readonly from?: string | null;
  /** Exclusive upper bound on occurredAt (ISO-8601). */
  readonly to?: string | null;
}

export interface TimelineListArgs {
  /** Exactly one of thirdPartyId and contactId: whose timeline. */
  readonly thirdPartyId?: string | null;
  readonly contactId?: string | null;
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: TimelineFilter | null;
}

export type TimelinePage = Page<TimelineEntry> & { readonly totalCount: number };

const knownKinds: ReadonlySet<string> = new Set(timelineKinds);

/** The timeline of a third party or of one contact, newest first. */
export class TimelineQueries {
  constructor(private readonly collection: Collection<TimelineEntry>) {}

  static async open(readStore: ReadStore): Promise<TimelineQueries> {
    return new TimelineQueries(await readStore.collection<TimelineEntry>(timelineCollection));
  }

  async list(args: TimelineListArgs): Promise<TimelinePage> {
    const where = timelineWhere(args);
    return countedPage(this.collection, { where, sort: { field: 'sortKey', direction: 'desc' }, first: args.first, after: args.after });
  }
}

const timelineWhere = (args: TimelineListArgs): Filter[] => {
  const where: Filter[] = [];
  if (args.thirdPartyId != null) where.push({ field: 'thirdPartyId', op: 'eq', value: args.thirdPartyId });
  if (args.contactId != null) where.push({ field: 'contactIds', op: 'contains', value: args.contactId });
  if (where.length !== 1) throw new RangeError('thirdPartyId, contactId: exactly one of them must be given');
  const filter = args.filter ?? {};
  const kinds = filter.kinds ?? [];
  kinds.forEach((kind, index) => {
    if (!knownKinds.has(kind)) throw new RangeError(`filter.kinds[${index}] is not a timeline kind: ${JSON.stringify(kind)}`);
  });
  if (kinds.length > 0) where.push({ field: 'kind', op: 'in', value: [...new Set(kinds)] });
  if (filter.from != null) where.push({ field: 'occurredAt', op: 'gte', value: instantArgument('filter.from', filter.from) });
  if (filter.to != null) where.push({ field: 'occurredAt', op: 'lt', value: instantArgument('filter.to', filter.to) });
  return where;
};
