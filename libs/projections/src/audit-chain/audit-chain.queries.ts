import type { Collection, ReadStore } from '#read-store';
import { PAGE_MAX } from '../shared/paging.js';
import { auditChainCollection, type AuditChainLink } from './audit-chain.projection.js';

/** The chain links of journal entries, for the API to show each entry's hash. */
export class AuditChainQueries {
  constructor(private readonly collection: Collection<AuditChainLink>) {}

  static async open(readStore: ReadStore): Promise<AuditChainQueries> {
    return new AuditChainQueries(await readStore.collection<AuditChainLink>(auditChainCollection));
  }

  /** The links of these entries (a page of the journal), by entry id; an entry not chained yet has none. */
  async linksOf(entryIds: readonly string[]): Promise<Map<string, AuditChainLink>> {
    const links = new Map<string, AuditChainLink>();
    for (let start = 0; start < entryIds.length; start += PAGE_MAX) {
      const ids = entryIds.slice(start, start + PAGE_MAX);
      const page = await this.collection.find({ where: [{ field: 'id', op: 'in', value: ids }], first: ids.length });
      for (const { doc } of page.items) links.set(doc.id, doc);
    }
    return links;
  }
}
