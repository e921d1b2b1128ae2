import { describe, it } from '@jest/globals';
import { deciderSpec } from '../testing/decider-spec.js';
import { calendarFeedDecider, type CalendarFeedEvent } from './calendar-feed.js';

const { given } = deciderSpec(calendarFeedDecider);
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const issued = (secretHash: string): CalendarFeedEvent => ({ type: 'CalendarFeedIssued', data: { userId: 'user-1', secretHash, issuedAt: '2026-03-02T09:30:00.000Z' } });
const revoked: CalendarFeedEvent = { type: 'CalendarFeedRevoked', data: { userId: 'user-1', revokedAt: '2026-03-02T09:30:00.000Z' } };

describe('calendar feed decider', () => {
  it('issues a feed, replaces its secret when issued again, and ignores a repeat', () => {
    given([]).when({ type: 'IssueCalendarFeed', data: { userId: 'user-1', secretHash: HASH_A } }).then([issued(HASH_A)]);
    given([issued(HASH_A)]).when({ type: 'IssueCalendarFeed', data: { userId: 'user-1', secretHash: HASH_B } }).then([issued(HASH_B)]);
    given([issued(HASH_A)]).when({ type: 'IssueCalendarFeed', data: { userId: 'user-1', secretHash: HASH_A } }).thenNothing();
    given([]).when({ type: 'IssueCalendarFeed', data: { userId: 'user-1', secretHash: 'secret' } }).thenInvalid('secretHash');
  });

  it('revokes an issued feed once; there is nothing to revoke before one is issued', () => {
    given([issued(HASH_A)]).when({ type: 'RevokeCalendarFeed', data: { userId: 'user-1' } }).then([revoked]);
    given([issued(HASH_A), revoked]).when({ type: 'RevokeCalendarFeed', data: { userId: 'user-1' } }).thenNothing();
    given([]).when({ type: 'RevokeCalendarFeed', data: { userId: 'user-1' } }).thenNotFound('calendar feed', 'user-1');
  });
});
