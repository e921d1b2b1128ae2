import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { ContactQueries, DirectoryQueries, ExchangeQueries } from '#projections';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { contactFromEntry } from '../contact/contact.mapper.js';
import { Contact } from '../contact/contact.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { entityId, entityIds, notNull, optionalEntityId, sentFields } from '../shared/input.js';
import { thirdPartyFromDirectory } from '../third-party/third-party.mapper.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { ChangeExchangeStatusCommand } from './change-exchange-status.handler.js';
import { DeleteExchangeCommand } from './delete-exchange.handler.js';
import { ExchangeVisibility } from './exchange-visibility.js';
import { exchangeFromEntry } from './exchange.mapper.js';
import {
  ChangeExchangeStatusInput,
  ChangeExchangeStatusPayload,
  DeleteExchangeInput,
  DeleteExchangePayload,
  Exchange,
  ExchangeConnection,
  ExchangeFilter,
  LogExchangeInput,
  LogExchangePayload,
  UpdateExchangeInput,
  UpdateExchangePayload,
} from './exchange.types.js';
import type { ExchangeWritten } from './exchange.write.js';
import { LogExchangeCommand } from './log-exchange.handler.js';
import { followUpActivityId, ScheduleActivityCommand, type ScheduleActivityFields } from '../activity/activity.handlers.js';
import type { ActivityWritten } from '../activity/activity.write.js';
import type { FollowUpActivityInput } from '../activity/activity.types.js';
import type { CommandMeta } from '../shared/command-context.js';
import { InvalidInput } from '#domain';
import { WrongExpectedRevision } from '#event-store';
import { UpdateExchangeCommand } from './update-exchange.handler.js';

const payload = (result: ExchangeWritten) => ({ exchange: result.exchange, position: result.position.toString() });

/** The follow-up of logExchange: about the exchange's third party, its contacts unless others are named. */
const followUpFields = (input: FollowUpActivityInput, thirdPartyId: string | null, exchangeContactIds: readonly string[]): ScheduleActivityFields => ({
  thirdPartyId,
  contactIds: input.contactIds === null || input.contactIds === undefined ? exchangeContactIds : entityIds('followUpActivity.contactIds', input.contactIds),
  kind: input.kind,
  title: input.title,
  description: input.description ?? null,
  assigneeId: optionalEntityId('followUpActivity.assigneeId', input.assigneeId),
  dueAt: input.dueAt ?? null,
  startAt: input.startAt ?? null,
  endAt: input.endAt ?? null,
  reminders: input.reminders ?? [],
});

/** Input errors of the follow-up name its fields under followUpActivity; the third party is the exchange's own. */
async function inFollowUp<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof InvalidInput) || error.field === 'thirdPartyId' || error.field.startsWith('followUpActivity.')) throw error;
    throw new InvalidInput(`followUpActivity.${error.field}`, error.message.slice(error.field.length + 2));
  }
}


