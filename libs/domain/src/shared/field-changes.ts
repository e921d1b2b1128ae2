import type { FieldChange, JsonValue } from './values.js';

/** Structural equality of JSON values (key order of objects does not matter). */
export const jsonEqual = (a: JsonValue, b: JsonValue): boolean => {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index] as JsonValue));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => key in b && jsonEqual(a[key] as JsonValue, b[key] as JsonValue));
};

/**
 * Collects the changes of the given fields between two versions of a record, in
 * the order of `fields`: only fields whose value differs are recorded.
 */
export const diffFields = <T extends object, K extends keyof T & string>(
  before: T,
  after: T,
  fields: readonly K[],
): FieldChange[] => {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const from = before[field] as JsonValue;
    const to = after[field] as JsonValue;
    if (!jsonEqual(from, to)) changes.push({ field, from, to });
  }
  return changes;
};
