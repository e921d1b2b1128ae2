import { InvalidCursor, type Sort } from '../read-store.port.js';

/** The value a page was sorted on, as the store compared it. */
export type SortValue = string | number | boolean | null;

export interface CursorPosition {
  readonly value: SortValue;
  readonly id: string;
}

/**
 * A keyset cursor: the sort key and id of the last item of a page. It also names the
 * sort it was made for, so a cursor replayed under another sort is refused instead
 * of silently skipping or repeating items.
 */
export function encodeCursor(sort: Sort, value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([sort.field, sort.direction, value, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: Sort): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursor();
  const [field, direction, value, id] = parsed as unknown[];
  if (field !== sort.field || direction !== sort.direction || typeof id !== 'string') throw new InvalidCursor();
  if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new InvalidCursor();
  }
  // Buffer.from ignores characters outside the alphabet; only the canonical spelling is ours.
  if (encodeCursor(sort, value, id) !== cursor) throw new InvalidCursor();
  return { value, id };
}
