import { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { EventCodec, EventStore } from '#event-store';
import { describeStores, loadConfig } from '#platform';
import { verifyAuditJournal, type AuditAnchor } from '#projections';
import type { ReadStore } from '#read-store';
import { withCliStores } from './cli-stores.js';

/**
 * `suivi audit verify`: recomputes the audit journal and its hash chain from the
 * event store and compares them with the stored ones, for an auditor or an
 * operator who suspects someone changed the databases by hand.
 */
export interface AuditSession {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly codec: EventCodec;
}

export interface AuditOutput {
  /** The verdict: standard output. */
  out(line: string): void;
  /** What to do about a break, and warnings: standard error. */
  note(line: string): void;
}

export interface VerifyCommandOptions {
  /** `<position>:<hash>` as a previous verification printed it (repeatable). */
  readonly anchor?: readonly string[];
  /** Draw a progress bar on standard error (the command line does; tests do not). */
  readonly progress?: boolean;
}

const standardOutput: AuditOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

const ANCHOR = /^(\d{1,20}):([0-9a-fA-F]{64})$/;

export const parseAnchor = (value: string): AuditAnchor => {
  const match = ANCHOR.exec(value.trim());
  if (!match) throw new Error(`--anchor must be <position>:<64 hex digits>, as suivi audit verify prints it; got "${value}"`);
  return { position: BigInt(match[1]!), hash: match[2]!.toLowerCase() };
};

/** Runs the verification and reports it; resolves to the exit code (0 intact, 1 broken). */
export async function verifyAudit(session: AuditSession, options: VerifyCommandOptions = {}, output: AuditOutput = standardOutput): Promise<number> {
  const anchors = (options.anchor ?? []).map(parseAnchor);
  const bar = options.progress
    ? new cliProgress.SingleBar(
        { format: 'audit journal [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}', etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const started = Date.now();
  let barStarted = false;
  const result = await verifyAuditJournal({
    ...session,
    anchors,
    onProgress: (done, upTo) => {
      if (!bar) return;
      const value = Number(done);
      const rate = Math.round(value / Math.max((Date.now() - started) / 1000, 0.001));
      if (!barStarted) {
        bar.start(Number(upTo), 0, { rate });
        barStarted = true;
      }
      bar.update(value, { rate });
    },
  });
  if (barStarted) bar?.stop();

  const broken = result.firstBreak;
  if (broken !== null) {
    const event = broken.eventId === null ? '' : ` (event ${broken.eventId})`;
    output.out(`audit journal BROKEN at position ${broken.position}${event}: ${broken.reason}`);
    output.out(`${result.checkedEvents} events before it matched their journal entries and chain links.`);
    output.note('What to do next:');
    output.note('  1. Do not rebuild the audit journal or the audit chain: that recomputes them from the data as it is now and erases the evidence.');
    output.note(`  2. Keep copies of the event store and the read store as they are, then compare the event at position ${broken.position}`);
    output.note('     and its journal entry with the latest backup taken before the break, to see what was changed and when.');
    output.note('  3. Restore the altered store from that backup (replaying the writes made since), and run suivi audit verify again.');
    return 1;
  }
  if (result.checkedUpTo === null) {
    output.out('audit journal intact, but nothing is journaled yet: start the worker (or the server) and run this again.');
  } else {
    output.out(`audit journal intact: ${result.checkedEvents} events checked up to position ${result.checkedUpTo}; head hash ${result.headHash}`);
    if (anchors.length > 0) output.out(`the ${anchors.length === 1 ? 'anchor matches' : `${anchors.length} anchors match`}.`);
    output.note('Keep this anchor outside Suivi (a ticket, a signed mail): checking against it later reveals a history');
    output.note(`rewritten together with its journal and chain: suivi audit verify --anchor ${result.checkedUpTo}:${result.headHash}`);
  }
  if (result.logHead !== null && (result.checkedUpTo === null || result.logHead > result.checkedUpTo)) {
    output.note(
      `warning: the log goes on to position ${result.logHead}, which the audit journal and chain have not applied yet ` +
        '(is the worker running? see suivi projections status); those events were not checked.',
    );
  }
  return 0;
}

export async function withAuditSession<T>(work: (session: AuditSession) => Promise<T>): Promise<T> {
  return withCliStores(({ store, readStore, codec }) => work({ store, readStore, codec }));
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit journal');
  audit
    .command('verify')
    .option('--anchor <position:hash>', 'a head hash a previous verification printed, kept outside Suivi (repeatable)', collect)
    .description('recompute the audit journal and its hash chain from the event store; exit code 1 at the first break')
    .action((options: { anchor?: string[] }) =>
      withAuditSession(async (session) => {
        process.stderr.write(`${describeStores(loadConfig())}\n`);
        process.exitCode = await verifyAudit(session, { anchor: options.anchor ?? [], progress: true });
      }),
    );
}
