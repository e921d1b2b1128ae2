import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultCatalogue, streams, thirdPartyDecider, type CommandContext } from '#domain';
import { handleCommand, type EventCodec, type EventStore } from '#event-store';
import type { ReadStore } from '#read-store';
import { FixedClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { openCodec, openEventStore, openReadStore } from '../stores.js';
import { catchUpForImport } from './catch-up.js';
import { MalformedImportFile } from './import-errors.js';
import { importCsv, type ImportReport, type ImportRequest } from './importer.js';

/**
 * The import on the real embedded stores (SQLite event log, read store, key
 * store), with the messy files of test/fixtures/import: the pipeline end to
 * end below the command line and GraphQL.
 */
const fixture = (name: string): Buffer => readFileSync(path.join('test/fixtures/import', name));
const ACTOR = 'user-importer';

describe('importing CSV files into the embedded stores', () => {
  let dir: string;
  let store: EventStore;
  let readStore: ReadStore;
  let codec: EventCodec;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));

  const run = async (request: Omit<ImportRequest, 'actorId'> & { actorId?: string }): Promise<ImportReport> => {
    await catchUpForImport({ store, readStore, codec });
    return importCsv({ store, readStore, codec, catalogue: defaultCatalogue, clock }, { actorId: ACTOR, ...request });
  };
  const byLine = (report: ImportReport, line: number) => report.lines.find((l) => l.line === line)!;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'suivi-import-int-'));
    const config = loadConfig({ SUIVI_DATA_DIR: dir });
    store = openEventStore(config);
    readStore = await openReadStore(config);
    codec = await openCodec(config);
    const context: CommandContext = { actorId: 'seed', now: clock.now(), commandId: 'c1', correlationId: 'c1', causationId: null, source: 'api' };
    await handleCommand({ store, codec }, thirdPartyDecider, streams.thirdParty('tp-dubois'), {
      type: 'RegisterThirdParty',
      data: { thirdPartyId: 'tp-dubois', name: 'Atelier Dubois', kind: 'COMPANY', roles: ['SUPPLIER'], email: 'contact@atelier-dubois.fr', catalogue: defaultCatalogue },
    }, context);
  });

  afterAll(async () => {
    await codec.close();
    await readStore.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dry run: reads Windows-1252 with semicolons, reports every line, writes nothing', async () => {
    const head = await store.headPosition();
    const report = await run({ kind: 'thirdParties', bytes: fixture('third-parties-excel-fr.csv'), dryRun: true, defaultCountry: 'FR' });
    expect(await store.headPosition()).toBe(head);
    expect(report).toMatchObject({ encoding: 'windows-1252', bom: false, delimiter: ';', dryRun: true });
    expect(report.columns.map((c) => c.field)).toEqual([
      'name', 'vatNumber', 'email', 'phone', 'address.street', 'address.postalCode', 'address.city', 'address.country', 'kind', 'roles', 'tags',
    ]);
    expect(byLine(report, 2)).toMatchObject({ outcome: 'created', name: 'Boulangerie Lefèvre SARL' });
    expect(byLine(report, 3).outcome).toBe('created');
    // The same VAT number written otherwise, two lines later: an update of line 2's record, with the diff.
    expect(byLine(report, 4)).toMatchObject({ outcome: 'updated', id: byLine(report, 2).id, matchedBy: { kind: 'vatNumber', value: 'FR40303265045', line: 2 } });
    expect(byLine(report, 4).changes).toEqual(
      expect.arrayContaining([
        { field: 'phone', from: '+33142685300', to: '+33142685301' },
        { field: 'roles', from: ['CUSTOMER'], to: ['CUSTOMER', 'SUPPLIER'] },
      ]),
    );
    expect(byLine(report, 5)).toMatchObject({ outcome: 'rejected', problems: [{ field: 'email', column: 'E-mail' }] });
    expect(byLine(report, 6)).toMatchObject({ outcome: 'rejected', problems: [{ field: 'name', reason: 'is required' }] });
    // Two plumbers at orange.fr are two companies: a free-mail domain never matches.
    expect(byLine(report, 7).outcome).toBe('created');
    expect(byLine(report, 8).outcome).toBe('created');
    expect(byLine(report, 9)).toMatchObject({ outcome: 'updated', id: 'tp-dubois', matchedBy: { kind: 'domainAndName', value: 'atelier-dubois.fr|atelier dubois', line: null } });
    expect(byLine(report, 10)).toMatchObject({ outcome: 'created', suggestions: [{ name: 'Boulangerie Lefèvre SARL' }] });
    expect(byLine(report, 11).outcome).toBe('created');
    expect(report.counts).toMatchObject({ created: 6, updated: 2, rejected: 2, unchanged: 0, suggested: 1 });
  });

  it('the real run does what the dry run said; the same file again changes nothing', async () => {
    const dry = await run({ kind: 'thirdParties', bytes: fixture('third-parties-excel-fr.csv'), dryRun: true, defaultCountry: 'FR' });
    const report = await run({ kind: 'thirdParties', bytes: fixture('third-parties-excel-fr.csv'), defaultCountry: 'FR' });
    expect(report.lines.map((l) => [l.line, l.outcome, l.id])).toEqual(dry.lines.map((l) => [l.line, l.outcome, l.id]));
    const events = await store.readStream(streams.thirdParty(byLine(report, 2).id!));
    expect(events.map((e) => e.type)).toEqual(['ThirdPartyRegistered', 'ThirdPartyUpdated']);
    expect(events[0]!.metadata).toMatchObject({ actorId: ACTOR, source: 'import' });

    const head = await store.headPosition();
    const again = await run({ kind: 'thirdParties', bytes: fixture('third-parties-excel-fr.csv'), defaultCountry: 'FR' });
    expect(again.counts).toMatchObject({ skipped: 10, created: 0, updated: 0 });
    // Without the run record, every command is still a no-op: the ids and keys derive from the file and the line.
    const restarted = await run({ kind: 'thirdParties', bytes: fixture('third-parties-excel-fr.csv'), defaultCountry: 'FR', restart: true });
    expect(restarted.counts).toMatchObject({ created: 0, updated: 0, skipped: 0, rejected: 2, unchanged: 8 });
    expect(await store.headPosition()).toBe(head);
    // The restarted run recorded its progress again, though the (fixed) clock has not moved.
    const afterRestart = await run({ kind: 'thirdParties', bytes: fixture('third-parties-excel-fr.csv'), defaultCountry: 'FR' });
    expect(afterRestart.counts).toMatchObject({ skipped: 10 });
  });

  it('UTF-8 with a BOM and commas matches existing records and fills what they lack', async () => {
    const report = await run({ kind: 'thirdParties', bytes: fixture('third-parties-utf8-bom.csv') });
    expect(report).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ',' });
    expect(report.columns[0]).toEqual({ column: 'Company', field: 'name' });
    // The first file moved its email to compta@; the domain with the name still finds it.
    expect(byLine(report, 2)).toMatchObject({ outcome: 'updated', id: 'tp-dubois', matchedBy: { kind: 'domainAndName' } });
    expect(byLine(report, 2).changes).toEqual([
      { field: 'email', from: 'compta@atelier-dubois.fr', to: 'contact@atelier-dubois.fr' },
      { field: 'phone', from: null, to: '+33472000000' },
      { field: 'address.country', from: null, to: 'FR' },
      { field: 'tags', from: [], to: ['artisan'] },
    ]);
    expect(byLine(report, 3)).toMatchObject({ outcome: 'created', name: 'Nordic Supplies, Ltd' });
  });

  it('contacts: by the third party a column names, matched by email or phone within it; quoted newlines kept', async () => {
    const report = await run({ kind: 'contacts', bytes: fixture('contacts-it.csv'), defaultCountry: 'IT' });
    expect(report.delimiter).toBe('|');
    expect(byLine(report, 2)).toMatchObject({ outcome: 'created', name: 'Giulia Bianchi' });
    expect(byLine(report, 4)).toMatchObject({ outcome: 'created', name: 'Marco Rossi' });
    // Same person (email in another case), same company named another way; the note changed.
    expect(byLine(report, 5)).toMatchObject({ outcome: 'updated', id: byLine(report, 2).id, matchedBy: { kind: 'email', line: 2 } });
    expect(byLine(report, 5).changes).toEqual([
      { field: 'notes', from: 'Preferisce essere chiamata\nla mattina', to: 'Preferisce essere chiamata\nla mattina; parla francese' },
    ]);
    expect(byLine(report, 7)).toMatchObject({ outcome: 'rejected', problems: [{ field: 'thirdParty', column: 'Azienda' }] });
    expect(byLine(report, 8)).toMatchObject({ outcome: 'rejected', problems: [{ field: 'lastName' }] });
  });

  it('a malformed file fails as a whole, naming the line', async () => {
    const head = await store.headPosition();
    await expect(run({ kind: 'thirdParties', bytes: fixture('malformed-quote.csv') })).rejects.toThrow(
      new MalformedImportFile(4, '1 (Raison sociale)', 'text follows a closing quote: a quote inside a quoted field must be doubled ("")'),
    );
    await expect(run({ kind: 'thirdParties', bytes: fixture('malformed-mixed-encoding.csv') })).rejects.toThrow(
      'line 3, column 3: byte 0xE8 is not UTF-8, though the file has UTF-8 text before it',
    );
    expect(await store.headPosition()).toBe(head);
  });
});
