import { describe, expect, it } from '@jest/globals';
import type { ThirdPartyReference } from '../contact/contact.commands.js';
import { deciderSpec, fixedContext, NOW } from '../testing/decider-spec.js';
import type { ChangeCommercialDocumentStatus, RecordCommercialDocument } from './commercial-document.commands.js';
import { commercialDocumentDecider, commercialDocumentName } from './commercial-document.decider.js';
import {
  commercialDocumentStatuses,
  commercialDocumentTypes,
  type CommercialDocumentRecorded,
  type CommercialDocumentStatus,
  type CommercialDocumentStatusChanged,
  type CommercialDocumentType,
} from './commercial-document.events.js';
import { commercialDocumentTransitions, initialStatusOf, isFinalStatus, mayMove } from './commercial-document.transitions.js';

const { given } = deciderSpec(commercialDocumentDecider);

const active: ThirdPartyReference = { thirdPartyId: 'tp-1', status: 'active' };

const record = (data: Partial<RecordCommercialDocument['data']> = {}): RecordCommercialDocument => ({
  type: 'RecordCommercialDocument',
  data: {
    documentId: 'doc-1',
    thirdParty: active,
    documentType: 'INVOICE',
    ref: 'FA2603-0042',
    amount: '1200.00',
    currency: 'EUR',
    issuedAt: '2026-03-01T09:00:00Z',
    dueAt: '2026-03-31T00:00:00+02:00',
    ...data,
  },
});

const recorded = (data: Partial<CommercialDocumentRecorded['data']> = {}): CommercialDocumentRecorded => ({
  type: 'CommercialDocumentRecorded',
  data: {
    documentId: 'doc-1',
    thirdPartyId: 'tp-1',
    documentType: 'INVOICE',
    ref: 'FA2603-0042',
    label: null,
    amount: '1200.00',
    currency: 'EUR',
    issuedAt: '2026-03-01T09:00:00.000Z',
    dueAt: '2026-03-30T22:00:00.000Z',
    status: 'ISSUED',
    statusAt: '2026-03-01T09:00:00.000Z',
    paidAmount: null,
    ...data,
  },
});

const change = (status: string, data: Partial<ChangeCommercialDocumentStatus['data']> = {}): ChangeCommercialDocumentStatus => ({
  type: 'ChangeCommercialDocumentStatus',
  data: { documentId: 'doc-1', status, ...data },
});

const changed = (
  from: CommercialDocumentStatus,
  to: CommercialDocumentStatus,
  data: Partial<CommercialDocumentStatusChanged['data']> = {},
): CommercialDocumentStatusChanged => ({
  type: 'CommercialDocumentStatusChanged',
  data: { documentId: 'doc-1', thirdPartyId: 'tp-1', documentType: 'INVOICE', ref: 'FA2603-0042', from, to, at: NOW.toISOString(), paidAmount: null, ...data },
});

