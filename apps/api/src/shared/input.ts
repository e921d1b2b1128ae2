import { InvalidInput } from '#domain';

// Ids Suivi hands out are UUIDs (random, or derived from an idempotency key).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An entity id from the client, checked at the edge so that a typo is a clear
 * input error rather than "not found", and lower-cased like the ids Suivi
 * returns (stream names are case-sensitive).
 */
export function entityId(field: string, value: string): string {
  if (!UUID.test(value)) throw new InvalidInput(field, 'must be an id returned by Suivi (a UUID)');
  return value.toLowerCase();
}

export const optionalEntityId = (field: string, value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : entityId(field, value);

export const entityIds = (field: string, values: readonly string[]): string[] =>
  values.map((value, index) => entityId(`${field}[${index}]`, value));

/**
 * The fields of an update the client actually sent: absent means "unchanged",
 * null means "clear". GraphQL leaves absent input fields out of the object.
 */
export function sentFields<T extends object, K extends keyof T>(input: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const sent: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (Object.hasOwn(input, key) && input[key] !== undefined) sent[key] = input[key];
  }
  return sent;
}

/** An update field that cannot be cleared: null is refused, absent is "unchanged". */
export function notNull<T>(field: string, value: T | null | undefined): T | undefined {
  if (value === null) throw new InvalidInput(field, 'cannot be cleared');
  return value;
}
