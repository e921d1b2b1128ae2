import {
  isRetentionCandidate,
  monthsBefore,
  retentionAnchor,
  type CommandContext,
  type RetentionConfig,
  type RetentionMode,
  type RetentionPolicy,
} from '#domain';
import type { IdGenerator } from '#event-store';
import { directoryProjection, retentionQueueProjection, type DirectoryQueries, type RetentionQueueQueries } from '#projections';
import type { CheckpointStore } from '#read-store';
import type { DataSubjectErasure } from '#security';
import { erasureProposalId, type RetentionReviews } from './retention-reviews.js';
import { retentionSubjectOf, roleOf } from './retention-subjects.js';

/** The actor of what the retention automation does. */
export const RETENTION_ACTOR = 'automation';

export interface RetentionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type RetentionAction = 'forget' | 'propose' | 'withdraw';
/** planned: what a dry run would do; unchanged: nothing was needed (already pending, rejected, forgotten…). */
export type RetentionOutcome = 'done' | 'unchanged' | 'failed' | 'planned';

/** One thing a run did (or would do) about one third party. Ids only: a run's output names no one. */
export interface RetentionStep {
  readonly policy: string;
  readonly thirdPartyId: string;
  readonly action: RetentionAction;
  readonly outcome: RetentionOutcome;
  readonly error?: string;
}

export interface RetentionPolicyReport {
  readonly policy: string;
  readonly mode: RetentionMode;
  readonly afterMonths: number;
  /** Inactive since before this instant. */
  readonly cutoff: string;
  readonly candidates: number;
  readonly forgotten: number;
  readonly proposed: number;
  readonly unchanged: number;
  readonly planned: number;
  readonly failed: number;
  /** Why the candidates could not be listed; the policy did nothing this run. */
  readonly listingError: string | null;
}

export interface RetentionRunReport {
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly policies: readonly RetentionPolicyReport[];
  /** Pending proposals taken out of the queue: their third party no longer qualifies. */
  readonly withdrawn: number;
  readonly steps: readonly RetentionStep[];
  /** The process was stopping: the run ended early; the next one goes on. */
  readonly interrupted: boolean;
}

export interface RetentionRunOptions {
  /** List candidates and say what would be done, writing nothing. */
  readonly dryRun?: boolean;
  /** Called for each step as it happens (progress). */
  readonly onStep?: (step: RetentionStep) => void;
  /** Called once the candidates of a policy are listed. */
  readonly onCandidates?: (policy: RetentionPolicy, count: number) => void;
  /** How long to wait for the read models to catch up with the log; null: as long as the automation is not stopped. */
  readonly catchUpTimeoutMs?: number | null;
}

export interface RetentionAutomationDeps {
  readonly config: RetentionConfig;
  readonly reviews: RetentionReviews;
  readonly erasure: Pick<DataSubjectErasure, 'forget'>;
  readonly directory: DirectoryQueries;
  readonly queue: RetentionQueueQueries;
  readonly store: { headPosition(): Promise<bigint | null> };
  readonly checkpoints: CheckpointStore;
  readonly clock: { now(): Date };
  readonly ids: IdGenerator;
  readonly logger: RetentionLogger;
}

/** The read models a run reads: they must have applied the whole log first, or a fresh interaction could be missed. */
const READ_MODELS = [directoryProjection.name, retentionQueueProjection.name];
const LISTING_PAGE = 500;
const POLL_MS = 100;
/** The longest a timer waits at once (setTimeout's limit is about 24.8 days). */
const LONGEST_TIMER_MS = 3_600_000;

export class RetentionNotCaughtUp extends Error {
  constructor(behind: readonly string[], timeoutMs: number) {
    super(
      `the read models ${behind.join(', ')} have not applied the whole event log after ${timeoutMs / 1000} s: ` +
        'retention needs them up to date (is the worker running? see suivi projections status)',
    );
    this.name = 'RetentionNotCaughtUp';
  }
}

class Stopped extends Error {}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface Candidate {
  readonly thirdPartyId: string;
  readonly anchor: string;
}

/**
 * The retention automation: for each policy, lists the third parties past it
 * (the directory read model, judged by the domain's rule) and forgets them
 * (AUTOMATIC) or queues them for approval (APPROVAL). Runs once on start, once
 * the read models have caught up, then every `runEvery`; never two runs at
 * once in a process. A subject that fails is logged and left for the next run;
 * the others go on.
 */
export class RetentionAutomation {
  private running: Promise<RetentionRunReport> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private nextRunAt = 0;

  constructor(private readonly deps: RetentionAutomationDeps) {}

  /** Schedules the first run now and the next ones every `runEvery`. */
  start(): void {
    this.stopping = false;
    const { policies, runEvery } = this.deps.config;
    this.deps.logger.log(`retention: ${policies.length} ${policies.length === 1 ? 'policy' : 'policies'}, run on start and every ${runEvery}`);
    this.nextRunAt = Date.now();
    this.schedule(0);
  }

