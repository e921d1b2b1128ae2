import type { ThirdPartyRole } from '../third-party/third-party.events.js';
import type { RetentionKind, RetentionPolicy } from './retention-policy.js';

/** What the rule needs to know of a third party: the directory read model has all of it. */
export interface RetentionSubject {
  readonly thirdPartyId: string;
  readonly roles: readonly ThirdPartyRole[];
  /** Latest exchange or note; null when never contacted. */
  readonly lastInteractionAt: string | null;
  readonly registeredAt: string;
  readonly convertedAt: string | null;
  /** Already forgotten: nothing is left to erase. */
  readonly forgotten: boolean;
}

/**
 * The instant `months` calendar months before `now`, in UTC. A day the target
 * month does not have becomes its last day (31 March − 1 month = 28 or 29
 * February), so the cut-off never spills into the next month.
 */
export const monthsBefore = (now: Date, months: number): Date => {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(now.getUTCDate(), lastDay), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()),
  );
};

/**
 * The instant a policy counts inactivity from, or null when the third party is
 * not of the policy's kind.
 *
 * - INACTIVE_PROSPECTS: a prospect that is not a customer. Its last interaction,
 *   or its registration when it was never contacted: a history imported today
 *   is judged by its own dates, not by the day of the import.
 * - FORMER_CUSTOMERS: a customer. Suivi has no invoices yet, so the last
 *   interaction stands for the last invoice; a customer never contacted counts
 *   from its conversion, or its registration.
 *
 * A supplier is never a candidate: what a business keeps about its suppliers
 * follows accounting rules no policy here covers.
 */
export const retentionAnchor = (kind: RetentionKind, subject: RetentionSubject): string | null => {
  const roles = subject.roles;
  if (roles.includes('SUPPLIER')) return null;
  switch (kind) {
    case 'INACTIVE_PROSPECTS':
      return roles.includes('PROSPECT') && !roles.includes('CUSTOMER') ? (subject.lastInteractionAt ?? subject.registeredAt) : null;
    case 'FORMER_CUSTOMERS':
      return roles.includes('CUSTOMER') ? (subject.lastInteractionAt ?? subject.convertedAt ?? subject.registeredAt) : null;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
};

/** Whether a policy applies to a third party now: of its kind, not forgotten, and inactive since before the cut-off. */
export const isRetentionCandidate = (policy: RetentionPolicy, subject: RetentionSubject, now: Date): boolean => {
  if (subject.forgotten) return false;
  const anchor = retentionAnchor(policy.appliesTo, subject);
  if (anchor === null) return false;
  const anchorTime = Date.parse(anchor);
  return !Number.isNaN(anchorTime) && anchorTime < monthsBefore(now, policy.afterMonths).getTime();
};
