import { describe, expect, it } from '@jest/globals';
import { InvalidInput } from '../shared/errors.js';
import { catalogueCode, defaultCatalogue, validateCatalogue, validCustomFields } from './catalogue.js';

const refusal = (attempt: () => unknown): InvalidInput => {
  try {
    attempt();
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('expected an InvalidInput');
};

const file = {
  contactModes: [
    { code: 'phone', label: 'Téléphone' },
    { code: 'visio', label: 'Visio' },
  ],
  exchangeSubjects: [{ code: 'devis', label: 'Devis' }],
  customFields: [
    { key: 'sector', label: 'Secteur', type: 'ENUM', options: ['boulangerie', 'commerce'] },
    { key: 'employees', label: 'Salariés', type: 'NUMBER' },
  ],
};

describe('validateCatalogue', () => {
  it('accepts a complete catalogue', () => {
    expect(validateCatalogue(file)).toEqual(file);
  });

  it('keeps the defaults of the lists left out', () => {
    expect(validateCatalogue({ customFields: file.customFields })).toEqual({ ...defaultCatalogue, customFields: file.customFields });
    expect(validateCatalogue({})).toEqual(defaultCatalogue);
  });

  it('trims labels and options', () => {
    const catalogue = validateCatalogue({ customFields: [{ key: 'size', label: ' Size ', type: 'ENUM', options: [' S ', 'M'] }] });
    expect(catalogue.customFields).toEqual([{ key: 'size', label: 'Size', type: 'ENUM', options: ['S', 'M'] }]);
  });

  it.each<[string, unknown, string]>([
    ['a non-object', [], 'catalogue'],
    ['an unknown setting', { contactMode: [] }, 'contactMode'],
    ['a list that is not a list', { contactModes: 'phone' }, 'contactModes'],
    ['an empty list of modes', { contactModes: [] }, 'contactModes'],
    ['an entry that is not an object', { exchangeSubjects: ['quote'] }, 'exchangeSubjects[0]'],
    ['an unknown entry key', { contactModes: [{ code: 'phone', label: 'Phone', colour: 'red' }] }, 'contactModes[0].colour'],
    ['a code with capitals', { contactModes: [{ code: 'Phone', label: 'Phone' }] }, 'contactModes[0].code'],
    ['a missing code', { contactModes: [{ label: 'Phone' }] }, 'contactModes[0].code'],
    [
      'a duplicate code',
      { exchangeSubjects: [{ code: 'quote', label: 'Quote' }, { code: 'quote', label: 'Devis' }] },
      'exchangeSubjects[1].code',
    ],
    ['an empty label', { contactModes: [{ code: 'phone', label: ' ' }] }, 'contactModes[0].label'],
    ['custom fields that are not a list', { customFields: {} }, 'customFields'],
    ['a bad custom field key', { customFields: [{ key: '1st', label: 'First', type: 'STRING' }] }, 'customFields[0].key'],
    [
      'a duplicate custom field key',
      { customFields: [{ key: 'a', label: 'A', type: 'STRING' }, { key: 'a', label: 'A', type: 'NUMBER' }] },
      'customFields[1].key',
    ],
    [
      'an unknown type',
      { customFields: [{ key: 'a', label: 'A', type: 'STRING' }, { key: 'b', label: 'B', type: 'NUMBER' }, { key: 'c', label: 'C', type: 'COLOUR' }] },
      'customFields[2].type',
    ],
    ['an ENUM without options', { customFields: [{ key: 'a', label: 'A', type: 'ENUM' }] }, 'customFields[0].options'],
    ['an ENUM with an empty option', { customFields: [{ key: 'a', label: 'A', type: 'ENUM', options: ['x', ''] }] }, 'customFields[0].options[1]'],
    ['an ENUM with a duplicate option', { customFields: [{ key: 'a', label: 'A', type: 'ENUM', options: ['x', 'x'] }] }, 'customFields[0].options[1]'],
    ['options on a non-ENUM', { customFields: [{ key: 'a', label: 'A', type: 'STRING', options: ['x'] }] }, 'customFields[0].options'],
  ])('refuses %s, naming its path', (_label, raw, field) => {
    expect(refusal(() => validateCatalogue(raw)).field).toBe(field);
  });
});

describe('catalogue codes and custom field values', () => {
  it('accepts a code of the list and lists the codes otherwise', () => {
    expect(catalogueCode('mode', 'phone', defaultCatalogue.contactModes)).toBe('phone');
    expect(refusal(() => catalogueCode('mode', 'pigeon', defaultCatalogue.contactModes)).message).toBe(
      'mode: must be one of phone, email, meeting, video_call, visit, letter',
    );
  });

  it('returns values in key order and keeps nulls (they clear a field)', () => {
    const catalogue = validateCatalogue(file);
    expect(Object.keys(validCustomFields({ sector: 'commerce', employees: null }, catalogue))).toEqual(['employees', 'sector']);
  });

  it('refuses custom fields that are not an object, and any key when none is declared', () => {
    expect(refusal(() => validCustomFields(['a'], defaultCatalogue)).field).toBe('customFields');
    expect(refusal(() => validCustomFields({ a: 1 }, defaultCatalogue)).message).toBe(
      'customFields.a: is not a declared custom field (declared: none)',
    );
  });
});
