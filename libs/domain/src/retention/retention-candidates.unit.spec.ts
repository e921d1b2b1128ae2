import { describe, expect, it } from '@jest/globals';
import { isRetentionCandidate, monthsBefore, retentionAnchor, type RetentionSubject } from './retention-candidates.js';
import type { RetentionPolicy } from './retention-policy.js';

const NOW = new Date('2026-03-02T09:30:00.000Z');

const prospects: RetentionPolicy = { name: 'inactive-prospects', appliesTo: 'INACTIVE_PROSPECTS', afterMonths: 36, mode: 'AUTOMATIC' };
const customers: RetentionPolicy = { name: 'former-customers', appliesTo: 'FORMER_CUSTOMERS', afterMonths: 60, mode: 'APPROVAL' };

const subject = (overrides: Partial<RetentionSubject> = {}): RetentionSubject => ({
  thirdPartyId: 'tp-1',
  roles: ['PROSPECT'],
  lastInteractionAt: null,
  registeredAt: '2026-01-10T08:00:00.000Z',
  convertedAt: null,
  forgotten: false,
  ...overrides,
});

describe('the retention cut-off', () => {
  it('goes back whole calendar months, in UTC', () => {
    expect(monthsBefore(NOW, 36).toISOString()).toBe('2023-03-02T09:30:00.000Z');
    expect(monthsBefore(NOW, 3).toISOString()).toBe('2025-12-02T09:30:00.000Z');
  });

  it('lands on the last day of a shorter month', () => {
    expect(monthsBefore(new Date('2026-03-31T12:00:00.000Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(monthsBefore(new Date('2028-03-31T12:00:00.000Z'), 1).toISOString()).toBe('2028-02-29T12:00:00.000Z');
    expect(monthsBefore(new Date('2026-05-31T00:00:00.000Z'), 1).toISOString()).toBe('2026-04-30T00:00:00.000Z');
  });
});

describe('inactive prospects', () => {
  it('are prospects whose last interaction is older than the policy allows', () => {
    expect(isRetentionCandidate(prospects, subject({ lastInteractionAt: '2023-03-02T09:29:59.999Z' }), NOW)).toBe(true);
    // Exactly at the cut-off is not older than it.
    expect(isRetentionCandidate(prospects, subject({ lastInteractionAt: '2023-03-02T09:30:00.000Z' }), NOW)).toBe(false);
    expect(isRetentionCandidate(prospects, subject({ lastInteractionAt: '2025-06-01T00:00:00.000Z' }), NOW)).toBe(false);
  });

  it('count from their registration when never contacted', () => {
    expect(isRetentionCandidate(prospects, subject({ registeredAt: '2022-12-31T00:00:00.000Z' }), NOW)).toBe(true);
    expect(isRetentionCandidate(prospects, subject({ registeredAt: '2024-01-01T00:00:00.000Z' }), NOW)).toBe(false);
  });

  it('are judged by their own dates when their history was registered recently', () => {
    const imported = subject({ registeredAt: '2026-03-01T00:00:00.000Z', lastInteractionAt: '2019-05-01T00:00:00.000Z' });
    expect(retentionAnchor('INACTIVE_PROSPECTS', imported)).toBe('2019-05-01T00:00:00.000Z');
    expect(isRetentionCandidate(prospects, imported, NOW)).toBe(true);
  });

  it('leave out customers, suppliers and the already forgotten', () => {
    const old = { lastInteractionAt: '2019-05-01T00:00:00.000Z' };
    expect(isRetentionCandidate(prospects, subject({ ...old, roles: ['PROSPECT', 'CUSTOMER'] }), NOW)).toBe(false);
    expect(isRetentionCandidate(prospects, subject({ ...old, roles: ['CUSTOMER'] }), NOW)).toBe(false);
    expect(isRetentionCandidate(prospects, subject({ ...old, roles: ['PROSPECT', 'SUPPLIER'] }), NOW)).toBe(false);
    expect(isRetentionCandidate(prospects, subject({ ...old, forgotten: true }), NOW)).toBe(false);
  });
});

describe('former customers', () => {
  it('are customers whose last interaction is older than the policy allows', () => {
    const customer = (lastInteractionAt: string | null) => subject({ roles: ['CUSTOMER'], lastInteractionAt });
    expect(isRetentionCandidate(customers, customer('2021-03-01T00:00:00.000Z'), NOW)).toBe(true);
    expect(isRetentionCandidate(customers, customer('2021-03-03T00:00:00.000Z'), NOW)).toBe(false);
    expect(isRetentionCandidate(customers, subject({ lastInteractionAt: '2019-01-01T00:00:00.000Z' }), NOW)).toBe(false);
  });

  it('count from their conversion, then their registration, when never contacted', () => {
    const converted = subject({ roles: ['CUSTOMER'], registeredAt: '2015-01-01T00:00:00.000Z', convertedAt: '2024-01-01T00:00:00.000Z' });
    expect(retentionAnchor('FORMER_CUSTOMERS', converted)).toBe('2024-01-01T00:00:00.000Z');
    expect(isRetentionCandidate(customers, converted, NOW)).toBe(false);
    expect(isRetentionCandidate(customers, { ...converted, convertedAt: null }, NOW)).toBe(true);
  });
});
