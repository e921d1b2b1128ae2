import { describe, expect, it } from '@jest/globals';
import { prefixUpperBound } from './prefix.js';

describe('prefixUpperBound', () => {
  it('increments the last code point', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('É')).toBe('Ê');
    expect(prefixUpperBound('a😀')).toBe('a😁');
  });

  it('skips the surrogate range, which UTF-8 cannot encode', () => {
    expect(prefixUpperBound('a\u{D7FF}')).toBe('a\u{E000}');
  });

  it('carries over the highest code point, and has no bound when every code point is the highest', () => {
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('\u{10FFFF}\u{10FFFF}')).toBeNull();
    expect(prefixUpperBound('')).toBeNull();
  });

  it('bounds exactly the strings with the prefix, in UTF-8 byte order', () => {
    const utf8 = (s: string) => Buffer.from(s, 'utf8');
    const prefix = 'ab\u{FFFF}';
    const upper = prefixUpperBound(prefix) ?? '';
    for (const candidate of ['ab\u{FFFF}', 'ab\u{FFFF}zzz', 'ab\u{FFFF}\u{10FFFF}']) {
      expect(Buffer.compare(utf8(candidate), utf8(upper))).toBe(-1);
    }
    for (const outside of ['ab\u{10000}', 'ac', 'b']) {
      expect(Buffer.compare(utf8(outside), utf8(upper))).toBeGreaterThanOrEqual(0);
    }
  });
});
