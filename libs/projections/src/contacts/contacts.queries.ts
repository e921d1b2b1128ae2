import type { Collection, Filter, ReadStore } from '#read-store';
import { contactsCollection, type ContactEntry } from './contacts.projection.js';

export interface ContactListOptions {
  /** Archived contacts are left out unless this is true. */
  readonly includeArchived?: boolean | null;
}

/** Read in pages of this size; a third party's contacts are few, the list is returned whole. */
const READ_PAGE = 100;

/** The reads the API needs on contacts. */
export class ContactQueries {
  constructor(private readonly collection: Collection<ContactEntry>) {}

  static async open(readStore: ReadStore): Promise<ContactQueries> {
    return new ContactQueries(await readStore.collection<ContactEntry>(contactsCollection));
  }

  /** A contact by id, archived or not. */
  async get(id: string): Promise<ContactEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  /** The contacts of a third party by last name, then first name (case- and accent-insensitive). */
  async listByThirdParty(thirdPartyId: string, options: ContactListOptions = {}): Promise<ContactEntry[]> {
    const where: Filter[] = [{ field: 'thirdPartyId', op: 'eq', value: thirdPartyId }];
    if (options.includeArchived !== true) where.push({ field: 'archived', op: 'eq', value: false });
    const contacts: ContactEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where, sort: { field: 'sortKey', direction: 'asc' }, first: READ_PAGE, after });
      contacts.push(...page.items.map((item) => item.doc));
      if (!page.hasNextPage) return contacts;
      after = page.endCursor;
    }
  }
}
