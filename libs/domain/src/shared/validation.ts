import { InvalidInput } from './errors.js';

/** Limits shared by every aggregate, so a field means the same thing everywhere. */
export const LIMITS = {
  name: 200,
  short: 200,
  email: 254,
  phone: 50,
  website: 2048,
  vatNumber: 30,
  longText: 10_000,
  label: 100,
  listItems: 50,
  languageTag: 35,
} as const;

export interface TextRule {
  readonly max: number;
  /** Notes, comments and free text keep their line breaks and tabs. */
  readonly multiline?: boolean;
}

// C0 and C1 controls break CSV exports, terminals and log lines downstream; a
// single-line field also refuses line and paragraph separators, which render as
// line breaks in most UIs.
// eslint-disable-next-line no-control-regex
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Length in code points: what a person counts, independent of UTF-16 surrogates. */
const lengthOf = (value: string): number => {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
};

const cleanText = (field: string, raw: unknown, rule: TextRule): string => {
  if (typeof raw !== 'string') throw new InvalidInput(field, 'must be a string');
  if (!raw.isWellFormed()) throw new InvalidInput(field, 'must be valid Unicode');
  let value = raw.normalize('NFC');
  // Windows clients send CRLF; one line-break convention keeps diffs honest.
  if (rule.multiline) value = value.replace(/\r\n?/g, '\n');
  value = value.trim();
  const forbidden = rule.multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  if (forbidden.test(value)) {
    throw new InvalidInput(
      field,
      rule.multiline ? 'must not contain control characters other than newline and tab' : 'must not contain control characters or line breaks',
    );
  }
  if (lengthOf(value) > rule.max) throw new InvalidInput(field, `must be at most ${rule.max} characters`);
  return value;
};

/** Trimmed, NFC, no control characters, at most `rule.max` characters, not empty. */
export const requiredText = (field: string, raw: unknown, rule: TextRule): string => {
  if (raw === null || raw === undefined) throw new InvalidInput(field, 'is required');
  const value = cleanText(field, raw, rule);
  if (value.length === 0) throw new InvalidInput(field, 'must not be empty');
  return value;
};

/** Like requiredText, but null, undefined or blank mean "no value" (null): a cleared form field. */
export const optionalText = (field: string, raw: unknown, rule: TextRule): string | null => {
  if (raw === null || raw === undefined) return null;
  const value = cleanText(field, raw, rule);
  return value.length === 0 ? null : value;
};

const EMAIL_LOCAL = /^[^\s@"(),:;<>[\]\\]{1,64}$/u;
const EMAIL_DOMAIN = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

/**
 * A sane address check, not RFC 5322: one @, a plausible local part and a domain
 * with a top-level label. The domain is lower-cased (it is case-insensitive); the
 * local part is kept as written.
 */
export const optionalEmail = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.email });
  if (value === null) return null;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  const valid =
    at > 0 &&
    EMAIL_LOCAL.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    EMAIL_DOMAIN.test(domain);
  if (!valid) throw new InvalidInput(field, 'must be an email address such as name@example.com');
  return `${local}@${domain}`;
};

const PHONE = /^\+?[0-9 .\-()]+$/;

/** Permissive on purpose: people write numbers in many national styles. */
export const optionalPhone = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.phone });
  if (value === null) return null;
  const digits = value.replace(/[^0-9]/g, '').length;
  if (!PHONE.test(value) || digits < 3) {
    throw new InvalidInput(field, 'must be a phone number: digits, spaces, ".", "-", "(", ")" and an optional leading "+"');
  }
  return value;
};

/** An absolute http(s) URL, kept as written. */
export const optionalWebsite = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.website });
  if (value === null) return null;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || /\s/.test(value)) {
    throw new InvalidInput(field, 'must be an http:// or https:// URL');
  }
  return value;
};

/** VAT numbers are compared and looked up without their spacing (as VIES does), upper case. */
export const optionalVatNumber = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.short });
  if (value === null) return null;
  const compact = value.replace(/[\s.-]/g, '').toUpperCase();
  if (!/^[A-Z0-9]+$/.test(compact)) throw new InvalidInput(field, 'must contain only letters and digits');
  if (compact.length > LIMITS.vatNumber) throw new InvalidInput(field, `must be at most ${LIMITS.vatNumber} characters`);
  return compact;
};

