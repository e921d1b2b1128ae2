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
  /**
   * The third parties merged into `thirdPartyId` (DirectoryQueries.mergedInto):
   * their entries, before and after the merge, are on the survivor's timeline
   * while the merge holds. Entries are not re-keyed, so an unmerge moves nothing back.
   */
  readonly mergedThirdPartyIds?: readonly string[] | null;
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: TimelineFilter | null;
}

export type TimelinePage = Page<TimelineEntry> & { readonly totalCount: number };

/**
 * What of a timeline a viewer may see, as plain data the API derives from its
 * viewer: applied as read-store filters, so pages and totalCount only ever
 * count what the viewer may see.
 */
export interface TimelineAccess {
  /** The kinds the viewer may read (their module's read permission); null: every kind. */
  readonly kinds: readonly TimelineKind[] | null;
  /** Only entries about these third parties; null: any third party. */
  readonly thirdPartyIds: readonly string[] | null;
  /** Exchange entries only of these exchanges, the others being unaffected; null: every exchange. */
  readonly exchangeIds: readonly string[] | null;
}

/** No restriction: for reads on behalf of Suivi itself, never of a user. */
export const UNRESTRICTED_TIMELINE: TimelineAccess = { kinds: null, thirdPartyIds: null, exchangeIds: null };

const knownKinds: ReadonlySet<string> = new Set(timelineKinds);

/** The timeline of a third party or of one contact, newest first. */
export class TimelineQueries {
  constructor(private readonly collection: Collection<TimelineEntry>) {}

  static async open(readStore: ReadStore): Promise<TimelineQueries> {
    return new TimelineQueries(await readStore.collection<TimelineEntry>(timelineCollection));
  }

  async list(args: TimelineListArgs, access: TimelineAccess = UNRESTRICTED_TIMELINE): Promise<TimelinePage> {
    const where = [...timelineWhere(args, access.kinds), ...accessWhere(access)];
    return countedPage(this.collection, { where, sort: { field: 'sortKey', direction: 'desc' }, first: args.first, after: args.after });
  }
}

const accessWhere = (access: TimelineAccess): Filter[] => {
  const where: Filter[] = [];
  if (access.thirdPartyIds !== null) where.push({ field: 'thirdPartyId', op: 'in', value: [...access.thirdPartyIds] });
  // An entry about no exchange has no exchangeId: null keeps those.
  if (access.exchangeIds !== null) where.push({ field: 'exchangeId', op: 'in', value: [null, ...access.exchangeIds] });
  return where;
};

const timelineWhere = (args: TimelineListArgs, readable: readonly TimelineKind[] | null): Filter[] => {
  const where: Filter[] = [];
  if (args.thirdPartyId != null) {
    const merged = args.mergedThirdPartyIds ?? [];
    where.push(
      merged.length === 0
        ? { field: 'thirdPartyId', op: 'eq', value: args.thirdPartyId }
        : { field: 'thirdPartyId', op: 'in', value: [args.thirdPartyId, ...merged] },
    );
  }
  if (args.contactId != null) where.push({ field: 'contactIds', op: 'contains', value: args.contactId });
  if (where.length !== 1) throw new RangeError('thirdPartyId, contactId: exactly one of them must be given');
  const filter = args.filter ?? {};
  const kinds = filter.kinds ?? [];
  kinds.forEach((kind, index) => {
    if (!knownKinds.has(kind)) throw new RangeError(`filter.kinds[${index}] is not a timeline kind: ${JSON.stringify(kind)}`);
  });
  let wanted = kinds.length > 0 ? [...new Set(kinds)] : null;
  if (readable !== null) wanted = (wanted ?? timelineKinds).filter((kind) => readable.includes(kind));
  if (wanted !== null) where.push({ field: 'kind', op: 'in', value: wanted });
  if (filter.from != null) where.push({ field: 'occurredAt', op: 'gte', value: instantArgument('filter.from', filter.from) });
  if (filter.to != null) where.push({ field: 'occurredAt', op: 'lt', value: instantArgument('filter.to', filter.to) });
  return where;
};
