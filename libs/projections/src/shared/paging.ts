import type { Collection, Doc, Filter, Page, Sort } from '#read-store';

/** Largest page any read model serves (the GraphQL `first` limit). */
export const PAGE_MAX = 100;

export type CountedPage<D extends Doc> = Page<D> & { readonly totalCount: number };

/**
 * One page of a collection plus the number of documents matching the filter:
 * the shape every Relay connection of the API needs.
 */
export async function countedPage<D extends Doc>(
  collection: Collection<D>,
  query: { readonly where: Filter[]; readonly sort: Sort; readonly first: number; readonly after?: string | null | undefined },
): Promise<CountedPage<D>> {
  const { first } = query;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_MAX) {
    throw new RangeError(`first must be an integer between 1 and ${PAGE_MAX}, got ${String(first)}`);
  }
  const [page, totalCount] = await Promise.all([
    collection.find({ where: query.where, sort: query.sort, first, after: query.after ?? null }),
    collection.count(query.where),
  ]);
  return { ...page, totalCount };
}
