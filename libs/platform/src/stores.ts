import path from 'node:path';
import { domainSchemaVersions, domainUpcasters } from '#domain';
import { EventCodec, KurrentEventStore, SqliteEventStore, type EventStore } from '#event-store';
import { MongoReadStore, SqliteReadStore, type ReadStore } from '#read-store';
import type { SuiviConfig } from './config.js';

export const EVENT_STORE_FILE = 'events.sqlite';
export const READ_STORE_FILE = 'read.sqlite';

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
 * The one codec of the deployment. Event schema versions and upcasters are
 * registered here as event shapes evolve; the personal-data cipher plugs in here.
 */
export function createCodec(): EventCodec {
  return new EventCodec({ schemaVersions: domainSchemaVersions, upcasters: domainUpcasters });
}

export const describeStores = (config: SuiviConfig): string =>
  [
    config.eventStoreUrl ? 'events: EventStoreDB' : `events: SQLite ${path.join(config.dataDir, EVENT_STORE_FILE)} (synchronous=${config.durability.toUpperCase()})`,
    config.mongodbUrl ? 'read models: MongoDB' : `read models: SQLite ${path.join(config.dataDir, READ_STORE_FILE)}`,
  ].join(', ');
