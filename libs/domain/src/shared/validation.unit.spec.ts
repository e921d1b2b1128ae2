import { describe, expect, it } from '@jest/globals';
import { InvalidInput } from './errors.js';
import {
  idList,
  isIsoDate,
  isoInstant,
  labelList,
  optionalBoolean,
  optionalCountryCode,
  optionalEmail,
  optionalLanguageTag,
  optionalPhone,
  optionalText,
  optionalVatNumber,
  optionalWebsite,
  requiredText,
} from './validation.js';

const refusal = (attempt: () => unknown): InvalidInput => {
  try {
    attempt();
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('expected an InvalidInput');
};

describe('text fields', () => {
  it('trims and normalises to NFC', () => {
    expect(requiredText('name', '  Cafe\u0301 ', { max: 10 })).toBe('Café');
  });

  it('counts characters as code points, not UTF-16 units', () => {
    expect(requiredText('name', '😀'.repeat(3), { max: 3 })).toBe('😀😀😀');
    expect(refusal(() => requiredText('name', '😀'.repeat(4), { max: 3 })).message).toBe('name: must be at most 3 characters');
  });

  it.each([
    ['a control character', 'Acme\u0007'],
    ['a newline', 'Acme\nCorp'],
    ['a tab', 'Acme\tCorp'],
    ['a C1 control', 'Acme\u0085'],
    ['a line separator', 'Acme\u2028Corp'],
  ])('refuses %s in a single-line field', (_label, value) => {
    expect(refusal(() => requiredText('name', value, { max: 200 })).field).toBe('name');
  });

  it('keeps newlines and tabs in a multi-line field, with CRLF made LF', () => {
    expect(optionalText('notes', ' line 1\r\n\tline 2\rline 3 ', { max: 100, multiline: true })).toBe('line 1\n\tline 2\nline 3');
  });

  it('refuses other control characters in a multi-line field', () => {
    expect(refusal(() => optionalText('notes', 'a\u0000b', { max: 100, multiline: true })).field).toBe('notes');
  });

  it('refuses a lone surrogate', () => {
    expect(refusal(() => requiredText('name', 'Acme \ud800', { max: 200 })).message).toMatch(/valid Unicode/);
  });

  it('refuses an empty or missing required text', () => {
    expect(refusal(() => requiredText('name', '   ', { max: 200 })).message).toMatch(/must not be empty/);
    expect(refusal(() => requiredText('name', undefined, { max: 200 })).message).toMatch(/is required/);
    expect(refusal(() => requiredText('name', 42, { max: 200 })).message).toMatch(/must be a string/);
  });

  it('reads a blank optional text as no value', () => {
    expect(optionalText('territory', '  ', { max: 200 })).toBeNull();
    expect(optionalText('territory', null, { max: 200 })).toBeNull();
    expect(optionalText('territory', undefined, { max: 200 })).toBeNull();
  });
});

describe('email', () => {
  it.each([
    ['anna@example.com', 'anna@example.com'],
    ['Anna.Rossi+crm@Example.IT', 'Anna.Rossi+crm@example.it'],
    ['jean@boulangerie-martin.fr', 'jean@boulangerie-martin.fr'],
    ['josé@café.fr', 'josé@café.fr'],
  ])('accepts %s', (raw, stored) => {
    expect(optionalEmail('email', raw)).toBe(stored);
  });

  it.each(['anna', 'anna@', '@example.com', 'anna@example', 'an na@example.com', 'a@b@example.com', '.anna@example.com', 'an..na@example.com', 'anna@-example.com', 'anna@example.c'])(
    'refuses %s',
    (raw) => {
      expect(refusal(() => optionalEmail('email', raw)).field).toBe('email');
    },
  );

  it('refuses an address over 254 characters', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com`;
    expect(long.length).toBeGreaterThan(254);
    expect(refusal(() => optionalEmail('email', long)).message).toMatch(/at most 254/);
  });
});

describe('phone', () => {
  it.each(['+33 1 23 45 67 89', '(02) 555-0199', '06.12.34.56.78', '+39 (0)2 1234 5678'])('accepts %s', (raw) => {
    expect(optionalPhone('phone', raw)).toBe(raw);
  });

  it.each(['call me', '+', '12', '01 23 45 67 89 ext 4', '33+1234', '1'.repeat(51)])('refuses %s', (raw) => {
    expect(refusal(() => optionalPhone('phone', raw)).field).toBe('phone');
  });
});

describe('website', () => {
  it.each(['https://boulangerie-martin.fr', 'http://example.com/path?q=1'])('accepts %s', (raw) => {
    expect(optionalWebsite('website', raw)).toBe(raw);
  });

  it.each([
    ['no scheme', 'boulangerie-martin.fr'],
    ['ftp', 'ftp://example.com'],
    ['javascript', 'javascript:alert(1)'],
    ['a space', 'https://exa mple.com'],
    ['more than 2048 characters', `https://example.com/${'a'.repeat(2048)}`],
  ])('refuses a URL with %s', (_label, raw) => {
    expect(refusal(() => optionalWebsite('website', raw)).field).toBe('website');
  });
});

