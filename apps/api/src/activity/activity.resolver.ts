import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { ActivityQueries, DirectoryQueries, UNRESTRICTED_ACTIVITIES, type ActivityAccess, type ActivityListFilter } from '#projections';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId, entityIds, notNull, optionalEntityId, sentFields } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { ChangeActivityCommand, ScheduleActivityCommand, UpdateActivityCommand } from './activity.handlers.js';
import { activityFromEntry } from './activity.mapper.js';
import {
  Activity,
  ActivityConnection,
  ActivityFilter,
  ActivityIdInput,
  ActivityPayload,
  CancelActivityInput,
  ScheduleActivityInput,
  ThirdPartyActivityFilter,
  UpdateActivityInput,
} from './activity.types.js';
import type { ActivityWritten } from './activity.write.js';

const payload = (result: ActivityWritten | null): ActivityPayload => {
  if (result === null) throw new Error('a scheduled activity was expected');
  return { activity: result.activity, position: result.position.toString() };
};

/** As for commercial documents: the activities of the third parties in the viewer's scope. */
async function activityAccess(scopes: ThirdPartyScopes, viewer: Viewer, thirdPartyId: string | null): Promise<ActivityAccess> {
  const visible = await scopes.visibleIds(viewer);
  if (visible === null) return UNRESTRICTED_ACTIVITIES;
  return { thirdPartyIds: thirdPartyId === null ? [...visible] : visible.has(thirdPartyId) ? [thirdPartyId] : [] };
}

const listFilter = (filter: ThirdPartyActivityFilter | null, thirdPartyId: string | null): ActivityListFilter => ({
  thirdPartyId,
  assigneeId: optionalEntityId('filter.assigneeId', filter?.assigneeId),
  kind: filter?.kind ?? null,
  from: filter?.from ?? null,
  to: filter?.to ?? null,
  done: filter?.done ?? null,
  includeCancelled: filter?.includeCancelled ?? null,
});

/**
 * Agenda items are follow-up work: they are guarded by the followUps.*
 * permissions (see operation-rules.ts), and scoped like exchanges, by their
 * third party.
 */
