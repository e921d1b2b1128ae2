import { describe, expect, it } from '@jest/globals';
import { ERASED, type CommercialDocumentRecorded, type CommercialDocumentStatusChanged, type ExchangeStatusChanged, type ThirdPartyForgotten } from '#domain';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { commercialDocumentsProjection, evolveCommercialDocuments, type CommercialDocumentEntry } from './commercial-documents.projection.js';

const stream = 'commercialDocument-d-1';

const recorded = envelopeOf<CommercialDocumentRecorded>(
  {
    type: 'CommercialDocumentRecorded',
    data: {
      documentId: 'd-1',
      thirdPartyId: 'tp-1',
      documentType: 'INVOICE',
      ref: 'FA2503-0001',
      label: 'Spring fair',
      amount: '1200.00',
      currency: 'EUR',
      issuedAt: '2025-03-01T09:00:00.000Z',
      dueAt: '2025-03-31T09:00:00.000Z',
      status: 'ISSUED',
      statusAt: '2025-03-01T09:00:00.000Z',
      paidAmount: null,
    },
  },
  { streamName: stream, revision: 0n, position: 5n, occurredAt: '2025-03-04T10:00:00.000Z', actorId: 'alice' },
);

const statusChanged = (
  from: CommercialDocumentStatusChanged['data']['from'],
  to: CommercialDocumentStatusChanged['data']['to'],
  at: string,
  paidAmount: string | null,
  revision: bigint,
  position: bigint,
) =>
  envelopeOf<CommercialDocumentStatusChanged>(
    { type: 'CommercialDocumentStatusChanged', data: { documentId: 'd-1', thirdPartyId: 'tp-1', documentType: 'INVOICE', ref: 'FA2503-0001', from, to, at, paidAmount } },
    { streamName: stream, revision, position, occurredAt: '2025-03-20T08:00:00.000Z', actorId: 'erp' },
  );

// Recorded by the ERP days after the customer paid: `at` is when it happened.
const partly = statusChanged('ISSUED', 'PARTIALLY_PAID', '2025-03-10T12:00:00+01:00', '400.00', 1n, 9n);
const paid = statusChanged('PARTIALLY_PAID', 'PAID', '2025-03-18T09:00:00.000Z', '1200.00', 2n, 12n);

const expected: CommercialDocumentEntry = {
  id: 'd-1',
  thirdPartyId: 'tp-1',
  type: 'INVOICE',
  ref: 'FA2503-0001',
  label: 'Spring fair',
  amount: '1200.00',
  currency: 'EUR',
  issuedAt: '2025-03-01T09:00:00.000Z',
  dueAt: '2025-03-31T09:00:00.000Z',
  status: 'PAID',
  statusAt: '2025-03-18T09:00:00.000Z',
  paidAmount: '1200.00',
  history: [
    { status: 'ISSUED', at: '2025-03-01T09:00:00.000Z', paidAmount: null, recordedAt: '2025-03-04T10:00:00.000Z', recordedBy: 'alice' },
    { status: 'PARTIALLY_PAID', at: '2025-03-10T11:00:00.000Z', paidAmount: '400.00', recordedAt: '2025-03-20T08:00:00.000Z', recordedBy: 'erp' },
    { status: 'PAID', at: '2025-03-18T09:00:00.000Z', paidAmount: '1200.00', recordedAt: '2025-03-20T08:00:00.000Z', recordedBy: 'erp' },
  ],
  recordedBy: 'alice',
  recordedAt: '2025-03-04T10:00:00.000Z',
  updatedAt: '2025-03-20T08:00:00.000Z',
  version: '2',
  lastPosition: '12',
};

describe('the commercial documents read model', () => {
  it('keeps the current status, every status with its instant, and the amounts as decimal strings', () => {
    expect(docsOf(foldProjection(commercialDocumentsProjection, [recorded, partly, paid]))).toEqual({ 'd-1': expected });
  });

  it('is unchanged when the events are delivered again', () => {
    const once = foldProjection(commercialDocumentsProjection, [recorded, partly, paid]);
    const twice = foldProjection(commercialDocumentsProjection, [recorded, partly, paid], once);
    expect(docsOf(twice)).toEqual({ 'd-1': expected });
  });

  it('ignores a status change of a document it never saw recorded, and events of other streams', () => {
    expect(evolveCommercialDocuments(null, partly)).toBeNull();
    const other = envelopeOf<ExchangeStatusChanged>(
      { type: 'ExchangeStatusChanged', data: { exchangeId: 'x-1', thirdPartyId: 'tp-1', contactIds: [], subject: 'quote', occurredAt: '2025-03-01T09:00:00.000Z', from: 'TO_DO', to: 'CLOSED' } },
      { streamName: 'exchange-x-1', revision: 1n, position: 20n },
    );
    expect(commercialDocumentsProjection.canHandle(other.type)).toBe(false);
    expect(commercialDocumentsProjection.documentId(other)).toBeNull();
    expect(commercialDocumentsProjection.documentId(partly)).toBe('d-1');
  });

  it('erases the label of a forgotten third party\'s documents, found by a fan-out, and keeps the facts', () => {
    const forgotten = envelopeOf<ThirdPartyForgotten>(
      {
        type: 'ThirdPartyForgotten',
        data: { thirdPartyId: 'tp-1', reason: 'SUBJECT_REQUEST', reference: null, forgottenAt: '2025-04-01T09:00:00.000Z', contactIds: [] },
      },
      { streamName: 'thirdParty-tp-1', revision: 3n, position: 30n },
    );
    expect(commercialDocumentsProjection.canHandle(forgotten.type)).toBe(true);
    expect(commercialDocumentsProjection.fanOut?.(forgotten)).toEqual([{ field: 'thirdPartyId', op: 'eq', value: 'tp-1' }]);
    const erased = evolveCommercialDocuments(expected, forgotten);
    expect(erased).toEqual({ ...expected, label: ERASED, lastPosition: '30' });
    expect(commercialDocumentsProjection.forgets).toEqual(['thirdParty']);
  });
});
