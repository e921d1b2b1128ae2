/**
 * The smallest string above every string that starts with `prefix`, in the byte
 * order of UTF-8 (code point order), which is how SQLite's BINARY collation and
 * MongoDB's simple collation compare strings; null when there is none.
 */
export function prefixUpperBound(prefix: string): string | null {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()?.codePointAt(0) ?? 0;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1; // skip the surrogate range
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return null;
}