@Resolver(() => Activity)
export class ActivityResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly queries: ActivityQueries,
    private readonly directory: DirectoryQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
    private readonly securityJournal: SecurityJournal,
  ) {}

  @Mutation(() => ActivityPayload, {
    description: 'Schedules a task (dueAt) or a call or meeting (startAt, endAt) about one third party, for an assignee (the author by default), with reminders.',
  })
  async scheduleActivity(@Args('input') input: ScheduleActivityInput, @Context('req') req: FastifyRequest): Promise<ActivityPayload> {
    const meta = this.contexts.create(req, input);
    const command = new ScheduleActivityCommand(
      {
        thirdPartyId: optionalEntityId('thirdPartyId', input.thirdPartyId),
        contactIds: entityIds('contactIds', input.contactIds),
        kind: input.kind,
        title: input.title,
        description: input.description ?? null,
        assigneeId: optionalEntityId('assigneeId', input.assigneeId),
        dueAt: input.dueAt ?? null,
        startAt: input.startAt ?? null,
        endAt: input.endAt ?? null,
        reminders: input.reminders ?? [],
      },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => ActivityPayload, { description: 'Changes an activity (moving it moves its reminders); the event records each change old → new.' })
  async updateActivity(@Args('input') input: UpdateActivityInput, @Context('req') req: FastifyRequest): Promise<ActivityPayload> {
    const meta = this.contexts.create(req, input);
    const activityId = entityId('activityId', input.activityId);
    const contactIds = notNull('contactIds', input.contactIds);
    const assigneeId = notNull('assigneeId', input.assigneeId);
    const required = { kind: notNull('kind', input.kind), title: notNull('title', input.title), reminders: notNull('reminders', input.reminders) };
    const command = new UpdateActivityCommand(
      {
        activityId,
        ...(contactIds === undefined ? {} : { contactIds: entityIds('contactIds', contactIds) }),
        ...(assigneeId === undefined ? {} : { assigneeId: entityId('assigneeId', assigneeId) }),
        ...sentFields(required, ['kind', 'title', 'reminders'] as const),
        ...sentFields(input, ['description', 'dueAt', 'startAt', 'endAt'] as const),
        // sentFields leaves out nulls; a time sent as null clears it (a meeting turned into a task).
        ...Object.fromEntries((['description', 'dueAt', 'startAt', 'endAt'] as const).filter((key) => input[key] === null).map((key) => [key, null])),
      },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => ActivityPayload, { description: 'Marks an activity done now; done again changes nothing. No reminder is sent for a done activity.' })
  async completeActivity(@Args('input') input: ActivityIdInput, @Context('req') req: FastifyRequest): Promise<ActivityPayload> {
    const meta = this.contexts.create(req, input);
    const activityId = entityId('activityId', input.activityId);
    return payload(await this.commandBus.execute(new ChangeActivityCommand({ type: 'CompleteActivity', data: { activityId } }, meta)));
  }

  @Mutation(() => ActivityPayload, { description: 'Marks a done activity as not done; its reminders still ahead are sent again.' })
  async reopenActivity(@Args('input') input: ActivityIdInput, @Context('req') req: FastifyRequest): Promise<ActivityPayload> {
    const meta = this.contexts.create(req, input);
    const activityId = entityId('activityId', input.activityId);
    return payload(await this.commandBus.execute(new ChangeActivityCommand({ type: 'ReopenActivity', data: { activityId } }, meta)));
  }

  @Mutation(() => ActivityPayload, { description: 'Cancels an activity for good: it leaves the agenda and the calendar feeds, and no reminder is sent.' })
  async cancelActivity(@Args('input') input: CancelActivityInput, @Context('req') req: FastifyRequest): Promise<ActivityPayload> {
    const meta = this.contexts.create(req, input);
    const activityId = entityId('activityId', input.activityId);
    const command = new ChangeActivityCommand({ type: 'CancelActivity', data: { activityId, reason: input.reason ?? null } }, meta);
    return payload(await this.commandBus.execute(command));
  }

  @Query(() => Activity, { nullable: true, description: "An activity by id, or null when there is none or its third party is out of the viewer's scope." })
  async activity(@Args('id', { type: () => ID }) id: string, @Context('req') req: FastifyRequest): Promise<Activity | null> {
    const activityId = entityId('id', id);
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const entry = await this.queries.get(activityId);
    if (entry === null) return null;
    if (await this.scopes.canSee(viewer, entry.thirdPartyId)) return activityFromEntry(entry);
    if (await this.outOfScope(viewer, entry.thirdPartyId)) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.activity', viewer, request: req });
    }
    return null;
  }

  @Query(() => ActivityConnection, { description: "The activities of the third parties in the viewer's scope, soonest first (dueAt or startAt)." })
  async activities(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => ActivityFilter, nullable: true }) filter: ActivityFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ActivityConnection> {
    const size = pageSize(first);
    const thirdPartyId = optionalEntityId('filter.thirdPartyId', filter?.thirdPartyId);
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const access = await activityAccess(this.scopes, viewer, thirdPartyId);
    if (thirdPartyId !== null && (await this.outOfScope(viewer, thirdPartyId))) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.activities', viewer, request: req });
    }
    const page = await this.queries.list({ first: size, after: after ?? null, filter: listFilter(filter, thirdPartyId) }, access);
    return toConnection(page, activityFromEntry);
  }

  private async outOfScope(viewer: Viewer, thirdPartyId: string): Promise<boolean> {
    if (!viewer.scoped) return false;
    const entry = await this.directory.get(thirdPartyId);
    return entry !== null && !viewer.sees(entry);
  }
}

@Resolver(() => ThirdParty)
export class ThirdPartyActivitiesResolver {
  constructor(
    private readonly queries: ActivityQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly consistency: ReadConsistency,
  ) {}

  @ResolveField('activities', () => ActivityConnection, { description: "The third party's tasks, calls and meetings, soonest first." })
  async activitiesOf(
    @Parent() thirdParty: ThirdParty,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => ThirdPartyActivityFilter, nullable: true }) filter: ThirdPartyActivityFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ActivityConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const access = await activityAccess(this.scopes, viewerOf(req), thirdParty.id);
    const page = await this.queries.list({ first: size, after: after ?? null, filter: listFilter(filter, thirdParty.id) }, access);
    return toConnection(page, activityFromEntry);
  }
}
