import { InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider, Message } from '../shared/event.js';

/**
 * A user's calendar feed: a secret URL calendar apps subscribe to, which must
 * work without headers. Only a hash of the secret is recorded (computed at the
 * edge: the domain draws no random number and hashes nothing); issuing again
 * replaces the secret, so a leaked URL is stopped by issuing a new one.
 */
export type CalendarFeedIssued = Message<'CalendarFeedIssued', { readonly userId: string; readonly secretHash: string; readonly issuedAt: string }>;
export type CalendarFeedRevoked = Message<'CalendarFeedRevoked', { readonly userId: string; readonly revokedAt: string }>;
export type CalendarFeedEvent = CalendarFeedIssued | CalendarFeedRevoked;

export type IssueCalendarFeed = Message<'IssueCalendarFeed', { readonly userId: string; readonly secretHash: string }>;
export type RevokeCalendarFeed = Message<'RevokeCalendarFeed', { readonly userId: string }>;
export type CalendarFeedCommand = IssueCalendarFeed | RevokeCalendarFeed;

export type CalendarFeedState =
  | { readonly status: 'none' }
  | { readonly status: 'active'; readonly userId: string; readonly secretHash: string; readonly issuedAt: string }
  | { readonly status: 'revoked'; readonly userId: string };

const SHA256_HEX = /^[0-9a-f]{64}$/;

const evolve = (state: CalendarFeedState, event: CalendarFeedEvent): CalendarFeedState => {
  switch (event.type) {
    case 'CalendarFeedIssued':
      return { status: 'active', userId: event.data.userId, secretHash: event.data.secretHash, issuedAt: event.data.issuedAt };
    case 'CalendarFeedRevoked':
      return { status: 'revoked', userId: event.data.userId };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const decide = (command: CalendarFeedCommand, state: CalendarFeedState, context: CommandContext): CalendarFeedEvent[] => {
  switch (command.type) {
    case 'IssueCalendarFeed': {
      const { userId, secretHash } = command.data;
      // A wiring bug, not user input: the API computes the hash.
      if (!SHA256_HEX.test(secretHash)) throw new InvalidInput('secretHash', 'must be a SHA-256 in hex');
      if (state.status === 'active' && state.secretHash === secretHash) return [];
      return [{ type: 'CalendarFeedIssued', data: { userId, secretHash, issuedAt: context.now.toISOString() } }];
    }
    case 'RevokeCalendarFeed': {
      const { userId } = command.data;
      if (state.status === 'none') throw new NotFound('calendar feed', userId);
      if (state.status === 'revoked') return [];
      return [{ type: 'CalendarFeedRevoked', data: { userId, revokedAt: context.now.toISOString() } }];
    }
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const calendarFeedDecider: Decider<CalendarFeedState, CalendarFeedCommand, CalendarFeedEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};

