import { Context, Field, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { calendarFeedDecider, streams } from '#domain';
import { DateTimeScalar } from '../graphql/scalars.js';
import { Aggregates } from '../shared/aggregates.js';
import { CommandContextFactory } from '../shared/command-context.js';
import { feedPath, feedSecretHash, newFeedSecret } from './calendar-feed.secret.js';

@ObjectType({ description: "The caller's calendar feed, as issued: its URL is shown once and cannot be read again." })
export class IssuedCalendarFeed {
  @Field({
    description:
      'The path of the feed on this server (/calendar/<user>.<secret>.ics): prefix it with the API\'s public address and subscribe to it in a calendar app. Anyone with the URL reads the agenda: treat it as a password.',
  })
  path!: string;

  @Field(() => DateTimeScalar)
  issuedAt!: string;

  @Field({ description: 'Global log position of this write.' })
  position!: string;
}

@ObjectType()
export class RevokedCalendarFeed {
  @Field()
  revoked!: boolean;

  @Field({ description: 'Global log position of this write.' })
  position!: string;
}

/** Each user issues and revokes their own feed: the mutations take no user id. */
@Resolver()
export class CalendarFeedResolver {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Mutation(() => IssuedCalendarFeed, {
    description: "Issues the caller's calendar feed (their activities as iCalendar), replacing any previous URL, which stops working at once.",
  })
  async issueCalendarFeed(@Context('req') req: FastifyRequest): Promise<IssuedCalendarFeed> {
    const meta = this.contexts.create(req, {});
    const userId = meta.context.actorId;
    const secret = newFeedSecret();
    const written = await this.aggregates.execute(
      calendarFeedDecider,
      streams.calendarFeed(userId),
      { type: 'IssueCalendarFeed', data: { userId, secretHash: feedSecretHash(secret) } },
      meta,
    );
    const issuedAt = written.state.status === 'active' ? written.state.issuedAt : meta.context.now.toISOString();
    return { path: feedPath(userId, secret), issuedAt, position: written.position.toString() };
  }

  @Mutation(() => RevokedCalendarFeed, { description: "Revokes the caller's calendar feed: its URL answers 404 from now on. NOT_FOUND when none was issued." })
  async revokeCalendarFeed(@Context('req') req: FastifyRequest): Promise<RevokedCalendarFeed> {
    const meta = this.contexts.create(req, {});
    const userId = meta.context.actorId;
    const written = await this.aggregates.execute(calendarFeedDecider, streams.calendarFeed(userId), { type: 'RevokeCalendarFeed', data: { userId } }, meta);
    return { revoked: true, position: written.position.toString() };
  }
}
