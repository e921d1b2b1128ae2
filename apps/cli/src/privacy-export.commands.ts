import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { EventCodec, EventStore } from '#event-store';
import { describeStores, loadConfig, systemClock, type Clock } from '#platform';
import { auditJournalProjection, renderSubjectExportHtml, SubjectExporter, timelineProjection, type DataSubject } from '#projections';
import type { ReadStore } from '#read-store';
import { withCliStores } from './cli-stores.js';

/**
 * `suivi privacy export <contact|third-party> <id> --out file.json [--html file.html]`:
 * everything Suivi holds about a person (GDPR right of access and
 * portability), written to files for the controller to review and send.
 * Prints only the subject's id and what was written: the data is in the files.
 */
export interface ExportSession {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
  readonly clock: Clock;
}

export interface ExportOutput {
  out(line: string): void;
  note(line: string): void;
}

export interface ExportArgs {
  /** `contact` or `third-party`, as typed on the command line. */
  readonly kind: string;
  readonly id: string;
  readonly out: string;
  readonly html?: string | undefined;
}

const standardOutput: ExportOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

const kinds: Readonly<Record<string, DataSubject['kind']>> = { contact: 'contact', 'third-party': 'thirdParty' };

/** The read models the export finds exchanges, notes and journal entries through. */
const readModels = [timelineProjection, auditJournalProjection];

/** Writes the export; resolves to the exit code (0 written, 1 no such subject). */
export async function exportSubject(session: ExportSession, args: ExportArgs, output: ExportOutput = standardOutput): Promise<number> {
  const kind = kinds[args.kind];
  if (kind === undefined) throw new Error(`the subject kind must be contact or third-party, got "${args.kind}"`);
  const id = args.id.trim().toLowerCase();
  if (id === '') throw new Error('the subject id is required');
  const exporter = new SubjectExporter(session);
  const exported = await exporter.export({ kind, id });
  if (exported === null) {
    output.note(`no ${args.kind} with id ${id}: nothing written`);
    return 1;
  }
  writeFileSync(args.out, `${JSON.stringify(exported, null, 2)}\n`, { mode: 0o600 });
  output.out(`wrote ${args.out} (${exported.format}) for ${args.kind} ${id}`);
  if (args.html !== undefined) {
    writeFileSync(args.html, renderSubjectExportHtml(exported), { mode: 0o600 });
    output.out(`wrote ${args.html}`);
  }
  // Exchanges, notes and journal entries are found through read models: say so when they lag behind the log.
  const head = await session.store.headPosition();
  for (const projection of readModels) {
    const checkpoint = await session.readStore.checkpoints.get(projection.name);
    if (head !== null && (checkpoint === null || checkpoint < head)) {
      output.note(
        `warning: the read model ${projection.name} has not applied the log up to its head (is the worker running? see suivi projections status): ` +
          'exchanges, notes or journal entries recorded lately may be missing from the export.',
      );
    }
  }
  if (exported.notices.length > 0) output.note(`review before sending: ${exported.notices.join(' ')}`);
  return 0;
}

export async function withExportSession<T>(work: (session: ExportSession) => Promise<T>): Promise<T> {
  return withCliStores(({ store, readStore, codec }) => work({ store, readStore, codec, clock: systemClock }));
}

/** `privacy` is shared with the erasure commands: whichever registers first creates it. */
const privacyCommand = (program: Command): Command =>
  program.commands.find((command) => command.name() === 'privacy') ??
  program.command('privacy').description('personal data (GDPR): export what Suivi holds about a person, forget them');

export function registerPrivacyExportCommands(program: Command): void {
  privacyCommand(program)
    .command('export')
    .argument('<kind>', 'contact or third-party')
    .argument('<id>', "the subject's id")
    .requiredOption('--out <file.json>', 'where to write the JSON export (suivi.subject-export.v1)')
    .option('--html <file.html>', 'also write the export as a self-contained HTML page, for the person to read')
    .description('everything Suivi holds about a person, for their right of access and portability')
    .action((kind: string, id: string, options: { out: string; html?: string }) =>
      withExportSession(async (session) => {
        process.stderr.write(`${describeStores(loadConfig())}\n`);
        process.exitCode = await exportSubject(session, { kind, id, out: options.out, html: options.html });
      }),
    );
}
