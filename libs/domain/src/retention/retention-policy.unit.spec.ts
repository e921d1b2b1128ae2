import { describe, expect, it } from '@jest/globals';
import { InvalidInput } from '../shared/errors.js';
import { isoDurationMs, validateRetentionConfig } from './retention-policy.js';

const policy = (overrides: Record<string, unknown> = {}) => ({
  name: 'inactive-prospects',
  appliesTo: 'INACTIVE_PROSPECTS',
  afterMonths: 36,
  mode: 'AUTOMATIC',
  ...overrides,
});

const refusal = (raw: unknown): InvalidInput => {
  try {
    validateRetentionConfig(raw);
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

describe('retention configuration', () => {
  it('reads policies and how often to run', () => {
    const config = validateRetentionConfig({
      policies: [policy(), policy({ name: 'former-customers', appliesTo: 'FORMER_CUSTOMERS', afterMonths: 60, mode: 'APPROVAL' })],
      runEvery: 'PT24H',
    });
    expect(config).toEqual({
      policies: [
        { name: 'inactive-prospects', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: 36, mode: 'AUTOMATIC' },
        { name: 'former-customers', appliesTo: 'FORMER_CUSTOMERS', afterMonths: 60, mode: 'APPROVAL' },
      ],
      runEvery: 'PT24H',
      runEveryMs: 86_400_000,
    });
  });

  it('runs daily unless told otherwise, and accepts no policy at all', () => {
    expect(validateRetentionConfig({ policies: [] })).toEqual({ policies: [], runEvery: 'PT24H', runEveryMs: 86_400_000 });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', [], 'retention', /JSON object/],
    ['no policies', {}, 'policies', /must be a list/],
    ['an unknown setting', { policies: [], every: 'PT1H' }, 'every', /not a known setting/],
    ['a policy that is not an object', { policies: ['x'] }, 'policies[0]', /must be an object/],
    ['an unknown policy setting', { policies: [policy({ months: 3 })] }, 'policies[0].months', /not a known setting/],
    ['a bad name', { policies: [policy({ name: 'Inactive Prospects' })] }, 'policies[0].name', /lower-case/],
    ['a duplicate name', { policies: [policy(), policy()] }, 'policies[1].name', /duplicates the policy inactive-prospects/],
    ['an unknown kind', { policies: [policy({ appliesTo: 'SUPPLIERS' })] }, 'policies[0].appliesTo', /INACTIVE_PROSPECTS, FORMER_CUSTOMERS/],
    ['months as text', { policies: [policy({ afterMonths: '36' })] }, 'policies[0].afterMonths', /whole number of months/],
    ['zero months', { policies: [policy({ afterMonths: 0 })] }, 'policies[0].afterMonths', /between 1 and 1200/],
    ['fractional months', { policies: [policy({ afterMonths: 1.5 })] }, 'policies[0].afterMonths', /whole number/],
    ['an unknown mode', { policies: [policy({ mode: 'MANUAL' })] }, 'policies[0].mode', /AUTOMATIC, APPROVAL/],
    ['a missing mode', { policies: [policy({ mode: undefined })] }, 'policies[0].mode', /AUTOMATIC, APPROVAL/],
    ['a run period in months', { policies: [], runEvery: 'P1M' }, 'runEvery', /months and years/],
    ['a run period that is not a duration', { policies: [], runEvery: 'daily' }, 'runEvery', /ISO-8601 duration/],
    ['a run period under a minute', { policies: [], runEvery: 'PT30S' }, 'runEvery', /between one minute/],
  ])('refuses %s, naming the field', (_label, raw, field, message) => {
    const error = refusal(raw);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('ISO-8601 durations', () => {
  it.each<[string, number]>([
    ['PT24H', 86_400_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['P1DT12H', 129_600_000],
    ['PT30M', 1_800_000],
    ['PT1.5S', 1_500],
    ['pt1h', 3_600_000],
  ])('%s is %d ms', (raw, ms) => {
    expect(isoDurationMs('runEvery', raw)).toBe(ms);
  });

  it.each(['P', 'PT', 'P1H', '24H', 'PT-1H', 'P1Y', ''])('refuses %j', (raw) => {
    expect(() => isoDurationMs('runEvery', raw)).toThrow(InvalidInput);
  });
});
