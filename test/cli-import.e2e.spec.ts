import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { loadConfig, openEventStore } from '#platform';
import { createUser, withAccessSession } from '../apps/cli/src/access.commands.js';
import { runImport, withImportSession, type ImportCommandOptions } from '../apps/cli/src/import.commands.js';
import { SuiviApp } from './support/suivi-app.js';

/**
 * `suivi import …` run in-process as the command line runs it (stores opened
 * from the environment), on a data directory a server bootstrapped; and once
 * in a child process killed with SIGKILL in the middle of a file, then rerun.
 */
const FIXTURES = path.resolve('test/fixtures/import');
/** The built command line; SUIVI_CLI_ENTRY points at another build. */
const CLI_ENTRY = process.env['SUIVI_CLI_ENTRY'] ?? 'dist/apps/cli/src/main.js';
const cliBuilt = existsSync(CLI_ENTRY) && existsSync(path.join(path.dirname(CLI_ENTRY), 'import.commands.js'));
if (!cliBuilt) process.stdout.write(`crash-resume of the import skipped: ${CLI_ENTRY} (with import.commands.js) is missing (npm run build)\n`);

describe('importing from the command line', () => {
  let dataDir: string;

  const useDataDir = (): void => {
    process.env['SUIVI_DATA_DIR'] = dataDir;
    delete process.env['EVENTSTORE_URL'];
    delete process.env['MONGODB_URL'];
  };

  const cli = async (kind: 'thirdParties' | 'contacts', file: string, options: Partial<ImportCommandOptions> = {}) => {
    useDataDir();
    const out: string[] = [];
    const notes: string[] = [];
    const report = await withImportSession((session) =>
      runImport(session, kind, path.isAbsolute(file) ? file : path.join(FIXTURES, file), { as: 'marie', ...options }, { out: (l) => out.push(l), note: (l) => notes.push(l), progress: false }),
    );
    return { report, out, notes };
  };

  const head = async (): Promise<bigint | null> => {
    const store = openEventStore(loadConfig({ SUIVI_DATA_DIR: dataDir }));
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  };

  const registrations = async (): Promise<number> => {
    const store = openEventStore(loadConfig({ SUIVI_DATA_DIR: dataDir }));
    let count = 0;
    let after: bigint | null = null;
    try {
      for (;;) {
        const page = await store.readAll({ after, maxCount: 1000 });
        count += page.events.filter((e) => e.type === 'ThirdPartyRegistered').length;
        if (page.isEnd) return count;
        after = page.lastPosition;
      }
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'suivi-cli-import-'));
    // The first start creates the default groups; the import acts as a salesperson.
    await (await SuiviApp.start({ dataDir })).stop();
    useDataDir();
    await withAccessSession((s) => createUser(s, 'marie', { group: ['sales'] }), { out: () => undefined, note: () => undefined });
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to act as nobody, or as a user without the permissions', async () => {
    await expect(cli('thirdParties', 'third-parties-excel-fr.csv', { as: 'nobody' })).rejects.toThrow('as: no user with login nobody');
    useDataDir();
    await withAccessSession((s) => createUser(s, 'paul', {}), { out: () => undefined, note: () => undefined });
    await expect(cli('thirdParties', 'third-parties-excel-fr.csv', { as: 'paul' })).rejects.toThrow(/as: user paul lacks thirdParties\.create/);
  });

  it('a dry run prints every line and writes nothing', async () => {
    const before = await head();
    const { out, notes } = await cli('thirdParties', 'third-parties-excel-fr.csv', { dryRun: true, country: 'FR', report: path.join(dataDir, 'dry.csv') });
    expect(await head()).toBe(before);
    expect(notes[0]).toMatch(/^third-parties-excel-fr\.csv: windows-1252, delimiter ";", sha256 [0-9a-f]{12}…; columns: Raison sociale→name, N° TVA→vatNumber, E-mail→email/);
    expect(out.find((l) => l.startsWith('line 5: '))).toMatch(/^line 5: rejected Café du Commerce: email \[E-mail\]: must be an email address/);
    expect(out.find((l) => l.startsWith('line 4: '))).toMatch(/^line 4: updated Boulangerie Lefèvre SARL \(.+\) matched by vatNumber FR40303265045 \(line 2 of this file\): roles \["CUSTOMER"\] → \["CUSTOMER","SUPPLIER"\]; phone "\+33142685300" → "\+33142685301"$/);
    expect(out.find((l) => l.startsWith('line 10: '))).toMatch(/^line 10: created Boulangerie Lefevres \(.+\); possible duplicate of Boulangerie Lefèvre SARL \(.+, 0\.9\d?\)$/);
    expect(out.at(-1)).toMatch(/^dry run, nothing written: would have created 7, updated 1, unchanged 0, rejected 2, skipped 0; possible duplicates 1; 10 lines in/);
    expect(readFileSync(path.join(dataDir, 'dry.csv'), 'utf8')).toBe(
      '\uFEFFline,field,column,reason\n5,email,E-mail,must be an email address such as name@example.com\n6,name,Raison sociale,is required\n',
    );
  });

  it('imports, writes the rejected lines beside the file, and a second run changes nothing', async () => {
    const file = path.join(dataDir, 'clients.csv');
    writeFileSync(file, readFileSync(path.join(FIXTURES, 'third-parties-excel-fr.csv')));
    const first = await cli('thirdParties', file, { country: 'FR' });
    expect(first.report.counts).toMatchObject({ created: 7, updated: 1, rejected: 2 });
    expect(first.notes).toContain(`report: ${file}.rejected.csv`);
    expect(readFileSync(`${file}.rejected.csv`, 'utf8')).toContain('5,email,E-mail,must be an email address');
    const after = await head();
    const second = await cli('thirdParties', file, { country: 'FR' });
    expect(second.report.counts).toMatchObject({ created: 0, updated: 0, skipped: 10 });
    expect(second.notes).toContain('resuming: lines up to 11 were done by an earlier run (--restart to run them again)');
    const restarted = await cli('thirdParties', file, { country: 'FR', restart: true });
    expect(restarted.report.counts).toMatchObject({ created: 0, updated: 0, skipped: 0, unchanged: 8, rejected: 2 });
    expect(await head()).toBe(after);
  });

  it('saves a named mapping and imports with it alone', async () => {
    const file = path.join(dataDir, 'odd-headers.csv');
    writeFileSync(file, 'Col A\tCol B\tCol C\nAgence Ombre\tombre@agence-ombre.fr\tignored\n');
    useDataDir();
    const { SavedImportMappings, loadConfig: config, openReadStore } = await import('#platform');
    const readStore = await openReadStore(config());
    try {
      await (await SavedImportMappings.open(readStore)).save('thirdParties', 'odd', { 'Col A': 'name', 'Col B': 'email', 'Col C': '-' }, 'marie', new Date());
    } finally {
      await readStore.close();
    }
    const { report } = await cli('thirdParties', file, { mapping: 'odd', autoMap: false });
    expect(report.delimiter).toBe('\t');
    expect(report.columns).toEqual([
      { column: 'Col A', field: 'name' },
      { column: 'Col B', field: 'email' },
      { column: 'Col C', field: '-' },
    ]);
    expect(report.lines[0]).toMatchObject({ outcome: 'created', name: 'Agence Ombre' });
    await expect(cli('thirdParties', file, { mapping: 'nope' })).rejects.toThrow('mapping: no saved thirdParties mapping named "nope"');
  });

  it('a malformed file fails with the line, and imports nothing', async () => {
    const before = await head();
    await expect(cli('thirdParties', 'malformed-quote.csv')).rejects.toThrow('line 4, column 1 (Raison sociale): text follows a closing quote');
    expect(await head()).toBe(before);
  });

  (cliBuilt ? it : it.skip)(
    'killed with SIGKILL in the middle of a file, a rerun resumes after the last recorded line and creates each company once',
    async () => {
      const lines = 3000;
      const file = path.join(dataDir, 'big.csv');
      const rows = ['Raison sociale;N° TVA;Ville'];
      for (let i = 0; i < lines; i++) rows.push(`Entreprise Reprise ${i};FR${String(10 + (i % 90))}${String(200_000_000 + i)};Lyon`);
      writeFileSync(file, `${rows.join('\n')}\n`);
      const before = await registrations();

      const child = spawn(process.execPath, [path.resolve(CLI_ENTRY), 'import', 'third-parties', file, '--as', 'marie', '--checkpoint-every', '100'], {
        env: { PATH: process.env['PATH'] ?? '', SUIVI_DATA_DIR: dataDir },
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      // Killed once the progress record says some hundreds of lines are done, long before the end.
      let recorded: { lastLine: number; completedAt: string | null } | null = null;
      const db = new Database(path.join(dataDir, 'read.sqlite'), { readonly: true, fileMustExist: true });
      try {
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline) {
          try {
            const row = db.prepare(`SELECT doc FROM import_runs WHERE id LIKE 'thirdParties:%' AND doc LIKE '%big.csv%'`).get() as { doc: string } | undefined;
            const doc = row ? (JSON.parse(row.doc) as { lastLine: number; completedAt: string | null }) : null;
            if (doc !== null && doc.lastLine >= 500) {
              child.kill('SIGKILL');
              recorded = doc;
              break;
            }
          } catch {
            // The table does not exist before the first record.
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        db.close();
      }
      expect(await exited).toBe('SIGKILL');
      expect(recorded).not.toBeNull();
      expect(recorded!.completedAt).toBeNull();
      const partial = (await registrations()) - before;
      expect(partial).toBeGreaterThanOrEqual(recorded!.lastLine - 1);
      expect(partial).toBeLessThan(lines);

      const { report, notes } = await cli('thirdParties', file);
      expect(report.resumedAfterLine).toBeGreaterThanOrEqual(recorded!.lastLine);
      expect(notes).toContain(`resuming: lines up to ${report.resumedAfterLine} were done by an earlier run (--restart to run them again)`);
      expect(report.counts.skipped).toBe(report.resumedAfterLine! - 1);
      // Lines the killed run did after its last record are found done (by their keys), not done twice.
      expect(report.counts.created + report.counts.unchanged + report.counts.skipped).toBe(lines);
      expect(report.counts.rejected).toBe(0);
      expect((await registrations()) - before).toBe(lines);

      const done = await head();
      const again = await cli('thirdParties', file, { restart: true });
      expect(again.report.counts).toMatchObject({ created: 0, updated: 0, unchanged: lines });
      expect(await head()).toBe(done);
    },
    120_000,
  );
});
