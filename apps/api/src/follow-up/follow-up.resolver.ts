import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { InvalidInput, NotFound, type FollowUpHoldState, type FollowUpState } from '#domain';
import { FollowUpQueries, queueItemOf, type FollowUpEntry, type FollowUpFilter, type FollowUpQueueItem, type FollowUpStepRecord } from '#projections';
import type { Clock } from '#platform';
import { Inject } from '@nestjs/common';
import type { Viewer } from '#security';
import { FollowUpCommands } from '../../../worker/src/follow-ups/follow-up-commands.js';
import { viewerOf } from '../auth/request-identity.js';
import { CommercialDocument } from '../commercial-document/commercial-document.types.js';
import { optionalUser } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, type Connection } from '../graphql/relay.js';
import { CLOCK } from '../infrastructure/tokens.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId, optionalEntityId } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import {
  ApproveFollowUpStepInput,
  FollowUpDashboard,
  FollowUpFilterInput,
  FollowUpHold,
  FollowUpHoldInput,
  FollowUpReminder,
  FollowUpReminderConnection,
  FollowUpStepInput,
  FollowUpStepPayload,
  PauseFollowUpsInput,
  SnoozeFollowUpStepInput,
} from './follow-up.types.js';

const FOLLOW_UP_ID = /^(QUOTE_NO_RESPONSE|UNPAID_INVOICE|INACTIVE_PROSPECT)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const followUpIdOf = (raw: string): string => {
  const match = FOLLOW_UP_ID.exec(raw);
  if (match === null) throw new InvalidInput('followUpId', 'must be a FollowUpReminder.followUpId');
  return `${match[1]!.toUpperCase()}-${match[2]!.toLowerCase()}`;
};

const toReminder = (item: FollowUpQueueItem): FollowUpReminder => ({
  id: item.id,
  followUpId: item.followUpId,
  kind: item.kind,
  thirdPartyId: item.thirdPartyId,
  documentId: item.documentId,
  owner: optionalUser(item.ownerId),
  cycle: item.cycle,
  step: item.step,
  mode: item.mode,
  dueAt: item.dueAt,
  state: item.state,
  messageId: item.messageId,
  sentAt: item.sentAt,
  skipReason: item.skipReason,
  failures: item.failures,
});

const RECORDS: Record<string, FollowUpStepRecord> = { scheduled: 'SCHEDULED', approved: 'APPROVED', decided: 'DECIDED', sent: 'SENT', skipped: 'SKIPPED' };

/** One step as the write side has it right after a command, in the queue's terms. */
const reminderOf = (state: Exclude<FollowUpState, { status: 'none' }>, number: number, now: Date): FollowUpReminder => {
  const entry: FollowUpEntry = {
    id: state.followUpId,
    kind: state.kind,
    thirdPartyId: state.thirdPartyId,
    documentId: state.documentId,
    ownerId: state.ownerId,
    cycle: state.cycle,
    anchorAt: state.anchorAt,
    language: state.language,
    cancelReason: null,
    open: state.status === 'active',
    nextDueAt: null,
    lastPosition: '0',
    steps: state.steps.map((step) => ({
      step: step.step,
      mode: step.mode,
      dueAt: step.dueAt,
      record: state.status === 'cancelled' && step.status !== 'sent' && step.status !== 'skipped' ? 'CANCELLED' : RECORDS[step.status]!,
      messageId: step.messageId,
      sentAt: null,
      skipReason: null,
      failures: step.failures,
      lastError: null,
      changedAt: now.toISOString(),
      changedBy: null,
    })),
  };
  const step = entry.steps.find((candidate) => candidate.step === number)!;
  return toReminder(queueItemOf(entry, step, now));
};

const holdOf = (thirdPartyId: string, state: FollowUpHoldState, position: bigint | null): FollowUpHold => ({
  thirdPartyId,
  status: state.status.toUpperCase(),
  until: state.status === 'paused' ? state.until : null,
  position: (position ?? 0n).toString(),
});