describe('RecordCommercialDocument', () => {
  it("records the document in its type's first status, reached when it was issued, with instants in UTC", () => {
    given([]).when(record()).then([recorded()]);
  });

  it('dates a later first status now, unless told when it happened', () => {
    const [now] = given([]).when(record({ status: 'PAID' })).events();
    expect(now?.data).toMatchObject({ status: 'PAID', statusAt: NOW.toISOString() });
    const [told] = given([]).when(record({ status: 'PAID', statusAt: '2026-03-01T12:00:00Z' })).events();
    expect(told?.data).toMatchObject({ status: 'PAID', statusAt: '2026-03-01T12:00:00.000Z' });
  });

  it('records every field given, normalised', () => {
    given([])
      .when(
        record({
          documentType: 'QUOTE',
          ref: '  PR2603-0007 ',
          label: ' Spring fair croissants ',
          amount: '0950.5',
          currency: 'eur',
          dueAt: null,
          status: 'ACCEPTED',
          statusAt: '2026-03-01T11:00:00+01:00',
        }),
      )
      .then([
        recorded({
          documentType: 'QUOTE',
          ref: 'PR2603-0007',
          label: 'Spring fair croissants',
          amount: '950.50',
          dueAt: null,
          status: 'ACCEPTED',
          statusAt: '2026-03-01T10:00:00.000Z',
        }),
      ]);
  });

  it.each(commercialDocumentTypes)('starts a %s in its first status', (documentType) => {
    const [event] = given([]).when(record({ documentType, paidAmount: null })).events();
    expect(event?.data).toMatchObject({ documentType, status: initialStatusOf(documentType) });
  });

  it('records an invoice already paid, in part or in full', () => {
    const [partly] = given([]).when(record({ status: 'PARTIALLY_PAID', paidAmount: '400' })).events();
    expect(partly?.data).toMatchObject({ status: 'PARTIALLY_PAID', paidAmount: '400.00' });
    const [paid] = given([]).when(record({ status: 'PAID' })).events();
    expect(paid?.data).toMatchObject({ status: 'PAID', paidAmount: '1200.00' });
  });

  it('is a no-op when the same document is recorded again, whatever its status since', () => {
    given([recorded()]).when(record()).thenNothing();
    given([recorded(), changed('ISSUED', 'PAID', { paidAmount: '1200.00' })]).when(record({ amount: '1200' })).thenNothing();
  });

  it('refuses the same ref with other facts: nothing amends a document', () => {
    given([recorded()]).when(record({ amount: '1300.00' })).thenViolates(/INVOICE FA2603-0042 of this third party is already recorded with other details/);
    given([recorded()]).when(record({ status: 'PAID' })).thenViolates(/already recorded/);
    given([recorded()]).when(record({ statusAt: '2026-03-01T10:00:00Z' })).thenViolates(/already recorded/);
  });

  it.each<[string, Partial<RecordCommercialDocument['data']>, string, RegExp | null]>([
    ['a missing third party', { thirdParty: null }, 'thirdPartyId', /is required/],
    ['an unknown third party', { thirdParty: { thirdPartyId: 'tp-9', status: 'none' } }, 'thirdPartyId', /no third party with id tp-9/],
    ['an archived third party', { thirdParty: { thirdPartyId: 'tp-1', status: 'archived' } }, 'thirdPartyId', /archived/],
    ['an unknown type', { documentType: 'RECEIPT' }, 'type', /QUOTE, ORDER, INVOICE, CONTRACT/],
    ['an empty ref', { ref: '  ' }, 'ref', /must not be empty/],
    ['a ref over 100 characters', { ref: 'R'.repeat(101) }, 'ref', /at most 100/],
    ['a label over 200 characters', { label: 'L'.repeat(201) }, 'label', /at most 200/],
    ['an amount with three decimals', { amount: '12.345' }, 'amount', /at most 2 decimals/],
    ['a negative amount', { amount: '-5.00' }, 'amount', /not negative/],
    ['an amount with a comma', { amount: '1 200,50' }, 'amount', /1200.50/],
    ['an amount in exponent notation', { amount: '1e3' }, 'amount', null],
    ['an amount that is a number', { amount: 12.5 as unknown as string }, 'amount', /decimal string/],
    ['a currency of two letters', { currency: 'EU' }, 'currency', /ISO 4217/],
    ['a currency with a digit', { currency: 'EU1' }, 'currency', null],
    ['an issue date without offset', { issuedAt: '2026-03-01T09:00:00' }, 'issuedAt', null],
    ['a due date before the issue', { dueAt: '2026-02-28T09:00:00Z' }, 'dueAt', /must not be before issuedAt/],
    ['a status of another type', { status: 'ACCEPTED' }, 'status', /ISSUED, PARTIALLY_PAID, PAID, CANCELLED for type INVOICE/],
    ['a malformed status instant', { statusAt: 'yesterday' }, 'statusAt', null],
    ['a paid amount on an issued invoice', { paidAmount: '10' }, 'paidAmount', /only for an invoice PARTIALLY_PAID or PAID/],
    ['a paid amount on a quote', { documentType: 'QUOTE', status: 'ACCEPTED', paidAmount: '10' }, 'paidAmount', null],
    ['a partial payment of everything', { status: 'PARTIALLY_PAID', paidAmount: '1200.00' }, 'paidAmount', /less than the amount/],
    ['a partial payment of nothing', { status: 'PARTIALLY_PAID', paidAmount: '0' }, 'paidAmount', /more than 0/],
    ['a full payment of less', { status: 'PAID', paidAmount: '1000' }, 'paidAmount', /paid in full \(1200.00\)/],
  ])('refuses %s, naming the field', (_what, data, field, message) => {
    given([]).when(record(data)).thenInvalid(field, message ?? undefined);
  });
});

