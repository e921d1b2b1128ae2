import { DomainRuleViolated, InvalidInput, NotFound } from '#domain';
import { StreamDeleted, SubjectForgotten, WrongExpectedRevision } from '#event-store';
import { processMetrics } from '#platform';

const refusal = (error: unknown): boolean =>
  error instanceof DomainRuleViolated ||
  error instanceof InvalidInput ||
  error instanceof NotFound ||
  error instanceof WrongExpectedRevision ||
  error instanceof StreamDeleted ||
  error instanceof SubjectForgotten;

/** The worker's commands in the same histogram and counter as the API's (suivi_command_duration_seconds). */
export function timedCommand<T extends { readonly events: readonly unknown[]; readonly replayed: boolean }>(command: string, work: () => Promise<T>): Promise<T> {
  return processMetrics().timeCommand(command, work, (result) => (result.replayed ? 0 : result.events.length), refusal);
}