@Resolver(() => Exchange)
export class ExchangeResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
    private readonly exchangeQueries: ExchangeQueries,
    private readonly contacts: ContactQueries,
    private readonly directory: DirectoryQueries,
    private readonly consistency: ReadConsistency,
    private readonly visibility: ExchangeVisibility,
    private readonly securityJournal: SecurityJournal,
  ) {}

  @Mutation(() => LogExchangePayload, {
    description:
      'Records an exchange with one third party and some of its contacts. A missing or unknown third party, a contact of another third party, or a mode or subject outside the catalogue is refused and nothing is written.',
  })
  async logExchange(@Args('input') input: LogExchangeInput, @Context('req') req: FastifyRequest): Promise<LogExchangePayload> {
    const meta = this.contexts.create(req, input);
    const command = new LogExchangeCommand(
      {
        thirdPartyId: optionalEntityId('thirdPartyId', input.thirdPartyId),
        contactIds: entityIds('contactIds', input.contactIds),
        occurredAt: input.occurredAt ?? null,
        mode: input.mode,
        subject: input.subject,
        comment: input.comment ?? null,
        status: input.status ?? null,
        confidentialComment: input.confidentialComment ?? null,
        confidentialGroupId: input.confidentialGroupId ?? null,
        ...(input.collaboratorIds ? { collaboratorIds: input.collaboratorIds } : {}),
        ...(input.notifyCollaborators === null || input.notifyCollaborators === undefined
          ? {}
          : { notifyCollaborators: input.notifyCollaborators }),
        linkedDocument: input.linkedDocument ? { ...input.linkedDocument } : null,
        contactedBy: input.contactedBy ?? null,
      },
      meta,
    );
    const followUp = input.followUpActivity ? followUpFields(input.followUpActivity, command.input.thirdPartyId, command.input.contactIds) : null;
    // Two streams, two appends: no transaction spans them. The follow-up is
    // judged first, so bad input writes nothing; once the exchange is written
    // the follow-up is scheduled under an id derived from the exchange's, so a
    // retry (here, or the client's with the same idempotency key) schedules it once.
    if (followUp !== null) await inFollowUp(() => this.commandBus.execute(new ScheduleActivityCommand(followUp, meta, followUpActivityId('check'), true)));
    const written: ExchangeWritten = await this.commandBus.execute(command);
    if (followUp === null) return payload(written);
    const activity = await this.scheduleFollowUp(followUp, meta, followUpActivityId(written.exchange.id));
    return { exchange: written.exchange, position: activity.position.toString(), followUpActivity: activity.activity };
  }

  private async scheduleFollowUp(fields: ScheduleActivityFields, meta: CommandMeta, activityId: string): Promise<ActivityWritten> {
    const attempt = async (): Promise<ActivityWritten> => {
      const written: ActivityWritten | null = await this.commandBus.execute(new ScheduleActivityCommand(fields, meta, activityId));
      if (written === null) throw new Error('the follow-up activity was not written');
      return written;
    };
    try {
      return await inFollowUp(attempt);
    } catch (error) {
      // A concurrent retry of the same request wrote it first: deciding again finds it and changes nothing.
      if (error instanceof WrongExpectedRevision) return inFollowUp(attempt);
      throw error;
    }
  }

  @Mutation(() => UpdateExchangePayload, { description: 'Changes an exchange; the event records each change old → new.' })
  async updateExchange(@Args('input') input: UpdateExchangeInput, @Context('req') req: FastifyRequest): Promise<UpdateExchangePayload> {
    const meta = this.contexts.create(req, input);
    const exchangeId = entityId('exchangeId', input.exchangeId);
    const contactIds = notNull('contactIds', input.contactIds);
    const required = {
      occurredAt: notNull('occurredAt', input.occurredAt),
      mode: notNull('mode', input.mode),
      subject: notNull('subject', input.subject),
      collaboratorIds: notNull('collaboratorIds', input.collaboratorIds),
      notifyCollaborators: notNull('notifyCollaborators', input.notifyCollaborators),
      contactedBy: notNull('contactedBy', input.contactedBy),
    };
    const command = new UpdateExchangeCommand(
      {
        exchangeId,
        ...(contactIds === undefined ? {} : { contactIds: entityIds('contactIds', contactIds) }),
        ...sentFields(required, ['occurredAt', 'mode', 'subject', 'collaboratorIds', 'notifyCollaborators', 'contactedBy'] as const),
        ...sentFields(input, ['comment', 'confidentialComment', 'confidentialGroupId'] as const),
        ...(input.linkedDocument === undefined ? {} : { linkedDocument: input.linkedDocument ? { ...input.linkedDocument } : null }),
      },
      meta,
    );
    return payload(await this.commandBus.execute(command));
  }

  @Mutation(() => ChangeExchangeStatusPayload, { description: 'Moves an exchange between TO_DO, IN_PROGRESS and CLOSED.' })
  async changeExchangeStatus(
    @Args('input') input: ChangeExchangeStatusInput,
    @Context('req') req: FastifyRequest,
  ): Promise<ChangeExchangeStatusPayload> {
    const meta = this.contexts.create(req, input);
    const exchangeId = entityId('exchangeId', input.exchangeId);
    return payload(await this.commandBus.execute(new ChangeExchangeStatusCommand({ exchangeId, status: input.status }, meta)));
  }

  @Mutation(() => DeleteExchangePayload, {
    description: 'Deletes an exchange: it leaves the lists, and the timeline and the audit journal keep the deletion.',
  })
  async deleteExchange(@Args('input') input: DeleteExchangeInput, @Context('req') req: FastifyRequest): Promise<DeleteExchangePayload> {
    const meta = this.contexts.create(req, input);
    const exchangeId = entityId('exchangeId', input.exchangeId);
    return payload(await this.commandBus.execute(new DeleteExchangeCommand({ exchangeId, reason: input.reason ?? null }, meta)));
  }

  @Query(() => Exchange, {
    nullable: true,
    description: 'An exchange by id (deleted ones included, flagged), or null when there is none or the viewer may not see it.',
  })
  async exchange(@Args('id', { type: () => ID }) id: string, @Context('req') req: FastifyRequest): Promise<Exchange | null> {
    const exchangeId = entityId('id', id);
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const entry = await this.exchangeQueries.get(exchangeId);
    if (entry === null) return null;
    if (await this.visibility.sees(viewer, entry)) return exchangeFromEntry(entry);
    if (await this.visibility.outOfScope(viewer, entry.thirdPartyId)) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.exchange', viewer, request: req });
    }
    return null;
  }

  @Query(() => ExchangeConnection, {
    description:
      'Every exchange the viewer may see ("Tous les échanges"), newest first: those of the third parties in their scope and, without the permission exchanges.seeAll, only those they authored, made or collaborate on.',
  })
  async exchanges(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', { type: () => ExchangeFilter, nullable: true }) filter: ExchangeFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ExchangeConnection> {
    const size = pageSize(first);
    const criteria = {
      ...filter,
      thirdPartyId: optionalEntityId('filter.thirdPartyId', filter?.thirdPartyId),
      contactId: optionalEntityId('filter.contactId', filter?.contactId),
    };
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const access = await this.visibility.access(viewer, criteria.thirdPartyId);
    if (await this.namesOutOfScope(viewer, criteria)) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.exchanges', viewer, request: req });
    }
    return toConnection(await this.exchangeQueries.list({ first: size, after: after ?? null, filter: criteria }, access), exchangeFromEntry);
  }

  @Query(() => ExchangeConnection, {
    description: 'Home page widget: the latest exchanges the viewer may see (as in exchanges), across third parties, newest first.',
  })
  async latestExchanges(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ExchangeConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const access = await this.visibility.access(viewerOf(req));
    return toConnection(await this.exchangeQueries.latest({ first: size, after: after ?? null }, access), exchangeFromEntry);
  }

  @Query(() => ExchangeConnection, {
    description:
      'Home page widget: the exchanges the viewer may see (as in exchanges) still TO_DO or IN_PROGRESS, oldest date first so the overdue ones lead.',
  })
  async upcomingContacts(
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Context('req') req: FastifyRequest,
  ): Promise<ExchangeConnection> {
    const size = pageSize(first);
    await this.consistency.await(req);
    const access = await this.visibility.access(viewerOf(req));
    return toConnection(await this.exchangeQueries.upcoming({ first: size, after: after ?? null }, access), exchangeFromEntry);
  }

  @ResolveField('confidentialComment', () => String, {
    nullable: true,
    description:
      "The confidential comment's text: only for the author of the exchange and the members of the group it is shared with; null for everyone else, and when there is none.",
  })
  confidentialComment(@Parent() exchange: Exchange, @Context('req') req: FastifyRequest): string | null {
    const holder = { authorId: exchange.author.id, confidentialGroupId: exchange.confidentialGroupId };
    return viewerOf(req).readsConfidential(holder) ? exchange.confidentialText : null;
  }

  @ResolveField('thirdParty', () => ThirdParty, { nullable: true })
  async thirdParty(@Parent() exchange: Exchange, @Context('req') req: FastifyRequest): Promise<ThirdParty | null> {
    await this.consistency.await(req);
    const entry = await this.directory.get(exchange.thirdPartyId);
    return entry && viewerOf(req).sees(entry) ? thirdPartyFromDirectory(entry) : null;
  }

  @ResolveField('contacts', () => [Contact], { description: 'The contacts who took part, in the order recorded.' })
  async contactsOf(@Parent() exchange: Exchange, @Context('req') req: FastifyRequest): Promise<Contact[]> {
    await this.consistency.await(req);
    // Exchanges reach a viewer only through paths that judged scope; this is a second line, so a
    // third party the directory has not applied yet (a mutation's payload) is not mistaken for out of scope.
    const thirdParty = await this.directory.get(exchange.thirdPartyId);
    if (thirdParty !== null && !viewerOf(req).sees(thirdParty)) return [];
    const entries = await Promise.all(exchange.contactIds.map((id) => this.contacts.get(id)));
    return entries.flatMap((entry) => (entry ? [contactFromEntry(entry)] : []));
  }

  /** Whether a filter names a third party, or a contact of one, that exists out of the viewer's scope. */
  private async namesOutOfScope(viewer: Viewer, filter: { thirdPartyId: string | null; contactId: string | null }): Promise<boolean> {
    if (!viewer.scoped) return false;
    if (filter.thirdPartyId !== null && (await this.visibility.outOfScope(viewer, filter.thirdPartyId))) return true;
    if (filter.contactId === null) return false;
    const contact = await this.contacts.get(filter.contactId);
    return contact !== null && (await this.visibility.outOfScope(viewer, contact.thirdPartyId));
  }
}