/** A BCP 47 language tag in canonical case (`fr-be` → `fr-BE`). */
export const optionalLanguageTag = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.languageTag });
  if (value === null) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    if (canonical !== undefined) return canonical;
  } catch {
    // fall through to the error below
  }
  throw new InvalidInput(field, 'must be a BCP 47 language tag such as fr, it or fr-BE');
};

/** ISO 3166-1 alpha-2, upper case. */
export const optionalCountryCode = (field: string, raw: unknown): string | null => {
  const value = optionalText(field, raw, { max: LIMITS.short });
  if (value === null) return null;
  const code = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) throw new InvalidInput(field, 'must be an ISO 3166-1 alpha-2 country code such as FR');
  return code;
};

export const oneOf = <T extends string>(field: string, raw: unknown, allowed: readonly T[]): T => {
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
    throw new InvalidInput(field, `must be one of ${allowed.join(', ')}`);
  }
  return raw as T;
};

const compareLabels = (a: string, b: string): number => {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Categories and tags: each 1..100 characters, at most 50, duplicates dropped
 * ignoring case (the first spelling wins), sorted so equal sets are equal values
 * (a locale-independent order keeps events identical whatever the machine).
 */
export const labelList = (field: string, raw: unknown): string[] => {
  if (!Array.isArray(raw)) throw new InvalidInput(field, 'must be a list');
  const byKey = new Map<string, string>();
  raw.forEach((item: unknown, index) => {
    const label = requiredText(`${field}[${index}]`, item, { max: LIMITS.label });
    const key = label.toLowerCase();
    if (!byKey.has(key)) byKey.set(key, label);
  });
  if (byKey.size > LIMITS.listItems) throw new InvalidInput(field, `must have at most ${LIMITS.listItems} items`);
  return [...byKey.values()].sort(compareLabels);
};

/** Ids arrive validated by the handler; only duplicates and the count are the domain's concern. */
export const idList = (field: string, raw: unknown, max: number = LIMITS.listItems): string[] => {
  if (!Array.isArray(raw)) throw new InvalidInput(field, 'must be a list');
  const ids: string[] = [];
  raw.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || item.length === 0) throw new InvalidInput(`${field}[${index}]`, 'must be an id');
    if (!ids.includes(item)) ids.push(item);
  });
  if (ids.length > max) throw new InvalidInput(field, `must have at most ${max} items`);
  return ids;
};

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isRealDate = (year: number, month: number, day: number): boolean => {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const isIsoDate = (value: string): boolean => {
  const match = ISO_DATE.exec(value);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
};

export const INSTANT_MIN_YEAR = 1900;
export const INSTANT_MAX_YEAR = 2200;

/**
 * An ISO-8601 date-time with an explicit offset, normalised to UTC with
 * milliseconds so that string order is time order in every read model. A
 * date-time without an offset is refused: its meaning would depend on the
 * machine's time zone.
 */
export const isoInstant = (field: string, raw: unknown): string => {
  const refuse = (why: string): never => {
    throw new InvalidInput(field, `must be an ISO-8601 date-time with an offset, e.g. 2026-03-02T09:30:00Z (${why})`);
  };
  if (typeof raw !== 'string') return refuse('not a string');
  const value = raw.trim();
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return refuse('not in ISO-8601 form');
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match;
  const valid =
    isRealDate(Number(year), Number(month), Number(day)) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second ?? 0) < 60 &&
    Number(offsetHours ?? 0) < 24 &&
    Number(offsetMinutes ?? 0) < 60;
  if (!valid) return refuse('no such date or time');
  const time = Date.parse(value.toUpperCase());
  if (Number.isNaN(time)) return refuse('unreadable');
  const instant = new Date(time);
  const utcYear = instant.getUTCFullYear();
  if (utcYear < INSTANT_MIN_YEAR || utcYear > INSTANT_MAX_YEAR) {
    return refuse(`the year must be between ${INSTANT_MIN_YEAR} and ${INSTANT_MAX_YEAR}`);
  }
  return instant.toISOString();
};

export const optionalBoolean = (field: string, raw: unknown, fallback: boolean): boolean => {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'boolean') throw new InvalidInput(field, 'must be true or false');
  return raw;
};
