import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { parseMatchKeyOrder, thirdPartyRoles, type Permission, type ThirdPartyRole } from '#domain';
import type { EventCodec, EventStore, SubjectKeyStore } from '#event-store';
import {
  catchUpForImport,
  importCsv,
  ImportSetupError,
  loadCatalogue,
  loadConfig,
  MalformedImportFile,
  createCodec,
  openSubjectKeyStore,
  openEventStore,
  openReadStore,
  parseImportDelimiter,
  parseImportEncoding,
  parseMapEntries,
  SavedImportMappings,
  systemClock,
  type ImportKind,
  type ImportLineReport,
  type ImportReport,
} from '#platform';
import { GroupQueries, UserQueries } from '#projections';
import type { ReadStore } from '#read-store';

/**
 * `suivi import third-parties FILE.csv` and `suivi import contacts FILE.csv`:
 * a spreadsheet's lines as ordinary commands, acting as a named Suivi user
 * (`--as`), with a dry run, a report of rejected lines and a progress bar.
 * `suivi import mappings save|list`: named column mappings to reuse.
 */
export interface ImportSession {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  /** The codec's key store: the import creates a batch's keys in one write. */
  readonly keys?: SubjectKeyStore;
}

export interface ImportOutput {
  /** The report: standard output. */
  out(line: string): void;
  /** Progress and notes: standard error. */
  note(line: string): void;
  /** Whether to draw a progress bar (a terminal on standard error). */
  readonly progress: boolean;
}

const standardOutput: ImportOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY === true,
};

export interface ImportCommandOptions {
  readonly as: string;
  readonly dryRun?: boolean;
  readonly map?: string[];
  readonly mapping?: string;
  readonly autoMap?: boolean;
  readonly delimiter?: string;
  readonly encoding?: string;
  readonly country?: string;
  readonly match?: string;
  readonly roles?: string;
  readonly report?: string;
  readonly restart?: boolean;
  readonly checkpointEvery?: string;
  /** Print every line, not only the rejected and the suggested (a dry run prints them all anyway). */
  readonly verbose?: boolean;
}

/** Opens the stores as the server does (same environment variables) for one command, and closes them after. */
export async function withImportSession<T>(work: (session: ImportSession) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = openEventStore(config);
  const readStore = await openReadStore(config);
  const keys = await openSubjectKeyStore(config);
  const codec = createCodec(keys);
  try {
    return await work({ store, readStore, codec, keys });
  } finally {
    await codec.close();
    await readStore.close();
    await store.close();
  }
}

const requiredPermissions: Record<ImportKind, Permission[]> = {
  thirdParties: ['thirdParties.create', 'thirdParties.update'],
  contacts: ['contacts.create', 'contacts.update'],
};

/**
 * The user the import acts as: active, holding the permissions the API would
 * ask of each command, and not limited to part of the directory — matching
 * looks at every third party, which a scoped user may not see.
 */
export async function importActor(readStore: ReadStore, login: string, kind: ImportKind): Promise<string> {
  const user = await (await UserQueries.open(readStore)).getByLogin(login.trim().toLowerCase());
  if (user === null) throw new ImportSetupError('as', `no user with login ${login.trim().toLowerCase()}`);
  if (user.disabled) throw new ImportSetupError('as', `user ${user.login} is disabled`);
  const groups = await (await GroupQueries.open(readStore)).byCodes(user.groups);
  const held = new Set(groups.flatMap((group) => group.permissions));
  const missing = requiredPermissions[kind].filter((permission) => !held.has(permission));
  if (missing.length > 0) throw new ImportSetupError('as', `user ${user.login} lacks ${missing.join(' and ')}`);
  if (user.scope !== null && (user.scope.territories !== null || user.scope.ownedOnly)) {
    throw new ImportSetupError('as', `user ${user.login} sees only part of the directory; an import matches against all of it: act as a user without a scope`);
  }
  return user.id;
}

function parseRoles(raw: string): ThirdPartyRole[] {
  return raw.split(',').map((item) => {
    const role = item.trim().toUpperCase();
    if (!(thirdPartyRoles as readonly string[]).includes(role)) throw new ImportSetupError('roles', `"${item}" is not a role (${thirdPartyRoles.join(', ')})`);
    return role as ThirdPartyRole;
  });
}

