import { expect } from '@jest/globals';
import { DomainRuleViolated, InvalidInput, NotFound } from '../shared/errors.js';
import type { CommandContext, Decider, Message } from '../shared/event.js';

/** Test support: given events, when a command, then events or an error. Fixed clock and ids. */

export const NOW = new Date('2026-03-02T09:30:00.000Z');

export const fixedContext = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  actorId: 'user-1',
  now: NOW,
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: null,
  source: 'api',
  ...overrides,
});

const caught = (attempt: () => unknown): unknown => {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected the command to be refused, but it was accepted');
};

export const deciderSpec = <State, Command extends Message, Event extends Message>(decider: Decider<State, Command, Event>) => {
  const fold = (events: readonly Event[]): State => events.reduce(decider.evolve, decider.initialState());
  return {
    fold,
    given: (events: readonly Event[]) => ({
      when: (command: Command, context: CommandContext = fixedContext()) => {
        const decide = (): Event[] => decider.decide(command, fold(events), context);
        return {
          events: decide,
          /** The state after the given events and the decided ones. */
          state: (): State => fold([...events, ...decide()]),
          then: (expected: Event[]): void => {
            expect(decide()).toEqual(expected);
          },
          thenNothing: (): void => {
            expect(decide()).toEqual([]);
          },
          thenInvalid: (field: string, message?: string | RegExp): void => {
            const error = caught(decide);
            expect(error).toBeInstanceOf(InvalidInput);
            expect((error as InvalidInput).field).toBe(field);
            if (message !== undefined) expect((error as InvalidInput).message).toMatch(message);
          },
          thenNotFound: (entity: string, id: string): void => {
            const error = caught(decide);
            expect(error).toBeInstanceOf(NotFound);
            expect(error).toMatchObject({ entity, id });
          },
          thenViolates: (message: string | RegExp): void => {
            const error = caught(decide);
            expect(error).toBeInstanceOf(DomainRuleViolated);
            expect((error as Error).message).toMatch(message);
          },
        };
      },
    }),
  };
};
