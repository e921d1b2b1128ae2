import { describe, expect, it } from '@jest/globals';
import { followUpDecider, followUpIdOf, streams, type CommandContext, type FollowUpCommand, type FollowUpEvent } from '#domain';
import { docsOf, envelopeOf, foldProjection } from '../testing/envelope-fixtures.js';
import { followUpsProjection, type FollowUpEntry } from './follow-ups.projection.js';
import { stateOfStep } from './follow-ups.queries.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:30:00.000Z');
const id = followUpIdOf('QUOTE_NO_RESPONSE', 'doc-1');
const context = (days: number): CommandContext => ({
  actorId: 'automation',
  now: new Date(T0 + days * DAY),
  commandId: 'c',
  correlationId: 'c',
  causationId: null,
  source: 'automation',
});

/** Events written by the decider itself, so the read model is tested against what the log really holds. */
const history = (commands: [FollowUpCommand, number][]): FollowUpEvent[] => {
  let state = followUpDecider.initialState();
  const events: FollowUpEvent[] = [];
  for (const [command, day] of commands) {
    const decided = followUpDecider.decide(command, state, context(day));
    state = decided.reduce(followUpDecider.evolve, state);
    events.push(...decided);
  }
  return events;
};

const step = (n: number) => ({ followUpId: id, cycle: 1, step: n });
const events = history([
  [
    {
      type: 'ScheduleFollowUp',
      data: {
        followUpId: id,
        kind: 'QUOTE_NO_RESPONSE',
        thirdPartyId: 'tp-1',
        documentId: 'doc-1',
        anchorAt: new Date(T0).toISOString(),
        ownerId: 'user-7',
        language: 'fr',
        steps: [
          { offsetDays: 3, mode: 'AUTO' },
          { offsetDays: 7, mode: 'APPROVAL' },
          { offsetDays: 14, mode: 'AUTO' },
        ],
      },
    },
    0,
  ],
  [{ type: 'DecideFollowUpSend', data: step(1) }, 3],
  [{ type: 'RecordFollowUpSent', data: { ...step(1), recipients: 1 } }, 3],
]);
const envelopes = events.map((event, index) => envelopeOf(event, { streamName: streams.followUp(id), revision: BigInt(index), position: BigInt(10 + index) }));
const docOf = (list = envelopes): FollowUpEntry => docsOf(foldProjection(followUpsProjection, list))[id]!;

describe('the follow-ups read model', () => {
  it('keeps each step of the cycle and what the tick looks up next', () => {
    const doc = docOf();
    expect(doc.steps.map((s) => s.record)).toEqual(['SENT', 'SCHEDULED', 'SCHEDULED']);
    expect(doc).toMatchObject({ open: true, nextDueAt: new Date(T0 + 7 * DAY).toISOString(), ownerId: 'user-7', lastPosition: '12' });
  });

  it('reads the state of a step against the time of the query', () => {
    const doc = docOf();
    const states = (days: number) => doc.steps.map((s) => stateOfStep(doc, s, new Date(T0 + days * DAY)));
    expect(states(4)).toEqual(['SENT', 'SCHEDULED', 'SCHEDULED']);
    // Step 3 is due by date, but waits for step 2, which waits for a person.
    expect(states(15)).toEqual(['SENT', 'AWAITING_APPROVAL', 'SCHEDULED']);
  });

  it('marks what is left as cancelled and closes the follow-up', () => {
    const state = events.reduce(followUpDecider.evolve, followUpDecider.initialState());
    const [event] = followUpDecider.decide({ type: 'CancelFollowUp', data: { followUpId: id, reason: 'DOCUMENT_CLOSED' } }, state, context(4));
    const doc = docOf([...envelopes, envelopeOf(event!, { streamName: streams.followUp(id), revision: 3n, position: 20n })]);
    expect(doc.steps.map((s) => s.record)).toEqual(['SENT', 'CANCELLED', 'CANCELLED']);
    expect(doc).toMatchObject({ open: false, nextDueAt: null, cancelReason: 'DOCUMENT_CLOSED' });
  });

  it('changes nothing when events are applied twice', () => {
    const once = foldProjection(followUpsProjection, envelopes);
    expect(docsOf(foldProjection(followUpsProjection, envelopes, once))).toEqual(docsOf(once));
  });
});
