import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type Db,
  type Filter as MongoFilter,
  type Collection as MongoCollection,
  type UpdateFilter,
} from 'mongodb';
import type {
  CheckpointStore,
  Collection,
  CollectionDefinition,
  Doc,
  DocWrite,
  Filter,
  FindOptions,
  Page,
  ReadStore,
  Sort,
  StoredDoc,
} from '../read-store.port.js';
import { assertDeclared, checkDefinition, checkFindOptions, compoundIndexes, ID_FIELD, indexedFields, schemaKey } from '../shared/definition.js';
import { decodeCursor, encodeCursor, type SortValue } from '../shared/page-cursor.js';
import { prefixUpperBound } from '../shared/prefix.js';

export interface MongoReadStoreOptions {
  /** A MongoDB connection string; its path names the database unless `database` is given. */
  readonly url: string;
  /** Default: the database in the URL path, else 'suivi'. */
  readonly database?: string;
}

/** How a document sits in MongoDB. A tombstone keeps its position and drops `doc`. */
interface StoredRecord {
  _id: string;
  doc?: Record<string, unknown>;
  position: bigint;
  deleted?: true;
}

interface CheckpointRecord {
  _id: string;
  position: bigint;
}

const DUPLICATE_KEY = 11000;
const DEFAULT_DATABASE = 'suivi';

/**
 * The MongoDB ReadStore: one MongoDB collection per collection. The position guard is
 * a conditional upsert (`_id` and `position < new`), so it needs no transaction and
 * works on a standalone server, a replica set or a sharded cluster (the shard key
 * being `_id`). Positions are stored as 64-bit integers and read back as bigint.
 */
export class MongoReadStore implements ReadStore {
  readonly checkpoints: CheckpointStore;
  private readonly indexed = new Map<string, Promise<void>>();

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {
    this.checkpoints = new MongoCheckpointStore(db.collection<CheckpointRecord>('checkpoints'));
  }

  static async connect(options: MongoReadStoreOptions): Promise<MongoReadStore> {
    const client = new MongoClient(options.url, {
      // int64 <-> bigint: positions above 2^53 must round-trip exactly.
      useBigInt64: true,
      // JSON drops undefined properties; the SQLite adapter stores JSON, so do the same.
      ignoreUndefined: true,
    });
    await client.connect();
    const database = options.database ?? databaseInUrl(options.url) ?? DEFAULT_DATABASE;
    return new MongoReadStore(client, client.db(database));
  }

  /** The database this store writes to (tests drop it). */
  get databaseName(): string {
    return this.db.databaseName;
  }

  async collection<T extends Doc>(definition: CollectionDefinition): Promise<Collection<T>> {
    checkDefinition(definition);
    const collection = this.db.collection<StoredRecord>(definition.name);
    const key = schemaKey(definition);
    let ready = this.indexed.get(key);
    if (ready === undefined) {
      ready = createIndexes(collection, definition);
      this.indexed.set(key, ready);
      ready.catch(() => this.indexed.delete(key));
    }
    await ready;
    return new MongoDocCollection<T>(collection, definition);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  /**
   * Nothing to do from here: MongoDB overwrites a document in place for its
   * readers; what its storage engine, journal and oplog keep of the old version
   * until they roll over or are compacted is the operator's (decision 0018).
   */
  async compact(): Promise<void> {}

  async close(): Promise<void> {
    await this.client.close();
  }
}

async function createIndexes(collection: MongoCollection<StoredRecord>, definition: CollectionDefinition): Promise<void> {
  // (field, _id) serves both the filter and the keyset pagination's tie-break.
  // Creating an index that already exists is a no-op.
  // List fields are indexed too: MongoDB indexes their elements (multikey).
  const keys = [
    ...indexedFields(definition).map((field) => ({ [docPath(field)]: 1, _id: 1 })),
    ...compoundIndexes(definition).map((fields) => ({ ...Object.fromEntries(fields.map((field) => [docPath(field), 1])), _id: 1 })),
  ];
  if (keys.length > 0) await collection.createIndexes(keys.map((key) => ({ key })));
}

class MongoDocCollection<T extends Doc> implements Collection<T> {
  readonly name: string;

