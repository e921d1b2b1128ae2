import { InvalidInput } from '../shared/errors.js';
import { isIsoDate, LIMITS, optionalText, requiredText } from '../shared/validation.js';
import type { JsonScalar } from '../shared/values.js';

/** A value of a configurable list (contact modes, exchange subjects). */
export interface CatalogueEntry {
  /** Stable code stored in events, e.g. `phone`. */
  readonly code: string;
  /** What people see, e.g. "Téléphone". */
  readonly label: string;
}

export const customFieldTypes = ['STRING', 'NUMBER', 'BOOLEAN', 'DATE', 'ENUM'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** A custom field a business declares for its third parties (e.g. `sector`, ENUM). */
export interface CustomFieldDefinition {
  /** Key stored in events: /^[a-z][a-zA-Z0-9_]{0,49}$/. */
  readonly key: string;
  readonly label: string;
  readonly type: CustomFieldType;
  /** The allowed values of an ENUM field. */
  readonly options?: readonly string[];
}

/** A custom field value: DATE values are ISO dates (YYYY-MM-DD); null clears the field. */
export type CustomFieldValue = JsonScalar;

/**
 * The configurable lists the domain validates against. Handlers pass it on the
 * commands that need it, so deciders stay pure.
 */
export interface Catalogue {
  readonly contactModes: readonly CatalogueEntry[];
  readonly exchangeSubjects: readonly CatalogueEntry[];
  readonly customFields: readonly CustomFieldDefinition[];
}

/** The defaults of the "Suivi des échanges" module; a deployment overrides them. */
export const defaultCatalogue: Catalogue = {
  contactModes: [
    { code: 'phone', label: 'Phone' },
    { code: 'email', label: 'Email' },
    { code: 'meeting', label: 'Meeting' },
    { code: 'video_call', label: 'Video call' },
    { code: 'visit', label: 'Visit' },
    { code: 'letter', label: 'Letter' },
  ],
  exchangeSubjects: [
    { code: 'prospecting', label: 'Prospecting' },
    { code: 'quote', label: 'Quote' },
    { code: 'order', label: 'Order' },
    { code: 'invoice', label: 'Invoice' },
    { code: 'support', label: 'Support' },
    { code: 'follow_up', label: 'Follow-up' },
    { code: 'other', label: 'Other' },
  ],
  customFields: [],
};

export const CATALOGUE_CODE = /^[a-z0-9][a-z0-9_-]{0,49}$/;
export const CUSTOM_FIELD_KEY = /^[a-z][a-zA-Z0-9_]{0,49}$/;
export const CUSTOM_FIELD_STRING_MAX_LENGTH = 1000;
const CATALOGUE_LISTS = ['contactModes', 'exchangeSubjects', 'customFields'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const refuseUnknownKeys = (path: string, value: Record<string, unknown>, known: readonly string[]): void => {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new InvalidInput(path ? `${path}.${key}` : key, `is not a known setting (expected ${known.join(', ')})`);
  }
};

const validEntries = (path: string, raw: unknown): CatalogueEntry[] => {
  if (!Array.isArray(raw)) throw new InvalidInput(path, 'must be a list');
  if (raw.length === 0) throw new InvalidInput(path, 'must have at least one entry');
  const codes = new Set<string>();
  return raw.map((item: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(item)) throw new InvalidInput(at, 'must be an object with code and label');
    refuseUnknownKeys(at, item, ['code', 'label']);
    const code = item['code'];
    if (typeof code !== 'string' || !CATALOGUE_CODE.test(code)) {
      throw new InvalidInput(`${at}.code`, 'must be 1..50 lower-case letters, digits, "_" or "-", starting with a letter or digit');
    }
    if (codes.has(code)) throw new InvalidInput(`${at}.code`, `duplicates the code ${code}`);
    codes.add(code);
    const label = requiredText(`${at}.label`, item['label'], { max: LIMITS.short });
    return { code, label };
  });
};

const validDefinitions = (path: string, raw: unknown): CustomFieldDefinition[] => {
  if (!Array.isArray(raw)) throw new InvalidInput(path, 'must be a list');
  const keys = new Set<string>();
  return raw.map((item: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(item)) throw new InvalidInput(at, 'must be an object with key, label and type');
    refuseUnknownKeys(at, item, ['key', 'label', 'type', 'options']);
    const key = item['key'];
    if (typeof key !== 'string' || !CUSTOM_FIELD_KEY.test(key)) {
      throw new InvalidInput(`${at}.key`, 'must be 1..50 letters, digits or "_", starting with a lower-case letter');
    }
    if (keys.has(key)) throw new InvalidInput(`${at}.key`, `duplicates the key ${key}`);
    keys.add(key);
    const label = requiredText(`${at}.label`, item['label'], { max: LIMITS.short });
    const type = item['type'];
    if (typeof type !== 'string' || !(customFieldTypes as readonly string[]).includes(type)) {
      throw new InvalidInput(`${at}.type`, `must be one of ${customFieldTypes.join(', ')}`);
    }
    const rawOptions = item['options'];
    if (type !== 'ENUM') {
      if (rawOptions !== undefined) throw new InvalidInput(`${at}.options`, 'only applies to an ENUM field');
      return { key, label, type: type as CustomFieldType };
    }
    if (!Array.isArray(rawOptions) || rawOptions.length === 0) {
      throw new InvalidInput(`${at}.options`, 'must list the allowed values of an ENUM field');
    }
    const options: string[] = [];
    rawOptions.forEach((option: unknown, optionIndex) => {
      const value = requiredText(`${at}.options[${optionIndex}]`, option, { max: LIMITS.short });
      if (options.includes(value)) throw new InvalidInput(`${at}.options[${optionIndex}]`, `duplicates the option ${value}`);
      options.push(value);
    });
    return { key, label, type: 'ENUM', options };
  });
};

