import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '#domain';
import {
  ContactQueries,
  DirectoryQueries,
  ExchangeQueries,
  TimelineQueries,
  type TimelineAccess,
  type TimelineEntry as TimelineDoc,
  type TimelineListArgs,
} from '#projections';
import type { Viewer } from '#security';
import { viewerOf } from '../auth/request-identity.js';
import { SecurityJournal } from '../auth/security-journal.js';
import { Contact } from '../contact/contact.types.js';
import { toFieldChanges, user } from '../graphql/common.types.js';
import { ReadConsistency } from '../graphql/read-consistency.js';
import { AFTER_ARG, FIRST_ARG, pageSize, toConnection } from '../graphql/relay.js';
import { ExchangeVisibility, participantOf } from '../exchange/exchange-visibility.js';
import { optionalEntityId } from '../shared/input.js';
import { ThirdPartyScopes } from '../shared/third-party-scope.js';
import { ThirdParty } from '../third-party/third-party.types.js';
import { readableKinds } from './timeline-access.js';
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
  documentId: doc.documentId,
  position: doc.position,
});

/** One instant after, for an exclusive bound that keeps entries at `asOf` itself. */
const justAfter = (instant: string): string => new Date(Date.parse(instant) + 1).toISOString();

/**
 * Timelines of a third party or a contact, newest first. What a viewer may
 * not see is left out by the query itself, so pages and totalCount agree: a
 * third party out of scope (or a contact of one) has the empty timeline an
 * unknown id has; entries of a module the viewer may not read are left out;
 * and without exchanges.seeAll, so are the entries of exchanges the viewer
 * neither authored, made nor collaborates on.
 */
@Resolver(() => TimelineEntry)
export class TimelineResolver {
  constructor(
    private readonly timelineQueries: TimelineQueries,
    private readonly consistency: ReadConsistency,
    private readonly contacts: ContactQueries,
    private readonly exchanges: ExchangeQueries,
    private readonly scopes: ThirdPartyScopes,
    private readonly visibility: ExchangeVisibility,
    private readonly securityJournal: SecurityJournal,
    private readonly directory: DirectoryQueries,
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
    const size = pageSize(first);
    const viewer = viewerOf(req);
    await this.consistency.await(req);
    const owner = whose.thirdPartyId ?? (await this.contacts.get(whose.contactId!))?.thirdPartyId ?? null;
    if (owner !== null && (await this.visibility.outOfScope(viewer, owner))) {
      this.securityJournal.record({ reason: 'outOfScope', operation: 'Query.timeline', viewer, request: req });
    }
    return this.list(req, { ...whose, first: size, after, filter }, owner);
  }

  @ResolveField('confidentialComment', () => String, {
    nullable: true,
    description:
      "On an entry about an exchange: the exchange's confidential comment as it stands now, for the exchange's author and the members of the group it is shared with only. Null for everyone else, and on other entries.",
  })
  async confidentialComment(@Parent() entry: TimelineEntry, @Context('req') req: FastifyRequest): Promise<string | null> {
    if (entry.exchangeId === null) return null;
    await this.consistency.await(req);
    const exchange = await this.exchanges.get(entry.exchangeId);
    if (exchange === null) return null;
    const viewer = viewerOf(req);
    return viewer.readsConfidential(exchange) && (await this.visibility.sees(viewer, exchange)) ? exchange.confidentialComment : null;
  }

  /** `owner`: the third party whose timeline it is (or whose contact's); null when unknown. */
  async list(req: FastifyRequest, args: TimelineListArgs, owner: string | null): Promise<TimelineEntryConnection> {
    await this.consistency.await(req);
    const access = await this.accessTo(viewerOf(req), owner);
    // A survivor's timeline holds the entries of the third parties merged into it.
    const merged = args.thirdPartyId == null ? [] : await this.directory.mergedInto(args.thirdPartyId);
    return toConnection(await this.timelineQueries.list({ ...args, mergedThirdPartyIds: merged }, access), toEntry);
  }

  private async accessTo(viewer: Viewer, owner: string | null): Promise<TimelineAccess> {
    const inScope = owner === null ? !viewer.scoped : await this.scopes.canSee(viewer, owner);
    const kinds = readableKinds(viewer);
    const participant = participantOf(viewer);
    let exchangeIds: string[] | null = null;
    if (participant !== null && viewer.can('exchanges.read')) {
      exchangeIds = owner === null ? [] : await this.exchanges.participantExchangeIds(owner, participant);
    }
    return { kinds, thirdPartyIds: inScope ? null : [], exchangeIds };
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
    return this.timelines.list(req, { thirdPartyId: thirdParty.id, first: size, after, filter: bounded }, thirdParty.id);
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
    return this.timelines.list(req, { contactId: contact.id, first: pageSize(first), after, filter }, contact.thirdPartyId);
  }
}
