import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Command } from 'commander';
import { dataSubjects } from '#domain';
import { randomIds, type EventCodec, type EventStore, type SubjectKeyStore } from '#event-store';
import { backupDataDir, BackupError, loadConfig, openCodec, openEventStore, openSubjectKeyStore, reapplyErasures, restoreDataDir, type BackupManifest } from '#platform';
import { ProjectionRunner, projections } from '#projections';
import { DataSubjectErasure } from '#security';
import { registerBackupCommands } from '../apps/cli/src/backup.commands.js';
import { CODEC, EVENT_STORE, SUBJECT_KEYS } from '../apps/api/src/infrastructure/tokens.js';
import { ADMIN_USER_ID, SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

const FORGET = `mutation($input: ForgetDataSubjectInput!) { forgetDataSubject(input: $input) { position } }`;
const DIRECTORY = `{ thirdParties(first: 100) { totalCount edges { node { id name } } } }`;
const CONTACT = `query($id: ID!) { contact(id: $id) { id firstName lastName email } }`;

interface DecodedEvent {
  position: string;
  streamName: string;
  revision: string;
  eventId: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

/** Every event of the log up to `head`, decoded (personal data in clear where a key exists). */
async function decodedLog(store: EventStore, codec: EventCodec, head: bigint): Promise<DecodedEvent[]> {
  const out: DecodedEvent[] = [];
  let after: bigint | null = null;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500 });
    const inRange = page.events.filter((event) => event.position <= head);
    for (const envelope of await codec.decodeAll(inRange)) {
      out.push({
        position: envelope.position.toString(),
        streamName: envelope.streamName,
        revision: envelope.revision.toString(),
        eventId: envelope.eventId,
        type: envelope.type,
        data: envelope.data,
        metadata: envelope.metadata,
      });
    }
    if (page.isEnd || page.lastPosition === null || page.lastPosition >= head) return out;
    after = page.lastPosition;
  }
}

