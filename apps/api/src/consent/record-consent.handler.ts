import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { consentDecider, currentConsents, streams, type ConsentEvidenceInput, type ConsentRecord, type RecordConsent } from '#domain';
import { SecurityJournal } from '../auth/security-journal.js';
import { Aggregates } from '../shared/aggregates.js';
import type { CommandMeta } from '../shared/command-context.js';
import { DataSubjects, type SubjectRef } from './data-subjects.js';

export interface ConsentInput {
  readonly subject: SubjectRef;
  readonly purpose: string;
  readonly channel: string;
  readonly decision: string;
  /** As the DateTime scalar hands it over: UTC with milliseconds. */
  readonly at: string;
  readonly method: string;
  readonly evidence: ConsentEvidenceInput | null;
}

export interface ConsentWritten {
  /** The decision recorded, or the identical one recorded before (a no-op). */
  readonly consent: ConsentRecord;
  /** The decisions in force after it. */
  readonly consents: ConsentRecord[];
  readonly position: bigint;
}

export class RecordConsentCommand extends Command<ConsentWritten> {
  constructor(
    readonly input: ConsentInput,
    readonly meta: CommandMeta,
    /** The mutation that asked (`Mutation.recordContactConsent`), for the security journal. */
    readonly operation: string,
  ) {
    super();
  }
}

/**
 * Records a decision on the subject's consent stream. The subject is read
 * from its own stream first: it must exist, be in the viewer's scope (out of
 * scope, it is answered exactly as an unknown id) and not be forgotten.
 */
@CommandHandler(RecordConsentCommand)
export class RecordConsentHandler implements ICommandHandler<RecordConsentCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly subjects: DataSubjects,
    private readonly journal: SecurityJournal,
  ) {}

  async execute({ input, meta, operation }: RecordConsentCommand): Promise<ConsentWritten> {
    const { subject, ...decision } = input;
    const found = await this.subjects.find(subject, meta.viewer);
    const command: RecordConsent = { type: 'RecordConsent', data: { subject: found.reference, ...decision } };
    if (found.outOfScope) {
      if (meta.request !== undefined && meta.viewer !== undefined) {
        this.journal.record({ reason: 'outOfScope', operation, viewer: meta.viewer, request: meta.request });
      }
      // The decider answers a missing subject: the same error, word for word, as for an unknown id.
      consentDecider.decide(command, consentDecider.initialState(), meta.context);
      throw new Error(`${operation}: a subject out of scope was not refused`);
    }
    const { state, position } = await this.aggregates.execute(consentDecider, streams.consent(subject.kind, subject.id), command, meta);
    if (state.status !== 'recorded') throw new Error(`consent of ${subject.kind} ${subject.id} was not recorded`);
    const recorded = state.decisions.findLast(
      (d) => d.purpose === input.purpose && d.channel === input.channel && d.decision === input.decision && d.method === input.method && d.expressedAt === input.at,
    );
    if (recorded === undefined) throw new Error(`consent of ${subject.kind} ${subject.id}: the decision recorded is not in its stream`);
    return { consent: recorded, consents: currentConsents(state), position };
  }
}
