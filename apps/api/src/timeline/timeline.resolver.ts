import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '#domain';
import { TimelineQueries, type TimelineEntry as TimelineDoc, type TimelineListArgs } from '#projections';
import { Contact } from '../contact/contact.types.js';
import { toFieldChanges, user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { optionalEntityId } from '../shared/input.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { TimelineEntry, TimelineEntryConnection, TimelineFilter } from './timeline.types.js';

const FILTER = { type: () => TimelineFilter, nullable: true } as const;

const toEntry = (doc: TimelineDoc): TimelineEntry => ({
  id: doc.id,
  occurredAt: doc.occurredAt,
  kind: doc.kind,
  summary: doc.summary,
  actor: user(doc.actorId),
  changes: toFieldChanges(doc.changes),
  thirdPartyId: doc.thirdPartyId,
  contactIds: [...doc.contactIds],
  exchangeId: doc.exchangeId,
  contactId: doc.contactId,
  noteId: doc.noteId,
  position: doc.position,
});

/** One instant after, for an exclusive bound that keeps entries at `asOf` itself. */
const justAfter = (instant: string): string => new Date(Date.parse(instant) + 1).toISOString();

/** Timelines of a third party or a contact, newest first: as a query and as fields of ThirdParty and Contact. */
@Resolver(() => TimelineEntry)
export class TimelineResolver {
  constructor(
    private readonly timelineQueries: TimelineQueries,
    private readonly consistency: ReadConsistency,
  ) {}

  @Query(() => TimelineEntryConnection, {
    description: 'The timeline of a third party (thirdPartyId) or of one contact (contactId) — exactly one of them — newest first.',
  })
  async timeline(
    @Args('thirdPartyId', { type: () => ID, nullable: true }) thirdPartyId: string | null,
    @Args('contactId', { type: () => ID, nullable: true }) contactId: string | null,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', FILTER) filter: TimelineFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<TimelineEntryConnection> {
    const whose = {
      thirdPartyId: optionalEntityId('thirdPartyId', thirdPartyId),
      contactId: optionalEntityId('contactId', contactId),
    };
    if ((whose.thirdPartyId === null) === (whose.contactId === null)) {
      throw new InvalidInput(whose.thirdPartyId === null ? 'thirdPartyId' : 'contactId', 'give exactly one of thirdPartyId and contactId');
    }
    return this.list(req, { ...whose, first: pageSize(first), after, filter });
  }

  async list(req: FastifyRequest, args: TimelineListArgs): Promise<TimelineEntryConnection> {
    await this.consistency.await(req);
    return toConnection(await this.timelineQueries.list(args), toEntry);
  }
}

@Resolver(() => ThirdParty)
export class ThirdPartyTimelineResolver {
  constructor(private readonly timelines: TimelineResolver) {}

  @ResolveField('timeline', () => TimelineEntryConnection, {
    description: "The third party's timeline, newest first. In an as-of view it stops at asOf.",
  })
  timeline(
    @Parent() thirdParty: ThirdParty,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', FILTER) filter: TimelineFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<TimelineEntryConnection> {
    const size = pageSize(first);
    let bounded = filter;
    if (thirdParty.asOf !== undefined) {
      const limit = justAfter(thirdParty.asOf);
      bounded = { ...filter, to: filter?.to && filter.to < limit ? filter.to : limit };
    }
    return this.timelines.list(req, { thirdPartyId: thirdParty.id, first: size, after, filter: bounded });
  }
}

@Resolver(() => Contact)
export class ContactTimelineResolver {
  constructor(private readonly timelines: TimelineResolver) {}

  @ResolveField('timeline', () => TimelineEntryConnection, {
    description: 'The entries about this contact (contact changes, exchanges they took part in, notes about them), newest first.',
  })
  timeline(
    @Parent() contact: Contact,
    @Args('first', FIRST_ARG) first: number | null,
    @Args('after', AFTER_ARG) after: string | null,
    @Args('filter', FILTER) filter: TimelineFilter | null,
    @Context('req') req: FastifyRequest,
  ): Promise<TimelineEntryConnection> {
    return this.timelines.list(req, { contactId: contact.id, first: pageSize(first), after, filter });
  }
}