describe('suivi backup and restore (embedded stores)', () => {
  let suivi: SuiviApp;
  let client: SuiviClient;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'suivi-backup-e2e-'));
  const out = path.join(scratch, 'backup');
  const restored = path.join(scratch, 'restored');
  /** Third parties registered, with the position their registration was acknowledged at. */
  const registered: { id: string; name: string; position: bigint }[] = [];
  let forgottenContact: string;
  let interruptedContact: string;
  let manifest: BackupManifest;

  const register = async (name: string): Promise<string> => {
    const payload = await client.must('registerThirdParty', { name, kind: 'COMPANY', roles: ['PROSPECT'] });
    registered.push({ id: payload.thirdParty.id, name, position: BigInt(payload.position) });
    return payload.thirdParty.id;
  };

  beforeAll(async () => {
    suivi = await SuiviApp.start();
    client = new SuiviClient(suivi);
    for (let i = 0; i < 15; i++) await register(`Sauvegarde ${i}`);
    const company = registered[0]!.id;
    forgottenContact = (await client.must('addContact', { thirdPartyId: company, firstName: 'Oublié', lastName: 'Complètement', email: 'oublie@example.fr' })).contact.id;
    interruptedContact = (await client.must('addContact', { thirdPartyId: company, firstName: 'Interrompu', lastName: 'En Route', email: 'interrompu@example.fr' })).contact.id;
    await client.must('logExchange', { thirdPartyId: company, contactIds: [forgottenContact], mode: 'phone', subject: 'prospecting', comment: 'Appel de suivi' });
    const forget = await suivi.graphql(FORGET, { input: { subjectKind: 'CONTACT', subjectId: forgottenContact, reason: 'SUBJECT_REQUEST', reference: 'T-1' } });
    expect(forget.body.errors).toBeUndefined();
    // An erasure that crashed between its events and its keys: the events are in the log, the key is not destroyed.
    const keys = suivi.app.get<SubjectKeyStore>(SUBJECT_KEYS);
    const notDestroying: SubjectKeyStore = { getOrCreate: (ids) => keys.getOrCreate(ids), get: (ids) => keys.get(ids), destroy: async () => false, close: async () => undefined };
    await new DataSubjectErasure({ store: suivi.app.get(EVENT_STORE), codec: suivi.app.get(CODEC), keys: notDestroying, clock: { now: () => new Date() } }).forget(
      { subject: { kind: 'contact', id: interruptedContact }, reason: 'SUBJECT_REQUEST', reference: 'T-2' },
      { actorId: ADMIN_USER_ID, now: new Date(), commandId: randomIds.next(), correlationId: 'interrupted-erasure', causationId: null, source: 'system' },
    );
    expect((await keys.get([dataSubjects.contact(interruptedContact)])).get(dataSubjects.contact(interruptedContact))).toBeInstanceOf(Buffer);
  });

  afterAll(async () => {
    await suivi.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('backs up the running server while it keeps writing', async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await register(`Pendant ${written++}`);
      }
    })();
    const phases = new Set<string>();
    try {
      manifest = await backupDataDir({ dataDir: suivi.dataDir, out, suiviVersion: '0.1.0-test', onProgress: (p) => phases.add(p.phase) });
    } finally {
      writing = false;
      await writer;
    }
    // The writer was really running across the backup.
    expect(written).toBeGreaterThan(0);
    expect(phases.has('copying')).toBe(true);
    expect(manifest.files.map((file) => file.name)).toEqual(expect.arrayContaining(['read.sqlite', 'events.sqlite', 'keys.sqlite']));
    for (const file of manifest.files) {
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(file.bytes).toBeGreaterThan(0);
    }
    expect(manifest).toMatchObject({ format: 'suivi-backup/1', suiviVersion: '0.1.0-test' });
    expect(BigInt(manifest.eventStoreHead!)).toBeGreaterThanOrEqual(registered[14]!.position);
  });

  it('refuses a non-empty target, and a damaged backup', async () => {
    const busy = path.join(scratch, 'busy');
    await restoreDataDir({ from: out, dataDir: busy });
    await expect(restoreDataDir({ from: out, dataDir: busy })).rejects.toThrow(/is not empty: restore into a new directory, or stop the server and pass --force/);
    await expect(restoreDataDir({ from: out, dataDir: busy, force: true })).resolves.toMatchObject({ files: manifest.files.length });

    const damaged = path.join(scratch, 'damaged');
    await backupDataDir({ dataDir: busy, out: damaged, suiviVersion: 'test' });
    const file = path.join(damaged, 'read.sqlite');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(file, bytes);
    await expect(restoreDataDir({ from: damaged, dataDir: path.join(scratch, 'never') })).rejects.toThrow(/read\.sqlite does not match the manifest.*damaged/);
    await expect(restoreDataDir({ from: scratch, dataDir: path.join(scratch, 'never') })).rejects.toBeInstanceOf(BackupError);
  });

  it('restores into a fresh directory an identical log, up to the head of the backup', async () => {
    await restoreDataDir({ from: out, dataDir: restored });
    const head = BigInt(manifest.eventStoreHead!);
    const config = { ...loadConfig(), dataDir: restored, eventStoreUrl: null, mongodbUrl: null };
    const store = openEventStore(config);
    const codec = await openCodec(config);
    try {
      expect(await store.headPosition()).toBe(head);
      const original = await decodedLog(suivi.app.get(EVENT_STORE), suivi.app.get(CODEC), head);
      const copy = await decodedLog(store, codec, head);
      expect(copy.length).toBe(original.length);
      expect(copy).toEqual(original);
    } finally {
      await codec.close();
      await store.close();
    }
  });

  it('destroys again the keys of the subjects the restored log forgets', async () => {
    const config = { ...loadConfig(), dataDir: restored, eventStoreUrl: null, mongodbUrl: null };
    const result = await reapplyErasures(config);
    expect(result.erasureEvents).toBeGreaterThanOrEqual(2);
    // The interrupted erasure's key was still there; the completed one's was already gone.
    expect(result.keysDestroyed).toBe(1);
    const keys = await openSubjectKeyStore(config);
    try {
      const found = await keys.get([dataSubjects.contact(interruptedContact), dataSubjects.contact(forgottenContact)]);
      expect(found.get(dataSubjects.contact(interruptedContact))).toBeNull();
      expect(found.get(dataSubjects.contact(forgottenContact))).toBeNull();
    } finally {
      await keys.close();
    }
    expect((await reapplyErasures(config)).keysDestroyed).toBe(0);
  });

  it('starts the app on the restored directory, with the read models of the backed-up log', async () => {
    const head = BigInt(manifest.eventStoreHead!);
    const copy = await SuiviApp.start({ dataDir: restored });
    try {
      await copy.app.get(ProjectionRunner).waitFor(head, 20_000);
      const lag = await copy.app.get(ProjectionRunner).lag();
      expect(lag.map((row) => row.name).sort()).toEqual(projections.map((p) => p.name).sort());
      expect(lag.every((row) => row.lagEvents === 0n)).toBe(true);
      const { body } = await copy.graphql<{ thirdParties: { totalCount: number; edges: { node: { id: string; name: string } }[] } }>(DIRECTORY);
      const expected = registered.filter((entry) => entry.position <= head).map((entry) => entry.id).sort();
      expect(body.data!.thirdParties.edges.map((edge) => edge.node.id).sort()).toEqual(expected);
      expect(body.data!.thirdParties.totalCount).toBe(expected.length);
      // Written after the backup: absent from the copy.
      expect(registered.some((entry) => entry.position > head)).toBe(true);
      const interrupted = await copy.graphql<{ contact: { firstName: string | null; email: string | null } | null }>(CONTACT, { id: interruptedContact });
      expect(JSON.stringify(interrupted.body.data)).not.toMatch(/Interrompu|interrompu@example/);
      const ready = await fetch(`${copy.url}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await copy.stop();
    }
  });

  it('does the same from the command line, and says what to do next', async () => {
    const program = new Command().exitOverride();
    registerBackupCommands(program);
    const printed: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const cliOut = path.join(scratch, 'cli-backup');
    const cliRestored = path.join(scratch, 'cli-restored');
    const previous = process.env['SUIVI_DATA_DIR'];
    process.env['SUIVI_DATA_DIR'] = suivi.dataDir;
    try {
      await program.parseAsync(['node', 'suivi', 'backup', '--out', cliOut]);
      await program.parseAsync(['node', 'suivi', 'restore', '--from', cliOut, '--data-dir', cliRestored]);
      await expect(program.parseAsync(['node', 'suivi', 'restore', '--from', cliOut, '--data-dir', cliRestored])).rejects.toThrow(/not empty/);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      // Assigning undefined would store the string "undefined", a data directory for every later suite.
      if (previous === undefined) delete process.env['SUIVI_DATA_DIR'];
      else process.env['SUIVI_DATA_DIR'] = previous;
    }
    const text = printed.join('');
    expect(text).toMatch(/backed up \d+ files .* to .*cli-backup/);
    expect(text).toMatch(/restored \d+ files .* checksums verified/);
    // The original still holds the interrupted erasure's key: each restore destroys it in its copy.
    expect(text).toMatch(/erasures in the restored log: 2 \(2 subjects\); keys destroyed again now: 1/);
    expect(text).toContain('run again every erasure made after');
    const cliManifest = JSON.parse(readFileSync(path.join(cliOut, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(cliManifest.suiviVersion).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
