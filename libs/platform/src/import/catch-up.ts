import type { EventCodec, EventStore } from '#event-store';
import { ProjectionRunner, projections } from '#projections';
import type { ReadStore } from '#read-store';

/** The read models an import reads: what exists (directory, contacts) and who acts (users, groups). */
export const importReadModels = ['directory', 'contacts', 'users', 'groups'] as const;

/**
 * Brings the read models an import matches against up to the head of the log,
 * in this process: a command-line import must not depend on a worker being up
 * to see what was recorded, nor — after a crash — miss what its own first run
 * created. Runners of other processes may apply the same events too; the read
 * store's position guard makes that harmless.
 */
export async function catchUpForImport(
  deps: { readonly store: EventStore; readonly readStore: ReadStore; readonly codec: EventCodec },
  options: { readonly timeoutMs?: number; readonly warn?: (message: string) => void } = {},
): Promise<void> {
  const head = await deps.store.headPosition();
  if (head === null) return;
  const warn = options.warn ?? (() => undefined);
  const runner = new ProjectionRunner({
    store: deps.store,
    readStore: deps.readStore,
    codec: deps.codec,
    projections: projections.filter((p) => (importReadModels as readonly string[]).includes(p.name.split('.')[0]!)),
    logger: { log: () => undefined, warn, error: warn },
  });
  try {
    await runner.start();
    await runner.waitFor(head, options.timeoutMs ?? 10 * 60_000);
  } finally {
    await runner.stop();
  }
}
