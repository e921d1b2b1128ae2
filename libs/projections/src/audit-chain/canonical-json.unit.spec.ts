import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives one spelling whatever the key order of the object', () => {
    expect(canonicalJson({ field: 'name', from: null, to: 'Martin' })).toBe(canonicalJson({ to: 'Martin', from: null, field: 'name' }));
  });

  it('keeps array order, which is meaning', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('reproduces the RFC 8785 example: numbers, escapes and literals', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const value = Object.fromEntries(keys.map((key) => [key, 0]));
    // Read from the text: parsing it back would put the integer-like key "1" first again.
    expect(canonicalJson(value)).toBe('{"\\r":0,"1":0,"\u0080":0,"\u00f6":0,"\u20ac":0,"\ud83d\ude00":0,"\ufb33":0}');
  });

  it('leaves out undefined members as JSON.stringify does, and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('writes -0 as 0 and keeps non-ASCII text as it is', () => {
    expect(canonicalJson({ n: -0, s: 'Crêperie «Chez Zoë»' })).toBe('{"n":0,"s":"Crêperie «Chez Zoë»"}');
  });

  it.each([
    'plain text',
    'a "quote"',
    'a \\ backslash',
    'line\nbreak and\ttab',
    '\u0000 and \u001f',
    '\u007f and \u2028 \u2029',
    'a lone \ud800 surrogate',
    'a lone low \udc00 one',
    'a pair \ud83d\ude00',
    '',
  ])('writes the string %j exactly as JSON.stringify does', (text) => {
    expect(canonicalJson(text)).toBe(JSON.stringify(text));
    expect(canonicalJson({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`);
  });

  it.each<[string, unknown]>([
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['a bigint', { position: 12n }],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map()],
    ['a function', { f: () => 1 }],
  ])('refuses %s, which has no canonical JSON form, naming where it is', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('names the path of the offending value', () => {
    expect(() => canonicalJson({ changes: [{ to: Number.NaN }] })).toThrow('$.changes[0].to: NaN has no JSON form');
  });
});
