import { countedPage } from '../shared/paging.js';
import type { Collection, Filter, Page, ReadStore } from '#read-store';
import { auditJournalCollection, auditScopes, type AuditEntry } from './audit-journal.projection.js';
import { instantArgument } from '../shared/read-model-keys.js';


export interface AuditJournalFilter {
  /** Stream category: 'thirdParty', 'contact', 'exchange', 'note', 'user', 'group', 'security'. */
  readonly entityType?: string | null;
  readonly entityId?: string | null;
  /** Everything about one third party: its own entries and those of its contacts, exchanges and notes. */
  readonly thirdPartyId?: string | null;
  readonly actorId?: string | null;
  /** Event type, e.g. 'ExchangeLogged'. */
  readonly action?: string | null;
  /** Inclusive lower bound on `at` (ISO-8601). */
  readonly from?: string | null;
  /** Exclusive upper bound on `at` (ISO-8601). */
  readonly to?: string | null;
}

/**
 * Which entries exist for a reader. Applied in the query, so pages and counts
 * are those of the entries the reader may see, never a page with holes.
 */
export interface AuditJournalVisibility {
  /** Refused attempts (scope `security`): for administrators. */
  readonly security: boolean;
  /** The third parties whose entries the reader sees, besides the global ones; null: every third party. */
  readonly thirdPartyIds: Iterable<string> | null;
}

/** Every entry: for the journal's own tools (verification, the command line), never for a request as such. */
export const WHOLE_JOURNAL: AuditJournalVisibility = { security: true, thirdPartyIds: null };

export interface AuditJournalListArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: AuditJournalFilter | null;
  /** Required: who reads decides which entries exist, and no caller gets everything by forgetting to say. */
  readonly visibility: AuditJournalVisibility;
}

export type AuditJournalPage = Page<AuditEntry> & { readonly totalCount: number };

const reservedScopes: ReadonlySet<string> = new Set(Object.values(auditScopes));

/** The audit journal, newest first (log order, reversed). */
export class AuditJournalQueries {
  constructor(private readonly collection: Collection<AuditEntry>) {}

  static async open(readStore: ReadStore): Promise<AuditJournalQueries> {
    return new AuditJournalQueries(await readStore.collection<AuditEntry>(auditJournalCollection));
  }

  async list(args: AuditJournalListArgs): Promise<AuditJournalPage> {
    const where = [...auditJournalWhere(args.filter ?? {}), ...visibilityWhere(args.visibility)];
    return countedPage(this.collection, { where, sort: SORT, first: args.first, after: args.after });
  }

  /**
   * The scope of an entity's entries (a third party's id, `global` or
   * `security`), whoever reads; null when the journal has none of it. For
   * telling an entity out of a reader's scope from one that does not exist.
   */
  async scopeOfEntity(entityId: string): Promise<string | null> {
    const page = await this.collection.find({ where: [{ field: 'entityId', op: 'eq', value: entityId }], first: 1 });
    return page.items[0]?.doc.scope ?? null;
  }

  /** Whether the journal has entries about this third party, whoever reads. */
  async hasThirdParty(thirdPartyId: string): Promise<boolean> {
    if (reservedScopes.has(thirdPartyId)) return false;
    return (await this.collection.count([{ field: 'scope', op: 'eq', value: thirdPartyId }])) > 0;
  }
}

const SORT = { field: 'sortKey', direction: 'desc' } as const;

/** No sort key is before the empty string. */
const NOTHING: Filter = { field: 'sortKey', op: 'lt', value: '' };

const auditJournalWhere = (filter: AuditJournalFilter): Filter[] => {
  const where: Filter[] = [];
  for (const field of ['entityType', 'entityId', 'actorId', 'action'] as const) {
    const value = filter[field];
    if (value != null) where.push({ field, op: 'eq', value });
  }
  if (filter.thirdPartyId != null) {
    // `global` and `security` are scopes, not third parties: no third party has those ids, so nothing matches.
    where.push(reservedScopes.has(filter.thirdPartyId) ? NOTHING : { field: 'scope', op: 'eq', value: filter.thirdPartyId });
  }
  if (filter.from != null) where.push({ field: 'at', op: 'gte', value: instantArgument('filter.from', filter.from) });
  if (filter.to != null) where.push({ field: 'at', op: 'lt', value: instantArgument('filter.to', filter.to) });
  return where;
};

const visibilityWhere = (visibility: AuditJournalVisibility): Filter[] => {
  if (visibility.thirdPartyIds !== null) {
    const scopes = [auditScopes.global, ...(visibility.security ? [auditScopes.security] : []), ...visibility.thirdPartyIds];
    return [{ field: 'scope', op: 'in', value: scopes }];
  }
  return visibility.security ? [] : [{ field: 'scope', op: 'ne', value: auditScopes.security }];
};
