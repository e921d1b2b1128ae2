import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  defaultCatalogue,
  domainSchemaVersions,
  domainUpcasters,
  streams,
  thirdPartyDecider,
  type EventSource,
  type Message,
  type RegisterThirdParty,
  type ThirdPartyKind,
  type ThirdPartyRole,
} from '#domain';
import {
  CachedSubjectKeyStore,
  EventCodec,
  handleCommand,
  SqliteEventStore,
  SqliteSubjectKeyStore,
  SubjectKeyCipher,
  type CommandResult,
  type IdGenerator,
} from '#event-store';
import { SqliteReadStore, type Collection, type Doc } from '#read-store';
import type { ProjectionLogger } from '../runner/projection-runner.js';

/** Test support shared by the projection integration specs: real SQLite stores in a temp dir. */

export const T0 = Date.parse('2025-01-06T09:00:00.000Z');

/** Ids 00000000-0000-4000-8000-000000000001, …: fixed and readable in failures. */
export const sequentialIds = (prefix = 0): IdGenerator => {
  let n = 0;
  return {
    next: () => {
      n += 1;
      return `00000000-0000-4000-8${prefix.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
    },
  };
};

export const thirdPartyId = (n: number): string => `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;

export interface Stores {
  readonly dir: string;
  readonly eventStore: SqliteEventStore;
  readonly readStore: SqliteReadStore;
  readonly codec: EventCodec;
  /** The key store the codec reads through: destroying a key here erases (tests of forgetting). */
  readonly keys: CachedSubjectKeyStore;
  readonly ids: IdGenerator;
  openReadStore(file: string): SqliteReadStore;
  close(): Promise<void>;
}

export const openStores = (): Stores => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-'));
  const eventStore = SqliteEventStore.open({ file: path.join(dir, 'events.sqlite'), pollIntervalMs: 10 });
  const readStore = SqliteReadStore.open({ file: path.join(dir, 'read.sqlite') });
  // As deployed: personal data encrypted per data subject, so every read model is tested on what the log really holds.
  const keys = new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file: path.join(dir, 'keys.sqlite') }));
  const codec = new EventCodec({ schemaVersions: domainSchemaVersions, upcasters: domainUpcasters, cipher: new SubjectKeyCipher({ keys }) });
  const extra: SqliteReadStore[] = [];
  return {
    dir,
    eventStore,
    readStore,
    codec,
    keys,
    ids: sequentialIds(),
    openReadStore: (file) => {
      const store = SqliteReadStore.open({ file: path.join(dir, file) });
      extra.push(store);
      return store;
    },
    close: async () => {
      await eventStore.close();
      await readStore.close();
      await codec.close();
      for (const store of extra) await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface Registration {
  readonly n: number;
  readonly name: string;
  readonly kind?: ThirdPartyKind;
  readonly roles?: ThirdPartyRole[];
  readonly actorId?: string;
  /** The rest of the profile, owner, categories, tags, custom fields. */
  readonly profile?: Partial<Omit<RegisterThirdParty['data'], 'thirdPartyId' | 'name' | 'kind' | 'roles' | 'catalogue'>>;
}

/** Registers third party number `n` through the real write path, at T0 + n seconds. */
export const register = async (
  stores: Pick<Stores, 'eventStore' | 'codec' | 'ids'>,
  registration: Registration,
): Promise<CommandResult<unknown, { type: string; data: unknown }>> => {
  const id = thirdPartyId(registration.n);
  const commandId = stores.ids.next();
  return handleCommand(
    { store: stores.eventStore, codec: stores.codec, ids: stores.ids },
    thirdPartyDecider,
    streams.thirdParty(id),
    {
      type: 'RegisterThirdParty',
      data: {
        thirdPartyId: id,
        name: registration.name,
        kind: registration.kind ?? 'COMPANY',
        roles: registration.roles ?? ['PROSPECT'],
        ...registration.profile,
        catalogue: defaultCatalogue,
      },
    },
    {
      actorId: registration.actorId ?? 'user-1',
      now: new Date(T0 + registration.n * 1000),
      commandId,
      correlationId: commandId,
      causationId: null,
      source: 'api',
    },
  );
};

export interface AppendContext {
  readonly actorId?: string;
  /** ISO instant; also the envelope's metadata.occurredAt. */
  readonly occurredAt: string;
  readonly source?: EventSource;
}

/**
 * Appends events as they are stored, through the codec, without a decider: for
 * read-model tests that need events whose write side is tested elsewhere.
 * Returns the global position of the last one.
 */
export const appendEvents = async (
  stores: Pick<Stores, 'eventStore' | 'codec' | 'ids'>,
  streamName: string,
  events: readonly Message[],
  context: AppendContext,
): Promise<bigint> => {
  const commandId = stores.ids.next();
  const metadata = {
    actorId: context.actorId ?? 'user-1',
    occurredAt: context.occurredAt,
    commandId,
    correlationId: commandId,
    causationId: null,
    source: context.source ?? 'api',
  };
  const result = await stores.eventStore.append(
    streamName,
    await stores.codec.encodeAll(
      events,
      metadata,
      events.map(() => stores.ids.next()),
    ),
    'any',
  );
  return result.position;
};

/** Every document of a collection, in id order. */
export const allDocs = async <T extends Doc>(collection: Collection<T>): Promise<T[]> => {
  const docs: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await collection.find({ first: 100, after });
    docs.push(...page.items.map((item) => item.doc));
    if (!page.hasNextPage) return docs;
    after = page.endCursor;
  }
};

/** Keeps what the runner logs, so tests can assert that failures are reported. */
export class RecordingLogger implements ProjectionLogger {
  readonly lines: { level: 'log' | 'warn' | 'error'; message: string }[] = [];
  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  errors(): string[] {
    return this.lines.filter((line) => line.level === 'error').map((line) => line.message);
  }
}

export const fixedClock = { now: () => new Date('2025-02-01T12:00:00.000Z') };
