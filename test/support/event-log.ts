import type { EventStore, StoredEvent } from '#event-store';
import { EVENT_STORE } from '../../apps/api/src/infrastructure/tokens.js';
import type { SuiviApp } from './suivi-app.js';

/** The app's own event store: what was really appended, whatever the API answered. */
export const eventStoreOf = (suivi: SuiviApp): EventStore => suivi.app.get<EventStore>(EVENT_STORE);

/** Every event in the log after `after` (null: from the start), in log order. */
export async function eventsAfter(store: EventStore, after: bigint | null = null): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let position = after;
  for (;;) {
    const page = await store.readAll({ after: position, maxCount: 500 });
    events.push(...page.events);
    if (page.isEnd || page.events.length === 0) return events;
    position = page.lastPosition;
  }
}
