import {
  currentStep,
  DomainError,
  DomainRuleViolated,
  followUpIdOf,
  followUpPurposeOf,
  followUpTemplateOf,
  holdVerdict,
  mayContact,
  renderTemplate,
  type CommandContext,
  type CommercialDocumentEvent,
  type ExchangeEvent,
  type FollowUpCancelReason,
  type FollowUpCommand,
  type FollowUpKind,
  type FollowUpMailOverride,
  type FollowUpPolicy,
  type MailTemplate,
  type FollowUpStepState,
  type TemplateValues,
  type ThirdPartyEvent,
} from '#domain';
import type { EventCodec, EventEnvelope, EventStore, IdGenerator } from '#event-store';
import { currentCorrelationId, newCorrelationId, runWithCorrelation, type Clock, type Mailer } from '#platform';
import {
  commercialDocumentsProjection,
  consentsProjection,
  contactsProjection,
  directoryProjection,
  followUpsProjection,
  usersProjection,
  type CommercialDocumentQueries,
  type ConsentQueries,
  type ContactQueries,
  type DirectoryEntry,
  type EnvelopeOf,
  type DirectoryQueries,
  type FollowUpQueries,
  type UserQueries,
} from '#projections';
import type { CheckpointStore } from '#read-store';
import type { FollowUpCommands } from './follow-up-commands.js';
import { Ticker } from '../shared/ticker.js';

/** The automation's checkpoint in the log, and the actor of what it records. */
export const FOLLOW_UP_AUTOMATION = 'follow-up-automation';
export const FOLLOW_UP_ACTOR = 'automation';

export interface FollowUpLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface FollowUpAutomationDeps {
  readonly store: Pick<EventStore, 'readAll' | 'headPosition'>;
  readonly codec: Pick<EventCodec, 'decodeAll'>;
  readonly commands: FollowUpCommands;
  readonly checkpoints: CheckpointStore;
  readonly followUps: FollowUpQueries;
  readonly directory: DirectoryQueries;
  readonly contacts: ContactQueries;
  readonly consents: ConsentQueries;
  readonly documents: CommercialDocumentQueries;
  readonly users: UserQueries;
  readonly mailer: Mailer;
  /** The From of the mails. */
  readonly from: string;
  readonly policies: readonly FollowUpPolicy[];
  /** Every policy in dry run, whatever its own setting. */
  readonly dryRun: boolean;
  readonly tickMs: number;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: FollowUpLogger;
  /** How long a tick waits for the read models it reads (consents above all) to reach the log's head. */
  readonly catchUpTimeoutMs?: number;
}

export type FollowUpOutcome = 'sent' | 'skipped' | 'failed' | 'planned' | 'waiting' | 'cancelled';

/** What one tick did: schedules and cancellations from the log, then the due steps. Ids only. */
export interface FollowUpTickReport {
  readonly scheduled: number;
  readonly cancelled: number;
  readonly steps: readonly { readonly followUpId: string; readonly step: number; readonly outcome: FollowUpOutcome; readonly detail?: string }[];
}

/** The read models a tick reads before sending: up to the head, or an objection just recorded could be missed. */
const READ_MODELS = [followUpsProjection, directoryProjection, contactsProjection, consentsProjection, commercialDocumentsProjection, usersProjection].map(
  (projection) => projection.name,
);
const HANDLED = new Set<string>([
  'CommercialDocumentRecorded',
  'CommercialDocumentStatusChanged',
  'ExchangeLogged',
  'ThirdPartyRegistered',
  'ProspectConverted',
  'ThirdPartyArchived',
  'ThirdPartyForgotten',
]);
const PAGE = 500;
const POLL_MS = 50;
const QUOTE_CLOSED = new Set(['ACCEPTED', 'REFUSED', 'EXPIRED']);
const INVOICE_CLOSED = new Set(['PAID', 'CANCELLED']);
const INVOICE_OPEN = new Set(['ISSUED', 'PARTIALLY_PAID']);

type Followed = EnvelopeOf<CommercialDocumentEvent | ExchangeEvent | ThirdPartyEvent>;


