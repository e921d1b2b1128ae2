import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  contactDecider,
  dataSubjects,
  defaultCatalogue,
  domainSchemaVersions,
  domainUpcasters,
  ERASED,
  exchangeDecider,
  streams,
  thirdPartyDecider,
  type CommandContext,
} from '#domain';
import { EventCodec } from './codec.js';
import { foldStream } from './fold-stream.js';
import { handleCommand, type CommandHandlerDeps } from './handle-command.js';
import type { IdGenerator } from './ids.js';
import { CachedSubjectKeyStore } from './keys/cached-subject-key-store.js';
import { SqliteSubjectKeyStore } from './keys/sqlite-subject-key-store.js';
import { SubjectForgotten } from './keys/subject-key-store.port.js';
import { SubjectKeyCipher } from './personal-data-cipher.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

const TP = '5d1b6a0e-3b7e-4c57-9f0e-2a1d3c4b5e01';
const CONTACT = '5d1b6a0e-3b7e-4c57-9f0e-2a1d3c4b5e02';
const OTHER_TP = '5d1b6a0e-3b7e-4c57-9f0e-2a1d3c4b5e03';
const EXCHANGE = '5d1b6a0e-3b7e-4c57-9f0e-2a1d3c4b5e04';

// What must be gone from every byte on disk once Marie Lefèvre is forgotten.
const NAME = 'Marie Lefèvre';
const EMAIL = 'marie.lefevre@example.org';

const sequentialIds = (): IdGenerator => {
  let n = 0;
  return { next: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
};

const context = (commandId: string): CommandContext => ({
  actorId: 'user-1',
  now: new Date('2026-05-04T10:00:00.000Z'),
  commandId,
  correlationId: commandId,
  causationId: null,
  source: 'api',
});

/** Every byte of a SQLite database on disk: the file, its WAL and its shared memory. */
const bytesOf = (file: string): Buffer =>
  Buffer.concat(['', '-wal', '-shm', '-journal'].map((suffix) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : Buffer.alloc(0))));

const holds = (bytes: Buffer, text: string): boolean => bytes.includes(Buffer.from(text, 'utf8'));

describe('crypto-shredding on the embedded stores', () => {
  let dir: string;
  let eventsFile: string;
  let keysFile: string;
  let store: SqliteEventStore;
  let keys: CachedSubjectKeyStore;
  let deps: CommandHandlerDeps;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suivi-shred-'));
    eventsFile = path.join(dir, 'events.sqlite');
    keysFile = path.join(dir, 'keys.sqlite');
    store = SqliteEventStore.open({ file: eventsFile });
    keys = new CachedSubjectKeyStore(SqliteSubjectKeyStore.open({ file: keysFile }));
    const codec = new EventCodec({ schemaVersions: domainSchemaVersions, upcasters: domainUpcasters, cipher: new SubjectKeyCipher({ keys }) });
    deps = { store, codec, ids: sequentialIds() };
  });

  afterEach(async () => {
    await store.close();
    await deps.codec.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const record = async (): Promise<void> => {
    await handleCommand(deps, thirdPartyDecider, streams.thirdParty(TP), {
      type: 'RegisterThirdParty',
      data: { thirdPartyId: TP, name: NAME, kind: 'INDIVIDUAL', roles: ['PROSPECT'], email: EMAIL, territory: 'FR-69', catalogue: defaultCatalogue },
    }, context('cmd-1'));
    await handleCommand(deps, thirdPartyDecider, streams.thirdParty(TP), {
      type: 'UpdateThirdParty',
      data: { thirdPartyId: TP, phone: '+33 4 78 00 00 01', catalogue: defaultCatalogue },
    }, context('cmd-2'));
    await handleCommand(deps, contactDecider, streams.contact(CONTACT), {
      type: 'AddContact',
      data: { contactId: CONTACT, thirdParty: { thirdPartyId: OTHER_TP, status: 'active' }, firstName: 'Paul', lastName: 'Girard', email: 'paul.girard@example.org' },
    }, context('cmd-3'));
    await handleCommand(deps, exchangeDecider, streams.exchange(EXCHANGE), {
      type: 'LogExchange',
      data: {
        exchangeId: EXCHANGE,
        thirdParty: { thirdPartyId: TP, status: 'active' },
        contacts: [],
        occurredAt: '2026-05-04T09:00:00.000Z',
        mode: 'phone',
        subject: 'quote',
        comment: `Called ${NAME} about the quote`,
        catalogue: defaultCatalogue,
      },
    }, context('cmd-4'));
  };

  it('keeps no name or e-mail in the event store, and none at all once the key is destroyed', async () => {
    await record();
    const before = await foldStream(deps, thirdPartyDecider, streams.thirdParty(TP));
    expect(before.events[0]!.data).toMatchObject({ name: NAME, email: EMAIL, territory: 'FR-69' });
    // Never written in clear: not in the event store's file or WAL, even before.
    const eventBytes = bytesOf(eventsFile);
    expect(holds(eventBytes, TP)).toBe(true);
    for (const text of [NAME, EMAIL, 'Lef', 'Paul', 'Girard', '+33 4 78']) expect(holds(eventBytes, text)).toBe(false);

    const key = (await keys.get([dataSubjects.thirdParty(TP)])).get(dataSubjects.thirdParty(TP))!;
    expect(key).toHaveLength(32);
    expect(await keys.destroy(dataSubjects.thirdParty(TP))).toBe(true);

    for (const file of [eventsFile, keysFile]) {
      const bytes = bytesOf(file);
      expect(holds(bytes, NAME)).toBe(false);
      expect(holds(bytes, EMAIL)).toBe(false);
      expect(bytes.includes(key)).toBe(false);
    }

    const after = await foldStream(deps, thirdPartyDecider, streams.thirdParty(TP));
    expect(after.events.map((event) => event.erasedSubjects)).toEqual([['thirdParty:' + TP], ['thirdParty:' + TP]]);
    expect(after.events[0]!.data).toMatchObject({ thirdPartyId: TP, name: ERASED, email: ERASED, kind: 'INDIVIDUAL', territory: 'FR-69', address: null });
    expect(after.events[1]!.data).toMatchObject({ name: ERASED, changes: [{ field: 'phone', from: null, to: ERASED }] });
    // The state still folds: the stream's decisions do not depend on what was erased.
    expect(after.state).toMatchObject({ status: 'active', profile: { name: ERASED } });

    const [exchange] = (await foldStream(deps, exchangeDecider, streams.exchange(EXCHANGE))).events;
    expect(exchange!.data).toMatchObject({ thirdPartyId: TP, mode: 'phone', subject: 'quote', comment: ERASED });
    // Another subject's data is untouched.
    const [contact] = (await foldStream(deps, contactDecider, streams.contact(CONTACT))).events;
    expect(contact!.data).toMatchObject({ firstName: 'Paul', lastName: 'Girard', email: 'paul.girard@example.org' });
    expect(contact!.erasedSubjects).toBeUndefined();
  });

  it('refuses a command that would record personal data about a forgotten subject', async () => {
    await record();
    await keys.destroy(dataSubjects.thirdParty(TP));
    const update = handleCommand(deps, thirdPartyDecider, streams.thirdParty(TP), {
      type: 'UpdateThirdParty',
      data: { thirdPartyId: TP, email: 'new@example.org', catalogue: defaultCatalogue },
    }, context('cmd-5'));
    await expect(update).rejects.toThrow(SubjectForgotten);
    expect(await store.readStream(streams.thirdParty(TP))).toHaveLength(2);
  });
});
