import type { Collection, ReadStore } from '#read-store';
import { countedPage, type CountedPage } from '../shared/paging.js';
import { groupsCollection, type GroupEntry } from './groups.projection.js';
import { usersCollection, type UserEntry } from './users.projection.js';

export interface UserListArgs {
  readonly first: number;
  readonly after?: string | null;
}

/** The reads authentication and user administration need. */
export class UserQueries {
  constructor(private readonly collection: Collection<UserEntry>) {}

  static async open(readStore: ReadStore): Promise<UserQueries> {
    return new UserQueries(await readStore.collection<UserEntry>(usersCollection));
  }

  /** A user by id: the read authentication makes on every request. */
  async get(id: string): Promise<UserEntry | null> {
    return (await this.collection.get(id))?.doc ?? null;
  }

  /** `login` as stored (lower case). */
  async getByLogin(login: string): Promise<UserEntry | null> {
    const page = await this.collection.find({ where: [{ field: 'login', op: 'eq', value: login }], first: 1 });
    return page.items[0]?.doc ?? null;
  }

  /** The user an API token was issued to, revoked or not. */
  async findByTokenId(tokenId: string): Promise<UserEntry | null> {
    const page = await this.collection.find({ where: [{ field: 'tokenIds', op: 'contains', value: tokenId }], first: 1 });
    return page.items[0]?.doc ?? null;
  }

  /** Users by login. */
  list(args: UserListArgs): Promise<CountedPage<UserEntry>> {
    return countedPage(this.collection, { where: [], sort: { field: 'login', direction: 'asc' }, first: args.first, after: args.after });
  }

  count(): Promise<number> {
    return this.collection.count();
  }
}

/** Read in pages of this size; a deployment has few groups, lists are returned whole. */
const READ_PAGE = 100;

export class GroupQueries {
  constructor(private readonly collection: Collection<GroupEntry>) {}

  static async open(readStore: ReadStore): Promise<GroupQueries> {
    return new GroupQueries(await readStore.collection<GroupEntry>(groupsCollection));
  }

  async getByCode(code: string): Promise<GroupEntry | null> {
    const page = await this.collection.find({ where: [{ field: 'code', op: 'eq', value: code }], first: 1 });
    return page.items[0]?.doc ?? null;
  }

  /** Every group, by code. */
  async list(): Promise<GroupEntry[]> {
    return this.listWhere([]);
  }

  /** The groups of these codes, in the order given; codes without a group are left out. */
  async byCodes(codes: readonly string[]): Promise<GroupEntry[]> {
    if (codes.length === 0) return [];
    const found = await this.listWhere([{ field: 'code', op: 'in', value: [...codes] }]);
    const byCode = new Map(found.map((group) => [group.code, group]));
    return codes.flatMap((code) => byCode.get(code) ?? []);
  }

  private async listWhere(where: Parameters<Collection<GroupEntry>['find']>[0]['where']): Promise<GroupEntry[]> {
    const groups: GroupEntry[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.collection.find({ where, sort: { field: 'code', direction: 'asc' }, first: READ_PAGE, after });
      groups.push(...page.items.map((item) => item.doc));
      if (!page.hasNextPage) return groups;
      after = page.endCursor;
    }
  }
}
