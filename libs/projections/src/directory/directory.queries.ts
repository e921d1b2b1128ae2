import type { ThirdPartyKind, ThirdPartyRole } from '#domain';
import type { Collection, Filter, Page, ReadStore } from '#read-store';
import { directoryCollection, directoryNameKey, type DirectoryEntry } from './directory.projection.js';

export const DIRECTORY_PAGE_MAX = 100;

export interface DirectoryFilter {
  readonly kind?: ThirdPartyKind | null;
  readonly role?: ThirdPartyRole | null;
  /** Case- and accent-insensitive prefix of the name. */
  readonly nameStartsWith?: string | null;
}

export interface DirectoryListArgs {
  /** Page size, 1..100. */
  readonly first: number;
  readonly after?: string | null;
  readonly filter?: DirectoryFilter | null;
}

export type DirectoryPage = Page<DirectoryEntry> & { readonly totalCount: number };

/** The reads the API needs on the directory, sorted by name (accent- and case-insensitive). */
export class DirectoryQueries {
  constructor(private readonly collection: Collection<DirectoryEntry>) {}

  static async open(readStore: ReadStore): Promise<DirectoryQueries> {
    return new DirectoryQueries(await readStore.collection<DirectoryEntry>(directoryCollection));
  }

  async get(id: string): Promise<DirectoryEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  async list(args: DirectoryListArgs): Promise<DirectoryPage> {
    const { first } = args;
    if (!Number.isInteger(first) || first < 1 || first > DIRECTORY_PAGE_MAX) {
      throw new RangeError(`first must be an integer between 1 and ${DIRECTORY_PAGE_MAX}, got ${String(first)}`);
    }
    const where = directoryWhere(args.filter ?? {});
    const [page, totalCount] = await Promise.all([
      this.collection.find({ where, sort: { field: 'nameKey', direction: 'asc' }, first, after: args.after ?? null }),
      this.collection.count(where),
    ]);
    return { ...page, totalCount };
  }
}

const directoryWhere = (filter: DirectoryFilter): Filter[] => {
  const where: Filter[] = [];
  if (filter.kind) where.push({ field: 'kind', op: 'eq', value: filter.kind });
  if (filter.role) where.push({ field: 'roles', op: 'contains', value: filter.role });
  if (filter.nameStartsWith) {
    const prefix = directoryNameKey(filter.nameStartsWith);
    if (prefix.length > 0) where.push({ field: 'nameKey', op: 'startsWith', value: prefix });
  }
  return where;
};
