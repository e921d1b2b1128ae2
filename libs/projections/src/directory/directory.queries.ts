import { instantArgument } from '../shared/read-model-keys.js';
import { countedPage } from '../shared/paging.js';
import type { ConsentChannel, ConsentDecision, ConsentPurpose, CustomFieldValue, ProspectStatus, ThirdPartyKind, ThirdPartyRole } from '#domain';
import { consentTerm } from '../consents/consents.projection.js';
import type { Collection, Filter, Page, ReadStore } from '#read-store';
import type { ThirdPartyScope } from '../users/users.projection.js';
import {
  customFieldTerm,
  directoryCollection,
  directoryNameKey,
  directoryWords,
  type DirectoryEntry,
} from './directory.projection.js';


export interface CustomFieldCriterion {
  readonly key: string;
  /**
   * Compared as customFieldTerm spells it: strings as they are, other values as JSON.
   * Unset fields hold no term, so null matches nothing.
   */
  readonly value: CustomFieldValue;
}

/**
 * A decision in force about a third party that is a person: for the purpose,
 * on `channel` exactly (ANY is a channel of its own here), or on any channel
 * when it is absent. Contacts' decisions do not count: they are the contacts'.
 */
export interface ConsentCriterion {
  readonly purpose: ConsentPurpose;
  readonly decision: ConsentDecision;
  readonly channel?: ConsentChannel | null;
}

/** Every criterion given must hold. Instants are ISO-8601 strings. */
export interface DirectoryFilter {
  readonly kind?: ThirdPartyKind | null;
  readonly role?: ThirdPartyRole | null;
  readonly prospectStatus?: ProspectStatus | null;
  readonly territory?: string | null;
  readonly category?: string | null;
  readonly tag?: string | null;
  readonly ownerId?: string | null;
  readonly leadSource?: string | null;
  /** Each must match: the custom field holds exactly that value. */
  readonly customFields?: readonly CustomFieldCriterion[] | null;
  /**
   * Last interaction strictly before this instant, or none at all: "not contacted
   * since" includes the never contacted, which is how inactive prospects are found.
   */
  readonly lastInteractionBefore?: string | null;
  /** Last interaction at or after this instant (never contacted does not match). */
  readonly lastInteractionAfter?: string | null;
  /**
   * Words, case- and accent-insensitive: each must begin a word of the name
   * ("dup mar" finds "Dupont-Martin SA"). Punctuation separates words.
   */
  readonly search?: string | null;
  /** Case- and accent-insensitive prefix of the whole name. */
  readonly nameStartsWith?: string | null;
  /** Archived third parties are left out unless this is true. */
  readonly includeArchived?: boolean | null;
  readonly consent?: ConsentCriterion | null;
}

export interface DirectoryListArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: DirectoryFilter | null;
  /**
   * The user the list is for, when they are limited to some third parties:
   * the rest is left out by the query itself, so pages and totalCount hold
   * only what they see. Absent or null: every third party.
   */
  readonly scope?: { readonly scope: ThirdPartyScope; readonly userId: string } | null;
}

export type DirectoryPage = Page<DirectoryEntry> & { readonly totalCount: number };

const SCOPE_READ_PAGE = 1_000;

/** The reads the API needs on the directory, sorted by name (accent- and case-insensitive). */
export class DirectoryQueries {
  constructor(private readonly collection: Collection<DirectoryEntry>) {}

  static async open(readStore: ReadStore): Promise<DirectoryQueries> {
    return new DirectoryQueries(await readStore.collection<DirectoryEntry>(directoryCollection));
  }

