/** An event id already in the log: the same event can never be stored twice. */
export class DuplicateEventId extends Error {
  constructor(
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    super(`event id ${eventId} is already in the event store; an event is stored at most once`, options);
    this.name = 'DuplicateEventId';
  }
}

/** append() was called with no events: there is no position to report, and it is almost always a caller bug. */
export class NothingToAppend extends Error {
  constructor(readonly streamName: string) {
    super(`nothing to append to stream ${streamName}: append needs at least one event`);
    this.name = 'NothingToAppend';
  }
}
