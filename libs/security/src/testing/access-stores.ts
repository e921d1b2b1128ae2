import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext } from '#domain';
import { EventCodec, SqliteEventStore, type IdGenerator } from '#event-store';
import { groupsProjection, ProjectionRunner, UserQueries, usersProjection } from '#projections';
import type { OpenedReadStore } from '../../../read-store/src/testing/read-store-backends.js';
import { UserAdministration } from '../user-administration.js';

/** Test support: a SQLite event store, the given read store, and the users and groups projections following the log. */
export interface AccessStores {
  readonly eventStore: SqliteEventStore;
  readonly codec: EventCodec;
  readonly opened: OpenedReadStore;
  readonly runner: ProjectionRunner;
  readonly users: UserQueries;
  readonly administration: UserAdministration;
  readonly ids: IdGenerator;
  close(): Promise<void>;
}

/** Cheap scrypt parameters: the tests are about behaviour, the production cost has its own test. */
export const CHEAP_HASHING = { ln: 4, r: 8, p: 1 };

export const counter = (prefix: string): IdGenerator => {
  let n = 0;
  return { next: () => `${prefix}-${(n += 1)}` };
};

export async function openAccessStores(openReadStore: () => Promise<OpenedReadStore>): Promise<AccessStores> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
  const eventStore = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 5 });
  const opened = await openReadStore();
  const codec = new EventCodec();
  const runner = new ProjectionRunner({
    store: eventStore,
    readStore: opened.readStore,
    codec,
    projections: [usersProjection, groupsProjection],
    logger: { log: () => undefined, warn: () => undefined, error: (message) => process.stderr.write(`${message}\n`) },
    idleFlushMs: 5,
  });
  await runner.start();
  const users = await UserQueries.open(opened.readStore);
  const ids = counter('id');
  const administration = new UserAdministration({ store: eventStore, codec, ids, users, hashing: CHEAP_HASHING });
  return {
    eventStore,
    codec,
    opened,
    runner,
    users,
    administration,
    ids,
    close: async () => {
      await runner.stop();
      await opened.cleanup();
      await eventStore.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const contextAt = (now: Date, overrides: Partial<CommandContext> = {}): CommandContext => ({
  actorId: 'admin-1',
  now,
  commandId: 'cmd',
  correlationId: 'cmd',
  causationId: null,
  source: 'api',
  ...overrides,
});