  constructor(
    private readonly collection: MongoCollection<StoredRecord>,
    private readonly definition: CollectionDefinition,
  ) {
    this.name = definition.name;
  }

  async get(id: string): Promise<StoredDoc<T> | null> {
    const record = await this.collection.findOne({ _id: id });
    if (record === null || record.deleted === true || record.doc === undefined) return null;
    return { doc: record.doc as T, position: toBigInt(record.position) };
  }

  async put(doc: T, position: bigint): Promise<boolean> {
    return this.guardedWrite({ id: doc.id, doc, position });
  }

  async delete(id: string, position: bigint): Promise<boolean> {
    return this.guardedWrite({ id, doc: null, position });
  }

  async writeMany(writes: readonly DocWrite<T>[]): Promise<void> {
    let pending = coalesce(writes);
    // Second round: see guardedWrite for why a duplicate key is retried once.
    for (let round = 0; round < 2 && pending.length > 0; round += 1) {
      pending = await this.bulkGuardedWrite(pending);
    }
  }

  async find(options: FindOptions): Promise<Page<T>> {
    const sort = checkFindOptions(this.definition, options);
    const conditions = this.conditions(options.where ?? []);
    if (options.after != null) {
      const after = decodeCursor(options.after, sort);
      conditions.push(keysetCondition(sort, after.value, after.id));
    }
    const direction = sort.direction === 'asc' ? 1 : -1;
    const sortSpec: Record<string, 1 | -1> =
      sort.field === ID_FIELD ? { _id: direction } : { [docPath(sort.field)]: direction, _id: direction };
    const records = await this.collection
      .find({ $and: conditions }, { projection: { doc: 1 } })
      .sort(sortSpec)
      .limit(options.first + 1)
      .toArray();
    const items = records.slice(0, options.first).map((record) => {
      const doc = record.doc as T;
      const value = sort.field === ID_FIELD ? record._id : sortValueOf(doc, sort.field);
      return { doc, cursor: encodeCursor(sort, value, record._id) };
    });
    return {
      items,
      endCursor: items.at(-1)?.cursor ?? null,
      hasNextPage: records.length > options.first,
    };
  }

  async count(where: readonly Filter[] = []): Promise<number> {
    for (const filter of where) assertDeclared(this.definition, filter.field);
    return this.collection.countDocuments({ $and: this.conditions(where) });
  }

  async clear(): Promise<void> {
    await this.collection.deleteMany({});
  }

  private conditions(where: readonly Filter[]): MongoFilter<StoredRecord>[] {
    return [{ deleted: { $ne: true } }, ...where.map(filterCondition)];
  }

  /**
   * The filter matches when the stored position is lower; when it does not, the
   * upsert tries to insert and hits the _id index: E11000 means a document at an
   * equal or higher position exists. Two writers racing on a new id can also get
   * E11000 with a higher position than the winner's, so a duplicate key is retried
   * once: by then the document exists and the filter decides.
   */
  private async guardedWrite(write: DocWrite<T>): Promise<boolean> {
    const { filter, update } = guardedUpdate(write);
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await this.collection.updateOne(filter, update, { upsert: true });
        return result.matchedCount + result.upsertedCount > 0;
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        if (attempt > 0) return false;
      }
    }
  }

  /** One unordered bulk write (ids are unique after coalescing); returns the writes to retry. */
  private async bulkGuardedWrite(writes: readonly DocWrite<T>[]): Promise<DocWrite<T>[]> {
    const operations: AnyBulkWriteOperation<StoredRecord>[] = writes.map((write) => ({
      updateOne: { ...guardedUpdate(write), upsert: true },
    }));
    try {
      await this.collection.bulkWrite(operations, { ordered: false });
      return [];
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || error.err !== undefined) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      const other = writeErrors.find((e) => e.code !== DUPLICATE_KEY);
      if (other !== undefined || writeErrors.length === 0) throw error;
      return writeErrors.flatMap((e) => writes[e.index] ?? []);
    }
  }
}

class MongoCheckpointStore implements CheckpointStore {
  constructor(private readonly collection: MongoCollection<CheckpointRecord>) {}

  async get(consumer: string): Promise<bigint | null> {
    const record = await this.collection.findOne({ _id: consumer });
    return record === null ? null : toBigInt(record.position);
  }

