/** A domain event or command: a plain `{ type, data }` value. */
export interface Message<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export type EventSource = 'api' | 'import' | 'automation' | 'system';

/**
 * Who and what caused a command. Time and ids arrive here so that deciders stay
 * pure: the domain never reads a clock or draws a random number.
 */
export interface CommandContext {
  readonly actorId: string;
  readonly now: Date;
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly source: EventSource;
  readonly idempotencyKey?: string | undefined;
}

/** A pure decider: the three things a stream's behaviour is made of. */
export interface Decider<State, Command extends Message, Event extends Message> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State, context: CommandContext) => Event[];
}