describe('ChangeCommercialDocumentStatus', () => {
  it('moves the document on, at the instant given or now', () => {
    given([recorded()]).when(change('CANCELLED')).then([changed('ISSUED', 'CANCELLED')]);
    given([recorded()])
      .when(change('CANCELLED', { at: '2026-03-05T10:00:00+01:00' }))
      .then([changed('ISSUED', 'CANCELLED', { at: '2026-03-05T09:00:00.000Z' })]);
  });

  it('records payments: instalments as the total paid so far, then paid in full', () => {
    const first = changed('ISSUED', 'PARTIALLY_PAID', { paidAmount: '400.00' });
    given([recorded()]).when(change('PARTIALLY_PAID', { paidAmount: '400' })).then([first]);
    const second = changed('PARTIALLY_PAID', 'PARTIALLY_PAID', { paidAmount: '900.00' });
    given([recorded(), first]).when(change('PARTIALLY_PAID', { paidAmount: '900.00' })).then([second]);
    given([recorded(), first, second]).when(change('PAID')).then([changed('PARTIALLY_PAID', 'PAID', { paidAmount: '1200.00' })]);
  });

  it('keeps what was paid when an invoice paid in part is cancelled', () => {
    const first = changed('ISSUED', 'PARTIALLY_PAID', { paidAmount: '400.00' });
    given([recorded(), first]).when(change('CANCELLED')).then([changed('PARTIALLY_PAID', 'CANCELLED', { paidAmount: '400.00' })]);
  });

  it('changes nothing when the status is the current one (its first instant stands), or the instalment is the same', () => {
    given([recorded()]).when(change('ISSUED', { at: '2026-03-10T00:00:00Z' })).thenNothing();
    const first = changed('ISSUED', 'PARTIALLY_PAID', { paidAmount: '400.00' });
    given([recorded(), first]).when(change('PARTIALLY_PAID', { paidAmount: '400' })).thenNothing();
    given([recorded(), first]).when(change('PARTIALLY_PAID')).thenNothing();
  });

  it('refuses a PAID invoice going back to ISSUED, saying the status is final', () => {
    given([recorded({ status: 'PAID', paidAmount: '1200.00' })])
      .when(change('ISSUED'))
      .thenViolates('INVOICE FA2603-0042 is PAID and cannot become ISSUED: PAID is final');
  });

  it('says where a status can go when a move is refused', () => {
    given([recorded({ documentType: 'CONTRACT', status: 'DRAFT' })])
      .when(change('TERMINATED'))
      .thenViolates('CONTRACT FA2603-0042 is DRAFT and cannot become TERMINATED: from DRAFT it can become SIGNED, CANCELLED');
  });

  it('refuses an instant before the current status', () => {
    given([recorded({ statusAt: '2026-03-02T09:00:00.000Z' })])
      .when(change('PAID', { at: '2026-03-02T08:59:59Z' }))
      .thenInvalid('at', 'at: must not be before the current status (ISSUED at 2026-03-02T09:00:00.000Z)');
  });

  it('names the bad field', () => {
    given([recorded()]).when(change('SIGNED')).thenInvalid('status', /for type INVOICE/);
    given([recorded()]).when(change('PAID', { at: '2026-03-02' })).thenInvalid('at');
    given([recorded()]).when(change('PARTIALLY_PAID', { paidAmount: '1.234' })).thenInvalid('paidAmount');
    given([recorded({ documentType: 'ORDER', status: 'PLACED' })]).when(change('SHIPPED', { paidAmount: '5' })).thenInvalid('paidAmount');
  });

  it('answers NOT_FOUND for a document never recorded', () => {
    given([]).when(change('PAID')).thenNotFound('commercialDocument', 'doc-1');
  });
});

