import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { streams, thirdPartyDecider, type CommandContext, type Decider, type Message } from '#domain';
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
import type { SuiviMetrics } from '#platform';
import type { Viewer } from '#security';
import { SecurityJournal } from '../auth/security-journal.js';
import { toGraphQLError } from '../graphql/errors.js';
import { METRICS } from '../observability/metrics.token.js';
import { CODEC, EVENT_STORE, IDS } from '../infrastructure/tokens.js';
import type { CommandMeta } from './command-context.js';
import { refuseAsMissing, WriteScope } from './write-scope.js';

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
    // The security journal lives in the auth module: looked up when first needed rather than imported, so the shared module depends on no feature module.
    private readonly moduleRef: ModuleRef,
    @Inject(METRICS) private readonly metrics: SuiviMetrics,
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

  /**
   * Runs a command. A scoped viewer's command is first judged through their
   * eyes (WriteScope): what is out of their scope is answered as missing.
   */
  async execute<State, Command extends Message, Event extends Message>(
    decider: Decider<State, Command, Event>,
    streamName: string,
    command: Command,
    meta: CommandMeta,
  ): Promise<Written<State>> {
    const viewer = meta.viewer;
    if (viewer === undefined || !viewer.scoped) return this.write(decider, streamName, command, meta);
    return this.executeInScope(decider, streamName, command, meta, viewer);
  }

  /**
   * Judged before deciding, and again inside the decision on the very state
   * the write path folded (a concurrent move out of scope is not missed).
   * The first pass decides once ahead, discarding any error — the write path
   * raises it again — to learn which third party the result would be under.
   */
  private async executeInScope<State, Command extends Message, Event extends Message>(
    decider: Decider<State, Command, Event>,
    streamName: string,
    command: Command,
    meta: CommandMeta,
    viewer: Viewer,
  ): Promise<Written<State>> {
    const scope = new WriteScope(viewer, async (id) => (await this.fold(thirdPartyDecider, streams.thirdParty(id))).state);
    const seen = await scope.redact(command);
    const { state } = await this.fold(decider, streamName);
    if (!(await scope.admits(decider, state))) {
      this.recordOutOfScope(command, meta);
      refuseAsMissing(decider, streamName, seen, meta.context, meta.expectedRevision);
    }
    if (scope.hidden) this.recordOutOfScope(command, meta);
    try {
      await scope.admits(decider, decider.decide(seen, state, meta.context).reduce(decider.evolve, state));
    } catch {
      // The write path decides again and answers.
    }
    const judged: Decider<State, Command, Event> = {
      ...decider,
      decide: (cmd, current, context) => {
        if (!scope.admitsNow(decider, current)) refuseAsMissing(decider, streamName, cmd, context, undefined);
        const events = decider.decide(cmd, current, context);
        scope.requireWithin(decider, events.reduce(decider.evolve, current));
        return events;
      },
    };
    return this.write(judged, streamName, seen, meta);
  }

  private recordOutOfScope(command: Message, meta: CommandMeta): void {
    if (meta.request === undefined) return;
    // Mutations are named after their commands (UpdateThirdParty → updateThirdParty).
    const operation = `Mutation.${command.type.charAt(0).toLowerCase()}${command.type.slice(1)}`;
    this.moduleRef.get(SecurityJournal, { strict: false }).record({ reason: 'outOfScope', operation, viewer: meta.viewer ?? null, request: meta.request });
  }

  private async write<State, Command extends Message, Event extends Message>(
    decider: Decider<State, Command, Event>,
    streamName: string,
    command: Command,
    meta: CommandMeta,
  ): Promise<Written<State>> {
    const result: CommandResult<State, Event> = await this.metrics.timeCommand(
      command.type,
      () =>
        handleCommand(
          { store: this.store, codec: this.codec, ids: this.ids },
          decider,
          streamName,
          command,
          meta.context,
          meta.expectedRevision === undefined ? {} : { expectedRevision: meta.expectedRevision },
        ),
      (written) => (written.replayed ? 0 : written.events.length),
      isClientError,
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

/** What the client caused (its input, a conflict, a missing record) is a refusal; anything else, a failure. */
const isClientError = (error: unknown): boolean => {
  const code = toGraphQLError(error)?.extensions['code'];
  return code !== undefined && code !== 'SERVICE_UNAVAILABLE';
};
