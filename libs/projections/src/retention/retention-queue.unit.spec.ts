import { describe, expect, it } from '@jest/globals';
import { streams, type RetentionReviewEvent } from '#domain';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { retentionQueueProjection, type ErasureProposalEntry } from './retention-queue.projection.js';

const facts = { proposalId: 'p-1', policy: 'former-customers', thirdPartyId: 'tp-1', lastInteractionAt: '2020-01-15T10:00:00.000Z' };
const events: RetentionReviewEvent[] = [
  { type: 'ErasureProposed', data: { ...facts, proposedAt: '2026-03-02T09:30:00.000Z' } },
  { type: 'ErasureRejected', data: { ...facts, rejectedAt: '2026-03-03T09:00:00.000Z', rejectedBy: 'user-2', reason: 'Contract renewal' } },
  { type: 'ErasureProposed', data: { ...facts, lastInteractionAt: '2020-06-01T00:00:00.000Z', proposedAt: '2031-07-01T00:00:00.000Z' } },
  { type: 'ErasureApproved', data: { ...facts, lastInteractionAt: '2020-06-01T00:00:00.000Z', approvedAt: '2031-07-02T00:00:00.000Z', approvedBy: 'user-3' } },
];
const envelopes = events.map((event, index) =>
  envelopeOf(event, { streamName: streams.retentionReview('p-1'), revision: BigInt(index), position: BigInt(10 + index) }),
);

const pending: ErasureProposalEntry = {
  id: 'p-1',
  policy: 'former-customers',
  thirdPartyId: 'tp-1',
  lastInteractionAt: '2020-01-15T10:00:00.000Z',
  proposedAt: '2026-03-02T09:30:00.000Z',
  status: 'PENDING',
  decidedAt: null,
  decidedBy: null,
  reason: null,
  lastPosition: '10',
};

describe('the retention queue', () => {
  it('holds a proposal while pending', () => {
    expect(docsOf(foldProjection(retentionQueueProjection, envelopes.slice(0, 1)))).toEqual({ 'p-1': pending });
  });

  it('records a rejection with who decided and why', () => {
    expect(docsOf(foldProjection(retentionQueueProjection, envelopes.slice(0, 2)))['p-1']).toEqual({
      ...pending,
      status: 'REJECTED',
      decidedAt: '2026-03-03T09:00:00.000Z',
      decidedBy: 'user-2',
      reason: 'Contract renewal',
      lastPosition: '11',
    });
  });

  it('shows the latest proposal of the policy and third party, then its approval', () => {
    expect(docsOf(foldProjection(retentionQueueProjection, envelopes.slice(0, 3)))['p-1']).toEqual({
      ...pending,
      lastInteractionAt: '2020-06-01T00:00:00.000Z',
      proposedAt: '2031-07-01T00:00:00.000Z',
      lastPosition: '12',
    });
    expect(docsOf(foldProjection(retentionQueueProjection, envelopes))['p-1']).toMatchObject({
      status: 'APPROVED',
      decidedAt: '2031-07-02T00:00:00.000Z',
      decidedBy: 'user-3',
      reason: null,
      lastPosition: '13',
    });
  });

  it('marks a withdrawn proposal, decided by nobody', () => {
    const withdrawn = envelopeOf(
      { type: 'ErasureProposalWithdrawn', data: { ...facts, withdrawnAt: '2026-04-01T00:00:00.000Z' } },
      { streamName: streams.retentionReview('p-1'), revision: 1n, position: 20n },
    );
    expect(docsOf(foldProjection(retentionQueueProjection, [envelopes[0]!, withdrawn]))['p-1']).toMatchObject({
      status: 'WITHDRAWN',
      decidedAt: '2026-04-01T00:00:00.000Z',
      decidedBy: null,
    });
  });

  it('changes nothing when the events are applied twice', () => {
    const once = foldProjection(retentionQueueProjection, envelopes);
    expect(foldProjection(retentionQueueProjection, envelopes, once)).toEqual(once);
  });

  it('ignores the events of other streams', () => {
    expect(retentionQueueProjection.canHandle('ThirdPartyRegistered')).toBe(false);
    expect(retentionQueueProjection.canHandle('ErasureProposed')).toBe(true);
  });
});
