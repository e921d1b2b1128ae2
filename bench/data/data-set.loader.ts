import type { EventCodec, EventStore, IdGenerator } from '#event-store';
import type { DataSetGenerator } from './data-set.generator.js';

export interface LoadResult {
  readonly events: number;
  readonly appends: number;
  readonly durationMs: number;
}

/**
 * Appends the generated history through the EventStore port: each command's
 * events are encoded by the codec and appended with the revision the decider
 * saw, one append per command, as the API would. Only the store read of
 * handleCommand is skipped (the generator keeps the state in memory).
 */
export async function loadDataSet(
  store: EventStore,
  codec: EventCodec,
  generator: DataSetGenerator,
  ids: IdGenerator,
  onProgress?: (events: number) => void,
): Promise<LoadResult> {
  const startedAt = performance.now();
  let events = 0;
  let appends = 0;
  let reported = 0;
  for (const write of generator.writes()) {
    const { context } = write;
    const metadata = {
      actorId: context.actorId,
      occurredAt: context.now.toISOString(),
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.causationId,
      source: context.source,
    };
    const encoded = await codec.encodeAll(
      write.events,
      metadata,
      write.events.map(() => ids.next()),
    );
    await store.append(write.streamName, encoded, write.expectedRevision === -1 ? 'no_stream' : BigInt(write.expectedRevision));
    events += encoded.length;
    appends += 1;
    if (onProgress && events - reported >= 50_000) {
      reported = events;
      onProgress(events);
    }
  }
  return { events, appends, durationMs: performance.now() - startedAt };
}
