import { describe, expect, it } from '@jest/globals';
import { InvalidInput } from '../shared/errors.js';
import { centsOf, currencyCode, decimalAmount } from './money.js';

describe('amounts', () => {
  it.each([
    ['1200', '1200.00'],
    ['1200.5', '1200.50'],
    [' 0.05 ', '0.05'],
    ['0', '0.00'],
    ['007.10', '7.10'],
    ['9999999999999.99', '9999999999999.99'],
  ])('normalises %j to two decimals: %j', (raw, amount) => {
    expect(decimalAmount('amount', raw)).toBe(amount);
  });

  it.each(['', '.5', '5.', '1.234', '-1', '+1', '1,5', '1e3', 'NaN', 'Infinity', '0x10', '10000000000000'])('refuses %j', (raw) => {
    expect(() => decimalAmount('amount', raw)).toThrow(InvalidInput);
  });

  it('compares in cents, without floats', () => {
    expect(centsOf('0.10') + centsOf('0.20')).toBe(centsOf('0.30'));
    expect(centsOf('9999999999999.99')).toBe(999999999999999n);
  });
});

describe('currencies', () => {
  it('upper-cases three letters and refuses anything else', () => {
    expect(currencyCode('currency', ' chf ')).toBe('CHF');
    for (const raw of ['EURO', '€', 'E1R', '', 7]) expect(() => currencyCode('currency', raw)).toThrow('currency: must be an ISO 4217');
  });
});