describe('VAT number', () => {
  it('stores it compact and upper case', () => {
    expect(optionalVatNumber('vatNumber', 'fr 12.345-678 901')).toBe('FR12345678901');
  });

  it('refuses other characters and more than 30', () => {
    expect(refusal(() => optionalVatNumber('vatNumber', 'FR12/345')).message).toMatch(/letters and digits/);
    expect(refusal(() => optionalVatNumber('vatNumber', 'A'.repeat(31))).message).toMatch(/at most 30/);
  });
});

describe('language tag and country', () => {
  it('canonicalises a BCP 47 tag and refuses a malformed one', () => {
    expect(optionalLanguageTag('preferredLanguage', 'fr-be')).toBe('fr-BE');
    expect(optionalLanguageTag('preferredLanguage', 'it')).toBe('it');
    expect(refusal(() => optionalLanguageTag('preferredLanguage', 'french!')).field).toBe('preferredLanguage');
    expect(refusal(() => optionalLanguageTag('preferredLanguage', 'x')).field).toBe('preferredLanguage');
  });

  it('upper-cases an alpha-2 country code and refuses anything else', () => {
    expect(optionalCountryCode('address.country', ' fr ')).toBe('FR');
    expect(refusal(() => optionalCountryCode('address.country', 'FRA')).field).toBe('address.country');
    expect(refusal(() => optionalCountryCode('address.country', 'F1')).field).toBe('address.country');
  });
});

describe('categories and tags', () => {
  it('trims, drops case-insensitive duplicates keeping the first spelling, and sorts', () => {
    expect(labelList('tags', [' vip ', 'Bio', 'VIP', 'artisan', 'bio'])).toEqual(['artisan', 'Bio', 'vip']);
  });

  it('names the bad item', () => {
    expect(refusal(() => labelList('tags', ['ok', ' '])).field).toBe('tags[1]');
    expect(refusal(() => labelList('tags', ['ok', 'x'.repeat(101)])).field).toBe('tags[1]');
    expect(refusal(() => labelList('tags', 'vip')).field).toBe('tags');
  });

  it('allows 50 distinct items, not 51', () => {
    const labels = Array.from({ length: 51 }, (_, i) => `tag-${String(i).padStart(2, '0')}`);
    expect(labelList('tags', labels.slice(0, 50))).toHaveLength(50);
    expect(labelList('tags', [...labels.slice(0, 50), 'TAG-00'])).toHaveLength(50);
    expect(refusal(() => labelList('tags', labels)).message).toBe('tags: must have at most 50 items');
  });
});

describe('id lists', () => {
  it('drops duplicates keeping the order', () => {
    expect(idList('collaboratorIds', ['u2', 'u1', 'u2'])).toEqual(['u2', 'u1']);
  });

  it('refuses an empty id and too many ids', () => {
    expect(refusal(() => idList('collaboratorIds', ['u1', ''])).field).toBe('collaboratorIds[1]');
    expect(refusal(() => idList('collaboratorIds', Array.from({ length: 51 }, (_, i) => `u${i}`))).field).toBe('collaboratorIds');
  });
});

describe('dates', () => {
  it('accepts only existing calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-3-1')).toBe(false);
  });

  it.each([
    ['2026-03-02T09:30:00Z', '2026-03-02T09:30:00.000Z'],
    ['2026-03-02T11:30:00+02:00', '2026-03-02T09:30:00.000Z'],
    ['2026-03-02T09:30Z', '2026-03-02T09:30:00.000Z'],
    ['2026-03-02t09:30:00.123456z', '2026-03-02T09:30:00.123Z'],
  ])('normalises the instant %s to UTC with milliseconds', (raw, iso) => {
    expect(isoInstant('occurredAt', raw)).toBe(iso);
  });

  it.each([
    ['a non-ISO date', 'March 7, 2026'],
    ['a date-time without offset', '2026-03-02T09:30:00'],
    ['a date alone', '2026-03-02'],
    ['a day that does not exist', '2026-02-30T09:30:00Z'],
    ['hour 24', '2026-03-02T24:00:00Z'],
    ['a year before 1900', '1899-12-31T12:00:00Z'],
    ['a year after 2200', '2201-01-01T12:00:00Z'],
    ['not a string', 20260302],
  ])('refuses %s', (_label, raw) => {
    expect(refusal(() => isoInstant('occurredAt', raw)).field).toBe('occurredAt');
  });
});

describe('booleans', () => {
  it('falls back when absent and refuses a non-boolean', () => {
    expect(optionalBoolean('notifyCollaborators', undefined, false)).toBe(false);
    expect(optionalBoolean('notifyCollaborators', true, false)).toBe(true);
    expect(refusal(() => optionalBoolean('notifyCollaborators', 'yes', false)).field).toBe('notifyCollaborators');
  });
});
