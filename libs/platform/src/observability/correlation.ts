import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id of the work in hand: set for an HTTP request, for an
 * automation handling an event (the event's own correlationId) and for a
 * follow-up step; read by the logger and the mailer, so a command can be
 * followed through its events, the automations and the mails they send.
 */
const current = new AsyncLocalStorage<string>();

export const CORRELATION_HEADER = 'x-correlation-id';
/** On every mail sent because of a command, so a bounce or a complaint can be traced back to it. */
export const MAIL_CORRELATION_HEADER = 'X-Suivi-Correlation-Id';

// Ids other systems use (UUIDs, W3C trace ids, ULIDs, `req-42`): printable, no spaces, short.
// Anything else is replaced rather than logged and stored in every event's metadata.
const SANE = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;

/** The id a client sent, when it is safe to log and store; null otherwise. */
export function saneCorrelationId(raw: unknown): string | null {
  return typeof raw === 'string' && SANE.test(raw) ? raw : null;
}

export const newCorrelationId = (): string => randomUUID();

export function runWithCorrelation<T>(correlationId: string, work: () => T): T {
  return current.run(correlationId, work);
}

export function currentCorrelationId(): string | null {
  return current.getStore() ?? null;
}
