import { instantArgument } from '../shared/read-model-keys.js';
import { countedPage } from '../shared/paging.js';
import type { ExchangeStatus, LinkedDocumentType } from '#domain';
import type { Collection, Filter, Page, ReadStore, Sort } from '#read-store';
import { exchangesCollection, type ExchangeEntry } from './exchanges.projection.js';


/** Every criterion given must hold. Instants are ISO-8601 strings. */
export interface ExchangeListFilter {
  readonly thirdPartyId?: string | null;
  /** Exchanges this contact took part in. */
  readonly contactId?: string | null;
  readonly collaboratorId?: string | null;
  readonly mode?: string | null;
  readonly subject?: string | null;
  readonly status?: ExchangeStatus | null;
  /** occurredAt at or after this instant. */
  readonly from?: string | null;
  /** occurredAt strictly before this instant: `from`/`to` ranges tile without overlap. */
  readonly to?: string | null;
  readonly linkedDocumentType?: LinkedDocumentType | null;
  readonly linkedDocumentRef?: string | null;
  /** Deleted exchanges are left out unless this is true. */
  readonly includeDeleted?: boolean | null;
}

export interface ExchangePageArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
}

export interface ExchangeListArgs extends ExchangePageArgs {
  readonly filter?: ExchangeListFilter | null;
}

export type ExchangePage = Page<ExchangeEntry> & { readonly totalCount: number };

/**
 * Which exchanges a viewer may see, as plain data the API derives from its
 * viewer (scope and the `exchanges.seeAll` permission). Every list applies it
 * as read-store filters, so pages and totalCount only ever count what the
 * viewer may see.
 */
export interface ExchangeAccess {
  /** Only the exchanges with these third parties; null: every third party. */
  readonly thirdPartyIds: readonly string[] | null;
  /** Only the exchanges this user authored, made or collaborates on; null: everyone's. */
  readonly participantId: string | null;
}

/** No restriction: for reads on behalf of Suivi itself, never of a user. */
export const UNRESTRICTED_EXCHANGES: ExchangeAccess = { thirdPartyIds: null, participantId: null };

/** Whether one exchange is within the access: the same rule the lists filter on. */
export const exchangeAdmitted = (access: ExchangeAccess, entry: ExchangeEntry): boolean =>
  (access.thirdPartyIds === null || access.thirdPartyIds.includes(entry.thirdPartyId)) &&
  (access.participantId === null || entry.participantIds.includes(access.participantId));

const NEWEST_FIRST: Sort = { field: 'occurredAt', direction: 'desc' };
const OLDEST_FIRST: Sort = { field: 'occurredAt', direction: 'asc' };
const OPEN_STATUSES: readonly ExchangeStatus[] = ['TO_DO', 'IN_PROGRESS'];
const NOT_DELETED: Filter = { field: 'deleted', op: 'eq', value: false };
/** Ids are read whole for other read models to filter on; in pages of this size. */
const ID_READ_PAGE = 1_000;

/** The reads the API needs on exchanges ("Tous les échanges" and the home page widgets). */
export class ExchangeQueries {
  constructor(private readonly collection: Collection<ExchangeEntry>) {}

  static async open(readStore: ReadStore): Promise<ExchangeQueries> {
    return new ExchangeQueries(await readStore.collection<ExchangeEntry>(exchangesCollection));
  }

  /** An exchange by id, deleted or not. */
  async get(id: string): Promise<ExchangeEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  /** Newest occurredAt first, ties by id. */
  async list(args: ExchangeListArgs, access: ExchangeAccess): Promise<ExchangePage> {
    return this.page(args, [...exchangeWhere(args.filter ?? {}), ...accessWhere(access)], NEWEST_FIRST);
  }

  /** The home page's latest exchanges: every third party, newest first, deleted ones left out. */
  async latest(args: ExchangePageArgs, access: ExchangeAccess): Promise<ExchangePage> {
    return this.page(args, [NOT_DELETED, ...accessWhere(access)], NEWEST_FIRST);
  }

  /**
   * The home page's upcoming contacts: exchanges still to do or in progress,
   * oldest first, so the overdue ones lead.
   */
  async upcoming(args: ExchangePageArgs, access: ExchangeAccess): Promise<ExchangePage> {
    return this.page(args, [NOT_DELETED, { field: 'status', op: 'in', value: OPEN_STATUSES }, ...accessWhere(access)], OLDEST_FIRST);
  }

  /**
   * The ids of a third party's exchanges, deleted ones included, that a user
   * authored, made or collaborates on: what that user sees of its history
   * without the permission to see everyone's.
   */
  async participantExchangeIds(thirdPartyId: string, participantId: string): Promise<string[]> {
    const where: Filter[] = [
      { field: 'thirdPartyId', op: 'eq', value: thirdPartyId },
      { field: 'participantIds', op: 'contains', value: participantId },
    ];
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where, first: ID_READ_PAGE, after });
      for (const item of page.items) ids.push(item.doc.id);
      if (!page.hasNextPage) return ids;
      after = page.endCursor;
    }
  }

  /** The earliest occurredAt among the third party's exchanges that are not deleted; null when none. */
  async firstExchangeAt(thirdPartyId: string): Promise<string | null> {
    const page = await this.collection.find({
      where: [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }, NOT_DELETED],
      sort: OLDEST_FIRST,
      first: 1,
    });
    return page.items[0]?.doc.occurredAt ?? null;
  }

  private async page(args: ExchangePageArgs, where: Filter[], sort: Sort): Promise<ExchangePage> {
    return countedPage(this.collection, { where, sort, first: args.first, after: args.after });
  }
}


const accessWhere = (access: ExchangeAccess): Filter[] => {
  const where: Filter[] = [];
  if (access.thirdPartyIds !== null) where.push({ field: 'thirdPartyId', op: 'in', value: [...access.thirdPartyIds] });
  if (access.participantId !== null) where.push({ field: 'participantIds', op: 'contains', value: access.participantId });
  return where;
};

const exchangeWhere = (filter: ExchangeListFilter): Filter[] => {
  const where: Filter[] = [];
  const eq = (field: string, value: string | null | undefined): void => {
    if (value != null) where.push({ field, op: 'eq', value });
  };
  const contains = (field: string, value: string | null | undefined): void => {
    if (value != null) where.push({ field, op: 'contains', value });
  };
  if (filter.includeDeleted !== true) where.push(NOT_DELETED);
  eq('thirdPartyId', filter.thirdPartyId);
  contains('contactIds', filter.contactId);
  contains('collaboratorIds', filter.collaboratorId);
  eq('mode', filter.mode);
  eq('subject', filter.subject);
  eq('status', filter.status);
  if (filter.from != null) where.push({ field: 'occurredAt', op: 'gte', value: instantArgument('from', filter.from) });
  if (filter.to != null) where.push({ field: 'occurredAt', op: 'lt', value: instantArgument('to', filter.to) });
  eq('linkedDocumentType', filter.linkedDocumentType);
  eq('linkedDocumentRef', filter.linkedDocumentRef);
  return where;
};
