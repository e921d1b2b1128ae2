import type { Message } from '../shared/event.js';
import { streams } from '../shared/streams.js';

export const accessDenialReasons = ['unauthenticated', 'forbidden', 'outOfScope'] as const;
/**
 * `unauthenticated`: no valid token; `forbidden`: the user lacks the operation's
 * permission; `outOfScope`: the user named a third party (or something of one)
 * outside their territories or ownership, and was answered as if it did not exist.
 */
export type AccessDenialReason = (typeof accessDenialReasons)[number];

/**
 * A refused attempt, for administrators: who (null when the request carried no
 * valid token), which operation, why, from which address. Recorded by the API
 * after it has answered; no decision reads it, so it has no decider.
 */
export type AccessDenied = Message<
  'AccessDenied',
  {
    readonly userId: string | null;
    readonly login: string | null;
    /** `Type.field` of the GraphQL field refused, or `METHOD route` of an unauthenticated request. */
    readonly operation: string;
    readonly reason: AccessDenialReason;
    /** The client's address as the HTTP server saw it (behind a proxy: as its trust settings say). */
    readonly address: string | null;
    readonly deniedAt: string;
  }
>;

export type SecurityEvent = AccessDenied;

/**
 * The security stream a denial at `at` belongs to: one per UTC day
 * (`security-2026-11-23`), so that no stream grows without bound however many
 * attempts are refused, and a day's attempts read as one stream.
 */
export const securityStreamOf = (at: Date): string => streams.security(at.toISOString().slice(0, 10));
