import type { ActivityKind } from '#domain';
import type { Collection, Filter, ReadStore, Sort } from '#read-store';
import { countedPage, type CountedPage } from '../shared/paging.js';
import { instantArgument } from '../shared/read-model-keys.js';
import { activitiesCollection, type ActivityEntry } from './activities.projection.js';

/** Every criterion given must hold. Cancelled activities are left out unless asked for. */
export interface ActivityListFilter {
  readonly assigneeId?: string | null;
  readonly thirdPartyId?: string | null;
  readonly kind?: ActivityKind | null;
  /** `at` (dueAt or startAt) at or after this instant. */
  readonly from?: string | null;
  /** `at` strictly before this instant: from/to ranges tile without overlap. */
  readonly to?: string | null;
  readonly done?: boolean | null;
  readonly includeCancelled?: boolean | null;
}

export interface ActivityListArgs {
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: ActivityListFilter | null;
}

export type ActivityPage = CountedPage<ActivityEntry>;

/** As for commercial documents: the third parties a viewer may see; null for every one. */
export interface ActivityAccess {
  readonly thirdPartyIds: readonly string[] | null;
}

/** No restriction: for Suivi's own reads (the reminder automation, a user's own calendar feed), never a user's list. */
export const UNRESTRICTED_ACTIVITIES: ActivityAccess = { thirdPartyIds: null };

const SOONEST_FIRST: Sort = { field: 'at', direction: 'asc' };

export class ActivityQueries {
  constructor(private readonly collection: Collection<ActivityEntry>) {}

  static async open(readStore: ReadStore): Promise<ActivityQueries> {
    return new ActivityQueries(await readStore.collection<ActivityEntry>(activitiesCollection));
  }

  async get(id: string): Promise<ActivityEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  /** Soonest first (dueAt or startAt), ties by id. */
  async list(args: ActivityListArgs, access: ActivityAccess): Promise<ActivityPage> {
    const where = [...activityWhere(args.filter ?? {}), ...accessWhere(access)];
    return countedPage(this.collection, { where, sort: SOONEST_FIRST, first: args.first, after: args.after });
  }

  /**
   * The open activities with a reminder due by `now` whose time has not come
   * yet: what the reminder automation looks at on each tick, a page at a time.
   */
  async remindable(now: Date, first: number, after: string | null): Promise<ActivityPage> {
    const instant = now.toISOString();
    const where: Filter[] = [
      { field: 'status', op: 'eq', value: 'SCHEDULED' },
      { field: 'done', op: 'eq', value: false },
      { field: 'remindFrom', op: 'lte', value: instant },
      { field: 'at', op: 'gt', value: instant },
    ];
    return countedPage(this.collection, { where, sort: SOONEST_FIRST, first, after });
  }
}

const accessWhere = (access: ActivityAccess): Filter[] =>
  access.thirdPartyIds === null ? [] : [{ field: 'thirdPartyId', op: 'in', value: [...access.thirdPartyIds] }];

const activityWhere = (filter: ActivityListFilter): Filter[] => {
  const where: Filter[] = [];
  for (const field of ['assigneeId', 'thirdPartyId', 'kind', 'done'] as const) {
    const value = filter[field];
    if (value != null) where.push({ field, op: 'eq', value });
  }
  if (filter.includeCancelled !== true) where.push({ field: 'status', op: 'eq', value: 'SCHEDULED' });
  if (filter.from != null) where.push({ field: 'at', op: 'gte', value: instantArgument('from', filter.from) });
  if (filter.to != null) where.push({ field: 'at', op: 'lt', value: instantArgument('to', filter.to) });
  return where;
};
