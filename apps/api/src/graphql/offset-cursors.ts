import { badUserInput } from './errors.js';

/**
 * Cursors for lists computed on each request (analytics rows, duplicate
 * pairs), which have no stored order to seek in: the position in the list,
 * tagged with the list's prefix so that one query's cursor is refused by another.
 */
export interface OffsetCursors {
  /** The cursor of the item at this 1-based position. */
  cursorOf(position: number): string;
  /** How many items come before the page `after` asks for (0 without a cursor). */
  offsetAfter(after: string | null | undefined): number;
}

export const offsetCursors = (prefix: string): OffsetCursors => ({
  cursorOf: (position) => Buffer.from(`${prefix}${position}`).toString('base64url'),
  offsetAfter: (after) => {
    if (after === null || after === undefined) return 0;
    const text = Buffer.from(after, 'base64url').toString();
    const offset = text.startsWith(prefix) ? Number(text.slice(prefix.length)) : Number.NaN;
    if (!Number.isInteger(offset) || offset < 1) throw badUserInput('after', 'is not a cursor this query returned');
    return offset;
  },
});
