import { isErasureEvent, subjectsForgottenBy } from '#domain';
import type { SuiviConfig } from '../config.js';
import { openEventStore, openSubjectKeyStore } from '../stores.js';

export interface ErasuresReapplied {
  /** Erasure events in the restored log (ThirdPartyForgotten, ContactForgotten). */
  readonly erasureEvents: number;
  /** Data subjects they forget. */
  readonly subjects: number;
  /** Keys that were still in the restored key store, and are destroyed now. */
  readonly keysDestroyed: number;
}

/**
 * After a restore, every erasure the restored log records holds again: a key
 * store copied after the log (see backupDataDir) can hold keys of subjects
 * forgotten by then only if the erasure was interrupted, and a key store from
 * another copy may hold any. Their keys are destroyed, as the erasure did.
 * Erasures made after the backup are not in its log: the operator runs them
 * again, from their certificates (README, Operations).
 */
export async function reapplyErasures(config: SuiviConfig, onEvent?: (position: bigint) => void): Promise<ErasuresReapplied> {
  const store = openEventStore(config);
  const keys = await openSubjectKeyStore(config);
  let erasureEvents = 0;
  let keysDestroyed = 0;
  const subjects = new Set<string>();
  try {
    let after: bigint | null = null;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 1_000 });
      for (const stored of page.events) {
        if (!isErasureEvent(stored.type)) continue;
        erasureEvents += 1;
        for (const subject of subjectsForgottenBy(stored)) {
          subjects.add(subject);
          if (await keys.destroy(subject)) keysDestroyed += 1;
        }
      }
      if (page.lastPosition !== null) {
        after = page.lastPosition;
        onEvent?.(after);
      }
      if (page.isEnd || page.events.length === 0) break;
    }
  } finally {
    await keys.close();
    await store.close();
  }
  return { erasureEvents, subjects: subjects.size, keysDestroyed };
}
