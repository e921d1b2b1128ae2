import {
  followUpDecider,
  followUpHoldDecider,
  streams,
  type CommandContext,
  type FollowUpCommand,
  type FollowUpHoldCommand,
  type FollowUpHoldState,
  type FollowUpState,
} from '#domain';
import { foldStream, handleCommand, type EventCodec, type EventStore, type IdGenerator } from '#event-store';
import { timedCommand } from '../observability/command-metrics.js';

export interface FollowUpWritten<State> {
  readonly state: State;
  /** Position of the command's last event, or of the stream's last one when the command changed nothing. */
  readonly position: bigint | null;
  readonly changed: boolean;
}

/**
 * The write side of follow-ups, without Nest: the automation schedules,
 * decides and records sendings; people approve, skip, snooze, pause and block
 * (the API). Every command goes through the decider, which holds the rules
 * (sequential steps, one decision per step).
 */
export class FollowUpCommands {
  constructor(private readonly deps: { readonly store: EventStore; readonly codec: EventCodec; readonly ids: IdGenerator }) {}

  async state(followUpId: string): Promise<FollowUpState> {
    return (await foldStream(this.deps, followUpDecider, streams.followUp(followUpId))).state;
  }

  async hold(thirdPartyId: string): Promise<FollowUpHoldState> {
    return (await foldStream(this.deps, followUpHoldDecider, streams.followUpHold(thirdPartyId))).state;
  }

  async execute(command: FollowUpCommand, context: CommandContext): Promise<FollowUpWritten<FollowUpState>> {
    const result = await timedCommand(command.type, () => handleCommand(this.deps, followUpDecider, streams.followUp(command.data.followUpId), command, context));
    return { state: result.state, position: result.position, changed: result.events.length > 0 && !result.replayed };
  }

  async executeHold(command: FollowUpHoldCommand, context: CommandContext): Promise<FollowUpWritten<FollowUpHoldState>> {
    const result = await timedCommand(command.type, () =>
      handleCommand(this.deps, followUpHoldDecider, streams.followUpHold(command.data.thirdPartyId), command, context),
    );
    return { state: result.state, position: result.position, changed: result.events.length > 0 && !result.replayed };
  }
}
