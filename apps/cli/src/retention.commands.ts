import { Command } from 'commander';
import type { RetentionConfig } from '#domain';
import { randomIds, type EventStore } from '#event-store';
import { createCodec, describeStores, loadConfig, loadRetention, openEventStore, openReadStore, openSubjectKeyStore, systemClock } from '#platform';
import { DirectoryQueries, RetentionQueueQueries } from '#projections';
import type { ReadStore } from '#read-store';
import { DataSubjectErasure } from '#security';
import {
  RetentionAutomation,
  type RetentionLogger,
  type RetentionRunReport,
  type RetentionStep,
} from '../../worker/src/retention/retention-automation.js';
import { RetentionReviews } from '../../worker/src/retention/retention-reviews.js';

/**
 * `suivi retention run [--dry-run]`: one run of the retention automation now,
 * as the worker runs it on its schedule (same policies, same actor
 * `automation`), printing each step. Ids only: the output names no one.
 */
export interface RetentionSession {
  readonly config: RetentionConfig;
  readonly automation: RetentionAutomation;
}

export interface RetentionOutput {
  /** What was done (or would be): standard output. */
  out(line: string): void;
  /** Warnings and failures: standard error. */
  note(line: string): void;
}

const standardOutput: RetentionOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  note: (line) => process.stderr.write(`${line}\n`),
};

/** How long the command waits for the worker to bring the read models up to date. */
const CATCH_UP_TIMEOUT_MS = 30_000;

const verbs: Record<RetentionStep['action'], { done: string; planned: string; unchanged: string }> = {
  forget: { done: 'forgot', planned: 'would forget', unchanged: 'already forgotten' },
  propose: { done: 'proposed for approval', planned: 'would propose for approval', unchanged: 'already pending or decided' },
  withdraw: { done: 'withdrew the proposal of', planned: 'would withdraw the proposal of', unchanged: 'no pending proposal for' },
};

const describeStep = (step: RetentionStep): string =>
  step.outcome === 'failed'
    ? `  FAILED to ${step.action} ${step.thirdPartyId} (${step.policy}): ${step.error ?? 'unknown error'}`
    : `  ${verbs[step.action][step.outcome]} third party ${step.thirdPartyId} (${step.policy})`;

/** Runs the policies once and reports each step; resolves to the exit code (0, or 1 when a step failed). */
export async function runRetention(session: RetentionSession, options: { dryRun?: boolean } = {}, output: RetentionOutput = standardOutput): Promise<number> {
  const dryRun = options.dryRun ?? false;
  output.out(
    `retention run${dryRun ? ' (dry run: nothing is written)' : ''}: ${session.config.policies.length} ${session.config.policies.length === 1 ? 'policy' : 'policies'}`,
  );
  const report: RetentionRunReport = await session.automation.run({
    dryRun,
    catchUpTimeoutMs: CATCH_UP_TIMEOUT_MS,
    onCandidates: (policy, count) =>
      output.out(`${policy.name} (${policy.appliesTo}, ${policy.mode}, after ${policy.afterMonths} months): ${count} ${count === 1 ? 'candidate' : 'candidates'}`),
    onStep: (step) => output.out(describeStep(step)),
  });
  for (const policy of report.policies) {
    if (policy.listingError !== null) {
      output.note(`${policy.policy}: the candidates could not be listed: ${policy.listingError}`);
      continue;
    }
    const done = dryRun
      ? `${policy.planned} would be ${policy.mode === 'AUTOMATIC' ? 'forgotten' : 'proposed'}`
      : policy.mode === 'AUTOMATIC'
        ? `${policy.forgotten} forgotten`
        : `${policy.proposed} proposed`;
    output.out(`${policy.policy}: ${policy.candidates} candidates (inactive since before ${policy.cutoff}), ${done}, ${policy.unchanged} unchanged, ${policy.failed} failed`);
  }
  if (report.withdrawn > 0) output.out(`${report.withdrawn} pending ${report.withdrawn === 1 ? 'proposal' : 'proposals'} ${dryRun ? 'would be ' : ''}withdrawn`);
  const failed = report.steps.filter((step) => step.outcome === 'failed').length;
  if (failed > 0) output.note(`${failed} ${failed === 1 ? 'step' : 'steps'} failed; the next run (or this command again) retries them.`);
  return failed > 0 || report.policies.some((policy) => policy.listingError !== null) ? 1 : 0;
}

/** Opens the stores as the server does, with the policies of SUIVI_RETENTION_FILE. */
export async function withRetentionSession<T>(work: (session: RetentionSession) => Promise<T>, output: RetentionOutput = standardOutput): Promise<T> {
  const config = loadConfig();
  const retention = loadRetention(config);
  if (retention === null) throw new Error('SUIVI_RETENTION_FILE is not set: there is no retention policy to run');
  const store: EventStore = openEventStore(config);
  const readStore: ReadStore = await openReadStore(config);
  const keys = await openSubjectKeyStore(config);
  // One key store for the codec and the erasure, so a destroyed key leaves this process's cache at once.
  const codec = createCodec(keys);
  try {
    const erasure = new DataSubjectErasure({ store, codec, ids: randomIds, keys, clock: systemClock });
    const directory = await DirectoryQueries.open(readStore);
    const logger: RetentionLogger = { log: () => undefined, warn: (message) => output.note(message), error: (message) => output.note(message) };
    const automation = new RetentionAutomation({
      config: retention,
      reviews: new RetentionReviews({ store, codec, ids: randomIds, erasure, directory }),
      erasure,
      directory,
      queue: await RetentionQueueQueries.open(readStore),
      store,
      checkpoints: readStore.checkpoints,
      clock: systemClock,
      ids: randomIds,
      logger,
    });
    return await work({ config: retention, automation });
  } finally {
    // Closes the key store too.
    await codec.close();
    await readStore.close();
    await store.close();
  }
}

export function registerRetentionCommands(program: Command): void {
  program
    .command('retention')
    .description('retention policies (SUIVI_RETENTION_FILE)')
    .command('run')
    .option('--dry-run', 'list the candidates and say what would be done, writing nothing')
    .description('run the retention policies once now: forget (AUTOMATIC) or propose for approval (APPROVAL) the third parties past them')
    .action((options: { dryRun?: boolean }) =>
      withRetentionSession(async (session) => {
        process.stderr.write(`${describeStores(loadConfig())}\n`);
        process.exitCode = await runRetention(session, { dryRun: options.dryRun ?? false });
      }),
    );
}
