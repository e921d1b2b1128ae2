import { describe, expect, it } from '@jest/globals';
import { deciderSpec, fixedContext } from '../testing/decider-spec.js';
import type { ProposeErasure } from './retention-review.commands.js';
import { retentionReviewDecider } from './retention-review.decider.js';
import type { ErasureApproved, ErasureProposed, ErasureRejected } from './retention-review.events.js';

const { given, fold } = deciderSpec(retentionReviewDecider);

const facts = { proposalId: 'p-1', policy: 'former-customers', thirdPartyId: 'tp-1', lastInteractionAt: '2020-01-15T10:00:00.000Z' };

const propose = (data: Partial<ProposeErasure['data']> = {}): ProposeErasure => ({ type: 'ProposeErasure', data: { ...facts, ...data } });
const proposed = (data: Partial<ErasureProposed['data']> = {}): ErasureProposed => ({
  type: 'ErasureProposed',
  data: { ...facts, proposedAt: '2026-03-02T09:30:00.000Z', ...data },
});
const approved: ErasureApproved = {
  type: 'ErasureApproved',
  data: { ...facts, approvedAt: '2026-03-03T09:00:00.000Z', approvedBy: 'user-2' },
};
const rejected = (reason = 'Framework contract renewal under negotiation'): ErasureRejected => ({
  type: 'ErasureRejected',
  data: { ...facts, rejectedAt: '2026-03-03T09:00:00.000Z', rejectedBy: 'user-2', reason },
});

describe('ProposeErasure', () => {
  it('queues a third party past a policy, with the time of the command', () => {
    given([]).when(propose()).then([proposed()]);
  });

  it('normalises the anchor to UTC', () => {
    const [event] = given([]).when(propose({ lastInteractionAt: '2020-01-15T11:00:00+01:00' })).events();
    expect(event?.data.lastInteractionAt).toBe('2020-01-15T10:00:00.000Z');
  });

  it('proposes a pending or approved subject only once', () => {
    given([proposed()]).when(propose()).thenNothing();
    given([proposed(), approved]).when(propose()).thenNothing();
  });

  it('does not propose a rejected subject again until it has a newer interaction', () => {
    given([proposed(), rejected()]).when(propose()).thenNothing();
    given([proposed(), rejected()]).when(propose({ lastInteractionAt: '2019-01-01T00:00:00.000Z' })).thenNothing();
    given([proposed(), rejected()])
      .when(propose({ lastInteractionAt: '2020-06-01T00:00:00.000Z' }))
      .then([proposed({ lastInteractionAt: '2020-06-01T00:00:00.000Z' })]);
  });

  it('proposes a withdrawn subject again when it qualifies again', () => {
    const withdrawn = { type: 'ErasureProposalWithdrawn', data: { ...facts, withdrawnAt: '2026-03-03T00:00:00.000Z' } } as const;
    given([proposed(), withdrawn]).when(propose()).then([proposed()]);
  });

  it('refuses a policy name or an anchor that cannot be', () => {
    given([]).when(propose({ policy: 'Former Customers' })).thenInvalid('policy');
    given([]).when(propose({ lastInteractionAt: 'last spring' })).thenInvalid('lastInteractionAt');
  });
});

describe('ApproveErasure', () => {
  const approve = { type: 'ApproveErasure', data: { proposalId: 'p-1' } } as const;

  it('records who approved, and when', () => {
    given([proposed()]).when(approve, fixedContext({ actorId: 'user-2', now: new Date('2026-03-03T09:00:00.000Z') })).then([approved]);
  });

  it('is a no-op when repeated', () => {
    given([proposed(), approved]).when(approve).thenNothing();
  });

  it('refuses what is not pending', () => {
    given([]).when(approve).thenNotFound('erasure proposal', 'p-1');
    given([proposed(), rejected()]).when(approve).thenViolates(/was rejected/);
  });
});

describe('RejectErasure', () => {
  const reject = (reason: string) => ({ type: 'RejectErasure', data: { proposalId: 'p-1', reason } }) as const;

  it('records who kept the third party, and why', () => {
    given([proposed()])
      .when(reject('  Framework contract renewal under negotiation '), fixedContext({ actorId: 'user-2', now: new Date('2026-03-03T09:00:00.000Z') }))
      .then([rejected()]);
  });

  it('is a no-op when repeated; refuses an approved proposal', () => {
    given([proposed(), rejected()]).when(reject('Framework contract renewal under negotiation')).thenNothing();
    given([proposed(), rejected()]).when(reject('Another reason')).thenViolates(/was rejected/);
    given([proposed(), approved]).when(reject('Too late')).thenViolates(/was approved/);
  });

  it('needs a reason of one line', () => {
    given([proposed()]).when(reject(' ')).thenInvalid('reason', /must not be empty/);
    given([proposed()]).when(reject('a\nb')).thenInvalid('reason', /line breaks/);
    given([proposed()]).when(reject('x'.repeat(201))).thenInvalid('reason', /at most 200/);
  });
});

describe('WithdrawErasureProposal', () => {
  it('takes a pending proposal out of the queue, and does nothing otherwise', () => {
    const withdraw = { type: 'WithdrawErasureProposal', data: { proposalId: 'p-1' } } as const;
    expect(given([proposed()]).when(withdraw).state()).toMatchObject({ status: 'withdrawn', thirdPartyId: 'tp-1' });
    given([]).when(withdraw).thenNothing();
    given([proposed(), rejected()]).when(withdraw).thenNothing();
  });

  it('folds into the latest decision', () => {
    expect(fold([proposed(), rejected()])).toMatchObject({ status: 'rejected', reason: 'Framework contract renewal under negotiation' });
  });
});