  /** An entry by id, archived or not. */
  async get(id: string): Promise<DirectoryEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  /**
   * The ids of every third party (archived included) a scope admits: those of
   * its territories and, when `ownedOnly`, owned by `userId`. Read whole: the
   * other read models filter on these ids.
   */
  async idsInScope(scope: ThirdPartyScope, userId: string): Promise<string[]> {
    const where = scopeWhere(scope, userId);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where, first: SCOPE_READ_PAGE, after });
      for (const item of page.items) ids.push(item.doc.id);
      if (!page.hasNextPage) return ids;
      after = page.endCursor;
    }
  }

  /** The ids of the third parties merged into `survivorId` (while the merges hold), in id order. */
  async mergedInto(survivorId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where: [{ field: 'mergedInto', op: 'eq', value: survivorId }], first: SCOPE_READ_PAGE, after });
      for (const item of page.items) ids.push(item.doc.id);
      if (!page.hasNextPage) return ids;
      after = page.endCursor;
    }
  }

  /**
   * Every listed entry (merged ones left out), a page at a time in id order:
   * what duplicate detection compares. `scope` as in `list`.
   */
  async listedPage(args: { first: number; after?: string | null; includeArchived?: boolean; scope?: DirectoryListArgs['scope'] }): Promise<Page<DirectoryEntry>> {
    const where: Filter[] = [{ field: 'mergedInto', op: 'eq', value: null }];
    if (args.includeArchived !== true) where.push({ field: 'archived', op: 'eq', value: false });
    if (args.scope) where.push(...scopeWhere(args.scope.scope, args.scope.userId));
    return this.collection.find({ where, first: args.first, after: args.after ?? null });
  }

  async list(args: DirectoryListArgs): Promise<DirectoryPage> {
    const where = directoryWhere(args.filter ?? {});
    if (args.scope) where.push(...scopeWhere(args.scope.scope, args.scope.userId));
    return countedPage(this.collection, { where, sort: { field: 'nameKey', direction: 'asc' }, first: args.first, after: args.after });
  }

  /**
   * Third parties holding `role` whose last interaction is before `before`, or
   * who were never contacted, archived included: what a retention policy
   * looks at, each then judged by the domain's rule (retention-candidates.ts).
   * Paged by id, for a reader that goes through them all.
   */
  async inactiveSince(args: { role: ThirdPartyRole; before: string; first: number; after?: string | null }): Promise<Page<DirectoryEntry>> {
    const where: Filter[] = [
      { field: 'roles', op: 'contains', value: args.role },
      { field: 'lastInteractionKey', op: 'lt', value: instantArgument('before', args.before) },
      // A merged third party's records read as its survivor's: the survivor is the one judged.
      { field: 'mergedInto', op: 'eq', value: null },
    ];
    return this.collection.find({ where, first: args.first, after: args.after ?? null });
  }
}

/** The third parties a scope admits: of its territories and, when `ownedOnly`, owned by the user. */
const scopeWhere = (scope: ThirdPartyScope, userId: string): Filter[] => {
  const where: Filter[] = [];
  if (scope.territories !== null) where.push({ field: 'territory', op: 'in', value: [...scope.territories] });
  if (scope.ownedOnly) where.push({ field: 'ownerId', op: 'eq', value: userId });
  return where;
};

const directoryWhere = (filter: DirectoryFilter): Filter[] => {
  const where: Filter[] = [];
  const eq = (field: string, value: string | null | undefined): void => {
    if (value != null) where.push({ field, op: 'eq', value });
  };
  const contains = (field: string, value: string | null | undefined): void => {
    if (value != null) where.push({ field, op: 'contains', value });
  };
  if (filter.includeArchived !== true) where.push({ field: 'archived', op: 'eq', value: false });
  // The absorbed side of a merge is read by id only (`mergedInto` says where it went).
  where.push({ field: 'mergedInto', op: 'eq', value: null });
  eq('kind', filter.kind);
  contains('roles', filter.role);
  eq('prospectStatus', filter.prospectStatus);
  eq('territory', filter.territory);
  contains('categories', filter.category);
  contains('tags', filter.tag);
  eq('ownerId', filter.ownerId);
  eq('leadSource', filter.leadSource);
  for (const { key, value } of filter.customFields ?? []) contains('customFieldTerms', customFieldTerm(key, value));
  if (filter.lastInteractionBefore != null) {
    const value = instantArgument('lastInteractionBefore', filter.lastInteractionBefore);
    where.push({ field: 'lastInteractionKey', op: 'lt', value });
  }
  if (filter.lastInteractionAfter != null) {
    const value = instantArgument('lastInteractionAfter', filter.lastInteractionAfter);
    where.push({ field: 'lastInteractionKey', op: 'gte', value });
  }
  if (filter.consent != null) contains('consentTerms', consentTerm(filter.consent.purpose, filter.consent.decision, filter.consent.channel));
  for (const word of directoryWords(filter.search ?? '')) contains('namePrefixes', word);
  if (filter.nameStartsWith) {
    const prefix = directoryNameKey(filter.nameStartsWith);
    if (prefix.length > 0) where.push({ field: 'nameKey', op: 'startsWith', value: prefix });
  }
  return where;
};
