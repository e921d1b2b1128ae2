import { InvalidInput } from '../shared/errors.js';

/** Up to 13 digits before the point: amounts below ten thousand billion. */
const DECIMAL = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * An amount of money as a decimal string, never a float (0.1 + 0.2 is not
 * 0.3): at most two decimals, not negative, normalised to exactly two
 * (`"1200.5"` → `"1200.50"`) so that equal amounts are equal strings.
 */
export const decimalAmount = (field: string, raw: unknown): string => {
  if (typeof raw !== 'string') throw new InvalidInput(field, 'must be a decimal string such as "1200.50"');
  const match = DECIMAL.exec(raw.trim());
  if (match === null) {
    throw new InvalidInput(field, 'must be a decimal number that is not negative, with at most 2 decimals and a point, e.g. "1200.50"');
  }
  const units = match[1]!.replace(/^0+(?=\d)/, '');
  return `${units}.${(match[2] ?? '').padEnd(2, '0')}`;
};

export const optionalDecimalAmount = (field: string, raw: unknown): string | null =>
  raw === null || raw === undefined ? null : decimalAmount(field, raw);

/** An amount normalised by `decimalAmount`, in cents, for comparisons without floats. */
export const centsOf = (amount: string): bigint => BigInt(amount.replace('.', ''));

/**
 * ISO 4217: three letters, upper-cased. The code is not checked against the
 * list of currencies, which changes over time and differs between ICU builds:
 * a document keeps the currency its issuer wrote.
 */
export const currencyCode = (field: string, raw: unknown): string => {
  if (typeof raw !== 'string' || !/^[A-Za-z]{3}$/.test(raw.trim())) {
    throw new InvalidInput(field, 'must be an ISO 4217 currency code of three letters, e.g. EUR');
  }
  return raw.trim().toUpperCase();
};