/**
 * The transition table, walked whole: for every type, every ordered pair of
 * its statuses is accepted exactly when the table lists it, and a repeat of
 * the current status that the table does not list changes nothing.
 */
describe('the transition table', () => {
  const pairs = commercialDocumentTypes.flatMap((type) => {
    const statuses: readonly CommercialDocumentStatus[] = commercialDocumentStatuses[type];
    return statuses.flatMap((from) => statuses.map((to): [CommercialDocumentType, CommercialDocumentStatus, CommercialDocumentStatus] => [type, from, to]));
  });

  it('lists a row for every status of every type, and only statuses of that type', () => {
    for (const type of commercialDocumentTypes) {
      const statuses: readonly string[] = commercialDocumentStatuses[type];
      const rows = commercialDocumentTransitions[type] as Readonly<Record<string, readonly string[]>>;
      expect(Object.keys(rows).sort()).toEqual([...statuses].sort());
      for (const targets of Object.values(rows)) expect(targets.filter((to) => !statuses.includes(to))).toEqual([]);
    }
  });

  it.each(pairs)('%s %s → %s: as the table says', (documentType, from, to) => {
    // An invoice partly paid starts from 400.00 so that an instalment (to 900.00) is a change.
    const partly = from === 'PARTIALLY_PAID';
    const history = [recorded({ documentType, status: from, paidAmount: from === 'PAID' ? '1200.00' : partly ? '400.00' : null })];
    const paidAmount = to === 'PARTIALLY_PAID' ? '900.00' : null;
    const when = given(history).when(change(to, { at: '2026-03-05T09:00:00Z', paidAmount }), fixedContext());
    if (mayMove(documentType, from, to)) {
      const [event] = when.events();
      expect(event).toMatchObject({ type: 'CommercialDocumentStatusChanged', data: { from, to, at: '2026-03-05T09:00:00.000Z' } });
    } else if (from === to) {
      when.thenNothing();
    } else {
      when.thenViolates(isFinalStatus(documentType, from) ? `${from} is final` : `from ${from} it can become`);
    }
  });

  it('keeps the rules the business relies on', () => {
    expect(mayMove('INVOICE', 'PAID', 'ISSUED')).toBe(false);
    expect(mayMove('INVOICE', 'PAID', 'CANCELLED')).toBe(false);
    expect(mayMove('QUOTE', 'EXPIRED', 'ACCEPTED')).toBe(true);
    expect(mayMove('CONTRACT', 'SIGNED', 'DRAFT')).toBe(false);
    expect(mayMove('ORDER', 'DELIVERED', 'CANCELLED')).toBe(false);
  });
});

describe('commercialDocumentName', () => {
  it('names one document by third party, type and ref, whatever the spacing or Unicode form of the ref', () => {
    expect(commercialDocumentName('tp-1', 'QUOTE', ' Devis-É1 ')).toBe(commercialDocumentName('tp-1', 'QUOTE', 'Devis-E\u03011'));
    expect(commercialDocumentName('tp-1', 'QUOTE', 'D-1')).not.toBe(commercialDocumentName('tp-1', 'ORDER', 'D-1'));
    expect(commercialDocumentName('tp-1', 'QUOTE', 'D-1')).not.toBe(commercialDocumentName('tp-2', 'QUOTE', 'D-1'));
  });

  it('validates the type and the ref as the decider does', () => {
    expect(() => commercialDocumentName('tp-1', 'RECEIPT', 'D-1')).toThrow('type: must be one of QUOTE, ORDER, INVOICE, CONTRACT');
    expect(() => commercialDocumentName('tp-1', 'QUOTE', '')).toThrow('ref: must not be empty');
  });
});
