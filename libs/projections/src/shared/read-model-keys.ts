/**
 * Global positions fit in an unsigned 64-bit integer (EventStoreDB commit
 * positions), at most 20 decimal digits: padded to 20, string order is log order.
 */
export const POSITION_KEY_DIGITS = 20;

export const positionKey = (position: bigint): string => position.toString().padStart(POSITION_KEY_DIGITS, '0');

/**
 * Read models compare instants as strings, which is only time order when every
 * instant is spelled the same way: UTC with milliseconds. A value that does not
 * parse is kept as it is rather than failing the event (and parking it).
 */
export const utcInstant = (value: string): string => {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
};

/** A date argument of a query, spelled like the stored instants; `name` is the argument's path. */
export const instantArgument = (name: string, value: string): string => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`${name} must be an ISO-8601 instant, got ${JSON.stringify(value)}`);
  return new Date(time).toISOString();
};
