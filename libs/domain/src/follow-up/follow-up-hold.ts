import { InvalidInput } from '../shared/errors.js';
import type { CommandContext, Decider, Message } from '../shared/event.js';
import { isoInstant } from '../shared/validation.js';

/*
 * Whether the follow-ups may mail a third party at all (streams.followUpHold):
 * paused until a date, blocked until resumed. Kept apart from the third party's
 * stream, which holds personal data, so that these id-only events stay in clear.
 */

export type FollowUpsPaused = Message<'FollowUpsPaused', { readonly thirdPartyId: string; readonly until: string; readonly at: string; readonly by: string }>;
export type FollowUpsBlocked = Message<'FollowUpsBlocked', { readonly thirdPartyId: string; readonly at: string; readonly by: string }>;
export type FollowUpsResumed = Message<'FollowUpsResumed', { readonly thirdPartyId: string; readonly at: string; readonly by: string }>;
export type FollowUpHoldEvent = FollowUpsPaused | FollowUpsBlocked | FollowUpsResumed;
export const followUpHoldEventTypes: readonly FollowUpHoldEvent['type'][] = ['FollowUpsPaused', 'FollowUpsBlocked', 'FollowUpsResumed'];

export type PauseFollowUps = Message<'PauseFollowUps', { readonly thirdPartyId: string; readonly until: string }>;
export type BlockFollowUps = Message<'BlockFollowUps', { readonly thirdPartyId: string }>;
export type ResumeFollowUps = Message<'ResumeFollowUps', { readonly thirdPartyId: string }>;
export type FollowUpHoldCommand = PauseFollowUps | BlockFollowUps | ResumeFollowUps;

export type FollowUpHoldState =
  | { readonly status: 'none' }
  | { readonly status: 'paused'; readonly until: string }
  | { readonly status: 'blocked' };

/**
 * What a due step does about a hold: send, wait (paused: the step stays due and
 * goes out once the pause ends), or skip (blocked: reason HOLD).
 */
export const holdVerdict = (hold: FollowUpHoldState, now: Date): 'send' | 'wait' | 'skip' => {
  switch (hold.status) {
    case 'none':
      return 'send';
    case 'paused':
      return Date.parse(hold.until) > now.getTime() ? 'wait' : 'send';
    case 'blocked':
      return 'skip';
    default: {
      const unreachable: never = hold;
      return unreachable;
    }
  }
};

const evolve = (_state: FollowUpHoldState, event: FollowUpHoldEvent): FollowUpHoldState => {
  switch (event.type) {
    case 'FollowUpsPaused':
      return { status: 'paused', until: event.data.until };
    case 'FollowUpsBlocked':
      return { status: 'blocked' };
    case 'FollowUpsResumed':
      return { status: 'none' };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

const decide = (command: FollowUpHoldCommand, state: FollowUpHoldState, context: CommandContext): FollowUpHoldEvent[] => {
  const { thirdPartyId } = command.data;
  if (thirdPartyId.length === 0) throw new InvalidInput('thirdPartyId', 'is required');
  const stamp = { thirdPartyId, at: context.now.toISOString(), by: context.actorId };
  switch (command.type) {
    case 'PauseFollowUps': {
      const until = isoInstant('until', command.data.until);
      if (Date.parse(until) <= context.now.getTime()) throw new InvalidInput('until', 'must be in the future');
      return state.status === 'paused' && state.until === until ? [] : [{ type: 'FollowUpsPaused', data: { ...stamp, until } }];
    }
    case 'BlockFollowUps':
      return state.status === 'blocked' ? [] : [{ type: 'FollowUpsBlocked', data: stamp }];
    case 'ResumeFollowUps':
      return state.status === 'none' ? [] : [{ type: 'FollowUpsResumed', data: stamp }];
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

export const followUpHoldDecider: Decider<FollowUpHoldState, FollowUpHoldCommand, FollowUpHoldEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};