  /** Stops the schedule and waits for a run in progress, which ends after its current subject. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Runs now, after any run in progress (never two at once). */
  async run(options: RetentionRunOptions = {}): Promise<RetentionRunReport> {
    while (this.running !== null) await this.running.catch(() => undefined);
    const run = this.runOnce(options).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => void this.tick(), Math.min(Math.max(delayMs, 0), LONGEST_TIMER_MS));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.stopping) return;
    const wait = this.nextRunAt - Date.now();
    if (wait > 0) return this.schedule(wait);
    this.nextRunAt = Date.now() + this.deps.config.runEveryMs;
    // A run asked for by hand is in progress: this one is not needed.
    if (this.running === null) {
      try {
        await this.run({ catchUpTimeoutMs: null });
      } catch (error) {
        if (!(error instanceof Stopped)) this.deps.logger.error(`retention run failed: ${messageOf(error)}; next run in ${this.deps.config.runEvery}`);
      }
    }
    this.schedule(this.nextRunAt - Date.now());
  }

  private async runOnce(options: RetentionRunOptions): Promise<RetentionRunReport> {
    const { logger, config } = this.deps;
    const dryRun = options.dryRun ?? false;
    await this.awaitReadModels(options.catchUpTimeoutMs === undefined ? 30_000 : options.catchUpTimeoutMs);
    const startedAt = this.deps.clock.now();
    const correlationId = this.deps.ids.next();
    const steps: RetentionStep[] = [];
    const record = (step: RetentionStep): void => {
      steps.push(step);
      if (step.outcome === 'failed') logger.warn(`retention ${step.policy}: ${step.action} ${step.thirdPartyId} failed (retried next run): ${step.error}`);
      options.onStep?.(step);
    };
    const context = (): CommandContext => {
      const commandId = this.deps.ids.next();
      return { actorId: RETENTION_ACTOR, now: this.deps.clock.now(), commandId, correlationId, causationId: null, source: 'automation' };
    };

    const reports: RetentionPolicyReport[] = [];
    // Proposals still wanted, per APPROVAL policy whose candidates could be listed.
    const qualifying = new Set<string>();
    const listed = new Set<string>();
    let interrupted = false;
    for (const policy of config.policies) {
      if (this.stopping) {
        interrupted = true;
        break;
      }
      const cutoff = monthsBefore(startedAt, policy.afterMonths).toISOString();
      let candidates: Candidate[];
      try {
        candidates = await this.candidates(policy, startedAt, cutoff);
      } catch (error) {
        logger.error(`retention ${policy.name}: listing the candidates failed (retried next run): ${messageOf(error)}`);
        reports.push({ ...emptyReport(policy, cutoff), listingError: messageOf(error) });
        continue;
      }
      options.onCandidates?.(policy, candidates.length);
      if (policy.mode === 'APPROVAL') listed.add(policy.name);
      const before = steps.length;
      for (const candidate of candidates) {
        if (this.stopping) {
          interrupted = true;
          break;
        }
        if (policy.mode === 'APPROVAL') qualifying.add(erasureProposalId(policy.name, candidate.thirdPartyId));
        record(await this.apply(policy, candidate, dryRun, context));
      }
      const own = steps.slice(before);
      const count = (action: RetentionAction, outcome: RetentionOutcome): number =>
        own.filter((step) => step.action === action && step.outcome === outcome).length;
      const report: RetentionPolicyReport = {
        ...emptyReport(policy, cutoff),
        candidates: candidates.length,
        forgotten: count('forget', 'done'),
        proposed: count('propose', 'done'),
        unchanged: own.filter((step) => step.outcome === 'unchanged').length,
        planned: own.filter((step) => step.outcome === 'planned').length,
        failed: own.filter((step) => step.outcome === 'failed').length,
      };
      reports.push(report);
      logger.log(
        `retention ${policy.name} (${policy.mode}, ${policy.afterMonths} months, inactive since before ${cutoff}): ${report.candidates} candidates` +
          (dryRun
            ? `, ${report.planned} would be ${policy.mode === 'AUTOMATIC' ? 'forgotten' : 'proposed'}`
            : policy.mode === 'AUTOMATIC'
              ? `, ${report.forgotten} forgotten`
              : `, ${report.proposed} proposed`) +
          `, ${report.unchanged} unchanged, ${report.failed} failed`,
      );
    }

    let withdrawn = 0;
    if (!interrupted) {
      const before = steps.length;
      await this.withdrawStale(qualifying, listed, dryRun, context, record);
      withdrawn = steps.slice(before).filter((step) => step.outcome === 'done' || step.outcome === 'planned').length;
      if (withdrawn > 0) logger.log(`retention: ${withdrawn} pending ${withdrawn === 1 ? 'proposal' : 'proposals'} ${dryRun ? 'would be ' : ''}withdrawn (no longer qualifying)`);
    }
    return {
      dryRun,
      startedAt: startedAt.toISOString(),
      finishedAt: this.deps.clock.now().toISOString(),
      policies: reports,
      withdrawn,
      steps,
      interrupted,
    };
  }

  /** The third parties past a policy now, in id order. */
  private async candidates(policy: RetentionPolicy, now: Date, cutoff: string): Promise<Candidate[]> {
    const found: Candidate[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.deps.directory.inactiveSince({ role: roleOf(policy), before: cutoff, first: LISTING_PAGE, after });
      for (const { doc } of page.items) {
        const subject = retentionSubjectOf(doc);
        if (!isRetentionCandidate(policy, subject, now)) continue;
        found.push({ thirdPartyId: doc.id, anchor: retentionAnchor(policy.appliesTo, subject)! });
      }
      if (!page.hasNextPage) return found;
      after = page.endCursor;
    }
  }

  private async apply(policy: RetentionPolicy, candidate: Candidate, dryRun: boolean, context: () => CommandContext): Promise<RetentionStep> {
    const { thirdPartyId } = candidate;
    const action: RetentionAction = policy.mode === 'AUTOMATIC' ? 'forget' : 'propose';
    try {
      if (policy.mode === 'AUTOMATIC') {
        if (dryRun) return { policy: policy.name, thirdPartyId, action, outcome: 'planned' };
        await this.deps.erasure.forget(
          { subject: { kind: 'thirdParty', id: thirdPartyId }, reason: 'RETENTION_POLICY', reference: policy.name },
          context(),
        );
        return { policy: policy.name, thirdPartyId, action, outcome: 'done' };
      }
      const proposal = { policy: policy.name, thirdPartyId, lastInteractionAt: candidate.anchor };
      if (dryRun) return { policy: policy.name, thirdPartyId, action, outcome: (await this.deps.reviews.wouldPropose(proposal, context())) ? 'planned' : 'unchanged' };
      const written = await this.deps.reviews.propose(proposal, context());
      return { policy: policy.name, thirdPartyId, action, outcome: written.changed ? 'done' : 'unchanged' };
    } catch (error) {
      return { policy: policy.name, thirdPartyId, action, outcome: 'failed', error: messageOf(error) };
    }
  }

  /**
   * Pending proposals whose third party this run did not find past their
   * policy (a newer interaction, a conversion, forgotten another way), or whose
   * policy no longer asks for approval: out of the queue, undecided.
   */
  private async withdrawStale(
    qualifying: ReadonlySet<string>,
    listed: ReadonlySet<string>,
    dryRun: boolean,
    context: () => CommandContext,
    record: (step: RetentionStep) => void,
  ): Promise<void> {
    const approvalPolicies = new Set(this.deps.config.policies.filter((policy) => policy.mode === 'APPROVAL').map((policy) => policy.name));
    let pending;
    try {
      pending = await this.deps.queue.allPending();
    } catch (error) {
      this.deps.logger.error(`retention: reading the queue failed, no proposal withdrawn (retried next run): ${messageOf(error)}`);
      return;
    }
    for (const proposal of pending) {
      if (this.stopping) return;
      const stale = approvalPolicies.has(proposal.policy) ? listed.has(proposal.policy) && !qualifying.has(proposal.id) : true;
      if (!stale) continue;
      const step = { policy: proposal.policy, thirdPartyId: proposal.thirdPartyId, action: 'withdraw' } as const;
      if (dryRun) {
        record({ ...step, outcome: 'planned' });
        continue;
      }
      try {
        const written = await this.deps.reviews.withdraw(proposal.id, context());
        record({ ...step, outcome: written.changed ? 'done' : 'unchanged' });
      } catch (error) {
        record({ ...step, outcome: 'failed', error: messageOf(error) });
      }
    }
  }

  /** Waits until the read models a run reads have applied the log as it is now. */
  private async awaitReadModels(timeoutMs: number | null): Promise<void> {
    const head = await this.deps.store.headPosition();
    if (head === null) return;
    const deadline = timeoutMs === null ? null : Date.now() + timeoutMs;
    for (;;) {
      const checkpoints = await Promise.all(READ_MODELS.map((name) => this.deps.checkpoints.get(name)));
      const behind = READ_MODELS.filter((_name, index) => {
        const checkpoint = checkpoints[index];
        return checkpoint === null || checkpoint === undefined || checkpoint < head;
      });
      if (behind.length === 0) return;
      if (this.stopping) throw new Stopped('stopping');
      if (deadline !== null && Date.now() >= deadline) throw new RetentionNotCaughtUp(behind, timeoutMs!);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

const emptyReport = (policy: RetentionPolicy, cutoff: string): RetentionPolicyReport => ({
  policy: policy.name,
  mode: policy.mode,
  afterMonths: policy.afterMonths,
  cutoff,
  candidates: 0,
  forgotten: 0,
  proposed: 0,
  unchanged: 0,
  planned: 0,
  failed: 0,
  listingError: null,
});
