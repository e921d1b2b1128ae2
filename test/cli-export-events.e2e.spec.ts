import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { ERASED } from '#domain';
import { SqliteEventStore } from '#event-store';
import { createCodec, openSubjectKeyStore, loadConfig } from '#platform';
import {
  EXPORTED_EVENT_COLUMNS,
  exportEvents,
  withExportEventsSession,
  type ExportEventsArgs,
  type ExportEventsResult,
} from '../apps/cli/src/export-events.commands.js';
import { SuiviApp } from './support/suivi-app.js';
import { SuiviClient } from './support/suivi-client.js';

interface Line {
  position: string;
  type: string;
  stream: string;
  recordedAt: string;
  actor: string | null;
  data: Record<string, unknown>;
}

/** A sink that keeps what it is given, and in how many writes. */
class Collector extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

/**
 * `suivi export events`, run in-process as the command line runs it, on the
 * data directory a server wrote and left: personal data decrypted for a user
 * holding privacy.manage, erased for anyone else; NDJSON and CSV with the same
 * content; a long range written page by page.
 */
describe('exporting the event log from the command line', () => {
  let dataDir: string;
  let thirdPartyId: string;
  let forgottenContact: string;
  let head: bigint;
  const notes: string[] = [];

  const cli = async (args: Partial<ExportEventsArgs>, sink: Writable = new Collector()): Promise<ExportEventsResult> => {
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    delete process.env['MONGODB_URL'];
    return withExportEventsSession((session) => exportEvents(session, { format: 'ndjson', ...args }, { sink, note: (line) => notes.push(line), progress: false }));
  };
  const lines = (text: string): Line[] =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-export-'));
    const suivi = await SuiviApp.start({ dataDir });
    try {
      const admin = new SuiviClient(suivi);
      thirdPartyId = (
        await admin.must('registerThirdParty', { name: 'Atelier Dubois', kind: 'INDIVIDUAL', roles: ['PROSPECT'], email: 'luc@dubois.example', territory: 'Nord' })
      ).thirdParty.id;
      await admin.must('addContact', { thirdPartyId, firstName: 'Luc', lastName: 'Dubois', email: 'luc@dubois.example' });
      forgottenContact = (await admin.must('addContact', { thirdPartyId, firstName: 'Anne', lastName: 'Forget' })).contact.id;
      await admin.read('mutation($input: ForgetDataSubjectInput!) { forgetDataSubject(input: $input) { position } }', {
        input: { subjectKind: 'CONTACT', subjectId: forgottenContact, reason: 'SUBJECT_REQUEST' },
      });
      await admin.read('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } } }', {
        input: { code: 'analysts', name: 'Analysts', permissions: ['thirdParties.read', 'auditJournal.read'] },
      });
      await admin.read('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', { input: { login: 'ana', groupCodes: ['analysts'] } });
      const scoped = await admin.read<{ createUser: { user: { id: string } } }>('mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
        input: { login: 'nord', groupCodes: ['admin'] },
      });
      await admin.read('mutation($input: SetUserScopeInput!) { setUserScope(input: $input) { position } }', {
        input: { userId: scoped.createUser.user.id, territories: ['Nord'], ownedOnly: false },
      });
      await admin.read('query { thirdParties(first: 1) { totalCount } }');
    } finally {
      await suivi.stop();
    }
    // A long tail of events without personal data, appended as the server would, so that the export spans several pages.
    const config = { ...loadConfig(), dataDir };
    const store = SqliteEventStore.open({ file: path.join(dataDir, 'events.sqlite') });
    const codec = createCodec(await openSubjectKeyStore(config));
    try {
      const metadata = { actorId: 'user-bulk', occurredAt: new Date().toISOString(), commandId: 'c', correlationId: 'c', causationId: null, source: 'system' as const };
      for (let batch = 0; batch < 5; batch++) {
        const events = Array.from({ length: 500 }, (_, i) => ({ type: 'ThirdPartyCategorised', data: { thirdPartyId, categories: [`c${batch}-${i}`], tags: [] } }));
        const encoded = await codec.encodeAll(events, metadata, events.map((_, i) => `00000000-0000-4000-8000-${String(batch * 500 + i).padStart(12, '0')}`));
        await store.append(`thirdParty-${thirdPartyId}`, encoded, 'any');
      }
      // And one stored before personal data was encrypted: no header, its fields in clear in the log.
      await store.append(
        `thirdParty-${thirdPartyId}`,
        [
          {
            eventId: '00000000-0000-4000-8000-999999999999',
            type: 'ThirdPartyUpdated',
            data: { thirdPartyId, name: 'Legacy Name', email: 'legacy@dubois.example', territory: 'Sud' },
            metadata: { ...metadata, schemaVersion: codec.currentVersion('ThirdPartyUpdated') },
          },
        ],
        'any',
      );
      head = (await store.headPosition())!;
    } finally {
      await codec.close();
      await store.close();
    }
  }, 60_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('decrypts personal data for a user holding privacy.manage, into a file only its owner reads', async () => {
    const file = path.join(dataDir, 'events.ndjson');
    const result = await cli({ as: 'admin', out: file });
    expect(result).toMatchObject({ personalData: 'decrypted', from: 1n, last: head, events: Number(head) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const exported = lines(readFileSync(file, 'utf8'));
    expect(exported.map((line) => line.position)).toEqual(Array.from({ length: Number(head) }, (_, i) => String(i + 1)));
    for (const line of exported) expect(Object.keys(line)).toEqual([...EXPORTED_EVENT_COLUMNS]);
    const registered = exported.find((line) => line.type === 'ThirdPartyRegistered' && line.data['thirdPartyId'] === thirdPartyId)!;
    expect(registered).toMatchObject({ stream: `thirdParty-${thirdPartyId}`, data: { name: 'Atelier Dubois', email: 'luc@dubois.example', territory: 'Nord' } });
    expect(Date.parse(registered.recordedAt)).not.toBeNaN();
    expect(registered.actor).toEqual(expect.any(String));
    const contacts = exported.filter((line) => line.type === 'ContactAdded');
    expect(contacts.map((line) => line.data['lastName'])).toEqual(['Dubois', ERASED]);
    expect(JSON.stringify(exported)).not.toContain('Forget');
  });

  it('erases personal data for anyone else, keeping what the codec keeps in clear, and says how to get it', async () => {
    for (const as of [undefined, 'ana']) {
      const sink = new Collector();
      const result = await cli({ as, to: String(head - 2500n) }, sink);
      expect(result.personalData).toBe('erased');
      const registered = lines(sink.text()).find((line) => line.type === 'ThirdPartyRegistered' && line.data['thirdPartyId'] === thirdPartyId)!;
      expect(registered.data).toMatchObject({ thirdPartyId, name: ERASED, email: ERASED, territory: 'Nord', roles: ['PROSPECT'] });
      expect(sink.text()).not.toContain('Dubois');
      expect(sink.text()).not.toContain('luc@');
    }
    expect(notes).toContain('personal data is exported erased; to decrypt it, --as <login> of a user holding privacy.manage');
    expect(notes).toContain('user ana lacks privacy.manage: personal data is exported erased');
  });

  it('writes CSV with a fixed set of columns and the data as JSON, the same content as NDJSON', async () => {
    const ndjson = new Collector();
    const csv = new Collector();
    await cli({ as: 'admin', from: '2', to: '40' }, ndjson);
    await cli({ as: 'admin', from: '2', to: '40', format: 'CSV' }, csv);
    expect(csv.text()).toContain('Atelier Dubois');
    expect(csv.text().split('\n')[0]).toBe('position,type,stream,recordedAt,actor,data');
    const rows = parse(csv.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => ({ ...row, actor: row['actor'] === '' ? null : row['actor'], data: JSON.parse(row['data']!) as unknown }))).toEqual(lines(ndjson.text()));
    expect(rows.map((row) => row['position'])).toEqual(Array.from({ length: 39 }, (_, i) => String(i + 2)));
  });

  it('streams a long range page by page, up to the head when the export began', async () => {
    const sink = new Collector();
    const result = await cli({ from: '5' }, sink);
    expect(result.last).toBe(head);
    expect(result.events).toBe(Number(head) - 4);
    // One write per page of the log (1,000 events): what is held in memory does not grow with the range.
    expect(sink.chunks.length).toBe(Math.ceil((Number(head) - 4) / 1000));
    expect(lines(sink.text()).at(-2)).toMatchObject({ position: String(head - 1n), type: 'ThirdPartyCategorised', actor: 'user-bulk' });
    expect(notes.at(-1)).toMatch(new RegExp(`^exported ${Number(head) - 4} events \\(positions 5–${head}\\) as ndjson, personal data erased, in [\\d.]+ s \\(\\d+ events/s\\)$`));
  });

  it('erases the personal fields of an event stored in clear, by the rule of its type', async () => {
    const erased = new Collector();
    await cli({ from: String(head) }, erased);
    expect(lines(erased.text())).toEqual([expect.objectContaining({ type: 'ThirdPartyUpdated', data: { thirdPartyId, name: ERASED, email: ERASED, territory: 'Sud' } })]);
    const decrypted = new Collector();
    await cli({ from: String(head), as: 'admin' }, decrypted);
    expect(lines(decrypted.text())[0]!.data).toMatchObject({ name: 'Legacy Name', email: 'legacy@dubois.example' });
  });

  it('refuses bad options, naming them', async () => {
    await expect(cli({ format: 'xml' })).rejects.toThrow('--format must be ndjson or csv, got "xml"');
    await expect(cli({ from: 'first' })).rejects.toThrow('--from must be a position in the log (a whole number), got "first"');
    await expect(cli({ from: '9', to: '3' })).rejects.toThrow('--to (3) must not be before --from (9)');
    await expect(cli({ as: 'nobody' })).rejects.toThrow('--as: no user with login nobody');
    await expect(cli({ as: 'nord' })).rejects.toThrow('--as: user nord sees only part of the directory, and the log holds all of it');
    const beyond = await cli({ from: String(head + 10n), to: String(head + 20n) });
    expect(beyond).toMatchObject({ events: 0, last: null });
  });
});
