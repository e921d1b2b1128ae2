import { randomBytes } from 'node:crypto';
import { Binary, MongoBulkWriteError, MongoClient, MongoServerError, type Collection } from 'mongodb';
import { KeySealing, type KeyEncryptionKey } from './key-encryption-key.js';
import {
  distinct,
  SUBJECT_KEY_BYTES,
  SubjectForgotten,
  SubjectKeysUnavailable,
  type SubjectKeyStore,
} from './subject-key-store.port.js';

export interface MongoSubjectKeyStoreOptions {
  /** A MongoDB connection string; its path names the database unless `database` is given (as for the read store). */
  readonly url: string;
  /** Default: the database in the URL path, else 'suivi'. */
  readonly database?: string;
  /** Default: subject_keys. */
  readonly collection?: string;
  /** Wraps every key written from now on (SUIVI_KEY_ENCRYPTION_KEY). */
  readonly kek?: KeyEncryptionKey | null;
}

/** One subject's key, or its tombstone (`key: null`). `_id` is the subject id: unique by construction. */
interface KeyRecord {
  _id: string;
  key: Binary | null;
  wrapped: boolean;
  createdAt: Date;
  destroyedAt?: Date;
}

const DUPLICATE_KEY = 11000;
const DEFAULT_DATABASE = 'suivi';
export const SUBJECT_KEYS_COLLECTION = 'subject_keys';

/**
 * The MongoDB SubjectKeyStore: one document per subject in `subject_keys`, in the
 * read store's database. Destroying a key overwrites the document's key with
 * null; copies MongoDB keeps elsewhere (the oplog of a replica set, backups) age
 * out on the operator's schedule, which is why production should wrap keys with
 * SUIVI_KEY_ENCRYPTION_KEY.
 */
export class MongoSubjectKeyStore implements SubjectKeyStore {
  private constructor(
    private readonly client: MongoClient,
    private readonly keys: Collection<KeyRecord>,
    private readonly sealing: KeySealing,
  ) {}

  static async connect(options: MongoSubjectKeyStoreOptions): Promise<MongoSubjectKeyStore> {
    const client = new MongoClient(options.url);
    try {
      await client.connect();
    } catch (error) {
      throw new SubjectKeysUnavailable(`cannot connect to the key store (MongoDB): ${messageOf(error)}`, { cause: error });
    }
    const database = options.database ?? databaseInUrl(options.url) ?? DEFAULT_DATABASE;
    const collection = client.db(database).collection<KeyRecord>(options.collection ?? SUBJECT_KEYS_COLLECTION);
    return new MongoSubjectKeyStore(client, collection, new KeySealing(options.kek ?? null));
  }

  /** The database this store writes to (tests drop it). */
  get databaseName(): string {
    return this.keys.dbName;
  }

  async getOrCreate(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const ids = distinct(subjectIds);
    if (ids.length === 0) return new Map();
    let records = await this.find(ids);
    const missing = ids.filter((id) => !records.has(id));
    if (missing.length > 0) {
      const createdAt = new Date();
      try {
        // $setOnInsert: a key another process drew first is kept, never replaced.
        await this.keys.bulkWrite(
          missing.map((id) => {
            const { bytes, wrapped } = this.sealing.seal(id, randomBytes(SUBJECT_KEY_BYTES));
            return {
              updateOne: {
                filter: { _id: id },
                update: { $setOnInsert: { key: new Binary(bytes), wrapped, createdAt } },
                upsert: true,
              },
            };
          }),
          { ordered: false },
        );
      } catch (error) {
        // Two upserts of the same new subject at once: one inserts, the other fails; the key exists either way.
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY) && !isDuplicateBulk(error)) throw unavailable(error);
      }
      records = await this.find(ids);
    }
    const keys = new Map<string, Buffer>();
    for (const id of ids) {
      const record = records.get(id);
      if (!record) throw new SubjectKeysUnavailable(`the key of data subject ${id} was written but cannot be read back`);
      if (record.key === null) throw new SubjectForgotten(id);
      keys.set(id, this.sealing.open(id, Buffer.from(record.key.buffer), record.wrapped));
    }
    return keys;
  }

  async get(subjectIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const ids = distinct(subjectIds);
    const records = ids.length === 0 ? new Map<string, KeyRecord>() : await this.find(ids);
    const keys = new Map<string, Buffer | null>();
    for (const [id, record] of records) keys.set(id, record.key ? this.sealing.open(id, Buffer.from(record.key.buffer), record.wrapped) : null);
    return keys;
  }

  async destroy(subjectId: string): Promise<boolean> {
    const destroyedAt = new Date();
    try {
      const updated = await this.keys.updateOne({ _id: subjectId, key: { $ne: null } }, { $set: { key: null, destroyedAt } });
      if (updated.modifiedCount === 1) return true;
      await this.keys.insertOne({ _id: subjectId, key: null, wrapped: false, createdAt: destroyedAt, destroyedAt });
      return true;
    } catch (error) {
      // The tombstone is there already.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw unavailable(error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async find(ids: readonly string[]): Promise<Map<string, KeyRecord>> {
    try {
      const records = await this.keys.find({ _id: { $in: [...ids] } }).toArray();
      return new Map(records.map((record) => [record._id, record]));
    } catch (error) {
      throw unavailable(error);
    }
  }
}

const isDuplicateBulk = (error: unknown): boolean =>
  error instanceof MongoBulkWriteError && [error.writeErrors].flat().every((writeError) => writeError.code === DUPLICATE_KEY);

const unavailable = (error: unknown): Error =>
  error instanceof SubjectForgotten || error instanceof SubjectKeysUnavailable
    ? error
    : new SubjectKeysUnavailable(`key store (MongoDB): ${messageOf(error)}`, { cause: error });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function databaseInUrl(url: string): string | null {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? null : name;
}
