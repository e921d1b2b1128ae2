import path from 'node:path';
import { CachedSubjectKeyStore, SqliteSubjectKeyStore, type EventCodec } from '#event-store';
import { createCodec, KEY_STORE_FILE } from '#platform';

/**
 * The deployment's codec over the data set's own subject keys (keys.sqlite next
 * to its events.sqlite, as under SUIVI_DATA_DIR): every figure pays for the
 * encryption of personal data as the server does. Close the codec after use.
 */
export const openBenchCodec = (eventsFile: string): EventCodec =>
  createCodec(new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file: path.join(path.dirname(eventsFile), KEY_STORE_FILE) })));
