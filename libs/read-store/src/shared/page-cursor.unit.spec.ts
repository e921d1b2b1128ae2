import { describe, expect, it } from '@jest/globals';
import { InvalidCursor, type Sort } from '../read-store.port.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const byRank: Sort = { field: 'rank', direction: 'asc' };

describe('page cursors', () => {
  it('round-trip the sort value and id, and are URL-safe', () => {
    for (const value of ['Élise/+=', 42, 2.5, true, null]) {
      const cursor = encodeCursor(byRank, value, 'id/+=?');
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor, byRank)).toEqual({ value, id: 'id/+=?' });
    }
  });

  it('refuse a cursor made for another sort field or direction', () => {
    const cursor = encodeCursor(byRank, 1, 'a');
    expect(() => decodeCursor(cursor, { field: 'rank', direction: 'desc' })).toThrow(InvalidCursor);
    expect(() => decodeCursor(cursor, { field: 'name', direction: 'asc' })).toThrow(InvalidCursor);
  });

  it('refuse what does not decode to a cursor of ours', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const cursor = encodeCursor(byRank, 1, 'a');
    for (const bad of [
      '',
      '!!!',
      `${cursor}=`,
      `${cursor.slice(0, 3)} ${cursor.slice(3)}`,
      encode(['rank', 'asc', 1]),
      encode(['rank', 'asc', { x: 1 }, 'a']),
      encode(['rank', 'asc', 1, 7]),
      encode({ field: 'rank' }),
    ]) {
      expect(() => decodeCursor(bad, byRank)).toThrow(InvalidCursor);
    }
  });
});
