import { Inject, Injectable } from '@nestjs/common';
import type { CommandContext, Decider, Message } from '#domain';
import {
  foldStream,
  handleCommand,
  idempotentEntityId,
  scopedIdempotencyKey,
  type CommandResult,
  type EventCodec,
  type EventEnvelope,
  type EventStore,
  type FoldedStream,
  type IdGenerator,
} from '#event-store';
import { CODEC, EVENT_STORE, IDS } from '../infrastructure/tokens.js';
import type { CommandMeta } from './command-context.js';

/** A command's outcome with the position the client passes back for read-your-writes. */
export interface Written<State> {
  readonly state: State;
  readonly revision: bigint;
  readonly position: bigint;
}

/**
 * The write side as handlers see it: run a command through handleCommand, and
 * read (fold) any stream — the handler's own facts about other aggregates and
 * the as-of views both come from here.
 */
@Injectable()
export class Aggregates {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CODEC) private readonly codec: EventCodec,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  /**
   * The id of an entity a command creates. With an idempotency key it derives
   * from the key, so that a retried creation lands on the same stream and finds
   * its own events instead of creating a twin.
   */
  newId(context: CommandContext, kind: string): string {
    const key = scopedIdempotencyKey(context);
    return key ? idempotentEntityId(key, kind) : this.ids.next();
  }

  async execute<State, Command extends Message, Event extends Message>(
    decider: Decider<State, Command, Event>,
    streamName: string,
    command: Command,
    meta: CommandMeta,
  ): Promise<Written<State>> {
    const result: CommandResult<State, Event> = await handleCommand(
      { store: this.store, codec: this.codec, ids: this.ids },
      decider,
      streamName,
      command,
      meta.context,
      meta.expectedRevision === undefined ? {} : { expectedRevision: meta.expectedRevision },
    );
    // A command that changed nothing on an empty stream would have thrown: every
    // decider refuses to act on something that does not exist.
    if (result.revision === null || result.position === null) {
      throw new Error(`${command.type} on ${streamName} left the stream empty`);
    }
    return { state: result.state, revision: result.revision, position: result.position };
  }

  /** Folds a stream; with `until`, the prefix of events it accepts (an as-of view). */
  fold<State, Event extends Message>(
    decider: Pick<Decider<State, Message, Event>, 'initialState' | 'evolve'>,
    streamName: string,
    until?: (event: EventEnvelope<Event>) => boolean,
  ): Promise<FoldedStream<State, Event>> {
    return foldStream({ store: this.store, codec: this.codec }, decider, streamName, until);
  }
}
