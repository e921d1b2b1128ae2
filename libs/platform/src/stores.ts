import path from 'node:path';
import { domainSchemaVersions, domainUpcasters } from '#domain';
import {
  CachedSubjectKeyStore,
  EventCodec,
  KeyEncryptionKey,
  KurrentEventStore,
  MongoSubjectKeyStore,
  SqliteEventStore,
  SqliteSubjectKeyStore,
  SubjectKeyCipher,
  SUBJECT_KEYS_COLLECTION,
  type EventStore,
  type SubjectKeyStore,
} from '#event-store';
import { MongoReadStore, SqliteReadStore, type ReadStore } from '#read-store';
import type { SuiviConfig } from './config.js';

export const EVENT_STORE_FILE = 'events.sqlite';
export const READ_STORE_FILE = 'read.sqlite';
export const KEY_STORE_FILE = 'keys.sqlite';

/** EVENTSTORE_URL selects EventStoreDB; otherwise the embedded SQLite file. */
export function openEventStore(config: SuiviConfig): EventStore {
  if (config.eventStoreUrl) return KurrentEventStore.connect(config.eventStoreUrl);
  return SqliteEventStore.open({ file: path.join(config.dataDir, EVENT_STORE_FILE), durability: config.durability });
}

/** MONGODB_URL selects MongoDB; otherwise the embedded SQLite file. */
export async function openReadStore(config: SuiviConfig): Promise<ReadStore> {
  if (config.mongodbUrl) return MongoReadStore.connect({ url: config.mongodbUrl });
  return SqliteReadStore.open({ file: path.join(config.dataDir, READ_STORE_FILE) });
}

/**
 * The data subjects' keys: the `subject_keys` collection of the read store's
 * database when MONGODB_URL is set (the keys follow the deployment's MongoDB
 * backups and replication), otherwise keys.sqlite under SUIVI_DATA_DIR. Wrapped
 * at rest with SUIVI_KEY_ENCRYPTION_KEY when it is set. One per process, shared
 * by the codec and whatever destroys keys, so that a destruction evicts the
 * codec's cache at once.
 */
export async function openSubjectKeyStore(config: SuiviConfig): Promise<CachedSubjectKeyStore> {
  const kek = config.keyEncryptionKey ? KeyEncryptionKey.fromBuffer(config.keyEncryptionKey) : null;
  const store = config.mongodbUrl
    ? await MongoSubjectKeyStore.connect({ url: config.mongodbUrl, kek })
    : SqliteSubjectKeyStore.open({ file: path.join(config.dataDir, KEY_STORE_FILE), kek });
  return new CachedSubjectKeyStore(store, { ttlMs: config.subjectKeyCacheTtlMs });
}

/**
 * The one codec of the deployment. Event schema versions and upcasters are
 * registered here as event shapes evolve; personal data is encrypted per data
 * subject with the keys of `keys`. Closing the codec closes the key store.
 */
export function createCodec(keys: SubjectKeyStore): EventCodec {
  return new EventCodec({ schemaVersions: domainSchemaVersions, upcasters: domainUpcasters, cipher: new SubjectKeyCipher({ keys }) });
}

/** A codec with a key store of its own: for processes that do not destroy keys (worker, CLI, bench). Close the codec. */
export async function openCodec(config: SuiviConfig): Promise<EventCodec> {
  return createCodec(await openSubjectKeyStore(config));
}

export const describeStores = (config: SuiviConfig): string =>
  [
    config.eventStoreUrl ? 'events: EventStoreDB' : `events: SQLite ${path.join(config.dataDir, EVENT_STORE_FILE)} (synchronous=${config.durability.toUpperCase()})`,
    config.mongodbUrl ? 'read models: MongoDB' : `read models: SQLite ${path.join(config.dataDir, READ_STORE_FILE)}`,
    `${config.mongodbUrl ? `subject keys: MongoDB ${SUBJECT_KEYS_COLLECTION}` : `subject keys: SQLite ${path.join(config.dataDir, KEY_STORE_FILE)}`}${config.keyEncryptionKey ? ' (wrapped)' : ''}`,
  ].join(', ');