/**
 * Checks a deployment's catalogue (parsed JSON). Lists left out keep their
 * defaults; an unknown setting is refused so a typo does not pass silently.
 * Errors name the path of the bad entry, e.g. `customFields[2].type`.
 */
export const validateCatalogue = (raw: unknown): Catalogue => {
  if (!isRecord(raw)) throw new InvalidInput('catalogue', 'must be a JSON object');
  refuseUnknownKeys('', raw, CATALOGUE_LISTS);
  return {
    contactModes: raw['contactModes'] === undefined ? defaultCatalogue.contactModes : validEntries('contactModes', raw['contactModes']),
    exchangeSubjects:
      raw['exchangeSubjects'] === undefined ? defaultCatalogue.exchangeSubjects : validEntries('exchangeSubjects', raw['exchangeSubjects']),
    customFields: raw['customFields'] === undefined ? defaultCatalogue.customFields : validDefinitions('customFields', raw['customFields']),
  };
};

/** A catalogue code given in a command (a contact mode, an exchange subject). */
export const catalogueCode = (field: string, raw: unknown, entries: readonly CatalogueEntry[]): string => {
  if (typeof raw !== 'string' || !entries.some((entry) => entry.code === raw)) {
    throw new InvalidInput(field, `must be one of ${entries.map((entry) => entry.code).join(', ')}`);
  }
  return raw;
};

/**
 * One custom field value checked against its definition; null means "unset".
 * A blank STRING is unset too, like every other optional text.
 */
export const validCustomFieldValue = (field: string, definition: CustomFieldDefinition, raw: unknown): CustomFieldValue => {
  if (raw === null) return null;
  switch (definition.type) {
    case 'STRING':
      if (typeof raw !== 'string') throw new InvalidInput(field, 'must be a string (STRING field)');
      return optionalText(field, raw, { max: CUSTOM_FIELD_STRING_MAX_LENGTH });
    case 'NUMBER':
      if (typeof raw !== 'number') throw new InvalidInput(field, 'must be a number (NUMBER field)');
      if (!Number.isFinite(raw)) throw new InvalidInput(field, 'must be a finite number');
      return raw;
    case 'BOOLEAN':
      if (typeof raw !== 'boolean') throw new InvalidInput(field, 'must be true or false (BOOLEAN field)');
      return raw;
    case 'DATE':
      if (typeof raw !== 'string') throw new InvalidInput(field, 'must be a date YYYY-MM-DD (DATE field)');
      if (!isIsoDate(raw)) throw new InvalidInput(field, 'must be an existing date in the form YYYY-MM-DD');
      return raw;
    case 'ENUM': {
      const options = definition.options ?? [];
      if (typeof raw !== 'string' || !options.includes(raw)) {
        throw new InvalidInput(field, `must be one of ${options.join(', ')} (ENUM field)`);
      }
      return raw;
    }
    default: {
      const unreachable: never = definition.type;
      return unreachable;
    }
  }
};

/**
 * Custom field values keyed by the catalogue's keys, in key order. A key the
 * catalogue does not declare is refused as `customFields.<key>`. Null values are
 * kept (they clear a field on update).
 */
export const validCustomFields = (
  raw: unknown,
  catalogue: Catalogue | undefined,
  field = 'customFields',
): Record<string, CustomFieldValue> => {
  if (!isRecord(raw)) throw new InvalidInput(field, 'must be an object of custom field values');
  const definitions = catalogue?.customFields ?? [];
  const values: Record<string, CustomFieldValue> = {};
  for (const key of Object.keys(raw).sort()) {
    const path = `${field}.${key}`;
    const definition = definitions.find((candidate) => candidate.key === key);
    if (!definition) {
      const declared = definitions.map((candidate) => candidate.key).join(', ');
      throw new InvalidInput(path, `is not a declared custom field (declared: ${declared || 'none'})`);
    }
    values[key] = validCustomFieldValue(path, definition, raw[key]);
  }
  return values;
};
