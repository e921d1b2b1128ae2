import { countedPage } from '../shared/paging.js';
import type { Collection, Filter, Page, ReadStore } from '#read-store';
import { auditJournalCollection, type AuditEntry } from './audit-journal.projection.js';
import { instantArgument } from '../shared/read-model-keys.js';


export interface AuditJournalFilter {
  /** Stream category: 'thirdParty', 'contact', 'exchange', 'note'. */
  readonly entityType?: string | null;
  readonly entityId?: string | null;
  readonly actorId?: string | null;
  /** Event type, e.g. 'ExchangeLogged'. */
  readonly action?: string | null;
  /** Inclusive lower bound on `at` (ISO-8601). */
  readonly from?: string | null;
  /** Exclusive upper bound on `at` (ISO-8601). */
  readonly to?: string | null;
}

export interface AuditJournalListArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: AuditJournalFilter | null;
}

export type AuditJournalPage = Page<AuditEntry> & { readonly totalCount: number };

/** The audit journal, newest first (log order, reversed). */
export class AuditJournalQueries {
  constructor(private readonly collection: Collection<AuditEntry>) {}

  static async open(readStore: ReadStore): Promise<AuditJournalQueries> {
    return new AuditJournalQueries(await readStore.collection<AuditEntry>(auditJournalCollection));
  }

  async list(args: AuditJournalListArgs): Promise<AuditJournalPage> {
    const where = auditJournalWhere(args.filter ?? {});
    return countedPage(this.collection, { where, sort: { field: 'sortKey', direction: 'desc' }, first: args.first, after: args.after });
  }
}

const auditJournalWhere = (filter: AuditJournalFilter): Filter[] => {
  const where: Filter[] = [];
  for (const field of ['entityType', 'entityId', 'actorId', 'action'] as const) {
    const value = filter[field];
    if (value != null) where.push({ field, op: 'eq', value });
  }
  if (filter.from != null) where.push({ field: 'at', op: 'gte', value: instantArgument('filter.from', filter.from) });
  if (filter.to != null) where.push({ field: 'at', op: 'lt', value: instantArgument('filter.to', filter.to) });
  return where;
};