  async save(consumer: string, position: bigint): Promise<void> {
    await this.collection.updateOne({ _id: consumer }, { $set: { position } }, { upsert: true });
  }

  async reset(consumer: string): Promise<void> {
    await this.collection.deleteOne({ _id: consumer });
  }
}

function guardedUpdate(write: DocWrite<Doc>): {
  filter: MongoFilter<StoredRecord>;
  update: UpdateFilter<StoredRecord>;
} {
  const filter: MongoFilter<StoredRecord> = { _id: write.id, position: { $lt: write.position } };
  if (write.doc === null) {
    return { filter, update: { $set: { position: write.position, deleted: true }, $unset: { doc: '' } } };
  }
  if (write.doc.id !== write.id) {
    throw new Error(`document id "${String(write.doc.id)}" does not match write id "${write.id}"`);
  }
  // Through JSON, so both adapters hand back the same shapes (a Date comes back as a
  // string, not as a BSON date).
  const doc = JSON.parse(JSON.stringify(write.doc)) as Record<string, unknown>;
  return { filter, update: { $set: { doc, position: write.position }, $unset: { deleted: '' } } };
}

/**
 * Applying a batch in order with the guard leaves, per id, the first write carrying
 * the highest position; keeping only that one gives the same result in one unordered
 * round trip.
 */
function coalesce<T extends Doc>(writes: readonly DocWrite<T>[]): DocWrite<T>[] {
  const latest = new Map<string, DocWrite<T>>();
  for (const write of writes) {
    const previous = latest.get(write.id);
    if (previous === undefined || write.position > previous.position) latest.set(write.id, write);
  }
  return [...latest.values()];
}

function docPath(field: string): string {
  return field === ID_FIELD ? '_id' : `doc.${field}`;
}

/** Matches nothing, for comparisons that can never hold. */
const NOTHING: MongoFilter<StoredRecord> = { _id: { $in: [] } };

function filterCondition(filter: Filter): MongoFilter<StoredRecord> {
  const path = docPath(filter.field);
  switch (filter.op) {
    case 'eq':
      return { [path]: { $eq: filter.value } };
    case 'ne':
      return { [path]: { $ne: filter.value } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      // Only null equals null; nothing is greater or less than it.
      return filter.value === null ? NOTHING : { [path]: { [`$${filter.op}`]: filter.value } };
    case 'in':
      return { [path]: { $in: [...filter.value] } };
    case 'contains':
      // $elemMatch, unlike plain equality, only matches arrays (as the SQLite adapter does).
      return filter.field === ID_FIELD ? NOTHING : { [path]: { $elemMatch: { $eq: filter.value } } };
    case 'startsWith': {
      // A range rather than an anchored regex: same index use, no escaping, and
      // comparisons stay within strings (mongo-java-server matches a regex against a
      // number's text, and ignores $type next to $regex).
      const upper = prefixUpperBound(filter.value);
      return { [path]: upper === null ? { $gte: filter.value } : { $gte: filter.value, $lt: upper } };
    }
    default: {
      const unreachable: never = filter;
      throw new Error(`unknown filter ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Records strictly after (value, id) in sort order; MongoDB sorts null and missing first. */
function keysetCondition(sort: Sort, value: SortValue, id: string): MongoFilter<StoredRecord> {
  const asc = sort.direction === 'asc';
  const beyond = asc ? '$gt' : '$lt';
  if (sort.field === ID_FIELD) return { _id: { [beyond]: id } };
  const path = docPath(sort.field);
  if (value === null) {
    return asc
      ? { $or: [{ [path]: { $ne: null } }, { _id: { $gt: id } }] }
      : { [path]: { $eq: null }, _id: { $lt: id } };
  }
  const branches: MongoFilter<StoredRecord>[] = [
    { [path]: { [beyond]: value } },
    { [path]: { $eq: value }, _id: { [beyond]: id } },
  ];
  if (!asc) branches.push({ [path]: { $eq: null } });
  return { $or: branches };
}

function sortValueOf(doc: Doc, field: string): SortValue {
  let value: unknown = doc;
  for (const key of field.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? value
    : null;
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new Error(`stored position ${String(value)} is not an integer`);
}

/** The database named in the connection string's path, if any (hosts never contain '/'). */
function databaseInUrl(url: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? null : name;
}
