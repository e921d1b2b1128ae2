import { SqliteEventStore } from '#event-store';
import { ProjectionRunner } from '#projections';
import { SqliteReadStore } from '#read-store';
import { openBenchCodec } from './support/bench-codec.js';

/**
 * Child process of the catch-up figure: runs every projection from its
 * checkpoint to the head of the log, then reports how long that took. A child,
 * because a catch-up on SQLite never yields to the event loop's timers (every
 * read and write is synchronous), so only another process can stop it after a
 * time budget. Arguments: events file (its keys.sqlite beside it), read-store
 * file, batch size ('default' for the worker's).
 */
export interface CatchUpReport {
  readonly seconds: number;
  readonly head: string;
}

const [eventsFile, readFile, batch] = process.argv.slice(2);
if (!eventsFile || !readFile) throw new Error('usage: catch-up.child.js <events.sqlite> <read.sqlite> <batchSize|default>');
const store = SqliteEventStore.open({ file: eventsFile });
const readStore = SqliteReadStore.open({ file: readFile });
const codec = openBenchCodec(eventsFile);
const silent = { log: () => undefined, warn: (message: string) => process.stderr.write(`${message}\n`), error: (message: string) => process.stderr.write(`${message}\n`) };
const runner = new ProjectionRunner({
  store,
  readStore,
  codec,
  logger: silent,
  ...(batch && batch !== 'default' ? { batchSize: Number(batch) } : {}),
});
const head = await store.headPosition();
const startedAt = performance.now();
await runner.start();
if (head !== null) await runner.waitFor(head, 24 * 3_600_000);
const report: CatchUpReport = { seconds: (performance.now() - startedAt) / 1000, head: String(head ?? 0n) };
await runner.stop();
await store.close();
await readStore.close();
await codec.close();
if (process.send) process.send(report, () => process.exit(0));
