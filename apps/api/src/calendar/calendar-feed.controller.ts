import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { calendarFeedDecider, streams } from '#domain';
import type { Clock } from '#platform';
import { ActivityQueries, DirectoryQueries, UNRESTRICTED_ACTIVITIES, UserQueries, type ActivityEntry } from '#projections';
import { withinScope } from '#security';
import { CLOCK } from '../infrastructure/tokens.js';
import { Aggregates } from '../shared/aggregates.js';
import { feedSecretHash, parseFeedFile, sameHash } from './calendar-feed.secret.js';
import { renderCalendar } from './icalendar.js';

/** How far back a feed reaches: last month's items stay visible; older ones drop out. */
const PAST_DAYS = 30;
const PAGE = 100;
const MAX_ITEMS = 1_000;
const DAY = 86_400_000;

/**
 * GET /calendar/<userId>.<secret>.ics: a user's activities for calendar apps,
 * which cannot send a bearer token, so the route is open and the secret in the
 * URL is the credential. Anything but the user's current secret of an enabled
 * account — a revoked or replaced one, an unknown user, a malformed name — is
 * the same bare 404. The feed is read from the feed's stream, not a read
 * model, so a revocation stops it at once.
 */
@Controller('calendar')
export class CalendarFeedController {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly activities: ActivityQueries,
    private readonly users: UserQueries,
    private readonly directory: DirectoryQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':file')
  async feed(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const named = parseFeedFile(file);
    if (named === null) return notFound(reply);
    const { state } = await this.aggregates.fold(calendarFeedDecider, streams.calendarFeed(named.userId));
    if (state.status !== 'active' || !sameHash(state.secretHash, feedSecretHash(named.secret))) return notFound(reply);
    const user = await this.users.get(named.userId);
    if (user === null || user.disabled) return notFound(reply);
    const now = this.clock.now();
    const entries = await this.entriesOf(user.id, user.scope ?? null, now);
    const body = renderCalendar(`Suivi: ${user.displayName}`, entries, now);
    await reply
      .code(200)
      .header('content-type', 'text/calendar; charset=utf-8')
      // The body is the user's agenda: no shared cache may keep it.
      .header('cache-control', 'private, no-store')
      .header('referrer-policy', 'no-referrer')
      .send(body);
  }

  /** The user's activities from a month ago on, within the user's own scope as it is now. */
  private async entriesOf(userId: string, scope: Parameters<typeof withinScope>[0], now: Date): Promise<ActivityEntry[]> {
    const entries: ActivityEntry[] = [];
    const verdicts = new Map<string, boolean>();
    const from = new Date(now.getTime() - PAST_DAYS * DAY).toISOString();
    let after: string | null = null;
    do {
      const page = await this.activities.list({ first: PAGE, after, filter: { assigneeId: userId, from } }, UNRESTRICTED_ACTIVITIES);
      for (const { doc } of page.items) {
        let seen = verdicts.get(doc.thirdPartyId);
        if (seen === undefined) {
          const client = await this.directory.get(doc.thirdPartyId);
          seen = client !== null && withinScope(scope, userId, client);
          verdicts.set(doc.thirdPartyId, seen);
        }
        if (seen) entries.push(doc);
      }
      after = page.hasNextPage && entries.length < MAX_ITEMS ? page.endCursor : null;
    } while (after !== null);
    return entries.slice(0, MAX_ITEMS);
  }
}

async function notFound(reply: FastifyReply): Promise<void> {
  await reply.code(404).header('cache-control', 'no-store').send('');
}