const describeLine = (line: ImportLineReport): string => {
  const who = line.name ? ` ${line.name}` : '';
  const id = line.id ? ` (${line.id})` : '';
  switch (line.outcome) {
    case 'created':
      return `line ${line.line}: created${who}${id}${line.suggestions.length > 0 ? `; possible duplicate of ${line.suggestions.map((s) => `${s.name} (${s.id}, ${s.score})`).join(', ')}` : ''}`;
    case 'updated':
      return `line ${line.line}: updated${who}${id} matched by ${matched(line)}: ${line.changes.map((c) => `${c.field} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('; ')}`;
    case 'unchanged':
      return `line ${line.line}: unchanged${who}${id} matched by ${matched(line)}`;
    case 'rejected':
      return `line ${line.line}: rejected${who}: ${line.problems.map((p) => `${p.field}${p.column ? ` [${p.column}]` : ''}: ${p.reason}`).join('; ')}`;
    case 'skipped':
      return `line ${line.line}: skipped (done by an earlier run)`;
  }
};

const matched = (line: ImportLineReport): string =>
  line.matchedBy === null ? '?' : `${line.matchedBy.kind} ${line.matchedBy.value}${line.matchedBy.line === null ? '' : ` (line ${line.matchedBy.line} of this file)`}`;

/** One line per problem of each rejected line: what a spreadsheet user opens next to the file. */
export function rejectedLinesCsv(report: ImportReport): string {
  const rows = report.lines.flatMap((line) => line.problems.map((p) => [line.line, p.field, p.column ?? '', p.reason]));
  return stringify(rows, { header: true, columns: ['line', 'field', 'column', 'reason'], bom: true });
}

export async function runImport(session: ImportSession, kind: ImportKind, file: string, options: ImportCommandOptions, output: ImportOutput = standardOutput): Promise<ImportReport> {
  const bytes = readFileSync(file);
  const config = loadConfig();
  const catalogue = loadCatalogue(config);
  await catchUpForImport(session, { warn: (message) => output.note(`warning: ${message}`) });
  const actorId = await importActor(session.readStore, options.as, kind);
  const saved = options.mapping ? (await (await SavedImportMappings.open(session.readStore)).get(kind, options.mapping)).mapping : {};
  const mapping = { ...saved, ...parseMapEntries(options.map ?? []) };

  const bar = output.progress
    ? new cliProgress.SingleBar(
        { format: `${options.dryRun ? 'dry run ' : 'import '}[{bar}] {percentage}% | {value}/{total} lines | {rate} lines/s | ETA {eta_formatted}`, etaBuffer: 2000, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const started = Date.now();
  const rate = (done: number): number => Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  let report: ImportReport;
  try {
    report = await importCsv(
      { store: session.store, codec: session.codec, readStore: session.readStore, ...(session.keys ? { keys: session.keys } : {}), catalogue, clock: systemClock },
      {
        kind,
        bytes,
        fileName: path.basename(file),
        mapping,
        autoMap: options.autoMap !== false,
        ...(options.delimiter ? { delimiter: parseImportDelimiter(options.delimiter) } : {}),
        ...(options.encoding ? { encoding: parseImportEncoding(options.encoding) } : {}),
        defaultCountry: options.country ?? null,
        ...(options.match ? { matchOrder: parseMatchKeyOrder(options.match) } : {}),
        ...(options.roles ? { defaultRoles: parseRoles(options.roles) } : {}),
        dryRun: options.dryRun === true,
        actorId,
        restart: options.restart === true,
        ...(options.checkpointEvery ? { checkpointEvery: Number(options.checkpointEvery) } : {}),
        onStart: (total) => bar?.start(total, 0, { rate: 0 }),
        onProgress: (done) => bar?.update(done, { rate: rate(done) }),
      },
    );
  } finally {
    bar?.stop();
  }

  output.note(
    `${report.fileName}: ${report.encoding}${report.bom ? ' with BOM' : ''}, delimiter ${JSON.stringify(report.delimiter)}, sha256 ${report.fileSha256.slice(0, 12)}…; columns: ${report.columns.map((c) => `${c.column}→${c.field}`).join(', ')}`,
  );
  if (report.resumedAfterLine !== null) output.note(`resuming: lines up to ${report.resumedAfterLine} were done by an earlier run (--restart to run them again)`);
  for (const line of report.lines) {
    if (options.dryRun || options.verbose || line.outcome === 'rejected' || line.suggestions.length > 0) output.out(describeLine(line));
  }
  const c = report.counts;
  output.out(
    `${options.dryRun ? 'dry run, nothing written: would have ' : ''}created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, rejected ${c.rejected}, skipped ${c.skipped}; possible duplicates ${c.suggested}; ${report.lines.length} lines in ${(report.durationMs / 1000).toFixed(1)} s (${Math.round(report.lines.length / Math.max(report.durationMs / 1000, 0.001))} lines/s)`,
  );
  // A dry run writes only the report asked for: it prints every line anyway.
  const reportFile = options.report ?? (c.rejected > 0 && !options.dryRun ? `${file}.rejected.csv` : null);
  if (reportFile !== null) {
    writeFileSync(reportFile, reportFile.endsWith('.json') ? JSON.stringify(report, null, 2) : rejectedLinesCsv(report));
    output.note(`report: ${reportFile}`);
  }
  return report;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const kindArgument = (raw: string): ImportKind => {
  if (raw === 'third-parties') return 'thirdParties';
  if (raw === 'contacts') return 'contacts';
  throw new ImportSetupError('kind', `"${raw}" is not third-parties or contacts`);
};

/** Setup errors and malformed files are the operator's to fix: their message is the whole story. */
const explained = (error: unknown): never => {
  if (error instanceof MalformedImportFile) throw new Error(`the file cannot be imported: ${error.message}`, { cause: error });
  if (error instanceof ImportSetupError) throw new Error(error.message, { cause: error });
  throw error;
};

export function registerImportCommands(program: Command): void {
  const importCommand = program.command('import').description('import third parties or contacts from a CSV file (see README, "Importing and exporting")');
  const addOptions = (command: Command): Command =>
    command
      .argument('<file>', 'CSV file: UTF-8 (with or without BOM) or Windows-1252, delimiter , ; tab or | (detected)')
      .requiredOption('--as <login>', 'the Suivi user the import acts as (the journal shows them)')
      .option('--dry-run', 'report what each line would do, write nothing')
      .option('--map <column=field>', 'map a column to a field (repeatable), e.g. --map "Raison sociale=name"; field - ignores the column', collect)
      .option('--mapping <name>', 'a mapping saved with `suivi import mappings save`')
      .option('--no-auto-map', 'map only the columns named by --map/--mapping')
      .option('--delimiter <char>', 'field delimiter: , ; tab | (default: detected)')
      .option('--encoding <name>', 'utf-8, windows-1252 (latin-1) or utf-16le (default: detected)')
      .option('--country <code>', 'country of phone and VAT numbers written without a prefix, e.g. FR')
      .option('--match <keys>', 'match keys in order (default vatNumber,email,domainAndName,phone)')
      .option('--roles <roles>', 'roles of new third parties whose line has none (default CUSTOMER)')
      .option('--report <file>', 'write rejected lines to this CSV (or the whole report, for a .json name); default FILE.rejected.csv when a line is rejected (not in a dry run)')
      .option('--restart', 'run every line again, ignoring what an earlier run of the same file recorded (commands stay idempotent)')
      .option('--checkpoint-every <lines>', 'lines between two saves of the progress record (default 500)')
      .option('--verbose', 'print every line, not only the rejected and the possible duplicates');

  addOptions(importCommand.command('third-parties').description('import third parties (a matching third party is updated, not duplicated)')).action(
    (file: string, options: ImportCommandOptions) => withImportSession((session) => runImport(session, 'thirdParties', file, options)).then(() => undefined, explained),
  );
  addOptions(importCommand.command('contacts').description('import contacts, each attached to the third party a column names')).action(
    (file: string, options: ImportCommandOptions) => withImportSession((session) => runImport(session, 'contacts', file, options)).then(() => undefined, explained),
  );

  const mappings = importCommand.command('mappings').description('named column mappings');
  mappings
    .command('save')
    .argument('<kind>', 'third-parties or contacts')
    .argument('<name>', 'the mapping name, for --mapping')
    .requiredOption('--map <column=field>', 'a column and its field (repeatable)', collect)
    .option('--as <login>', 'who saved it (default: the operating-system user)')
    .description('save (or replace) a named mapping')
    .action((kind: string, name: string, options: { map: string[]; as?: string }) =>
      withImportSession(async ({ readStore }) => {
        const saved = await (await SavedImportMappings.open(readStore)).save(kindArgument(kind), name, parseMapEntries(options.map), options.as ?? `cli:${process.env['USER'] ?? 'operator'}`, systemClock.now());
        process.stdout.write(`saved mapping ${saved.name} (${kind}): ${Object.entries(saved.mapping).map(([c, f]) => `${c}=${f}`).join(', ')}\n`);
      }).catch(explained),
    );
  mappings
    .command('list')
    .argument('[kind]', 'third-parties or contacts')
    .description('the saved mappings')
    .action((kind: string | undefined) =>
      withImportSession(async ({ readStore }) => {
        const list = await (await SavedImportMappings.open(readStore)).list(kind ? kindArgument(kind) : undefined);
        if (list.length === 0) process.stdout.write('no saved mapping\n');
        for (const m of list) process.stdout.write(`${m.kind.padEnd(13)} ${m.name.padEnd(24)} ${Object.entries(m.mapping).map(([c, f]) => `${c}=${f}`).join(', ')}\n`);
      }).catch(explained),
    );
}
