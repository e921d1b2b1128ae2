import type { CommercialDocumentStatus, CommercialDocumentType } from '#domain';
import type { Collection, Filter, ReadStore, Sort } from '#read-store';
import { countedPage, type CountedPage } from '../shared/paging.js';
import { instantArgument } from '../shared/read-model-keys.js';
import { commercialDocumentsCollection, type CommercialDocumentEntry } from './commercial-documents.projection.js';

/** Every criterion given must hold. Instants are ISO-8601 strings. */
export interface CommercialDocumentListFilter {
  readonly thirdPartyId?: string | null;
  readonly type?: CommercialDocumentType | null;
  /** The document's ref, exactly: with thirdPartyId and type, the one document an exchange links to. */
  readonly ref?: string | null;
  readonly status?: CommercialDocumentStatus | null;
  /** dueAt strictly before this instant (documents without a due date never match). */
  readonly dueBefore?: string | null;
  /** dueAt at or after this instant: `dueAfter`/`dueBefore` ranges tile without overlap. */
  readonly dueAfter?: string | null;
}

export interface CommercialDocumentListArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: CommercialDocumentListFilter | null;
}

export type CommercialDocumentPage = CountedPage<CommercialDocumentEntry>;

/**
 * Which documents a viewer may see, as plain data the API derives from its
 * viewer's scope: lists apply it as read-store filters, so pages and
 * totalCount only count what the viewer may see.
 */
export interface CommercialDocumentAccess {
  /** Only the documents of these third parties; null: every third party. */
  readonly thirdPartyIds: readonly string[] | null;
}

/** No restriction: for reads on behalf of Suivi itself (the follow-up engine), never of a user. */
export const UNRESTRICTED_COMMERCIAL_DOCUMENTS: CommercialDocumentAccess = { thirdPartyIds: null };

/** Whether one document is within the access: the same rule the lists filter on. */
export const commercialDocumentAdmitted = (access: CommercialDocumentAccess, entry: Pick<CommercialDocumentEntry, 'thirdPartyId'>): boolean =>
  access.thirdPartyIds === null || access.thirdPartyIds.includes(entry.thirdPartyId);

const NEWEST_FIRST: Sort = { field: 'issuedAt', direction: 'desc' };

/** The reads the API needs on commercial documents. */
export class CommercialDocumentQueries {
  constructor(private readonly collection: Collection<CommercialDocumentEntry>) {}

  static async open(readStore: ReadStore): Promise<CommercialDocumentQueries> {
    return new CommercialDocumentQueries(await readStore.collection<CommercialDocumentEntry>(commercialDocumentsCollection));
  }

  async get(id: string): Promise<CommercialDocumentEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  /** Newest issuedAt first, ties by id. */
  async list(args: CommercialDocumentListArgs, access: CommercialDocumentAccess): Promise<CommercialDocumentPage> {
    const where = [...documentWhere(args.filter ?? {}), ...accessWhere(access)];
    return countedPage(this.collection, { where, sort: NEWEST_FIRST, first: args.first, after: args.after });
  }
}

const accessWhere = (access: CommercialDocumentAccess): Filter[] =>
  access.thirdPartyIds === null ? [] : [{ field: 'thirdPartyId', op: 'in', value: [...access.thirdPartyIds] }];

const documentWhere = (filter: CommercialDocumentListFilter): Filter[] => {
  const where: Filter[] = [];
  for (const field of ['thirdPartyId', 'type', 'ref', 'status'] as const) {
    const value = filter[field];
    if (value != null) where.push({ field, op: 'eq', value });
  }
  if (filter.dueAfter != null) where.push({ field: 'dueAt', op: 'gte', value: instantArgument('dueAfter', filter.dueAfter) });
  if (filter.dueBefore != null) where.push({ field: 'dueAt', op: 'lt', value: instantArgument('dueBefore', filter.dueBefore) });
  return where;
};