/**
 * The reminder queue and what people do with it: approve, skip or snooze a
 * step, pause or block a third party's follow-ups. Reads need followUps.read,
 * changes followUps.update (operation-rules.ts); a user limited to some third
 * parties sees and acts on theirs only.
 */
@Resolver(() => FollowUpReminder)
export class FollowUpResolver {
  constructor(
    private readonly queue: FollowUpQueries,
    private readonly commands: FollowUpCommands,
    private readonly contexts: CommandContextFactory,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => FollowUpReminderConnection, {
    description: 'The reminder queue: one line per step of each follow-up, by due date. Needs permission followUps.read.',
  })
  async followUps(
    @Args('filter', { type: () => FollowUpFilterInput, nullable: true }) filter: FollowUpFilterInput | null,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<Connection<FollowUpReminder>> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const page = await this.queue.list(await this.filterOf(filter, viewerOf(req)), { first: size, after }, this.clock.now());
    const edges = page.items.map(({ item, cursor }) => ({ cursor, node: toReminder(item) }));
    return {
      edges,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: page.endCursor },
    };
  }

  @Query(() => FollowUpDashboard, { description: 'How many reminders per kind and state. Needs permission followUps.read.' })
  async followUpDashboard(
    @Args('filter', { type: () => FollowUpFilterInput, nullable: true }) filter: FollowUpFilterInput | null,
    @Context('req') req: FastifyRequest,
  ): Promise<FollowUpDashboard> {
    await this.consistency.await(req);
    const now = this.clock.now();
    return { asOf: now.toISOString(), counts: await this.queue.counts(await this.filterOf(filter, viewerOf(req)), now) };
  }

  @Mutation(() => FollowUpStepPayload, {
    description:
      'Approves an APPROVAL step, as its template has it or edited (subject, text, html): the automation sends it when due, once the step before is sent or skipped. Needs followUps.update.',
  })
  approveFollowUpStep(@Args('input') input: ApproveFollowUpStepInput, @Context('req') req: FastifyRequest): Promise<FollowUpStepPayload> {
    const edit = { subject: input.subject ?? null, text: input.text ?? null, html: input.html ?? null };
    return this.stepCommand(input, req, (data) => ({ type: 'ApproveFollowUpStep', data: { ...data, ...edit } }));
  }

  @Mutation(() => FollowUpStepPayload, {
    description: 'Skips a step not yet on its way (reason MANUAL): the next one may go out. Needs permission followUps.update.',
  })
  skipFollowUpStep(@Args('input') input: FollowUpStepInput, @Context('req') req: FastifyRequest): Promise<FollowUpStepPayload> {
    return this.stepCommand(input, req, (data) => ({ type: 'SkipFollowUpStep', data: { ...data, reason: 'MANUAL' } }));
  }

  @Mutation(() => FollowUpStepPayload, { description: 'Makes a step due again later. Needs permission followUps.update.' })
  snoozeFollowUpStep(@Args('input') input: SnoozeFollowUpStepInput, @Context('req') req: FastifyRequest): Promise<FollowUpStepPayload> {
    return this.stepCommand(input, req, (data) => ({ type: 'SnoozeFollowUpStep', data: { ...data, until: input.until } }));
  }

  @Mutation(() => FollowUpHold, { description: 'Holds a third party\'s due reminders until a date. Needs permission followUps.update.' })
  pauseFollowUps(@Args('input') input: PauseFollowUpsInput, @Context('req') req: FastifyRequest): Promise<FollowUpHold> {
    return this.holdCommand(input, req, (thirdPartyId) => ({ type: 'PauseFollowUps', data: { thirdPartyId, until: input.until } }));
  }

  @Mutation(() => FollowUpHold, {
    description: 'Stops every follow-up mail to a third party (due steps are skipped, reason HOLD) until resumed. Needs followUps.update.',
  })
  blockFollowUps(@Args('input') input: FollowUpHoldInput, @Context('req') req: FastifyRequest): Promise<FollowUpHold> {
    return this.holdCommand(input, req, (thirdPartyId) => ({ type: 'BlockFollowUps', data: { thirdPartyId } }));
  }

  @Mutation(() => FollowUpHold, { description: 'Ends a pause or a block. Needs permission followUps.update.' })
  resumeFollowUps(@Args('input') input: FollowUpHoldInput, @Context('req') req: FastifyRequest): Promise<FollowUpHold> {
    return this.holdCommand(input, req, (thirdPartyId) => ({ type: 'ResumeFollowUps', data: { thirdPartyId } }));
  }

  private async stepCommand(
    input: FollowUpStepInput,
    req: FastifyRequest,
    command: (data: { followUpId: string; cycle: number; step: number }) => Parameters<FollowUpCommands['execute']>[0],
  ): Promise<FollowUpStepPayload> {
    const meta = this.contexts.create(req, input);
    const followUpId = followUpIdOf(input.followUpId);
    const current = await this.commands.state(followUpId);
    if (current.status === 'none' || !(await this.scopes.canSee(viewerOf(req), current.thirdPartyId))) throw new NotFound('follow-up', followUpId);
    const written = await this.commands.execute(command({ followUpId, cycle: input.cycle, step: input.step }), meta.context);
    if (written.state.status === 'none') throw new NotFound('follow-up', followUpId);
    return { reminder: reminderOf(written.state, input.step, this.clock.now()), position: (written.position ?? 0n).toString() };
  }

  private async holdCommand(
    input: FollowUpHoldInput,
    req: FastifyRequest,
    command: (thirdPartyId: string) => Parameters<FollowUpCommands['executeHold']>[0],
  ): Promise<FollowUpHold> {
    const meta = this.contexts.create(req, input);
    const thirdPartyId = entityId('thirdPartyId', input.thirdPartyId);
    if (!(await this.scopes.canSee(viewerOf(req), thirdPartyId))) throw new NotFound('third party', thirdPartyId);
    const written = await this.commands.executeHold(command(thirdPartyId), meta.context);
    return holdOf(thirdPartyId, written.state, written.position);
  }

  private async filterOf(input: FollowUpFilterInput | null, viewer: Viewer): Promise<FollowUpFilter> {
    return {
      kinds: input?.kinds ?? null,
      states: input?.states ?? null,
      ownerId: input?.ownerId ?? null,
      thirdPartyId: optionalEntityId('filter.thirdPartyId', input?.thirdPartyId),
      documentId: optionalEntityId('filter.documentId', input?.documentId),
      dueFrom: input?.dueFrom ?? null,
      dueBefore: input?.dueBefore ?? null,
      thirdPartyIds: await this.scopes.visibleIds(viewer),
    };
  }
}

/**
 * A document's history of reminders, read from the reminder queue: every sent
 * reminder appears in it, and those still to come with their state.
 */
@Resolver(() => CommercialDocument)
export class CommercialDocumentFollowUpsResolver {
  constructor(
    private readonly queue: FollowUpQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @ResolveField('followUps', () => [FollowUpReminder], {
    description:
      "The reminders of this quote or invoice, every cycle's, by due date: those sent (with messageId and sentAt), skipped, cancelled and still to come. Needs permission followUps.read.",
  })
  async followUps(@Parent() document: CommercialDocument, @Context('req') req: FastifyRequest): Promise<FollowUpReminder[]> {
    await this.consistency.await(req);
    // The parent was judged on the way in; this is a second line, as for a third party's documents.
    if (!(await this.scopes.canSee(viewerOf(req), document.thirdPartyId))) return [];
    return (await this.queue.ofDocument(document.id, this.clock.now())).map(toReminder);
  }
}
