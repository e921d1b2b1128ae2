import { existsSync } from 'node:fs';
import path from 'node:path';
import { SqliteEventStore, type EventCodec, type EventStore } from '#event-store';
import { EVENT_STORE_FILE, loadConfig, openCodec, openEventStore, openReadStore, type SuiviConfig } from '#platform';
import type { ReadStore } from '#read-store';

/** The stores a command line command reads: the log, the read models and the codec over the subject keys. */
export interface CliStores {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  readonly config: SuiviConfig;
}

/**
 * The live log opened for reading only, when it is the embedded SQLite file: a
 * command that only reads it can run beside the server and never writes by mistake.
 */
export function openLiveLogForReading(config: SuiviConfig): EventStore {
  if (config.eventStoreUrl) return openEventStore(config);
  const file = path.join(config.dataDir, EVENT_STORE_FILE);
  if (!existsSync(file)) throw new Error(`no event log at ${file}: set SUIVI_DATA_DIR to the server's data directory (or EVENTSTORE_URL)`);
  return SqliteEventStore.open({ file, readonly: true });
}

/** Opens the stores of the configured deployment for `work`, and closes them whatever happens. */
export async function withCliStores<T>(work: (stores: CliStores) => Promise<T>, options: { readonly readOnlyLog?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const store = options.readOnlyLog ? openLiveLogForReading(config) : openEventStore(config);
  try {
    const readStore = await openReadStore(config);
    try {
      const codec = await openCodec(config);
      try {
        return await work({ store, readStore, codec, config });
      } finally {
        await codec.close();
      }
    } finally {
      await readStore.close();
    }
  } finally {
    await store.close();
  }
}
