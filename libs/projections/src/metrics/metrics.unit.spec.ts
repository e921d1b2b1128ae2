import { describe, expect, it } from '@jest/globals';
import { ERASED, type Message } from '#domain';
import type { EventEnvelope } from '#event-store';
import { envelopeOf } from '../testing/envelope-fixtures.js';
import { MetricsFold, emptyMetricsFacts, type MetricsFactsEntry } from './metrics-facts.js';
import { durationStats, lastContactDistribution, quantile, resolveMerges } from './metrics.compute.js';

let position = 0n;
const envelope = (event: Message): EventEnvelope => {
  position += 1n;
  return envelopeOf(event, { streamName: 's', revision: 0n, position });
};

const registered = (thirdPartyId: string, leadSource: string | null): Message => ({
  type: 'ThirdPartyRegistered',
  data: { thirdPartyId, name: 'X', kind: 'COMPANY', roles: ['PROSPECT'], prospectStatus: 'NEVER_CONTACTED', leadSource, territory: 'Lyon', ownerId: 'alice', registeredAt: '2025-01-01T00:00:00Z', categories: [], tags: [] },
});
const context = (thirdPartyId: string, exchangeId: string, occurredAt: string) => ({ exchangeId, thirdPartyId, contactIds: [], subject: 'prospecting', occurredAt });
const logged = (thirdPartyId: string, exchangeId: string, occurredAt: string): Message => ({ type: 'ExchangeLogged', data: { ...context(thirdPartyId, exchangeId, occurredAt) } });

const fold = (events: readonly Message[]): Map<string, MetricsFactsEntry> => {
  const metrics = new MetricsFold();
  for (const event of events) metrics.apply(envelope(event));
  return new Map(metrics.entries().map((entry) => [entry.id, entry]));
};

describe('the metrics fold', () => {
  it('follows an exchange moved in time, and drops a deleted one', () => {
    const facts = fold([
      registered('tp-1', 'fair'),
      logged('tp-1', 'x-1', '2025-01-05T00:00:00Z'),
      logged('tp-1', 'x-2', '2025-01-03T00:00:00+01:00'),
      { type: 'ExchangeUpdated', data: { ...context('tp-1', 'x-1', '2025-01-01T12:00:00Z'), changes: [], previousContactIds: [] } },
      logged('tp-1', 'x-3', '2025-01-09T00:00:00Z'),
      { type: 'ExchangeDeleted', data: { ...context('tp-1', 'x-3', '2025-01-09T00:00:00Z'), reason: null } },
    ]).get('tp-1')!;
    expect(facts.exchanges).toEqual([
      { id: 'x-1', at: '2025-01-01T12:00:00.000Z' },
      { id: 'x-2', at: '2025-01-02T23:00:00.000Z' },
    ]);
  });

  it('keeps no lead source once the third party is forgotten, nor one that reads erased', () => {
    const facts = fold([
      registered('tp-1', 'fair'),
      registered('tp-2', ERASED),
      { type: 'ThirdPartyForgotten', data: { thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: null, forgottenAt: '2025-02-01T00:00:00Z', contactIds: [] } },
    ]);
    expect(facts.get('tp-1')).toMatchObject({ leadSource: null, forgotten: true, territory: 'Lyon' });
    expect(facts.get('tp-2')?.leadSource).toBeNull();
  });

  it('keeps the first success of a document: paid, cancelled, paid again was paid first', () => {
    const change = (to: string, at: string): Message => ({
      type: 'CommercialDocumentStatusChanged',
      data: { documentId: 'd-1', thirdPartyId: 'tp-1', documentType: 'INVOICE', ref: 'F1', from: 'ISSUED', to, at, paidAmount: null },
    });
    const facts = fold([
      registered('tp-1', null),
      {
        type: 'CommercialDocumentRecorded',
        data: { documentId: 'd-1', thirdPartyId: 'tp-1', documentType: 'INVOICE', ref: 'F1', label: null, amount: '1.00', currency: 'EUR', issuedAt: '2025-01-01T00:00:00Z', dueAt: null, status: 'ISSUED', statusAt: '2025-01-01T00:00:00Z', paidAmount: null },
      },
      change('PAID', '2025-01-10T00:00:00Z'),
      change('CANCELLED', '2025-01-11T00:00:00Z'),
      change('PAID', '2025-01-12T00:00:00Z'),
    ]).get('tp-1')!;
    expect(facts.documents).toEqual([
      { id: 'd-1', type: 'INVOICE', issuedAt: '2025-01-01T00:00:00.000Z', status: 'PAID', succeededAt: '2025-01-10T00:00:00.000Z', steps: [] },
    ]);
  });

  it('counts an absorbed third party as its survivor, and on its own again once unmerged', () => {
    const moved = { contactIds: [], exchangeIds: [], documentIds: [], followUpIds: [], activityIds: [] };
    const merge: Message = { type: 'ThirdPartyMerged', data: { thirdPartyId: 'tp-2', survivorId: 'tp-1', name: 'X', reason: 'dup', mergedAt: '2025-02-01T00:00:00Z', moved } };
    const history = [registered('tp-1', 'fair'), registered('tp-2', 'web'), logged('tp-1', 'x-1', '2025-01-02T00:00:00Z'), logged('tp-2', 'x-2', '2025-01-01T00:00:00Z'), merge];
    const merged = resolveMerges([...fold(history).values()]);
    expect(merged.map((entry) => [entry.id, entry.exchanges.map((exchange) => exchange.id)])).toEqual([['tp-1', ['x-2', 'x-1']]]);
    const unmerged = resolveMerges([...fold([...history, { type: 'ThirdPartyUnmerged', data: { ...merge.data as object, unmergedAt: '2025-02-02T00:00:00Z' } }]).values()]);
    expect(unmerged.map((entry) => entry.id)).toEqual(['tp-1', 'tp-2']);
  });
});

describe('the computations', () => {
  it('interpolate quantiles between closest ranks', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([4], 0.75)).toBe(4);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(durationStats([2 * 86_400_000, 86_400_000, 6 * 86_400_000])).toEqual({ count: 3, medianDays: 2, p75Days: 4, meanDays: 3 });
    expect(durationStats([])).toEqual({ count: 0, medianDays: null, p75Days: null, meanDays: null });
  });

  it('put 30 days exactly in 30–90 and ignore exchanges dated after the instant', () => {
    const at = new Date('2025-03-31T00:00:00Z');
    const entry = (id: string, dates: string[]): MetricsFactsEntry => ({ ...emptyMetricsFacts(id), exchanges: dates.map((date, n) => ({ id: `${id}-${n}`, at: date })) });
    const distribution = lastContactDistribution(
      [entry('a', ['2025-03-01T00:00:00.000Z']), entry('b', ['2025-03-01T00:00:01.000Z', '2025-04-02T00:00:00.000Z']), entry('c', ['2025-04-02T00:00:00.000Z'])],
      at,
    );
    expect(distribution.buckets.filter((bucket) => bucket.count > 0)).toEqual([
      { bucket: 'UNDER_30_DAYS', count: 1 },
      { bucket: 'DAYS_30_TO_90', count: 1 },
      { bucket: 'NEVER', count: 1 },
    ]);
  });
});