/**
 * The policy's template with what the approver wrote instead: their subject,
 * text and HTML replace the template's. An edited text without an edited HTML
 * part sends the escaped text as HTML, not the template's HTML of another text.
 * Null when neither has a subject and a text.
 */
const edited = (template: MailTemplate | null, override: FollowUpMailOverride | null): MailTemplate | null => {
  if (override === null) return template;
  const subject = override.subject ?? template?.subject;
  const text = override.text ?? template?.text;
  if (subject === undefined || text === undefined) return null;
  return { subject, text, html: override.html ?? (override.text === null ? template?.html : undefined) };
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const dateOf = (instant: string | null | undefined): string => (instant ? instant.slice(0, 10) : '');

interface Recipient {
  readonly address: string;
  readonly language: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly name: string;
}

/**
 * The follow-up engine. Each tick, first, reads the log from its own
 * checkpoint and schedules or cancels follow-ups (a quote SENT, an invoice
 * issued, an exchange with a prospect; a quote answered, an invoice paid…);
 * then, for each follow-up whose current step is due, checks the hold and the
 * consent, records the decision to send (with the step's stable Message-ID),
 * and hands the mail over unless the mailer says it already was. A decision
 * found without its sending (a crash in between) is finished the same way.
 * Never two ticks at once in a process; run exactly one worker per deployment.
 */
export class FollowUpAutomation {
  private readonly ticker: Ticker<FollowUpTickReport>;

  constructor(private readonly deps: FollowUpAutomationDeps) {
    this.ticker = new Ticker({
      everyMs: deps.tickMs,
      tick: () => this.tick(),
      onFailure: (error) => deps.logger.error(`follow-up tick failed (retried next tick): ${messageOf(error)}`),
    });
  }

  start(): void {
    const modes = this.deps.policies.map((policy) => `${policy.kind}${policy.enabled ? '' : ' (disabled)'}${policy.dryRun || this.deps.dryRun ? ' (dry run)' : ''}`);
    this.deps.logger.log(`follow-ups: ${modes.join(', ')}; every ${this.deps.tickMs / 1000} s through ${this.deps.mailer.kind}`);
    this.ticker.start();
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }

  /** One tick now, after any in progress. */
  runOnce(): Promise<FollowUpTickReport> {
    return this.ticker.runOnce();
  }

  private get stopping(): boolean {
    return this.ticker.stopping;
  }

  private async tick(): Promise<FollowUpTickReport> {
    const counts = { scheduled: 0, cancelled: 0 };
    await this.followLog(counts);
    const steps: FollowUpTickReport['steps'][number][] = [];
    if (!(await this.readModelsCaughtUp())) {
      this.deps.logger.warn('follow-ups: the read models are behind the log; no reminder is sent this tick');
      return { ...counts, steps };
    }
    const now = this.deps.clock.now();
    for (const entry of await this.deps.followUps.due(now)) {
      if (this.stopping) break;
      try {
        // One correlation id for the step: its decision, its sending record, its mail and the log lines between.
        const outcome = await runWithCorrelation(newCorrelationId(), () => this.processDue(entry.id));
        if (outcome !== null) steps.push({ followUpId: entry.id, ...outcome });
      } catch (error) {
        this.deps.logger.error(`follow-up ${entry.id}: ${messageOf(error)} (retried next tick)`);
        steps.push({ followUpId: entry.id, step: 0, outcome: 'failed', detail: messageOf(error) });
      }
    }
    return { ...counts, steps };
  }

  // ---- the log: scheduling and cancelling ----

  private async followLog(counts: { scheduled: number; cancelled: number }): Promise<void> {
    let after = await this.deps.checkpoints.get(FOLLOW_UP_AUTOMATION);
    for (;;) {
      const page = await this.deps.store.readAll({ after, maxCount: PAGE });
      const followed = page.events.filter((event) => HANDLED.has(event.type));
      for (const event of await this.deps.codec.decodeAll(followed)) {
        // What it schedules or cancels, and the lines it logs, carry the correlation id of the command that caused the event.
        await runWithCorrelation(event.metadata.correlationId, async () => {
          try {
            await this.apply(event as Followed, counts);
          } catch (error) {
            // Refused for good (a document the rules cannot follow): logged, not retried forever.
            if (!(error instanceof DomainError)) throw error;
            this.deps.logger.warn(`follow-ups: ${event.type} at ${event.position} ignored: ${error.message}`);
          }
        });
      }
      if (page.lastPosition !== null && page.lastPosition !== after) {
        after = page.lastPosition;
        await this.deps.checkpoints.save(FOLLOW_UP_AUTOMATION, after);
      }
      if (page.isEnd || page.events.length === 0) return;
    }
  }

  private async apply(event: Followed, counts: { scheduled: number; cancelled: number }): Promise<void> {
    const context = this.context(event);
    switch (event.type) {
      case 'CommercialDocumentRecorded': {
        const { documentType, status, documentId, thirdPartyId, statusAt, dueAt } = event.data;
        if (documentType === 'QUOTE' && status === 'SENT') counts.scheduled += await this.scheduleFor('QUOTE_NO_RESPONSE', thirdPartyId, documentId, statusAt, context);
        if (documentType === 'INVOICE' && INVOICE_OPEN.has(status) && dueAt !== null) {
          counts.scheduled += await this.scheduleFor('UNPAID_INVOICE', thirdPartyId, documentId, dueAt, context);
        }
        return;
      }
      case 'CommercialDocumentStatusChanged': {
        const { documentType, to, documentId, thirdPartyId, at } = event.data;
        if (documentType === 'QUOTE' && to === 'SENT') counts.scheduled += await this.scheduleFor('QUOTE_NO_RESPONSE', thirdPartyId, documentId, at, context);
        if (documentType === 'QUOTE' && QUOTE_CLOSED.has(to)) counts.cancelled += await this.cancel('QUOTE_NO_RESPONSE', documentId, 'DOCUMENT_CLOSED', context);
        if (documentType === 'INVOICE' && INVOICE_CLOSED.has(to)) counts.cancelled += await this.cancel('UNPAID_INVOICE', documentId, 'DOCUMENT_CLOSED', context);
        return;
      }
      case 'ThirdPartyRegistered':
        if (event.data.roles.includes('PROSPECT')) {
          counts.scheduled += await this.scheduleFor('INACTIVE_PROSPECT', event.data.thirdPartyId, null, event.data.registeredAt, context);
        }
        return;
      case 'ExchangeLogged': {
        const { thirdPartyId, occurredAt } = event.data;
        // Any exchange restarts the inactivity clock of a prospect (a newer anchor: a new cycle).
        const entry = await this.deps.directory.get(thirdPartyId);
        if (entry !== null && !isOpenProspect(entry)) return;
        counts.scheduled += await this.scheduleFor('INACTIVE_PROSPECT', thirdPartyId, null, occurredAt, context);
        return;
      }
      case 'ProspectConverted':
      case 'ThirdPartyArchived':
        counts.cancelled += await this.cancel('INACTIVE_PROSPECT', event.data.thirdPartyId, 'THIRD_PARTY_CLOSED', context);
        return;
      case 'ThirdPartyForgotten': {
        const { thirdPartyId } = event.data;
        counts.cancelled += await this.cancel('INACTIVE_PROSPECT', thirdPartyId, 'THIRD_PARTY_CLOSED', context);
        for (const entry of await this.deps.followUps.openOf(thirdPartyId)) {
          counts.cancelled += await this.cancelById(entry.id, 'THIRD_PARTY_CLOSED', context);
        }
        return;
      }
      default:
        return;
    }
  }

  private async scheduleFor(kind: FollowUpKind, thirdPartyId: string, documentId: string | null, anchorAt: string, context: CommandContext): Promise<number> {
    const policy = this.policyOf(kind);
    if (policy === null || !policy.enabled) return 0;
    const ownerId = policy.ownerId ?? (await this.deps.directory.get(thirdPartyId))?.ownerId ?? null;
    const followUpId = followUpIdOf(kind, documentId ?? thirdPartyId);
    const written = await this.deps.commands.execute(
      {
        type: 'ScheduleFollowUp',
        data: {
          followUpId,
          kind,
          thirdPartyId,
          documentId,
          anchorAt,
          ownerId,
          language: policy.defaultLanguage,
          steps: policy.steps.map((step) => ({ offsetDays: step.offsetDays, mode: step.mode })),
        },
      },
      context,
    );
    return written.changed ? 1 : 0;
  }

  private cancel(kind: FollowUpKind, anchorId: string, reason: FollowUpCancelReason, context: CommandContext): Promise<number> {
    return this.cancelById(followUpIdOf(kind, anchorId), reason, context);
  }

  private async cancelById(followUpId: string, reason: FollowUpCancelReason, context: CommandContext): Promise<number> {
    return (await this.deps.commands.execute({ type: 'CancelFollowUp', data: { followUpId, reason } }, context)).changed ? 1 : 0;
  }

  // ---- the tick: due steps ----

  /** Acts on the current step of one follow-up, read from its stream (the read model only points at it). */
  private async processDue(followUpId: string): Promise<{ step: number; outcome: FollowUpOutcome; detail?: string } | null> {
    const { commands, clock } = this.deps;
    const state = await commands.state(followUpId);
    const step = currentStep(state);
    if (state.status !== 'active' || step === null) return null;
    const now = clock.now();
    if (Date.parse(step.dueAt) > now.getTime()) return null;
    const policy = this.policyOf(state.kind);
    const dryRun = this.deps.dryRun || (policy?.dryRun ?? false);
    const stepRef = { followUpId, cycle: state.cycle, step: step.step };

    // Decided before a crash, or failed: finish it, whatever changed since (the decision stands).
    if (step.status === 'decided') return this.deliver(state.thirdPartyId, state, step, policy, dryRun);
    if (step.mode === 'APPROVAL' && step.status !== 'approved') return { step: step.step, outcome: 'waiting', detail: 'awaiting approval' };
    if (policy === null || !policy.enabled) return { step: step.step, outcome: 'waiting', detail: 'policy disabled' };

    const entry = await this.deps.directory.get(state.thirdPartyId);
    if (entry === null || entry.forgottenAt != null || entry.archived || (state.kind === 'INACTIVE_PROSPECT' && !isOpenProspect(entry))) {
      if (dryRun) return { step: step.step, outcome: 'planned', detail: 'would cancel: third party closed' };
      await this.cancelById(followUpId, 'THIRD_PARTY_CLOSED', this.context(null));
      return { step: step.step, outcome: 'cancelled', detail: 'third party closed' };
    }
    const verdict = holdVerdict(await commands.hold(state.thirdPartyId), now);
    if (verdict === 'wait') return { step: step.step, outcome: 'waiting', detail: 'paused' };
    const skip = async (reason: 'HOLD' | 'CONSENT' | 'NO_RECIPIENT'): Promise<{ step: number; outcome: FollowUpOutcome; detail: string }> => {
      if (dryRun) return { step: step.step, outcome: 'planned', detail: `would skip: ${reason}` };
      await commands.execute({ type: 'SkipFollowUpStep', data: { ...stepRef, reason } }, this.context(null));
      return { step: step.step, outcome: 'skipped', detail: reason };
    };
    if (verdict === 'skip') return skip('HOLD');
    const recipient = await this.recipientOf(entry, state.kind);
    if (recipient === 'NO_RECIPIENT' || recipient === 'CONSENT') return skip(recipient);

    if (dryRun) {
      const mail = await this.render(state, step, policy, recipient);
      this.deps.logger.log(`follow-ups (dry run): would send ${followUpId} step ${step.step} "${mail.subject}" to 1 recipient`);
      return { step: step.step, outcome: 'planned', detail: mail.subject };
    }
    let written;
    try {
      // Recorded first: from here on, this step's mail is the one with this Message-ID, sent at most once.
      written = await commands.execute({ type: 'DecideFollowUpSend', data: stepRef }, this.context(null));
    } catch (error) {
      // Decided, skipped or snoozed meanwhile (a person, another tick): the next tick sees the new state.
      if (error instanceof DomainRuleViolated) return { step: step.step, outcome: 'waiting', detail: error.message };
      throw error;
    }
    const decided = currentStep(written.state);
    if (decided === null || decided.step !== step.step || decided.status !== 'decided') return null;
    return this.deliver(state.thirdPartyId, written.state, decided, policy, false, recipient);
  }

  /** Hands a decided step's mail over (unless it was already) and records it sent, or failed for the next tick. */
  private async deliver(
    thirdPartyId: string,
    state: Awaited<ReturnType<FollowUpCommands['state']>>,
    step: FollowUpStepState,
    policy: FollowUpPolicy | null,
    dryRun: boolean,
    known?: Recipient,
  ): Promise<{ step: number; outcome: FollowUpOutcome; detail?: string }> {
    if (state.status === 'none') return { step: step.step, outcome: 'waiting' };
    const { commands, mailer } = this.deps;
    const messageId = step.messageId!;
    const stepRef = { followUpId: state.followUpId, cycle: state.cycle, step: step.step };
    if (dryRun) return { step: step.step, outcome: 'planned', detail: `would finish ${messageId}` };
    const record = async (command: FollowUpCommand): Promise<void> => {
      await commands.execute(command, this.context(null));
    };
    if (await mailer.wasHandedOver(messageId)) {
      // Handed over before a crash: recorded now, not sent again.
      await record({ type: 'RecordFollowUpSent', data: { ...stepRef, recipients: 1 } });
      return { step: step.step, outcome: 'sent', detail: 'handed over before a restart' };
    }
    try {
      const entry = await this.deps.directory.get(thirdPartyId);
      const recipient = known ?? (entry === null ? 'NO_RECIPIENT' : await this.recipientOf(entry, state.kind));
      // Consent withdrawn between the decision and a retry: the decision stands, the mail does not go.
      if (recipient === 'NO_RECIPIENT' || recipient === 'CONSENT') throw new MailNotSent(recipient);
      if (policy === null) throw new MailNotSent('NO_POLICY');
      const mail = await this.render(state, step, policy, recipient);
      const result = await mailer.send({ messageId, from: this.deps.from, to: [recipient.address], ...mail });
      if (result.accepted.length === 0) throw new MailNotSent('REJECTED');
      await record({ type: 'RecordFollowUpSent', data: { ...stepRef, recipients: result.accepted.length } });
      return { step: step.step, outcome: 'sent' };
    } catch (error) {
      const code = error instanceof MailNotSent ? error.code : 'SMTP_ERROR';
      await record({ type: 'RecordFollowUpFailure', data: { ...stepRef, error: code } });
      if (code === 'CONSENT' || code === 'NO_RECIPIENT') {
        // An objection (or the last address) gone since the decision: the step is dropped, never sent.
        await record({ type: 'SkipFollowUpStep', data: { ...stepRef, reason: code } });
        return { step: step.step, outcome: 'skipped', detail: code };
      }
      this.deps.logger.warn(`follow-up ${state.followUpId} step ${step.step}: not handed over (${code}: ${messageOf(error)}); retried next tick`);
      return { step: step.step, outcome: 'failed', detail: code };
    }
  }

  /**
   * Who receives a follow-up: the first contact of the third party (in name
   * order) with an address who has not objected to the purpose, else the third
   * party's own address. The third party's own objection (an individual's)
   * blocks every address. CONSENT when addresses exist but none may be used.
   */
  private async recipientOf(entry: DirectoryEntry, kind: FollowUpKind): Promise<Recipient | 'CONSENT' | 'NO_RECIPIENT'> {
    const purpose = followUpPurposeOf(kind);
    const thirdPartyAllows = mayContact(await this.deps.consents.current('thirdParty', entry.id), purpose, 'EMAIL');
    const contacts = (await this.deps.contacts.listByThirdParty(entry.id)).filter((contact) => contact.email !== null);
    if (contacts.length === 0 && entry.email === null) return 'NO_RECIPIENT';
    if (!thirdPartyAllows) return 'CONSENT';
    for (const contact of contacts) {
      if (!mayContact(await this.deps.consents.current('contact', contact.id), purpose, 'EMAIL')) continue;
      return {
        address: contact.email!,
        language: contact.preferredLanguage,
        firstName: contact.firstName ?? '',
        lastName: contact.lastName,
        name: contact.displayName,
      };
    }
    if (entry.email !== null) return { address: entry.email, language: null, firstName: '', lastName: '', name: entry.name };
    return 'CONSENT';
  }

  private async render(
    state: Exclude<Awaited<ReturnType<FollowUpCommands['state']>>, { status: 'none' }>,
    step: FollowUpStepState,
    policy: FollowUpPolicy,
    recipient: Recipient,
  ): Promise<{ subject: string; text: string; html: string }> {
    const template = edited(followUpTemplateOf(policy, step.step, recipient.language ?? state.language), step.override);
    if (template === null) throw new MailNotSent('NO_TEMPLATE');
    const entry = await this.deps.directory.get(state.thirdPartyId);
    const owner = state.ownerId === null ? null : await this.deps.users.get(state.ownerId);
    const values: Record<string, string> = {
      CLIENT_NAME: entry?.name ?? '',
      CONTACT_FIRST_NAME: recipient.firstName,
      CONTACT_LAST_NAME: recipient.lastName,
      CONTACT_NAME: recipient.name,
      OWNER_NAME: owner?.displayName ?? '',
      OWNER_EMAIL: owner?.email ?? '',
      EXCHANGE_DATE: state.kind === 'INACTIVE_PROSPECT' ? dateOf(state.anchorAt) : '',
    };
    if (state.documentId !== null) {
      const document = await this.deps.documents.get(state.documentId);
      if (document !== null) {
        const due = document.amount === null ? '' : (Number(document.amount) - Number(document.paidAmount ?? '0')).toFixed(2);
        const overdue = document.dueAt === null ? 0 : Math.floor((this.deps.clock.now().getTime() - Date.parse(document.dueAt)) / 86_400_000);
        Object.assign(values, {
          DOCUMENT_REF: document.ref,
          DOCUMENT_DATE: dateOf(document.issuedAt),
          AMOUNT: document.amount,
          AMOUNT_DUE: due,
          CURRENCY: document.currency,
          DUE_DATE: dateOf(document.dueAt),
          DAYS_OVERDUE: String(Math.max(overdue, 0)),
        });
      }
    }
    return renderTemplate(template, values as TemplateValues);
  }

  private policyOf(kind: FollowUpKind): FollowUpPolicy | null {
    return this.deps.policies.find((policy) => policy.kind === kind) ?? null;
  }

  private context(cause: EventEnvelope | null): CommandContext {
    const commandId = this.deps.ids.next();
    return {
      actorId: FOLLOW_UP_ACTOR,
      now: this.deps.clock.now(),
      commandId,
      correlationId: cause?.metadata.correlationId ?? currentCorrelationId() ?? commandId,
      causationId: cause?.eventId ?? null,
      source: 'automation',
    };
  }

  private async readModelsCaughtUp(): Promise<boolean> {
    const head = await this.deps.store.headPosition();
    if (head === null) return true;
    const deadline = Date.now() + (this.deps.catchUpTimeoutMs ?? 10_000);
    for (;;) {
      const checkpoints = await Promise.all(READ_MODELS.map((name) => this.deps.checkpoints.get(name)));
      if (checkpoints.every((checkpoint) => checkpoint !== null && checkpoint >= head)) return true;
      if (this.stopping || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

class MailNotSent extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const isOpenProspect = (entry: DirectoryEntry): boolean =>
  entry.roles.includes('PROSPECT') && entry.convertedAt === null && !entry.archived && entry.forgottenAt == null;
